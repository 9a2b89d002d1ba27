"""What a running service tells about itself: log context, Prometheus metrics, liveness and readiness.

`Telemetry` is a DependencyProvider every service gets from ServiceBase. For every worker it binds the request id
(the `request_id` header the gateway puts in every call and services forward; for events, the header the outbox
relay sets from the event's row) into the log context, and counts and times RPC calls by method and outcome. It
also serves, on its own HTTP port (config/env `METRICS_PORT`; default 9101 + the service's place in services.yml,
so local processes do not collide; `0` picks a free port, `off` serves nothing):

    /metrics   Prometheus text: the counters and histograms below, and gauges read at scrape time (worker pool in
               use, outbox backlog, dead letters by status, messages and consumers of the service's queues)
    /healthz   liveness: 200 while the process runs its container (no dependency is checked, so a broker or
               database outage never restarts every pod)
    /readyz    readiness: 200 when the database answers and the container's AMQP consumers are connected; 503
               while draining (SIGTERM) or when either is down, with what failed
"""
import json
import logging
import socket
import threading
import time
import weakref

import eventlet
from eventlet import wsgi
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer
from nameko.rpc import Rpc
from prometheus_client import REGISTRY, CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from . import logs, registry
from .config import env
from .context import REQUEST_ID_HEADER

log = logging.getLogger(__name__)
call_log = logging.getLogger("ausm.rpc")          # one line per RPC call served (LOG_LEVEL=WARNING silences it)
QUIET_METHODS = {"ping", "clock_now"}           # health checks: counted, not logged

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

RPC_CALLS = Counter("ausm_rpc_calls_total", "RPC calls served, by method and outcome "
                    "(ok, rejected = 4xx, unavailable = 503, error = 500)", ["service", "method", "outcome"])
RPC_LATENCY = Histogram("ausm_rpc_duration_seconds", "Time to serve an RPC call", ["service", "method"],
                        buckets=LATENCY_BUCKETS)
EVENTS = Counter("ausm_events_total", "Events consumed, by handler and outcome (applied, duplicate, failed)",
                 ["service", "handler", "outcome"])
EVENT_LATENCY = Histogram("ausm_event_duration_seconds", "Time to handle an event", ["service", "handler"],
                          buckets=LATENCY_BUCKETS)
EVENT_RETRIES = Counter("ausm_event_retries_total", "Retries of failed events, by the status they left the event in "
                        "(resolved, retrying, parked)", ["service", "outcome"])
OUTBOX_PUBLISHED = Counter("ausm_outbox_published_total", "Events relayed from the outbox to the broker",
                           ["service"])


def _via(worker_ctx) -> str | None:
    from .context import VIA_HEADER, verify
    claims = verify(worker_ctx.data.get(VIA_HEADER))
    return claims.get("service") if claims else None


def rpc_outcome(exc_info) -> str:
    if exc_info is None:
        return "ok"
    status = getattr(exc_info[1], "status", 500)
    if status == 503:
        return "unavailable"
    return "rejected" if 400 <= int(status) < 500 else "error"


def default_port(service: str) -> int:
    names = registry.names()
    return 9101 + (names.index(service) if service in names else len(names))


def configured_port(config: dict, service: str) -> int | None:
    value = config.get("METRICS_PORT")
    if value in (None, ""):
        value = env("METRICS_PORT")
    if value in (None, ""):
        return default_port(service)
    if str(value).strip().lower() in ("off", "none", "-1", "false"):
        return None
    return int(value)


# --- gauges read when Prometheus scrapes ------------------------------------------------------------

_live: "weakref.WeakSet[Telemetry]" = weakref.WeakSet()


class _ServiceCollector:
    """The gauges of every Telemetry in this process (a test process can run several containers)."""

    def collect(self):
        pool = GaugeMetricFamily("ausm_worker_pool_in_use", "Workers running now", labels=["service"])
        size = GaugeMetricFamily("ausm_worker_pool_size", "max_workers of the container", labels=["service"])
        backlog = GaugeMetricFamily("ausm_outbox_backlog", "Outbox events not yet published", labels=["service"])
        dead = GaugeMetricFamily("ausm_dead_letters", "Events waiting for a retry or parked, by status",
                                 labels=["service", "status"])
        depth = GaugeMetricFamily("ausm_queue_messages", "Messages ready in the service's queues",
                                  labels=["service", "queue"])
        consumers = GaugeMetricFamily("ausm_queue_consumers", "Consumers of the service's queues",
                                      labels=["service", "queue"])
        ready = GaugeMetricFamily("ausm_ready", "1 when the service instance is ready", labels=["service"])
        for telemetry in list(_live):
            name = telemetry.container.service_name
            pool.add_metric([name], len(telemetry.container._worker_threads))
            size.add_metric([name], telemetry.container.max_workers)
            snapshot = telemetry.database_snapshot()
            if snapshot:
                backlog.add_metric([name], snapshot["backlog"])
                for status, count in snapshot["dead_letters"].items():
                    dead.add_metric([name, status], count)
            for queue, (messages, count) in telemetry.queue_depths().items():
                depth.add_metric([name, queue], messages)
                consumers.add_metric([name, queue], count)
            ready.add_metric([name], 1 if telemetry.readiness()[0] else 0)
        yield from (pool, size, backlog, dead, depth, consumers, ready)


_collector_lock = threading.Lock()
_collector = {"registered": False}


def _register_collector():
    with _collector_lock:
        if not _collector["registered"]:
            REGISTRY.register(_ServiceCollector())
            _collector["registered"] = True


# --- the provider -------------------------------------------------------------------------------------

class Telemetry(DependencyProvider):
    """Log context and metrics per worker; /metrics, /healthz and /readyz on the metrics port."""

    def __init__(self):
        self.port = None
        self._server = None
        self._started = {}
        self._consumers_connected = {}   # id(QueueConsumer) -> True / False / None (not known yet)
        self._consumers = {}

    # lifecycle
    def setup(self):
        logs.ensure_json(self.container.service_name)
        _register_collector()
        self.draining = False
        wanted = configured_port(self.container.config, self.container.service_name)
        if wanted is not None:
            self._listen(wanted)

    def start(self):
        self._watch_consumers()
        _live.add(self)

    def stop(self):
        self.draining = True
        _live.discard(self)
        self._close()

    def kill(self):
        self.stop()

    def _listen(self, port: int):
        try:
            sock = eventlet.listen(("0.0.0.0", port))
        except OSError as exc:
            log.error("metrics port %s unavailable: %s (no /metrics, /healthz, /readyz)", port, exc)
            return
        self.port = sock.getsockname()[1]
        self._server = eventlet.spawn(wsgi.server, sock, self._app, log_output=False, max_size=8,
                                      log=logging.getLogger(f"{__name__}.http"))
        log.info("metrics and probes on port %s", self.port)

    def _close(self):
        server, self._server = self._server, None
        if server is not None:
            server.kill()

    # per worker
    def worker_setup(self, worker_ctx):
        request_id = logs.clean_request_id(worker_ctx.data.get(REQUEST_ID_HEADER))
        entrypoint = worker_ctx.entrypoint
        if request_id is None and isinstance(entrypoint, EventHandler) and worker_ctx.args:
            payload = worker_ctx.args[0]
            if isinstance(payload, dict):
                request_id = logs.clean_request_id(payload.get(logs.REQUEST_ID_FIELD))
        logs.bind_request(request_id, entrypoint=entrypoint.method_name)
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint
        if started is None or not isinstance(entrypoint, Rpc):
            return
        service, method = self.container.service_name, entrypoint.method_name
        outcome, elapsed = rpc_outcome(exc_info), time.perf_counter() - started
        RPC_CALLS.labels(service, method, outcome).inc()
        RPC_LATENCY.labels(service, method).observe(elapsed)
        if method in QUIET_METHODS:
            return
        call_log.info("rpc %s.%s %s", service, method, outcome,
                      extra={"rpc": f"{service}.{method}", "outcome": outcome, "duration_ms": round(elapsed * 1000, 1),
                             "via": _via(worker_ctx)})

    def worker_teardown(self, worker_ctx):
        self._started.pop(worker_ctx, None)
        logs.clear()

    def get_dependency(self, worker_ctx):
        return self

    # what the gauges and probes read
    def _database(self):
        from .db import Database
        for dependency in self.container.dependencies:
            if isinstance(dependency, Database) and dependency.factory is not None:
                return dependency.factory
        return None

    def database_snapshot(self) -> dict | None:
        tables = getattr(self.container.service_cls, "tables", None)
        factory = self._database()
        if tables is None or factory is None:
            return None
        from sqlalchemy import func, select
        try:
            with factory.get_session() as session:
                backlog = session.scalar(select(func.count()).select_from(tables.outbox)
                                         .where(tables.outbox.published_at.is_(None)))
                rows = session.execute(select(tables.dead_letter.status, func.count())
                                       .group_by(tables.dead_letter.status)).all()
        except Exception as exc:
            log.warning("metrics: database not readable: %r", exc)
            return None
        dead = {"retrying": 0, "parked": 0}
        dead.update({status: count for status, count in rows if status != "resolved"})
        return {"backlog": backlog, "dead_letters": dead}

    def _queue_names(self) -> list[str]:
        names = []
        for extension in self.container.extensions:
            queue = getattr(extension, "queue", None)
            if queue is not None and getattr(queue, "name", None):
                names.append(queue.name)
        return sorted(set(names))

    def queue_depths(self) -> dict:
        """(messages ready, consumers) of each queue this service consumes, by passive declare (cheap)."""
        from kombu import Connection
        depths = {}
        try:
            with Connection(self.container.config["AMQP_URI"], connect_timeout=2) as conn:
                channel = conn.channel()
                for name in self._queue_names():
                    try:
                        ok = channel.queue_declare(queue=name, passive=True)
                        depths[name] = (ok.message_count, ok.consumer_count)
                    except Exception:
                        channel = conn.channel()
        except Exception as exc:
            log.warning("metrics: broker not readable: %r", exc)
        return depths

    def _watch_consumers(self):
        """Follow each AMQP consumer's connection (kombu calls these hooks on connect and on every failure)."""
        for extension in list(self.container.extensions) + list(self.container.subextensions):
            for candidate in [extension, *getattr(extension, "__dict__", {}).values()]:
                if isinstance(candidate, QueueConsumer) and id(candidate) not in self._consumers_connected:
                    self._wrap(candidate)

    def _wrap(self, consumer):
        key = id(consumer)
        self._consumers_connected[key] = None            # not known yet: whether it has started consuming
        self._consumers[key] = consumer
        ready, error = consumer.on_consume_ready, consumer.on_connection_error

        def on_consume_ready(*args, **kwargs):
            self._consumers_connected[key] = True
            return ready(*args, **kwargs)

        def on_connection_error(*args, **kwargs):
            self._consumers_connected[key] = False
            return error(*args, **kwargs)
        consumer.on_consume_ready, consumer.on_connection_error = on_consume_ready, on_connection_error

    def readiness(self) -> tuple[bool, dict]:
        checks = {"draining": self.draining}
        factory = self._database()
        try:
            if factory is not None:
                factory.ping()
            checks["database"] = True
        except Exception:
            checks["database"] = False
        states = [self._consumers[key]._consumers_ready.ready() if connected is None else connected
                  for key, connected in self._consumers_connected.items()]
        checks["amqp_consumers"] = bool(states) and all(states)
        ok = checks["database"] and checks["amqp_consumers"] and not checks["draining"]
        return ok, checks

    # the HTTP side
    def _app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        service = self.container.service_name
        if path == "/metrics":
            body, status, content_type = generate_latest(REGISTRY), "200 OK", CONTENT_TYPE_LATEST
        elif path in ("/healthz", "/livez"):
            body = json.dumps({"status": "alive", "service": service}).encode()
            status, content_type = "200 OK", "application/json"
        elif path == "/readyz":
            ok, checks = self.readiness()
            body = json.dumps({"status": "ready" if ok else "unavailable", "service": service,
                               "checks": checks}).encode()
            status, content_type = ("200 OK" if ok else "503 Service Unavailable"), "application/json"
        else:
            body, status, content_type = b"not found", "404 Not Found", "text/plain"
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
