"""The skeleton every service is built from.

    class ExamService(ServiceBase):
        name = "exam"
        tables = models.KIT            # kit_tables(Base): outbox, inbox, dead letters

        @entrypoint
        def list_exams(self): ...

        @handle_event("payment", "payment_succeeded")
        def handle_payment_succeeded(self, session, event): ...

ServiceBase brings the database (`<NAME>_DATABASE_URL`), the platform clock, the verified caller of each call,
calls to other services (forwarding the caller and signing as this service), the event dispatcher, `ping`, the
outbox relay, the event retry timer and the ops calls for dead letters. `entrypoint` turns every failure into the
error family: broken rules into 4xx AppErrors, a dependency that is down into 503, anything else into a 500 that
carries only a correlation id (the traceback stays in this service's log).
"""
import functools
import inspect
import logging
import time
import uuid

from nameko.dependency_providers import Config
from nameko.events import event_handler
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.extensions import DependencyProvider
from nameko.timer import timer
from marshmallow import ValidationError
from sqlalchemy import exc as sa_exc

from . import events, logs, outbox, telemetry
from .clock import ClockProvider
from .config import require_production_secrets, sandbox_enabled
from .context import CallContext
from .db import Database
from .errors import (AppError, DomainError, Forbidden, InternalError, NotFound, ProviderUnavailable, Unavailable,
                     as_app_error, schema_errors)
from .rpc import ServiceRpc, forwarded_context, shared_client
from .rpc_server import rpc

log = logging.getLogger(__name__)

DEPENDENCY_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError,
                     RpcTimeout, UnknownService, ConnectionError, TimeoutError, OSError)


def load(schema, data) -> dict:
    """Load an RPC input with the service's own schema (other callers exist besides the gateway)."""
    try:
        return schema.load(data if data is not None else {})
    except ValidationError as exc:
        raise schema_errors(exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages})


def _dependency_down(exc: BaseException) -> bool:
    if isinstance(exc, DEPENDENCY_ERRORS):
        return True
    module = type(exc).__module__ or ""
    return module.startswith(("urllib3", "minio", "kombu", "amqp", "redis", "psycopg2"))


def translate(exc: Exception, where: str) -> AppError:
    """The AppError a caller sees for any failure inside an entrypoint."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, DomainError):
        return as_app_error(exc)
    if isinstance(exc, ProviderUnavailable):
        return Unavailable("PROVIDER_UNAVAILABLE", exc.message or "外部核验服务暂时无法访问，请稍后再试")
    if _dependency_down(exc):
        log.warning("dependency unavailable in %s: %r", where, exc)
        return Unavailable("SERVICE_UNAVAILABLE", "系统繁忙，请稍后再试")
    correlation = uuid.uuid4().hex[:12]
    log.exception("unexpected error %s in %s", correlation, where)
    return InternalError("INTERNAL_ERROR", f"系统异常，请稍后再试（错误编号 {correlation}）",
                         extra={"correlation_id": correlation})


def entrypoint(fn=None, *, sensitive: tuple[str, ...] = ()):
    """An RPC entrypoint whose failures all cross the wire as AppErrors. `sensitive` names arguments (or
    `data.password` paths) that nameko redacts wherever it records call arguments."""
    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(self, *args, **kwargs):
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError:
                raise AppError("BAD_CALL", f"调用参数不正确：{fn.__name__}{signature}".replace("(self, ", "(")) \
                    from None
            try:
                return fn(self, *args, **kwargs)
            except Exception as exc:
                raise translate(exc, f"{getattr(self, 'name', '?')}.{fn.__name__}") from None
        return rpc(expected_exceptions=AppError, sensitive_arguments=tuple(sensitive))(wrapper)
    return decorate(fn) if fn is not None else decorate


def sandbox_only(fn):
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        if not self.config.get("SANDBOX"):
            raise Forbidden("SANDBOX_DISABLED", "沙箱模式未开启")
        return fn(self, *args, **kwargs)
    return wrapper


def handle_event(source: str, event_type: str, on_parked=None):
    """An event handler `fn(self, session, event)` applied at most once per event, inside the transaction that
    records it in the inbox; failures are retried with backoff and parked after the last attempt. `on_parked(self,
    session, event, error)` runs in the transaction that parks it (e.g. `jobs.when_parked(Model)` fails the job
    the event was queuing)."""
    def decorate(fn):
        def entry(self, payload):
            self._consume_event(fn.__name__, source, event_type, payload, fn, on_parked)
        entry.__name__, entry.__qualname__, entry.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        entry.ausm_event = (source, event_type, fn, on_parked)
        return event_handler(source, event_type, requeue_on_error=True)(entry)
    return decorate


class Caller(DependencyProvider):
    """`self.caller`: the verified caller of this call (CallContext). Every service verifies callers with the
    platform's secret, so this is where a service refuses to start on development secrets in production."""

    def setup(self):
        config = self.container.config
        require_production_secrets(bool(config.get("SANDBOX")), config)

    def get_dependency(self, worker_ctx):
        return CallContext.from_headers(worker_ctx.data)


class ServiceCalls(DependencyProvider):
    """`self.services.identity.get_person(...)`: calls to other services with a timeout and expiry, forwarding
    the caller of this call and signed as this service."""

    def setup(self):
        config = self.container.config
        self.client = shared_client(config["AMQP_URI"], self.container.service_name,
                                    timeout=float(config.get("RPC_TIMEOUT", 10)))

    def get_dependency(self, worker_ctx):
        service, data = self.container.service_name, dict(worker_ctx.data)
        return ServiceRpc(self.client, lambda: forwarded_context(data, service))


class ServiceBase:
    """Inherit from this; set `name` and `tables`."""

    name: str = ""
    tables = None

    config = Config()
    db = Database()
    clock = ClockProvider()
    caller = Caller()
    services = ServiceCalls()
    dispatch = outbox.EventDispatcher()
    telemetry = telemetry.Telemetry()   # request id in the log context, metrics, /metrics /healthz /readyz

    # --- health ------------------------------------------------------------------------------
    @entrypoint
    def ping(self):
        self.db.ping()
        return {"ok": True, "service": self.name}

    @rpc
    def clock_now(self):
        """This service's idea of now (the sandbox clock moves every service together)."""
        return {"service": self.name, "now": self.clock.now().isoformat()}

    # --- events out: the outbox relay -------------------------------------------------------------
    @timer(interval=0.2)
    def relay_events(self):
        published = outbox.relay(self.db, self.tables.outbox, self.dispatch)
        if published:
            telemetry.OUTBOX_PUBLISHED.labels(self.name).inc(published)

    @timer(interval=600)
    def prune_events(self):
        outbox.prune(self.db, self.tables.outbox, self.clock.now())

    # --- events in: inbox, retries, dead letters ---------------------------------------------------
    def _event_settings(self) -> tuple[int, float]:
        return (int(self.config.get("EVENT_MAX_ATTEMPTS", events.MAX_ATTEMPTS)),
                float(self.config.get("EVENT_RETRY_BASE_SECONDS", events.BASE_DELAY)))

    def _event_handlers(self) -> dict:
        handlers = {}
        for attr in dir(type(self)):
            marker = getattr(getattr(type(self), attr, None), "ausm_event", None)
            if marker:
                fn = marker[2]
                handlers[attr] = (lambda session, payload, fn=fn, attr=attr: (
                    logs.bind_request(logs.clean_request_id(payload.get(logs.REQUEST_ID_FIELD)), entrypoint=attr),
                    fn(self, session, payload)))
        return handlers

    def _parked_hooks(self) -> dict:
        hooks = {}
        for attr in dir(type(self)):
            marker = getattr(getattr(type(self), attr, None), "ausm_event", None)
            if marker and len(marker) > 3 and marker[3] is not None:
                hooks[attr] = (lambda session, payload, error, hook=marker[3]: hook(self, session, payload, error))
        return hooks

    def _on_parked(self, hook):
        return None if hook is None else (lambda session, payload, error: hook(self, session, payload, error))

    def _consume_event(self, consumer, source, event_type, payload, fn, on_parked=None):
        started = time.perf_counter()
        try:
            applied = events.apply_once(self.db, self.tables.inbox, consumer, payload,
                                        lambda session, event: fn(self, session, event))
            outcome = "applied" if applied else "duplicate"
            telemetry.EVENTS.labels(self.name, consumer, outcome).inc()
            telemetry.EVENT_LATENCY.labels(self.name, consumer).observe(time.perf_counter() - started)
            log.info("event %s.%s %s by %s", source, event_type, outcome, consumer,
                     extra={"event_id": events.event_id_of(payload), "handler": consumer, "outcome": outcome})
        except Exception as exc:
            telemetry.EVENTS.labels(self.name, consumer, "failed").inc()
            max_attempts, base = self._event_settings()
            try:
                events.record_failure(self.db, self.tables.dead_letter, consumer, source, event_type, payload, exc,
                                      max_attempts, base, self._on_parked(on_parked))
            except Exception:
                log.exception("could not record the failure of %s for event %s; returning it to the broker",
                              consumer, events.event_id_of(payload))
                time.sleep(2)   # requeue_on_error=True sends it back; pause so a down database is no hot loop
                raise

    @timer(interval=1)
    def retry_events(self):
        max_attempts, base = self._event_settings()
        handlers = hooks = None
        for row_id in events.due(self.db, self.tables.dead_letter):
            handlers, hooks = handlers or self._event_handlers(), hooks if hooks is not None else self._parked_hooks()
            status = events.retry_one(self.db, self.tables.inbox, self.tables.dead_letter, row_id, handlers,
                                      max_attempts, base, hooks)
            logs.clear()
            if status:
                telemetry.EVENT_RETRIES.labels(self.name, status).inc()

    # --- operations ----------------------------------------------------------------------------
    @entrypoint
    def ops_dead_letters(self, status="parked"):
        self.caller.ops()
        return events.list_dead_letters(self.db, self.tables.dead_letter, status or None)

    @entrypoint
    def ops_replay_dead_letter(self, dead_letter_id):
        self.caller.ops()
        replayed = events.replay(self.db, self.tables.dead_letter, int(dead_letter_id))
        if replayed is None:
            raise NotFound("NOT_FOUND", "没有这条死信")
        return replayed

    @entrypoint
    def ops_status(self):
        self.caller.ops()
        return {"service": self.name, "outbox_backlog": outbox.backlog(self.db, self.tables.outbox),
                "dead_letters": {s: len(events.list_dead_letters(self.db, self.tables.dead_letter, s))
                                 for s in ("retrying", "parked")},
                "sandbox": bool(self.config.get("SANDBOX", sandbox_enabled()))}
