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

Replies are read by the callers themselves, one at a time: a caller waiting for its reply takes the reader's lock if
it is free and reads the reply connection, delivering every reply it meets to its caller; when its own has come it
hands the reading over to another caller still waiting. One caller at a time therefore reads its own reply with no
thread in between (a listener thread made every reply cross a thread switch and a wait for the GIL), and many
callers share one connection and one reply queue as before. The reply queue outlives a lost connection (x-expires,
not exclusive), so the next reader reconnects and gets the replies that arrived meanwhile. Neither connection sends
heartbeats: nothing reads while no call is waiting, and a connection the broker closed is found (and reopened) on
the next read or publish.
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
REPLY_CONTENT_TYPES = {"application/json"}
CONNECTION_ERRORS = (OSError, kombu.exceptions.OperationalError, ConnectionError, amqp.exceptions.AMQPError)


class _Pending:
    """One call in flight. Its Event is made only if the caller has to wait while another caller reads."""

    __slots__ = ("event", "body")

    def __init__(self):
        self.event = None
        self.body = None

    def wake(self):
        event = self.event
        if event is not None:
            event.set()


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
        self._reading = threading.Lock()      # held by the caller reading replies for everyone
        self._consumer = None                 # the reply connection; changed only with _reading held
        self._closed = False
        self._publisher = None
        self._channel = None
        self._known: dict[str, float] = {}
        self._ids = itertools.count()

    # --- the reply side: one queue, read by whichever caller is waiting ----------------------------
    def _connect_consumer(self):
        connection = wire.connection(self.amqp_uri, connect_timeout=5)
        try:
            connection.ensure_connection(max_retries=1)
            channel = connection.default_channel
            self._reply_queue(channel).declare()
            channel.basic_consume(self._reply_queue.name, no_ack=True, callback=self._on_raw_reply)
        except Exception:
            connection.release()
            raise
        self._consumer = connection

    def _reset_consumer(self):
        connection, self._consumer = self._consumer, None
        if connection is not None:
            try:
                connection.release()
            except Exception:   # already broken: nothing to close cleanly
                pass

    def _ensure_consuming(self, deadline: float):
        """The reply queue is declared and consumed before a request goes out: a reply routed to no queue is lost."""
        while self._consumer is None:
            if time.monotonic() >= deadline:
                raise RpcTimeout("消息服务暂时无法连接")
            if not self._reading.acquire(timeout=0.05):
                continue              # the reader connects it when it finds none
            try:
                if self._consumer is None:
                    self._connect_consumer()
            except CONNECTION_ERRORS as exc:
                raise RpcTimeout(f"消息服务暂时无法连接: {exc!r}")
            finally:
                self._reading.release()
                self._hand_over()

    def _await(self, pending: _Pending, deadline: float) -> bool:
        """Wait for `pending`'s reply, reading the connection whenever nobody else is."""
        while pending.body is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._reading.acquire(blocking=False):
                try:
                    self._read(pending, deadline)
                finally:
                    self._reading.release()
                    self._hand_over(exclude=pending)
            else:
                if pending.event is None:
                    pending.event = threading.Event()
                    continue          # look again: the reader may have answered before the Event existed
                pending.event.wait(remaining)
                pending.event.clear()
        return True

    def _read(self, pending: _Pending, deadline: float):
        """As the reader: deliver replies (anyone's) until `pending`'s own has come or its time is up."""
        while pending.body is None and not self._closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                if self._consumer is None:
                    self._connect_consumer()
                self._consumer.drain_events(timeout=min(remaining, 1.0))
            except socket.timeout:
                pass
            except CONNECTION_ERRORS as exc:   # replies already queued survive in the reply queue
                log.warning("rpc reply connection lost, reconnecting: %r", exc)
                self._reset_consumer()
                time.sleep(min(0.1, max(remaining, 0)))

    def _hand_over(self, exclude: _Pending | None = None):
        """Whoever stops reading (or waiting) wakes one caller asleep waiting, which takes the reading over (a caller
        not asleep yet tries the lock itself before it sleeps)."""
        if self._reading.locked():
            return
        for other in list(self._pending.values()):
            if other is not exclude and other.body is None and other.event is not None:
                other.event.set()
                return

    def _on_raw_reply(self, message):
        """A reply as py-amqp hands it over (kombu's Message wrapper is not needed to read a body)."""
        properties = message.properties
        body = kombu.serialization.loads(message.body, properties.get("content_type"),
                                         properties.get("content_encoding"), accept=REPLY_CONTENT_TYPES)
        self._on_reply(body, message)

    def _on_reply(self, body, message):
        pending = self._pending.get(message.properties.get("correlation_id"))
        if pending is not None:
            pending.body = body
            pending.wake()

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
        written straight to the channel: transient, expiring with the call's timeout (AMQP counts milliseconds).
        On any transport failure (a dropped or force-closed connection raises socket, kombu or amqp errors alike)
        open a new connection and try once more."""
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
                except Exception as exc:
                    self._reset_publisher_locked()
                    if attempt == 2:
                        raise RpcTimeout(f"消息服务暂时无法连接: {exc!r}") from None

    # --- calling --------------------------------------------------------------------------------
    def call(self, service: str, method: str, args=(), kwargs=None, context: dict | None = None,
             timeout: float | None = None):
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        correlation_id = f"{self._reply_key[:8]}{next(self._ids)}"
        headers = {f"{HEADER_PREFIX}.{k}": v for k, v in (context or {}).items() if v is not None}
        pending = self._pending[correlation_id] = _Pending()
        try:
            self._ensure_consuming(deadline)
            self._publish(service, method, {"args": list(args), "kwargs": kwargs or {}}, headers, correlation_id,
                          timeout)
            if not self._await(pending, deadline):
                raise RpcTimeout(f"{service}.{method} 在 {timeout} 秒内没有答复")
        finally:
            self._pending.pop(correlation_id, None)
            self._hand_over()
        error = pending.body.get("error")
        if error:
            raise deserialize(error)
        return pending.body.get("result")

    def close(self):
        self._closed = True
        with self._publish_lock:
            self._reset_publisher_locked()
        if self._reading.acquire(timeout=2):
            try:
                self._reset_consumer()
            finally:
                self._reading.release()

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
