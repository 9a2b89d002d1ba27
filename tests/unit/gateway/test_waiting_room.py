"""The waiting room's rules (gateway/gateway/waiting_room.py) as plain functions, and the gate in the app with an
in-memory queue that follows the same rule (`advance`); the Redis script is checked against it in
tests/integration/test_waiting_room.py."""
import re

import pytest

from gateway import waiting_room as wr
from gateway.waiting_room import Admission, State, Ticket, Turn, advance

KEY = wr.cookie_key("unit-test-secret")


# --- rules --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    ("/exam", True), ("/exam/", True), ("/exam/e1/provinces", True), ("/exam/e1/provinces/330000/notice", True),
    ("/exam/enrollments/abc", True), ("/api/v1/exams", True), ("/api/v1/exams/e1/provinces", True),
    ("/api/v1/exam/enrollments", True), ("/api/v1/exam/enrollments/x/submission", True),
    ("/exam/verify/2026001", False), ("/api/v1/exam/verify/2026001", False), ("/examples", False),
    ("/static/exam.js", False), ("/healthz", False), ("/notify/alipay", False), ("/login", False),
    ("/staff/exam", False), ("/api/v1/staff/exam/overview", False), ("/api/v1/identity/login", False),
    ("/waiting-room/status", False), ("/sandbox/clock", False),
])
def test_only_the_registration_pages_and_api_are_guarded(path, expected):
    assert wr.guarded(path) is expected


def test_place_eta_and_retry_interval():
    assert wr.place(10, 4) == 6
    assert wr.place(4, 4) == 0 and wr.place(3, 9) == 0
    assert wr.eta_seconds(0, 5) == 0
    assert wr.eta_seconds(6, 5) == 2             # rounded up: never promise less than the truth
    assert wr.eta_seconds(10, 5) == 2
    assert wr.eta_seconds(3, 0) == 24 * 3600     # rate 0 (admissions paused): a day, not a division by zero
    assert wr.retry_after(0) == 1 and wr.retry_after(1) == 1 and wr.retry_after(9) == 5
    assert wr.retry_after(10_000) == wr.MAX_RETRY_AFTER


def test_a_quiet_queue_admits_up_to_the_burst_at_once_then_at_the_rate():
    state = State()
    for _ in range(3):
        state = advance(state, 100.0, rate=2, burst=3, arrivals=1)
    assert (state.issued, state.admitted) == (3, 3)
    state = advance(state, 100.0, rate=2, burst=3, arrivals=2)         # no token left: both wait
    assert (state.issued, state.admitted) == (5, 3)
    state = advance(state, 100.5, rate=2, burst=3)                      # half a second at 2/s: one more
    assert state.admitted == 4
    state = advance(state, 101.0, rate=2, burst=3)
    assert state.admitted == 5
    assert state.tokens == 0


def test_the_line_advances_with_time_not_with_polls():
    state = advance(State(), 0.0, rate=5, burst=1, arrivals=100)        # 100 at once: one enters
    assert state.admitted == 1
    state = advance(state, 10.0, rate=5, burst=1)                       # nobody asked for 10 s: 50 more
    assert state.admitted == 51


def test_unused_admissions_are_kept_only_up_to_the_burst():
    state = advance(State(), 0.0, rate=10, burst=4, arrivals=1)
    state = advance(state, 3600.0, rate=10, burst=4, arrivals=10)       # an hour idle: still only 4 at once
    assert state.admitted == 1 + 4
    assert state.tokens == 0


def test_admission_follows_ticket_order():
    """Whatever the arrivals, `admitted` only grows, so ticket t is admitted no later than ticket t+1."""
    state, when = State(), {}
    arrivals = [3, 0, 7, 1, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    for step, count in enumerate(arrivals):
        before = state.admitted
        state = advance(state, step * 0.5, rate=3, burst=2, arrivals=count)
        assert state.admitted >= before and state.admitted <= state.issued
        for ticket in range(before + 1, state.admitted + 1):
            when[ticket] = step
    assert sorted(when) == list(range(1, state.issued + 1))
    times = [when[t] for t in sorted(when)]
    assert times == sorted(times)


def test_cookies_round_trip_and_refuse_tampering():
    ticket = wr.ticket_cookie(KEY, Ticket("ab12", 42))
    assert wr.read_cookie(KEY, ticket, 0) == Ticket("ab12", 42)
    admission = wr.admission_cookie(KEY, Admission(42, 2000))
    assert wr.read_cookie(KEY, admission, 1999) == Admission(42, 2000)
    # a better place in line, a later expiry, another key, garbage: all count as no cookie
    assert wr.read_cookie(KEY, ticket.replace(".42.", ".1."), 0) is None
    assert wr.read_cookie(KEY, admission.replace(".2000.", ".9999."), 0) is None
    assert wr.read_cookie(wr.cookie_key("another secret"), ticket, 0) is None
    for junk in ("", "w.1.2", "a.x.y.z", "." * 10, "x" * 500, None):
        assert wr.read_cookie(KEY, junk, 0) is None


def test_an_admission_expires_and_is_renewed_while_used():
    cookie = wr.admission_cookie(KEY, Admission(7, 1000))
    assert wr.read_cookie(KEY, cookie, 1000) is None                  # expired: queue again
    assert not wr.needs_renewal(Admission(7, 1000), 1000 - 1800 + 10, 1800)
    assert wr.needs_renewal(Admission(7, 1000), 1000 - 800, 1800)


# --- the gate in the app -------------------------------------------------------------------------------------------

class MemoryQueue:
    """The Redis queue's behaviour (`advance`) in memory, on a clock the test moves."""

    def __init__(self, rate, burst, clock):
        self.rate, self.burst, self.clock, self.state, self.epoch = rate, burst, clock, State(), "e1"

    def _turn(self, ticket):
        return Turn(ticket, self.state.admitted, self.state.issued, self.rate, self.epoch)

    def arrive(self, now=None):
        self.state = advance(self.state, self.clock[0], self.rate, self.burst, arrivals=1)
        return self._turn(self.state.issued)

    def check(self, ticket, now=None):
        self.state = advance(self.state, self.clock[0], self.rate, self.burst)
        return self._turn(ticket)


@pytest.fixture
def room(make_app, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(wr, "_now", lambda: clock[0])
    queue = MemoryQueue(rate=1, burst=1, clock=clock)
    app = make_app(WAITING_ROOM_ENABLED=True, WAITING_ROOM_QUEUE=queue, WAITING_ROOM_COOKIE_TTL=600)
    return app, queue, clock


def _cookie(client):
    cookie = client.get_cookie(wr.COOKIE)
    return cookie.value if cookie else None


def test_the_room_is_off_unless_enabled(client, app):
    assert "waiting_room" not in app.extensions
    assert client.get(wr.STATUS_PATH).status_code == 404


def test_the_first_is_let_in_and_the_next_waits_with_its_place(room):
    app, queue, clock = room
    first, second, third = app.test_client(), app.test_client(), app.test_client()
    assert first.get("/exam").status_code == 200
    assert isinstance(wr.read_cookie(KEY_OF(app), _cookie(first), clock[0]), Admission)

    api = second.get("/api/v1/exams")
    assert api.status_code == 503
    assert api.headers["Retry-After"] == "1" and api.headers["Cache-Control"] == "no-store"
    body = api.get_json()
    assert body["code"] == "WAITING_ROOM" and body["position"] == 1 and body["eta_seconds"] == 1
    assert body["ticket"] == 2 and "排队" in body["message"] and "第 1 位" in body["message"]

    page = third.get("/exam/e1/provinces")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="waiting-room"' in html and 'data-testid="waiting-position">2<' in html
    assert "约 1 分钟" in html and '<script src="/static/waiting-room.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " on" + "click=" not in html   # CSP: no inline code
    assert page.headers["Cache-Control"] == "no-store"

    # a second later the second ticket's turn has come, not the third's
    clock[0] += 1
    status = second.get(wr.STATUS_PATH).get_json()
    assert status["admitted"] is True and status["ticket"] == 2
    status = third.get(wr.STATUS_PATH).get_json()
    assert status == {"admitted": False, "position": 1, "eta_seconds": 1, "retry_after": 1, "ticket": 3,
                      "message": status["message"]}
    clock[0] += 1
    assert third.get("/exam").status_code == 200
    assert "waiting-room" not in third.get("/exam").get_data(as_text=True)


def KEY_OF(app):
    return wr.cookie_key(app.config["SECRET_KEY"])


def test_an_admitted_client_is_not_queued_again_until_the_admission_expires(room):
    app, queue, clock = room
    client = app.test_client()
    assert client.get("/exam").status_code == 200
    issued = queue.state.issued
    for _ in range(5):
        clock[0] += 60
        assert "waiting-room" not in client.get("/exam").get_data(as_text=True)
    assert queue.state.issued == issued                  # the admission cookie, not the queue, let it in
    clock[0] += 601                                       # idle longer than the TTL: queued again
    client.get("/exam")
    assert queue.state.issued == issued + 1


def test_a_tampered_cookie_goes_to_the_back(room):
    app, queue, clock = room
    early, late = app.test_client(), app.test_client()
    early.get("/exam")                                   # admitted (ticket 1)
    late.get("/exam")                                    # ticket 2, waits
    for _ in range(3):
        app.test_client().get("/exam")                   # tickets 3..5
    forged = _cookie(late).replace(".2.", ".1.")
    late.set_cookie(wr.COOKIE, forged)
    answer = late.get("/api/v1/exams")
    assert answer.status_code == 503 and answer.get_json()["ticket"] == 6
    late.set_cookie(wr.COOKIE, wr.admission_cookie(wr.cookie_key("guess"), Admission(1, int(clock[0]) + 600)))
    assert late.get("/api/v1/exams").get_json()["ticket"] == 7


def test_static_files_health_and_notifications_never_wait(room):
    app, queue, clock = room
    app.test_client().get("/exam")                       # takes the only token
    client = app.test_client()
    assert client.get("/static/waiting-room.js").status_code == 200
    assert client.get("/exam/verify/123").status_code != 503
    assert queue.state.issued == 1


def test_redis_unreachable_lets_everyone_through(make_app):
    import redis
    queue = wr.Queue(redis.Redis(port=1, socket_connect_timeout=0.2), "unit", rate=1, burst=1)
    app = make_app(WAITING_ROOM_ENABLED=True, WAITING_ROOM_QUEUE=queue)
    for _ in range(3):
        page = app.test_client().get("/exam")
        assert page.status_code == 200 and "waiting-room" not in page.get_data(as_text=True)


def test_an_answer_that_admits_is_not_left_to_shared_caches(room):
    from flask import Response
    app, queue, clock = room
    with app.test_request_context("/api/v1/exams"):
        from flask import g
        g.waiting_room_cookie, g.waiting_room_ticket = ("a.1.2.x", 600), 1
        shared = wr.set_cookie(Response("{}", headers={"Cache-Control": "public, max-age=5"}))
        assert shared.headers["Cache-Control"] == "private, max-age=5"
        assert shared.headers["X-Waiting-Room-Ticket"] == "1" and "ausm_queue=" in shared.headers["Set-Cookie"]


def test_the_waiting_page_costs_no_call_to_a_service(room):
    """A signed-in candidate waits too; the page is rendered without looking the caller up (the broker of these
    tests is unreachable: a lookup would fail the request)."""
    from gateway.auth import SESSION_COOKIE
    app, queue, clock = room
    app.test_client().get("/exam")                       # takes the only token
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, "a-session-token")
    page = client.get("/exam")
    assert page.status_code == 200 and 'data-testid="waiting-room"' in page.get_data(as_text=True)
