"""The waiting room: when more candidates arrive at the exam registration than the platform can serve, admit them
in arrival order at the rate it sustains and show the rest their place in line, instead of timeouts and 5xx.

How it works (one FIFO in Redis for every gateway process and instance):

- A newcomer to a guarded path (the candidate's exam pages and API, see `guarded`) takes a ticket: `issued`
  is incremented (INCR semantics, inside one Lua script) and the ticket is that number.
- `admitted` is the highest ticket whose turn has come. It advances at `rate` tickets per second, a token bucket
  with `burst` tokens: while the line is empty, up to `burst` unused admissions are kept, so a quiet platform
  admits a small group at once; while people wait, every token goes to the next ticket in line, whether or not
  anyone asks (the advance is computed from the time elapsed at the next call, not driven by polls).
- A ticket whose turn has come (ticket ≤ admitted) is exchanged for an admission: a signed cookie valid for
  `cookie_ttl` seconds of inactivity (renewed while used), so an admitted candidate is not queued again while
  working through the enrollment. A ticket is kept in the same cookie, signed, so nobody can pick their place.
  A tampered or expired cookie counts as none: the client queues again at the back.
- Waiting browsers get the waiting page (200, its place, the estimated wait, a countdown and a poll of
  `/waiting-room/status` in static/waiting-room.js, which reloads the page once admitted; no inline script, so the
  CSP holds; `<noscript>` refresh otherwise). API clients get 503 `WAITING_ROOM` with `Retry-After` and a JSON body
  with `position`, `eta_seconds` and `ticket`; they keep the cookie and ask again.
- Redis unreachable: everyone is let through (the room must never be what makes registration unavailable).

Configuration: WAITING_ROOM_ENABLED (false), WAITING_ROOM_RATE (admissions per second, 20), WAITING_ROOM_BURST
(40), WAITING_ROOM_COOKIE_TTL (seconds, 1800). Operators can change rate and burst of a running platform without a
restart: `HSET <CLOCK_NAMESPACE>:waiting-room:config rate 35 burst 70` (HDEL to go back to the environment's).

The rules are plain functions below (place, wait, retry interval, cookie signing and reading, the admission
advance); `ADVANCE_SCRIPT` is `advance` in Lua, so it is atomic across processes.
"""
import base64
import hashlib
import hmac
import logging
import math
import re
import secrets
import time
from dataclasses import dataclass

import redis
from flask import current_app, g, jsonify, make_response, request

from ausm_common.config import env, env_bool, redis_url

log = logging.getLogger(__name__)

COOKIE = "ausm_queue"
STATUS_PATH = "/waiting-room/status"
CODE = "WAITING_ROOM"
MAX_RETRY_AFTER = 15

# What the opening burst hits: the candidate's exam pages and the API they call. Not the verification page of a
# printed form, staff pages, static files, health, payment notifications, sign-in or sandbox pages.
GUARDED = re.compile(r"^(?:/exam(?:/|$)|/api/v1/exams(?:/|$)|/api/v1/exam/enrollments(?:/|$))")
NOT_GUARDED = re.compile(r"^(?:/exam/verify/|/api/v1/exam/verify/)")


# --- rules on plain values ------------------------------------------------------------------------------------

def guarded(path: str) -> bool:
    return bool(GUARDED.match(path)) and not NOT_GUARDED.match(path)


def place(ticket: int, admitted: int) -> int:
    """Place in line: 1 = next; 0 = its turn has come."""
    return max(0, ticket - admitted)


def eta_seconds(position: int, rate: float) -> int:
    """Estimated seconds until a ticket at `position` is admitted, at `rate` admissions per second."""
    if position <= 0:
        return 0
    return math.ceil(position / rate) if rate > 0 else 24 * 3600


def retry_after(eta: int) -> int:
    """When to ask again: soon near the front (so the order holds to within a second), rarely at the back (so
    the waiting do not load the platform): half the wait, between 1 and MAX_RETRY_AFTER seconds."""
    return max(1, min(MAX_RETRY_AFTER, math.ceil(eta / 2)))


@dataclass(frozen=True)
class State:
    issued: int = 0         # tickets handed out (the last ticket number)
    admitted: int = 0       # every ticket ≤ this may enter
    tokens: float = 0.0     # unused admissions kept while nobody waits (≤ burst)
    last: float | None = None


def advance(state: State, now: float, rate: float, burst: float, arrivals: int = 0) -> State:
    """The queue at `now`: tokens accrued since `last` at `rate` go to the waiting tickets in order; what is left
    once nobody waits is kept up to `burst`; then `arrivals` new tickets are issued and take kept tokens."""
    tokens = burst if state.last is None else state.tokens + max(0.0, now - state.last) * rate
    admitted = state.admitted + min(math.floor(tokens), state.issued - state.admitted)
    tokens = min(float(burst), tokens - (admitted - state.admitted))
    issued = state.issued + arrivals
    let_in = min(math.floor(tokens), issued - admitted)
    return State(issued, admitted + let_in, tokens - let_in, now)


# --- the cookie ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ticket:
    epoch: str
    number: int


@dataclass(frozen=True)
class Admission:
    number: int
    expires: int


def _mac(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def cookie_key(secret: str) -> bytes:
    return hashlib.sha256(b"ausm waiting room|" + secret.encode()).digest()


def ticket_cookie(key: bytes, ticket: Ticket) -> str:
    payload = f"w.{ticket.epoch}.{ticket.number}"
    return f"{payload}.{_mac(key, payload)}"


def admission_cookie(key: bytes, admission: Admission) -> str:
    payload = f"a.{admission.number}.{admission.expires}"
    return f"{payload}.{_mac(key, payload)}"


def read_cookie(key: bytes, value: str | None, now: float) -> Ticket | Admission | None:
    """The ticket or admission the cookie holds; None when absent, malformed, tampered with or expired."""
    if not value or len(value) > 200:
        return None
    payload, _, mac = value.rpartition(".")
    if not payload or not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    parts = payload.split(".")
    try:
        if parts[0] == "w" and len(parts) == 3:
            return Ticket(parts[1], int(parts[2]))
        if parts[0] == "a" and len(parts) == 3:
            admission = Admission(int(parts[1]), int(parts[2]))
            return admission if admission.expires > now else None
    except ValueError:
        return None
    return None


def needs_renewal(admission: Admission, now: float, ttl: int) -> bool:
    """An admission in use is renewed once half its lifetime has passed (inactivity, not sessions, ends it)."""
    return admission.expires - now < ttl / 2


# --- Redis ---------------------------------------------------------------------------------------------------------

# KEYS: state hash, config hash. ARGV: rate, burst, ticket (0 = a new arrival), epoch for a new queue, now ('' =
# Redis's own clock, shared by every gateway). Returns {ticket, admitted, issued, rate, epoch}.
ADVANCE_SCRIPT = """
local rate = tonumber(redis.call('HGET', KEYS[2], 'rate') or ARGV[1])
local burst = tonumber(redis.call('HGET', KEYS[2], 'burst') or ARGV[2])
local now = tonumber(ARGV[5])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local v = redis.call('HMGET', KEYS[1], 'issued', 'admitted', 'tokens', 'last', 'epoch')
local issued = tonumber(v[1]) or 0
local admitted = tonumber(v[2]) or 0
local last = tonumber(v[4])
local epoch = v[5] or ARGV[4]
local tokens = burst
if last then tokens = (tonumber(v[3]) or 0) + math.max(0, now - last) * rate end
local n = math.min(math.floor(tokens), issued - admitted)
admitted = admitted + n
tokens = math.min(burst, tokens - n)
local ticket = tonumber(ARGV[3])
if ticket == 0 then
  issued = issued + 1
  ticket = issued
end
n = math.min(math.floor(tokens), issued - admitted)
admitted = admitted + n
tokens = tokens - n
redis.call('HSET', KEYS[1], 'issued', issued, 'admitted', admitted, 'tokens', tostring(tokens),
           'last', tostring(now), 'epoch', epoch)
return {ticket, admitted, issued, tostring(rate), epoch}
"""


@dataclass(frozen=True)
class Turn:
    ticket: int
    admitted: int
    issued: int
    rate: float
    epoch: str

    @property
    def position(self) -> int:
        return place(self.ticket, self.admitted)

    @property
    def eta(self) -> int:
        return eta_seconds(self.position, self.rate)


class Queue:
    """The FIFO in Redis under `<prefix>:state` (issued, admitted, tokens, last, epoch) and `<prefix>:config`."""

    def __init__(self, client, prefix: str, rate: float, burst: float):
        self.client, self.prefix, self.rate, self.burst = client, prefix, rate, burst
        self._script = client.register_script(ADVANCE_SCRIPT)

    @property
    def keys(self):
        return [f"{self.prefix}:state", f"{self.prefix}:config"]

    def _call(self, ticket: int, now: float | None) -> Turn:
        ticket, admitted, issued, rate, epoch = self._script(
            keys=self.keys, args=[self.rate, self.burst, ticket, secrets.token_hex(4), "" if now is None else now])
        return Turn(int(ticket), int(admitted), int(issued), float(rate),
                    epoch.decode() if isinstance(epoch, bytes) else epoch)

    def arrive(self, now: float | None = None) -> Turn:
        return self._call(0, now)

    def check(self, ticket: int, now: float | None = None) -> Turn:
        return self._call(ticket, now)

    def reset(self):
        self.client.delete(*self.keys)


# --- Flask side ----------------------------------------------------------------------------------------------------

def _config(app):
    app.config.setdefault("WAITING_ROOM_ENABLED", env_bool("WAITING_ROOM_ENABLED", False))
    app.config.setdefault("WAITING_ROOM_RATE", float(env("WAITING_ROOM_RATE", "20")))
    app.config.setdefault("WAITING_ROOM_BURST", float(env("WAITING_ROOM_BURST", "40")))
    app.config.setdefault("WAITING_ROOM_COOKIE_TTL", int(env("WAITING_ROOM_COOKIE_TTL", "1800")))
    app.config.setdefault("WAITING_ROOM_REDIS_URL", redis_url())


def install(app):
    _config(app)
    if not app.config["WAITING_ROOM_ENABLED"]:
        return None
    queue = app.config.get("WAITING_ROOM_QUEUE")     # tests hand in their own
    if queue is None:
        client = redis.Redis.from_url(app.config["WAITING_ROOM_REDIS_URL"], socket_timeout=1,
                                      socket_connect_timeout=1)
        queue = Queue(client, f"{env('CLOCK_NAMESPACE', 'ausm')}:waiting-room", app.config["WAITING_ROOM_RATE"],
                      app.config["WAITING_ROOM_BURST"])
    app.extensions["waiting_room"] = queue
    key = cookie_key(app.config["SECRET_KEY"])
    app.add_url_rule(STATUS_PATH, "waiting_room_status", lambda: status(queue, key))
    app.before_request(lambda: gate(queue, key))
    app.after_request(set_cookie)
    return queue


def _now() -> float:
    return time.time()


def _admit(key: bytes, number: int, now: float):
    ttl = current_app.config["WAITING_ROOM_COOKIE_TTL"]
    g.waiting_room_cookie = (admission_cookie(key, Admission(number, int(now) + ttl)), ttl)
    g.waiting_room_ticket = number


def _turn_for(queue: Queue, held) -> Turn | None:
    """Ask the queue about the held ticket (or take one); None if Redis cannot be reached (let through)."""
    try:
        turn = queue.check(held.number) if isinstance(held, Ticket) else queue.arrive()
        if isinstance(held, Ticket) and turn.epoch != held.epoch:   # the queue was reset: the ticket is void
            turn = queue.arrive()
        return turn
    except redis.RedisError as exc:
        log.warning("waiting room: Redis unavailable, letting requests through: %r", exc)
        return None


def _decide(queue: Queue, key: bytes):
    """(admitted?, turn): sets the cookie to send in g."""
    now = _now()
    held = read_cookie(key, request.cookies.get(COOKIE), now)
    if isinstance(held, Admission):
        if needs_renewal(held, now, current_app.config["WAITING_ROOM_COOKIE_TTL"]):
            _admit(key, held.number, now)
        return True, None
    turn = _turn_for(queue, held)
    if turn is None:
        return True, None
    if turn.position == 0:
        _admit(key, turn.ticket, now)
        return True, turn
    if not isinstance(held, Ticket) or held.number != turn.ticket:
        g.waiting_room_cookie = (ticket_cookie(key, Ticket(turn.epoch, turn.ticket)), 24 * 3600)
    return False, turn


def gate(queue: Queue, key: bytes):
    if not guarded(request.path):
        return None
    admitted, turn = _decide(queue, key)
    if admitted:
        return None
    return waiting_answer(turn)


def _message(turn: Turn) -> str:
    minutes = max(1, math.ceil(turn.eta / 60))
    return (f"当前报名人数较多，您已进入排队：您排在第 {turn.position} 位，预计等待约 {minutes} 分钟。"
            "请勿关闭或反复刷新页面，轮到您时将自动进入。")


def _body(turn: Turn) -> dict:
    return {"position": turn.position, "eta_seconds": turn.eta, "retry_after": retry_after(turn.eta),
            "ticket": turn.ticket}


def waiting_answer(turn: Turn):
    wait = retry_after(turn.eta)
    if request.path.startswith("/api/"):
        response = jsonify({"code": CODE, "message": _message(turn), "errors": {}, **_body(turn)})
        response.status_code = 503
    else:
        # straight from Jinja: the app's context processors would look up the caller (a call to identity)
        page = current_app.jinja_env.get_template("waiting_room.html")
        response = make_response(page.render(turn=turn, retry_after=wait, minutes=max(1, math.ceil(turn.eta / 60))))
    response.headers["Retry-After"] = str(wait)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Waiting-Room-Ticket"] = str(turn.ticket)
    return response


def status(queue: Queue, key: bytes):
    """The waiting page's poll: {admitted, position, eta_seconds, retry_after, ticket}; admits when it is time."""
    admitted, turn = _decide(queue, key)
    body = {"admitted": admitted, "position": 0, "eta_seconds": 0, "retry_after": 0,
            "ticket": turn.ticket if turn else g.get("waiting_room_ticket")}
    if not admitted:
        body.update(_body(turn), message=_message(turn))
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def set_cookie(response):
    cookie = g.get("waiting_room_cookie")
    if cookie is None:
        return response
    value, max_age = cookie
    response.set_cookie(COOKIE, value, max_age=max_age, httponly=True, samesite="Lax",
                        secure=current_app.config["COOKIE_SECURE"])
    if g.get("waiting_room_ticket") is not None:
        response.headers["X-Waiting-Room-Ticket"] = str(g.waiting_room_ticket)
    # shared answers (reference data, the exam list): this one carries a cookie, so no shared cache may keep it
    if getattr(response, "is_reference", False):
        response.headers["Cache-Control"] = "private, no-cache"
    elif "public" in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = response.headers["Cache-Control"].replace("public", "private")
    return response
