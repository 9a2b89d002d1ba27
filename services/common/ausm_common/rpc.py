"""Calling nameko services: one thread-safe client per process, close to the wire.

nameko's own standalone proxy is single-threaded, polls for its reply and publishes with confirms, so the gateway
had to keep a pool of them (one reply queue and two connections each). This client speaks nameko's RPC wire
protocol itself (shared/docs/pitfalls.md §4): requests go to the topic exchange `nameko-rpc` with routing key
`<service>.<method>`, a JSON body `{"args", "kwargs"}`, `reply_to` and `correlation_id`, context in `nameko.*`
headers; replies `{"result", "error"}` come back on one reply queue per process and are matched by correlation id.
Services stay plain nameko services.

Every call has a timeout, and its request expires from the queue at the same moment (kombu counts `expiration` in
seconds), so a request nobody answered in time is never executed later. A call to a service whose queue does not
exist fails at once with UnknownService.
"""
import itertools
import logging
import socket
import threading
import time
import uuid

import amqp.exceptions
import kombu
import kombu.serialization
from kombu import Exchange, Queue
from nameko.exceptions import RpcTimeout, UnknownService, deserialize

from . import wire
from .context import CALLER_HEADER, REQUEST_ID_HEADER, VIA_HEADER, service_token, sign

log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"
HEADER_PREFIX = "nameko"
REPLY_QUEUE_TTL_MS = 300_000
KNOWN_QUEUE_TTL = 30.0
CONNECTION_ERRORS = (OSError, kombu.exceptions.OperationalError, ConnectionError, amqp.exceptions.AMQPError)


class _Pending:
    __slots__ = ("event", "body")

    def __init__(self):
        self.event = threading.Event()
        self.body = None


class RpcClient:
    """`client.call("identity", "ping")`, from any number of threads (or greenthreads)."""

    def __init__(self, amqp_uri: str, timeout: float = 10, name: str = "client"):
        self.amqp_uri, self.timeout, self.name = amqp_uri, timeout, name
        self.exchange = Exchange(RPC_EXCHANGE, type="topic", durable=True, auto_delete=False)
        self._reply_key = uuid.uuid4().hex
        self._reply_queue = Queue(f"rpc.reply-{name}-{self._reply_key}", exchange=self.exchange,
                                  routing_key=self._reply_key, queue_arguments={"x-expires": REPLY_QUEUE_TTL_MS})
        self._pending: dict[str, _Pending] = {}
        self._publish_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._ready = threading.Event()
        self._closed = False
        self._publisher = None
        self._channel = None
        self._known: dict[str, float] = {}
        self._listener = None
        self._ids = itertools.count()

    # --- the reply side: one queue, one consumer thread ---------------------------------------
    def _ensure_listener(self):
        if self._listener is not None and self._listener.is_alive():
            return
        with self._start_lock:
            if self._listener is None or not self._listener.is_alive():
                self._listener = threading.Thread(target=self._listen, name=f"rpc-replies-{self.name}",
                                                  daemon=True)
                self._listener.start()
        if not self._ready.wait(self.timeout):
            raise RpcTimeout("消息服务暂时无法连接")

    def _listen(self):
        while not self._closed:
            try:
                with wire.connection(self.amqp_uri, heartbeat=30, connect_timeout=5) as conn:
                    conn.ensure_connection(max_retries=1)
                    with conn.Consumer(self._reply_queue, callbacks=[self._on_reply], accept=["json"],
                                       no_ack=True):
                        self._ready.set()
                        while not self._closed:
                            try:
                                conn.drain_events(timeout=1)
                            except socket.timeout:
                                conn.heartbeat_check()
            except Exception as exc:   # broker gone: replies in flight are lost, callers time out
                self._ready.clear()
                if not self._closed:
                    log.warning("rpc reply listener reconnecting: %r", exc)
                    time.sleep(0.5)

    def _on_reply(self, body, message):
        pending = self._pending.pop(message.properties.get("correlation_id"), None)
        if pending is not None:
            pending.body = body
            pending.event.set()

    # --- the request side: one publishing connection, shared under a lock ----------------------
    def _channel_locked(self):
        if self._channel is None:
            self._publisher = wire.connection(self.amqp_uri, connect_timeout=5)
            self._publisher.ensure_connection(max_retries=1)
            self._channel = self._publisher.default_channel
        return self._channel

    def _reset_publisher_locked(self):
        if self._publisher is not None:
            try:
                self._publisher.release()
            except Exception:
                pass
        self._publisher = self._channel = None

    def _check_service_locked(self, service: str):
        """Fail fast for a service whose queue was never declared (nothing would ever answer)."""
        if time.monotonic() - self._known.get(service, -KNOWN_QUEUE_TTL) < KNOWN_QUEUE_TTL:
            return
        channel = self._publisher.channel()
        try:
            channel.queue_declare(queue=f"rpc-{service}", passive=True)
        except Exception as exc:
            if "NOT_FOUND" in str(exc) or getattr(exc, "code", None) == 404:
                raise UnknownService(service)
            raise
        finally:
            try:
                channel.close()
            except Exception:
                pass
        self._known[service] = time.monotonic()

    def _publish(self, service, method, body, headers, correlation_id, timeout):
        """The request as nameko's proxy sends it (content type, encoding and JSON as kombu's Producer would),
        written straight to the channel: transient, expiring with the call's timeout (AMQP counts milliseconds)."""
        content_type, encoding, data = kombu.serialization.dumps(body, "json")
        properties = {"delivery_mode": 1, "reply_to": self._reply_key, "correlation_id": correlation_id,
                      "expiration": str(int(timeout * 1000))}
        with self._publish_lock:
            for attempt in (1, 2):
                try:
                    channel = self._channel_locked()
                    self._check_service_locked(service)
                    message = channel.prepare_message(data, 0, content_type, encoding, headers, properties)
                    channel.basic_publish(message, exchange=RPC_EXCHANGE, routing_key=f"{service}.{method}")
                    return
                except UnknownService:
                    raise
                except CONNECTION_ERRORS + (kombu.exceptions.KombuError,) as exc:
                    self._reset_publisher_locked()
                    if attempt == 2:
                        raise RpcTimeout(f"消息服务暂时无法连接: {exc!r}")

    # --- calling --------------------------------------------------------------------------------
    def call(self, service: str, method: str, args=(), kwargs=None, context: dict | None = None,
             timeout: float | None = None):
        timeout = self.timeout if timeout is None else timeout
        self._ensure_listener()
        correlation_id = f"{self._reply_key[:8]}{next(self._ids)}"
        headers = {f"{HEADER_PREFIX}.{k}": v for k, v in (context or {}).items() if v is not None}
        pending = self._pending[correlation_id] = _Pending()
        try:
            self._publish(service, method, {"args": list(args), "kwargs": kwargs or {}}, headers, correlation_id,
                          timeout)
            if not pending.event.wait(timeout):
                raise RpcTimeout(f"{service}.{method} 在 {timeout} 秒内没有答复")
        finally:
            self._pending.pop(correlation_id, None)
        error = pending.body.get("error")
        if error:
            raise deserialize(error)
        return pending.body.get("result")

    def close(self):
        self._closed = True
        with self._publish_lock:
            self._reset_publisher_locked()

    # --- convenient call paths -----------------------------------------------------------------
    def as_service(self, service: str) -> "ServiceRpc":
        """Calls that identify themselves as platform service `service` (tests, ops tools)."""
        return ServiceRpc(self, lambda: {VIA_HEADER: service_token(service)})

    def as_caller(self, caller: dict | None, via: str = "gateway") -> "ServiceRpc":
        """Calls on behalf of `caller` (a person, staff, client), signed as the gateway signs them."""
        token = sign(caller) if caller else None
        return ServiceRpc(self, lambda: {CALLER_HEADER: token, VIA_HEADER: service_token(via)})

    def anonymous(self) -> "ServiceRpc":
        return ServiceRpc(self, dict)

    def __getattr__(self, service):
        """`client.identity.ping()`: an anonymous call (no caller, no service identity)."""
        if service.startswith("_"):
            raise AttributeError(service)
        return getattr(self.anonymous(), service)


class ServiceRpc:
    """`rpc.identity.get_person(account_id)`: calls with the context `headers()` returns at call time."""

    def __init__(self, client: RpcClient, headers, timeout: float | None = None):
        self._client, self._headers, self._timeout = client, headers, timeout

    def with_timeout(self, timeout: float) -> "ServiceRpc":
        return ServiceRpc(self._client, self._headers, timeout)

    def __getattr__(self, service):
        if service.startswith("_"):
            raise AttributeError(service)
        return _ServiceCalls(self, service)


class _ServiceCalls:
    def __init__(self, rpc: ServiceRpc, service: str):
        self._rpc, self._service = rpc, service

    def __getattr__(self, method):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args, **kwargs):
            return self._rpc._client.call(self._service, method, args, kwargs, self._rpc._headers(),
                                          self._rpc._timeout)
        call.__name__ = method
        return call


_clients: dict[tuple, RpcClient] = {}
_clients_lock = threading.Lock()


def shared_client(amqp_uri: str, name: str, timeout: float = 10) -> RpcClient:
    """One client (one reply queue, two connections) per process, broker and caller name."""
    key = (amqp_uri, name, timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None or client._closed:
            client = _clients[key] = RpcClient(amqp_uri, timeout=timeout, name=name)
        return client


def forwarded_context(worker_data: dict, service: str) -> dict:
    """What a service sends on an onward call: the caller it received (unchanged) and its own signed identity."""
    context = {VIA_HEADER: service_token(service)}
    for key in (CALLER_HEADER, REQUEST_ID_HEADER):
        if worker_data.get(key):
            context[key] = worker_data[key]
    return context
