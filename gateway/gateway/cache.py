"""Reference data in the gateway: read once from the owning service, served from memory until that service says
it changed.

    @blp.route("/departments")
    @reference_data("profile", "departments", ttl=300)
    def list_departments():
        return gateway_services.profile.list_departments(request.args.get("parent") or None)

A decorated view is public data every page reads (departments, collection options, later exam windows and fees).
Each gateway process keeps the JSON bytes it answered per URL (path and sorted query), with a strong ETag (a hash
of the bytes, so every gateway process gives the same tag for the same data), and answers `If-None-Match` with 304.

Freshness. The owning service announces a change with a `reference_data_changed` event `{"kind": ...}` through its
outbox (to its `<service>.events` exchange, routing key = the event type, as every nameko event). Every gateway
process listens on an exclusive, auto-deleted queue of its own bound to those exchanges (a gateway is not a nameko
service, so a kombu consumer thread: nameko's own consumers would share one queue per service and only one gateway
process would hear each event) and drops the entries of that service and kind. Entries are stored only while the
listener is connected; connecting (again) flushes everything, since an event may have been missed while it was not;
a TTL per kind bounds staleness if an event is lost all the same. A load that started before an invalidation is not
stored (a generation count per service and kind).

Browsers get `Cache-Control: no-cache` with the ETag: they keep the bytes but ask every time, and the gateway answers
304 from memory without calling any service. `max-age` would save that request, but browsers would then show data
up to max-age old whatever the service announced; the conditional request is what lets an event reach them at once.
These answers set no cookie (see `is_reference`), so a shared cache in front may keep them too (`public`).
"""
import functools
import hashlib
import logging
import socket
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, request
from kombu import Exchange, Queue, binding

from ausm_common import wire

log = logging.getLogger(__name__)

EVENT_TYPE = "reference_data_changed"
CACHE_CONTROL = "public, no-cache"
SECURITY_HEADERS = (("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"))
MAX_ENTRIES = 4096          # bounds memory whatever query strings clients send
RECONNECT_DELAY = 1.0

_declared: dict[str, set] = {}   # service -> kinds declared by @reference_data (what to listen to)


@dataclass(frozen=True)
class Entry:
    body: bytes
    etag: str
    expires_at: float

    @property
    def headers(self) -> list[tuple[str, str]]:
        # the gateway's security headers too, so its after_request hook finds them set
        return [("ETag", f'"{self.etag}"'), ("Cache-Control", CACHE_CONTROL), *SECURITY_HEADERS]


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


class ReferenceCache:
    """Entries per (service, kind, key); thread-safe; stores only while `live` (invalidations are being heard)."""

    def __init__(self, clock=time.monotonic, max_entries: int = MAX_ENTRIES):
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._generations: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self.live = threading.Event()

    def get(self, service: str, kind: str, key) -> Entry | None:
        full = (service, kind, key)
        with self._lock:
            entry = self._entries.get(full)
            if entry is None:
                return None
            if entry.expires_at <= self._clock():
                del self._entries[full]
                return None
            self._entries.move_to_end(full)
            return entry

    def generation(self, service: str, kind: str) -> int:
        return self._generations.get((service, kind), 0)

    def put(self, service: str, kind: str, key, body: bytes, ttl: float, generation: int) -> Entry:
        """The entry for `body`; kept only if nothing was invalidated since `generation` was read and the
        listener is live."""
        entry = Entry(body, etag_of(body), self._clock() + ttl)
        with self._lock:
            if self.live.is_set() and self._generations.get((service, kind), 0) == generation:
                self._entries[(service, kind, key)] = entry
                self._entries.move_to_end((service, kind, key))
                while len(self._entries) > self._max:
                    self._entries.popitem(last=False)
        return entry

    def invalidate(self, service: str, kind: str | None = None) -> int:
        """Drop the entries of `service` (of one `kind`, or all its kinds when None); returns how many."""
        with self._lock:
            kinds = {k for (s, k, _) in self._entries if s == service} | _declared.get(service, set())
            if kind is not None:
                kinds = {kind}
            for k in kinds:
                self._generations[(service, k)] = self._generations.get((service, k), 0) + 1
            dropped = [full for full in self._entries if full[0] == service and full[1] in kinds]
            for full in dropped:
                del self._entries[full]
            return len(dropped)

    def flush(self):
        with self._lock:
            for (service, kind, _) in self._entries:
                self._generations[(service, kind)] = self._generations.get((service, kind), 0) + 1
            for service, kinds in _declared.items():
                for kind in kinds:
                    self._generations[(service, kind)] = self._generations.get((service, kind), 0) + 1
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


class InvalidationListener:
    """One consumer thread per gateway process: `reference_data_changed` from each service → cache.invalidate."""

    def __init__(self, amqp_uri: str, cache: ReferenceCache, services=None):
        self.amqp_uri, self.cache = amqp_uri, cache
        self.services = sorted(services if services is not None else _declared)
        self._thread = None
        self._start_lock = threading.Lock()
        self._closed = False

    def ensure_started(self):
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="reference-data-events", daemon=True)
                self._thread.start()

    def _queue(self) -> Queue:
        name = f"gateway-reference-data-{uuid.uuid4().hex[:12]}"
        bindings = [kombu_binding(service) for service in self.services]
        return Queue(name, bindings=bindings, exclusive=True, auto_delete=True, durable=False)

    def _run(self):
        while not self._closed:
            try:
                with wire.connection(self.amqp_uri, heartbeat=30, connect_timeout=5) as conn:
                    conn.ensure_connection(max_retries=1)
                    with conn.Consumer(self._queue(), callbacks=[self._on_event], accept=["json"], no_ack=True):
                        self.cache.flush()          # anything cached before this may have missed an event
                        self.cache.live.set()
                        while not self._closed:
                            try:
                                conn.drain_events(timeout=1)
                            except socket.timeout:
                                conn.heartbeat_check()
            except Exception as exc:   # broker gone: serve uncached until we hear events again
                log.warning("reference data listener reconnecting: %r", exc)
            finally:
                self.cache.live.clear()
                self.cache.flush()
            if not self._closed:
                time.sleep(RECONNECT_DELAY)

    def _on_event(self, body, message):
        service = message.delivery_info.get("exchange", "").rsplit(".events", 1)[0]
        kind = body.get("kind") if isinstance(body, dict) else None
        dropped = self.cache.invalidate(service, kind or None)
        log.info("reference data changed: %s/%s, %d entries dropped", service, kind or "*", dropped)

    def close(self):
        self._closed = True


def kombu_binding(service: str):
    # declared exactly as nameko's EventDispatcher declares it (durable topic), so either side may come first
    exchange = Exchange(f"{service}.events", type="topic", durable=True, auto_delete=False)
    return binding(exchange, routing_key=EVENT_TYPE)


# --- Flask side -------------------------------------------------------------------------------------------
def init_app(app):
    cache = ReferenceCache()
    app.extensions["reference_cache"] = cache
    app.extensions["reference_listener"] = InvalidationListener(app.config["AMQP_URI"], cache)


def _request_key():
    """The path and the query, parameters in sorted order (`?a=1&b=2` and `?b=2&a=1` are one entry)."""
    query = request.query_string
    if b"&" in query:
        return request.path, tuple(sorted(request.args.items(multi=True)))
    return request.path, query


def reference_data(service: str, kind: str, ttl: float = 300):
    """Serve this view's JSON from the gateway's reference cache (see the module's doc). The view must return
    plain JSON data for everyone alike: nothing may depend on who asks."""
    _declared.setdefault(service, set()).add(kind)

    def decorate(view):
        @functools.wraps(view)
        def cached(*args, **kwargs):
            app = current_app
            app.extensions["reference_listener"].ensure_started()
            cache = app.extensions["reference_cache"]
            key = _request_key()
            entry = cache.get(service, kind, key)
            if entry is None:
                generation = cache.generation(service, kind)
                body = app.json.response(view(*args, **kwargs)).get_data()
                entry = cache.put(service, kind, key, body, ttl, generation)
            return respond(entry)
        return cached
    return decorate


def respond(entry: Entry):
    response_class = current_app.response_class
    if "HTTP_IF_NONE_MATCH" in request.environ and request.if_none_match.contains_weak(entry.etag):
        response = response_class(status=304, headers=entry.headers)
    else:
        response = response_class(entry.body, headers=entry.headers, content_type="application/json")
    response.is_reference = True
    return response


def is_reference(response) -> bool:
    """A reference-data answer: shared by everyone, so no per-browser cookie on it."""
    return getattr(response, "is_reference", False)
