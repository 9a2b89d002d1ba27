"""Scale-out, proven (issue #12 §3): three `nameko run` instances of every service in services.yml share their
queues behind ONE gateway (gunicorn, as scripts/run.sh starts it). Concurrent people go through the gateway over
HTTP as a browser does (CSRF cookie and header, sandbox captcha and SMS): exam list, payment channels, registration
(SMS code, then the account), login, their collection (profile, which asks identity) and continuing-education record
(cpe), and a phone change, which announces `phone_changed` through identity's outbox to profile. Instance 0 of every
service is killed with SIGKILL mid-stream.

Every HTTP answer is classified: 2xx; a clean retryable error (the gateway's JSON error 503 SERVICE_UNAVAILABLE:
what an RPC timeout or a dependency down becomes); or a refusal saying an earlier delivery of the same request
already applied it (a request whose instance died after committing is delivered again to another: pitfalls.md §2.1).
Anything else (500, another error, a non-JSON answer, a broken connection) fails the test. A person retries an
operation after a retryable answer, as the pages do, a few times. Then: one account per ID number, at most one
`phone_changed` per account, identity's outbox ids are exactly profile's inbox ids (each once), no dead letters
anywhere."""
import os
import signal
import subprocess
import sys
import threading
import time
import types
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from ausm_common import registry
from ausm_common.db import SessionFactory
from tests.e2e.helpers import Browser
from tests.support import infra
from tests.support.people import PASSWORD, mainland_id, phone

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = 3
SERVICES = registry.names()
CALLERS = 16
PER_CALLER = 12
MAX_TRIES = 4                     # a person tries an operation again after a retryable answer
RPC_TIMEOUT = 15
HTTP_TIMEOUT = 60                 # above a few RPC timeouts in a row (session, call, a service's own call)
RETRYABLE = {503: "SERVICE_UNAVAILABLE", 504: "SERVICE_UNAVAILABLE"}
# Refusals that mean an earlier delivery of the same request already did it (or used what it needed up).
ALREADY_APPLIED = {"ACCOUNT_EXISTS", "PHONE_UNCHANGED", "PHONE_TAKEN", "SMS_TOO_FREQUENT", "SMS_CODE_USED",
                   "SMS_CODE_WRONG", "SMS_CODE_EXPIRED", "CAPTCHA_WRONG"}
# ...of which these make a person start the operation over (a new captcha, the newest SMS code)
START_OVER = {"SMS_CODE_USED", "SMS_CODE_WRONG", "SMS_CODE_EXPIRED", "CAPTCHA_WRONG"}


def start_instance(name, index, env, logs):
    entry = registry.get(name)
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", entry.config, entry.module],
                            cwd=ROOT, env=env, stdout=open(logs / f"{name}-{index}.log", "w"),
                            stderr=subprocess.STDOUT)


def start_gateway(port, env, logs):
    """One gateway process, as scripts/run.sh starts it (gunicorn.conf.py, gthread)."""
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gateway" / "gunicorn.conf.py"),
                             "-k", "gthread", "--workers", "1", "--threads", "16", "--bind", f"127.0.0.1:{port}",
                             "--chdir", "gateway", "--no-control-socket", "gateway.wsgi:app"],
                            cwd=ROOT, env=env, stdout=open(logs / "gateway.log", "w"), stderr=subprocess.STDOUT)


def consumers(amqp_uri, queue) -> int:
    import kombu
    with kombu.Connection(amqp_uri, connect_timeout=5) as conn:
        try:
            return conn.channel().queue_declare(queue=queue, passive=True).consumer_count
        except Exception:   # not declared yet: no instance has started
            return 0


def healthy(url) -> bool:
    try:
        return requests.get(url, timeout=10).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("scale-out")
    with ExitStack() as stack:
        databases = {name: stack.enter_context(infra.fresh_database(f"ausm_{name}_scale", name))
                     for name in SERVICES}
        amqp = stack.enter_context(infra.rabbit_vhost("ausm_scale"))
        s3 = stack.enter_context(infra.s3_server())
        port = infra.free_port()
        env = {**os.environ, "AMQP_URI": amqp, "SANDBOX": "true", "SECRET_KEY": "scale-out-secret",
               **{registry.get(name).database_env: url for name, url in databases.items()},
               **{f"{name.upper()}_MAX_WORKERS": "4" for name in SERVICES},
               "S3_ENDPOINT": s3["endpoint"], "S3_ACCESS_KEY": s3["access_key"],
               "S3_SECRET_KEY": s3["secret_key"], "S3_BUCKET": s3["bucket"], "ARGON2_TIME_COST": "1",
               "ARGON2_MEMORY_COST": "8192", "SMS_PER_CLIENT_DAILY": "100000", "METRICS_PORT": "off",
               "RPC_TIMEOUT": str(RPC_TIMEOUT), "CLOCK_NAMESPACE": amqp.rsplit("/", 1)[-1] or "ausm_scale",
               # the gateway: every caller is 127.0.0.1, so no per-address throttle and no waiting room; the exam
               # list read from exam on every request (no per-process cache), so exam stays on the path
               "THROTTLE_CAPTCHA": "100000/minute", "THROTTLE_SMS": "100000/minute",
               "THROTTLE_LOGIN": "100000/minute", "WAITING_ROOM_ENABLED": "false", "REFERENCE_CACHE_SECONDS": "0",
               "PAYMENT_NOTIFY_BASE_URL": f"http://127.0.0.1:{port}"}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        subprocess.run([sys.executable, "-m", "ausm_common.topology"], env=env, check=True, capture_output=True)
        procs = {(name, i): start_instance(name, i, env, logs) for name in SERVICES for i in range(INSTANCES)}
        gateway = start_gateway(port, env, logs)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 180
            while not (all(consumers(amqp, f"rpc-{n}") == INSTANCES for n in SERVICES) and healthy(base + "/healthz")):
                dead = [key for key, p in {**procs, ("gateway", 0): gateway}.items() if p.poll() is not None]
                assert not dead and time.time() < deadline, f"{dead} did not start; see {logs}"
                time.sleep(0.5)
            yield {"procs": procs, "gateway": gateway, "base": base, "amqp": amqp, "databases": databases,
                   "logs": logs}
        finally:
            for proc in [gateway, *procs.values()]:
                if proc.poll() is None:
                    proc.terminate()
            for proc in [gateway, *procs.values()]:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()


def classify(response) -> tuple[str, object]:
    """One HTTP answer: ok | retryable | already:<code> | unexpected:<status>:<code>."""
    try:
        body = response.json()
    except ValueError:
        return f"unexpected:{response.status_code}:not-json", None
    if 200 <= response.status_code < 300:
        return "ok", body
    code = body.get("code") if isinstance(body, dict) else None
    if RETRYABLE.get(response.status_code) == code:
        return "retryable", body
    if code in ALREADY_APPLIED:
        return f"already:{code}", body
    return f"unexpected:{response.status_code}:{code}:{str(body)[:200]}", body


class Stop(Exception):
    """An answer that ends the attempt (its outcome)."""

    def __init__(self, outcome):
        super().__init__(outcome)
        self.outcome = outcome


def scalar(factory, sql, **params):
    with factory.get_session() as session:
        return session.scalar(text(sql), params)


def test_every_service_three_times_behind_one_gateway_survives_a_sigkill_mid_stream(cluster):
    answers: list[tuple[str, str]] = []                  # every HTTP answer: (operation, outcome)
    spans: list[tuple[float, float]] = []                # when each request was sent and answered
    operations: list[tuple[str, str, dict]] = []         # every operation: (operation, final outcome, facts)
    lock = threading.Lock()
    done = Counter()
    site = types.SimpleNamespace(url=lambda path: cluster["base"] + path)

    def http(browser, op, method, path, tolerate=(), **kwargs):
        """One request; returns the body of a 2xx (or of a tolerated refusal), else raises Stop."""
        sent = time.monotonic()
        try:
            outcome, body = classify(browser.request(method, path, timeout=HTTP_TIMEOUT, **kwargs))
        except requests.RequestException as exc:
            outcome, body = f"unexpected:{type(exc).__name__}:{exc}", None
        with lock:
            answers.append((op, outcome))
            spans.append((sent, time.monotonic()))
        if outcome == "ok" or outcome.removeprefix("already:") in tolerate:
            return body
        raise Stop(outcome)

    def operation(op, steps, **facts):
        """`steps()` until it ends ok or refused as already applied; a retryable answer (or one that asks for a new
        captcha or code) starts it over, at most MAX_TRIES times. Returns the final outcome."""
        for attempt in range(MAX_TRIES):
            try:
                steps()
                outcome = "ok"
            except Stop as stop:
                outcome = stop.outcome
            if outcome == "retryable" or outcome.removeprefix("already:") in START_OVER:
                time.sleep(0.5 * (attempt + 1))
                continue
            break
        with lock:
            operations.append((op, outcome, facts))
            done[op] += 1
        return outcome

    def sms_code(browser, op, number, purpose):
        http(browser, op, "POST", "/api/v1/sms-codes", json={"phone": number, "purpose": purpose},
             tolerate={"SMS_TOO_FREQUENT"})    # an earlier delivery sent it: the code is in the sandbox
        sent = http(browser, op, "GET", "/sandbox/sms", params={"phone": number})
        codes = [m["code"] for m in sent if m.get("code")]
        if not codes:
            raise Stop("unexpected:no-sms-code")
        return codes[0]

    def caller(n):
        for i in range(PER_CALLER):
            browser = Browser(site)
            data = {"id_type": "mainland_id", "id_number": mainland_id(), "name": "李晓明", "password": PASSWORD,
                    "password_confirm": PASSWORD, "phone": phone()}
            operation("exam_list", lambda: http(browser, "exam_list", "GET", "/api/v1/exams"))
            operation("payment_channels", lambda: http(browser, "payment_channels", "GET",
                                                       "/api/v1/payments/channels"))

            def register():
                code = sms_code(browser, "register", data["phone"], "register")
                http(browser, "register", "POST", "/api/v1/accounts", json={**data, "sms_code": code})
            registered = operation("register", register, id_number=data["id_number"])
            if registered not in ("ok", "already:ACCOUNT_EXISTS"):
                continue

            def login():
                captcha = http(browser, "login", "POST", "/api/v1/captcha")
                answer = http(browser, "login", "GET", f"/sandbox/captcha/{captcha['captcha_id']}")["answer"]
                http(browser, "login", "POST", "/api/v1/sessions",
                     json={"login": data["id_number"], "password": PASSWORD, "transport": "cookie",
                           "captcha_id": captcha["captcha_id"], "captcha_answer": answer})
            if operation("login", login) != "ok":
                continue
            operation("profile_read", lambda: http(browser, "profile_read", "GET", "/api/v1/collection"))
            operation("cpe_read", lambda: http(browser, "cpe_read", "GET", "/api/v1/cpe/years"))
            new_phone = phone()

            def change():
                code = sms_code(browser, "change_phone", new_phone, "change_phone")
                http(browser, "change_phone", "PUT", "/api/v1/me/phone", json={"phone": new_phone, "sms_code": code})
            operation("change_phone", change, id_number=data["id_number"], phone=new_phone)

    started = time.time()
    threads = [threading.Thread(target=caller, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    total = CALLERS * PER_CALLER
    deadline = time.time() + 180
    while done["register"] < total // 3 and time.time() < deadline:
        time.sleep(0.05)
    victims = [cluster["procs"][(name, 0)] for name in SERVICES]
    kill_time = time.monotonic()
    for victim in victims:
        victim.send_signal(signal.SIGKILL)              # mid-stream: calls and events in flight on it
    killed_at = dict(done)
    for thread in threads:
        thread.join(300)
    stream_seconds = time.time() - started
    for victim in victims:
        assert victim.wait(10) == -signal.SIGKILL
    assert cluster["gateway"].poll() is None

    per_answer = Counter(f"{op}:{outcome.split(':')[0]}" for op, outcome in answers)
    per_code = Counter(outcome for _, outcome in answers if outcome.startswith("already"))
    final = Counter(f"{op}:{outcome.split(':')[0]}" for op, outcome, _ in operations)
    unexpected = [a for a in answers if a[1].startswith("unexpected")]
    in_flight = [end - sent for sent, end in spans if sent <= kill_time <= end]
    served = {path.stem: sum(1 for line in open(path, encoding="utf-8") if '"ausm.rpc"' in line)
              for path in sorted(Path(cluster["logs"]).glob("*-[0-9].log"))}
    duplicates = sum(1 for path in Path(cluster["logs"]).glob("profile-*.log")
                     for line in open(path, encoding="utf-8") if '"outcome": "duplicate"' in line)
    print(f"\nscale-out: {len(answers)} HTTP answers in {stream_seconds:.0f} s through one gateway to "
          f"{INSTANCES} instances each of {', '.join(SERVICES)}; instance 0 of each killed after {killed_at} "
          f"with {len(in_flight)} HTTP requests in flight (answered within {max(in_flight, default=0):.1f} s); "
          f"slowest answer {max((end - sent for sent, end in spans), default=0):.1f} s; "
          f"answers {dict(sorted(per_answer.items()))}; already-applied codes {dict(per_code)}; "
          f"operations {dict(sorted(final.items()))}; RPC calls served per instance {served}; "
          f"events redelivered and skipped as duplicates {duplicates}; logs {cluster['logs']}")
    assert unexpected == [], unexpected[:10]
    assert done["register"] == total and final["register:ok"] >= total // 2
    for op in ("exam_list", "payment_channels", "profile_read", "cpe_read", "change_phone"):
        assert final[f"{op}:ok"] >= total // 2, (op, final)
    # the survivors took over: every operation ended done (or refused as done) within its tries
    assert not [o for o in operations if o[1] == "retryable"], [o for o in operations if o[1] == "retryable"][:10]

    factories = {name: SessionFactory.for_url(url) for name, url in cluster["databases"].items()}
    identity_db, profile_db = factories["identity"], factories["profile"]
    try:
        # nothing applied twice: one account per ID number whatever happened; every success is there once
        for op, outcome, facts in operations:
            if op == "register":
                count = scalar(identity_db, "SELECT count(*) FROM accounts WHERE id_number = :n",
                               n=facts["id_number"])
                assert count <= 1
                if outcome in ("ok", "already:ACCOUNT_EXISTS"):
                    assert count == 1
            elif op == "change_phone" and outcome in ("ok", "already:PHONE_UNCHANGED", "already:PHONE_TAKEN"):
                assert scalar(identity_db, "SELECT phone FROM accounts WHERE id_number = :n",
                              n=facts["id_number"]) == facts["phone"]
        per_account = scalar(identity_db, "SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM outbox "
                                          "WHERE event_type = 'phone_changed' GROUP BY payload->>'account_id') t")
        assert per_account <= 1                         # one change per account: one event per account
        changed = sum(1 for op, outcome, _ in operations if op == "change_phone" and outcome == "ok")
        events = scalar(identity_db, "SELECT count(*) FROM outbox WHERE event_type = 'phone_changed'")
        assert events >= changed

        # every event relayed and consumed exactly once by profile (the inbox holds each event id once)
        def delivered():
            unsent = scalar(identity_db, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
            inbox = scalar(profile_db, "SELECT count(*) FROM inbox WHERE consumer = 'handle_phone_changed'")
            return unsent == 0 and inbox == events
        deadline = time.time() + 60
        while not delivered() and time.time() < deadline:
            time.sleep(0.5)
        assert delivered(), "not every phone_changed event reached profile"
        with identity_db.get_session() as session:
            sent = {row[0] for row in session.execute(
                text("SELECT id FROM outbox WHERE event_type = 'phone_changed'"))}
        with profile_db.get_session() as session:
            received = Counter(row[0] for row in session.execute(
                text("SELECT event_id FROM inbox WHERE consumer = 'handle_phone_changed'")))
        assert set(received) == sent and set(received.values()) == {1}
        for name, factory in factories.items():
            assert scalar(factory, "SELECT count(*) FROM dead_letters") == 0, name
    finally:
        for factory in factories.values():
            factory.engine.dispose()
