"""Locust scenario of the opening hour, run by bench/waiting_room_bench.py (`make bench`) against a real stack.

A candidate's journey: the exam list, the province table, the chosen province (what everyone reads when a window
opens); with WR_JOURNEY=login, between the last two the candidate signs in (captcha, password) and opens 我的报名.
Two modes (WR_MODE):

- `capacity`: closed loop, each user a stream of new candidates (cookies dropped after every journey), the room
  letting everyone in: how many journeys per second the platform completes.
- `arrivals`: open loop, every user ONE candidate arriving (locust's spawn rate is the arrival rate): it asks for
  the exam list, and while answered 503 WAITING_ROOM waits `Retry-After` and asks again, keeping its cookie; once
  admitted it walks the journey. When WR_USERS candidates have finished, the run stops.

Every request is written to WR_OUT (JSON) when the run stops: per candidate its ticket, when it arrived, when its
last "wait" was sent, when the admitting answer came, and the journey's latencies; the bench computes the figures.
"""
import itertools
import json
import os
import time

import gevent
from locust import FastHttpUser, constant, events, task

MODE = os.environ.get("WR_MODE", "capacity")
OUT = os.environ.get("WR_OUT", "waiting-room-load.json")
EXAM = os.environ.get("WR_EXAM_ID", "")
REGION = os.environ.get("WR_REGION", "330000")
EXPECTED = int(os.environ.get("WR_USERS", "0"))
JOURNEY = [("/api/v1/exams", "exams"), (f"/api/v1/exams/{EXAM}/provinces", "province table"),
           (f"/api/v1/exams/{EXAM}/provinces/{REGION}", "province")]
# WR_JOURNEY=login: after the province table the candidate signs in (captcha, password: argon2) and opens
# 我的报名 before the chosen province; accounts are shared round robin (WR_ACCOUNTS, comma-separated login names).
LOGIN = os.environ.get("WR_JOURNEY", "reads") == "login"
ACCOUNTS = [name for name in os.environ.get("WR_ACCOUNTS", "").split(",") if name]
PASSWORD = os.environ.get("WR_PASSWORD", "")
_turn = itertools.count()

candidates: list[dict] = []     # one per candidate (arrivals) or per journey (capacity)


def _get(user, path, name, method="GET", **kwargs):
    """(status, body-or-None, seconds, sent, headers): the room's 503 counts as a success in locust's table."""
    sent = time.time()
    started = time.perf_counter()
    with user.client.request(method, path, name=name, catch_response=True, **kwargs) as answer:
        elapsed = time.perf_counter() - started
        body = None
        if answer.status_code == 503:
            try:
                body = answer.json()
            except Exception:   # noqa: BLE001 - not the room's answer: a real 503
                body = None
            if body and body.get("code") == "WAITING_ROOM":
                answer.success()
        elif answer.status_code < 400 and answer.headers.get("Content-Type", "").startswith("application/json"):
            body = answer.json()
        return answer.status_code, body, elapsed, sent, answer.headers


def walk(user, steps):
    """The admitted candidate's steps after the first: [(status, seconds)]."""
    done = []

    def step(path, name, method="GET", **kwargs):
        status, body, elapsed, _sent, _headers = _get(user, path, name, method, **kwargs)
        done.append((status, elapsed))
        return status, body

    step(*steps[1])
    headers = {}
    if LOGIN:
        status, captcha = step("/api/v1/captcha", "captcha", "POST")
        if status == 200:
            answer = user.client.get(f"/sandbox/captcha/{captcha['captcha_id']}", name="(sandbox answer)").json()
            status, session = step("/api/v1/sessions", "login", "POST", json={
                "login": ACCOUNTS[next(_turn) % len(ACCOUNTS)], "password": PASSWORD, "transport": "bearer",
                "captcha_id": captcha["captcha_id"], "captcha_answer": answer["answer"]})
            if status == 200:
                headers = {"Authorization": f"Bearer {session['token']}"}
                step("/api/v1/exam/enrollments", "my enrollments", headers=headers)
    step(*steps[2], headers=headers)
    return done


class Candidate(FastHttpUser):
    wait_time = constant(0)
    connection_timeout = 30.0
    network_timeout = 30.0

    @task
    def visit(self):
        if MODE == "capacity":
            self.client.cookiejar.clear()           # a new candidate every journey
            record = {"start": time.time(), "latencies": [], "statuses": []}
            status, _body, elapsed, _sent, _headers = _get(self, *JOURNEY[0])
            done = [(status, elapsed)] + walk(self, JOURNEY)
            record["statuses"] = [s for s, _ in done]
            record["latencies"] = [e for _, e in done]
            record["end"] = time.time()
            candidates.append(record)
            return
        self.arrive()
        gevent.sleep(10 ** 6)                         # one candidate per user: it stays, done

    def arrive(self):
        record = {"arrived": time.time(), "polls": 0, "ticket": None, "last_wait_sent": None, "statuses": [],
                  "wait_latencies": [], "latencies": []}
        candidates.append(record)
        path, name = JOURNEY[0]
        while True:
            status, body, elapsed, sent, headers = _get(self, path, name)
            room = status == 503 and body and body.get("code") == "WAITING_ROOM"
            record["statuses"].append("room" if room else status)
            if not room and (status >= 500 or status == 0):     # counted by the bench; the candidate asks again
                gevent.sleep(1)
                continue
            if room:
                record["polls"] += 1
                record["ticket"] = body["ticket"]
                record["last_wait_sent"] = sent
                record["wait_latencies"].append(elapsed)
                record.setdefault("first_position", body["position"])
                gevent.sleep(int(headers.get("Retry-After", "1")))
                continue
            break
        record["admitted"] = time.time()
        record["latencies"].append(elapsed)
        if headers.get("X-Waiting-Room-Ticket"):
            record["ticket"] = int(headers["X-Waiting-Room-Ticket"])
        for status, elapsed in walk(self, JOURNEY):
            record["statuses"].append(status)
            record["latencies"].append(elapsed)
        record["done"] = time.time()
        if EXPECTED and sum(1 for c in candidates if "done" in c) >= EXPECTED:
            gevent.spawn_later(0.5, self.environment.runner.quit)


@events.quitting.add_listener
def _write(environment, **_kwargs):
    with open(OUT, "w") as out:
        json.dump({"mode": MODE, "candidates": candidates}, out)
