"""The waiting room on a whole platform of its own (WAITING_ROOM_ENABLED, 10 admissions per second, a burst of 2):
50 simultaneous candidates are admitted in arrival order with no 5xx, API clients are told their place with 503
and Retry-After, a browser sees the waiting page and enters by itself when its turn comes (at 3 per second, set
through the room's Redis override). The load test at 10× the sustainable rate is bench/waiting_room_bench.py
(make bench)."""
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from ausm_common.config import redis_url

from tests.e2e.browser import new_page
from tests.support.stack import running_stack

RATE, BURST, CLIENTS = 10, 2, 50


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    env = {"WAITING_ROOM_ENABLED": "true", "WAITING_ROOM_RATE": str(RATE), "WAITING_ROOM_BURST": str(BURST),
           "WAITING_ROOM_COOKIE_TTL": "120"}
    with running_stack(tmp_path_factory.mktemp("waiting-logs"), extra_env=env) as running:
        yield running


def _wait_in_line(stack, start: threading.Barrier):
    """One candidate: ask for the exam list, and while told to wait, ask again (every 0.2 s, keeping the cookie)."""
    session = requests.Session()
    start.wait()
    arrived, seen, ticket, last_wait_sent = time.monotonic(), [], None, None
    while True:
        sent = time.monotonic()
        answer = session.get(stack.url("/api/v1/exams"), timeout=30)
        seen.append(answer.status_code)
        if answer.status_code != 503:
            break
        body = answer.json()
        assert body["code"] == "WAITING_ROOM" and "排队" in body["message"] and int(answer.headers["Retry-After"]) >= 1
        assert body["position"] >= 1 and body["eta_seconds"] >= 1
        ticket, last_wait_sent = body["ticket"], sent
        time.sleep(0.2)
    admitted = time.monotonic()
    ticket = int(answer.headers.get("X-Waiting-Room-Ticket") or ticket)
    # admitted: the province table and the page too, without queueing again
    exams = answer.json()
    follow = [session.get(stack.url(f"/api/v1/exams/{exams[0]['id']}/provinces"), timeout=30).status_code,
              session.get(stack.url("/exam"), timeout=30).status_code]
    return {"ticket": ticket, "admitted": admitted - arrived, "statuses": seen, "after": follow,
            "first": answer.status_code, "admitted_at": admitted, "last_wait_sent": last_wait_sent}


def test_simultaneous_candidates_enter_in_order_without_errors(room):
    start = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda _: _wait_in_line(room, start), range(CLIENTS)))
    tickets = sorted(r["ticket"] for r in results)
    assert tickets == list(range(tickets[0], tickets[0] + CLIENTS))          # distinct and consecutive places
    assert all(r["first"] == 200 and r["after"] == [200, 200] for r in results)
    assert not [s for r in results for s in r["statuses"] if s >= 500 and s != 503]
    waited = [r for r in results if len(r["statuses"]) > 1]
    assert len(waited) >= CLIENTS // 2                                      # the room did hold them back
    # in ticket order, exactly: nobody was told to wait (that request sent) after a later ticket had been let in
    # (that answer received), since the server answered the one after it was sent and the other before it arrived
    ordered = sorted(results, key=lambda r: r["ticket"])
    late = [(a["ticket"], b["ticket"]) for i, a in enumerate(ordered) for b in ordered[i + 1:]
            if a["last_wait_sent"] is not None and a["last_wait_sent"] > b["admitted_at"]]
    assert not late, f"admitted out of order: {late}"
    by_ticket = [r["admitted"] for r in ordered]
    # the rate holds: the last one in after about (CLIENTS - BURST) / RATE seconds
    assert (CLIENTS - BURST) / RATE - 1.5 < max(by_ticket) < (CLIENTS - BURST) / RATE + 4


@pytest.fixture
def slow_room(room):
    """The running room at 3 admissions per second (the operators' override), back to its own rate after."""
    client = redis.Redis.from_url(redis_url())
    config = f"{room.env['CLOCK_NAMESPACE']}:waiting-room:config"
    client.hset(config, mapping={"rate": 3, "burst": 1})
    yield room
    client.delete(config)


def test_a_browser_waits_on_the_waiting_page_and_enters_by_itself(slow_room, browser):
    room = slow_room
    for _ in range(8):      # eight candidates ahead who never come back: about 3 s of the line at 3 per second
        requests.get(room.url("/api/v1/exams"), timeout=30)
    page_answer = requests.get(room.url("/exam"), timeout=30)
    html = page_answer.text
    assert page_answer.status_code == 200 and page_answer.headers["Cache-Control"] == "no-store"
    assert "正在排队" in html and "预计等待" in html and 'data-testid="waiting-position"' in html
    assert "script-src 'self'" in page_answer.headers["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)                  # nothing inline for the CSP to refuse

    for _ in range(8):
        requests.get(room.url("/api/v1/exams"), timeout=30)
    page = new_page(browser, room)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto("/exam")
    assert page.get_by_test_id("waiting-room").is_visible()
    position = int(page.get_by_test_id("waiting-position").inner_text())
    assert position >= 2
    assert re.match(r"约 \d+ (秒|分钟)|即将进入", page.get_by_test_id("waiting-eta").inner_text())
    # nobody clicks: the page counts down, asks, and loads the exam list once the turn has come
    page.get_by_test_id("exam-table").wait_for(timeout=20000)
    assert page.get_by_test_id("waiting-room").count() == 0
    assert not refused
