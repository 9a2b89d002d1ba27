"""The serving side of RPC: nameko's `Rpc` entrypoint with a request and reply path close to the wire.

What nameko 2.14 does per call, and what this module changes (the service stays a nameko service; the wire protocol
is nameko's own):

* A request arrives on `rpc-<service>`; nameko's QueueConsumer spawns a greenthread to look at it, which spawns the
  worker's greenthread. Here the consumer hands the request to a worker directly when the worker pool has room (it
  spawns as before when it has none, so the consumer never blocks). RPC has its own consumer connection; event
  handlers keep nameko's.
* `check_signature` ran `inspect.getcallargs` (which rebuilds the method's argument spec) on every call; here the
  signature is built once and bound per call, with the same rule (the entrypoint function as decorated, not what it
  wraps) and the same IncorrectSignature.
* The reply: nameko's `Responder` serialized the result twice (a trial dump, then the publish), built a `Publisher`,
  a kombu `Connection` and took a producer from kombu's pool with publisher confirms on, so every reply waited one
  more broker round trip for its confirm before the request was acked. Here the result is serialized once and
  published on one reply channel per container, under a lock (a reply larger than the socket buffer must not
  interleave with another greenthread's frames), without waiting for a confirm.

Replies are still `{"result", "error"}` in the request's content type, to the `nameko-rpc` exchange with the
request's `reply_to` as routing key and its `correlation_id`, persistent; the request is acked only after its reply
is written. Without the confirm, a reply the broker drops (it died, or closed the connection while the service was
idle) is not noticed here: the caller gets RpcTimeout, as for a reply lost in a broker crash after a confirm. A
connection error while publishing reconnects and publishes again once; a second failure kills the container, as a
failed reply did in nameko.

Every RPC entrypoint of a service must be this `Rpc` (the kit's `entrypoint` decorator and `ServiceBase.ping` are):
a plain `nameko.rpc.rpc` in the same service would start a second consumer on `rpc-<service>` that answers the
other's methods with MethodNotFound.
"""
import inspect
import logging
import sys

import amqp.exceptions
import kombu.exceptions
import kombu.serialization
from eventlet.semaphore import Semaphore
from kombu import Connection
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_HEARTBEAT, DEFAULT_TRANSPORT_OPTIONS,
                              HEARTBEAT_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY, PERSISTENT,
                              TRANSPORT_OPTIONS_CONFIG_KEY)
from nameko.exceptions import IncorrectSignature, MethodNotFound, UnserializableValueError, serialize
from nameko.extensions import SharedExtension
from nameko.messaging import QueueConsumer
from nameko.rpc import Rpc as NamekoRpc
from nameko.rpc import RpcConsumer as NamekoRpcConsumer
from nameko.rpc import get_rpc_exchange

from .wire import BufferedTransport

log = logging.getLogger(__name__)

# a lost or force-closed connection, a closed channel: reconnect and publish again
CONNECTION_ERRORS = (OSError, amqp.exceptions.AMQPError, kombu.exceptions.KombuError)


def reply_body(message, result, exc_info) -> tuple[bytes, str, str, object, object]:
    """nameko's reply `{"result", "error"}` for `result`/`exc_info`, encoded once, like the request was.
    Returns (body, content_type, content_encoding, result, exc_info); a result that cannot be encoded becomes an
    UnserializableValueError, as in nameko's Responder."""
    error = serialize(exc_info[1]) if exc_info is not None else None
    serializer = kombu.serialization.registry.type_to_name[message.properties["content_type"]]
    try:
        content_type, encoding, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
    except Exception:
        exc_info = sys.exc_info()
        result, error = None, serialize(UnserializableValueError(result))
        content_type, encoding, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
    return body, content_type, encoding, result, exc_info


class ReplyPublisher(SharedExtension):
    """One connection and channel per container for every RPC reply."""

    def setup(self):
        config = self.container.config
        self.exchange = get_rpc_exchange(config).name
        self._connection_args = dict(
            hostname=config[AMQP_URI_CONFIG_KEY], ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
            transport_options=dict(config.get(TRANSPORT_OPTIONS_CONFIG_KEY, DEFAULT_TRANSPORT_OPTIONS)))
        self._lock = Semaphore(1)
        self._connection = self._channel = None

    def publish(self, body: bytes, content_type: str, content_encoding: str, routing_key: str,
                correlation_id: str | None):
        with self._lock:
            for attempt in (1, 2):
                try:
                    channel = self._channel or self._connect()
                    message = channel.prepare_message(  # the message kombu's Producer would build
                        body, 0, content_type, content_encoding, {},
                        {"delivery_mode": PERSISTENT, "correlation_id": correlation_id})
                    channel.basic_publish(message, exchange=self.exchange, routing_key=routing_key)
                    return
                except CONNECTION_ERRORS as exc:
                    self._reset()
                    if attempt == 2:
                        raise
                    log.warning("rpc reply connection lost, reconnecting: %r", exc)

    def _connect(self):
        self._connection = Connection(transport=BufferedTransport, **self._connection_args)
        self._connection.ensure_connection(max_retries=1)
        self._channel = self._connection.default_channel
        return self._channel

    def _reset(self):
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception:   # already broken: nothing to close cleanly
                pass

    def stop(self):
        self._reset()

    def kill(self):
        self._reset()


class RpcQueueConsumer(QueueConsumer):
    """nameko's QueueConsumer for the RPC queue: a request goes to a worker without a greenthread in between while
    the worker pool has room (the worker spawn then never waits), through one otherwise. Its connection reads
    through the buffered transport (wire.py)."""

    @property
    def connection(self):
        config = self.container.config
        return Connection(self.amqp_uri, transport=BufferedTransport,
                          transport_options=config.get(TRANSPORT_OPTIONS_CONFIG_KEY, DEFAULT_TRANSPORT_OPTIONS),
                          heartbeat=config.get(HEARTBEAT_CONFIG_KEY, DEFAULT_HEARTBEAT),
                          ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))

    def handle_message(self, provider, body, message):
        if self.container._worker_pool.free() > 0:
            provider.handle_message(body, message)
        else:
            super().handle_message(provider, body, message)


class RpcConsumer(NamekoRpcConsumer):
    """nameko's RpcConsumer (queue `rpc-<service>`, routing key `<service>.*`): methods looked up in a dict,
    replies through ReplyPublisher."""

    queue_consumer = RpcQueueConsumer()
    reply_publisher = ReplyPublisher()

    def get_provider_for_method(self, routing_key):
        providers = getattr(self, "_by_routing_key", None)
        if providers is None or len(providers) != len(self._providers):
            service = self.container.service_name
            providers = self._by_routing_key = {f"{service}.{p.method_name}": p for p in self._providers}
        try:
            return providers[routing_key]
        except KeyError:
            raise MethodNotFound(routing_key.split(".")[-1]) from None

    def handle_result(self, message, result, exc_info):
        body, content_type, encoding, result, exc_info = reply_body(message, result, exc_info)
        self.reply_publisher.publish(body, content_type, encoding, message.properties["reply_to"],
                                     message.properties.get("correlation_id"))
        self.queue_consumer.ack_message(message)
        return result, exc_info


class Rpc(NamekoRpc):
    rpc_consumer = RpcConsumer()

    def setup(self):
        super().setup()
        # what nameko's getcallargs checked: the method as decorated (the kit's wrapper), not what it wraps
        method = getattr(self.container.service_cls, self.method_name)
        self._signature = inspect.Signature.from_callable(method, follow_wrapped=False)

    def check_signature(self, args, kwargs):
        try:
            self._signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None


rpc = Rpc.decorator
