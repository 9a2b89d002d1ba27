"""The gateway's side of operations: the request id, one JSON log line per request, Prometheus metrics.

- Request id: a client's (or the ingress's) `X-Request-Id` is kept when it is a sane token (letters, digits,
  `._:-`, at most 64), else a new one is made. It is bound into the log context of the request, returned as
  `X-Request-Id` on every answer, and sent as the `request_id` header of every RPC call made while serving it
  (rpc.py); services log under it and record it with the events they emit, so their consumers log it too.
- `/metrics`: requests by method, endpoint (the URL rule, not the raw path) and status, and their latency. Under
  gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory, `make run` and the images do)
  and every worker's numbers are added up (prometheus-client's multiprocess mode; gunicorn.conf.py marks dead
  workers).
"""
import logging
import os
import time

from flask import Blueprint, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

from ausm_common import logs

from .cache import is_reference

REQUEST_ID_HEADER = "X-Request-Id"
QUIET_PATHS = {"/metrics", "/healthz", "/livez", "/readyz"}   # probes and scrapes: counted, logged at debug
# Cached public reference data answered from the gateway's memory (cache.is_reference, 200/304: the exam list and
# province tables everyone reloads when a window opens) is counted too and logged at debug: an access-log line cost
# about as much as serving the bytes (exam issue §7: the province table against a bare Flask app).

REQUESTS = Counter("ausm_http_requests_total", "HTTP requests answered by the gateway",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("ausm_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

log = logging.getLogger("ausm.http")
blp = Blueprint("metrics", __name__)


def _endpoint() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


def start_request():
    request_id = logs.clean_request_id(request.headers.get(REQUEST_ID_HEADER)) or logs.new_request_id()
    g.request_id = request_id
    g.request_started = time.perf_counter()
    logs.bind_request(request_id)


def finish_request(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.pop("request_started", None)
    if started is None:
        return response
    elapsed = time.perf_counter() - started
    endpoint = _endpoint()
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    LATENCY.labels(request.method, endpoint).observe(elapsed)
    quiet = request.path in QUIET_PATHS or (is_reference(response) and response.status_code in (200, 304))
    level = logging.DEBUG if quiet else logging.INFO
    if log.isEnabledFor(level):
        log.log(level, "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path, "endpoint": endpoint,
                       "status": response.status_code, "duration_ms": round(elapsed * 1000, 1)})
    return response


def end_request(exc=None):
    logs.clear()


@blp.route("/metrics")
def metrics():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def install(app):
    """Call first, so the request id is bound before any other hook logs or calls a service."""
    logs.configure("gateway")
    app.before_request(start_request)
    app.after_request(finish_request)
    app.teardown_request(end_request)
    app.register_blueprint(blp)
