"""gunicorn settings of the gateway (scripts/run.sh and deploy/Dockerfile.gateway pass `-c` with this file).

- Logs: gunicorn's own lines as JSON through the same formatter as the app (ausm_common/logs.py). No access log:
  the app writes one JSON line per request with its request id, status and duration (observability.py).
- Graceful stop: on SIGTERM the workers stop accepting and finish the requests in flight for up to
  graceful_timeout seconds (below Kubernetes' terminationGracePeriodSeconds, 40).
- Metrics: with PROMETHEUS_MULTIPROC_DIR set, the directory is emptied at start and a dead worker's live gauges are
  dropped, so /metrics adds up the workers that run.
"""
import os
import shutil

graceful_timeout = 30
accesslog = None

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ausm_common.logs.JsonFormatter", "process": "gateway"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
