"""Scale-out, proven: three `nameko run` instances each of identity, profile, exam and payment share their queues; a
stream of registrations and phone changes (each phone change announces `phone_changed` through identity's outbox,
which profile consumes), with exam and payment calls between them, runs from concurrent callers while one instance
of each service is killed with SIGKILL mid-stream. Every call either succeeds or fails with a clean retryable error (RpcTimeout, 503
SERVICE_UNAVAILABLE), or is refused because an earlier delivery of the same request already applied it (a request
whose instance died after committing is delivered again: pitfalls.md §2.1); nothing is applied twice; every
event reaches profile's inbox exactly once."""
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
from nameko.exceptions import RpcTimeout
from sqlalchemy import text

from ausm_common import registry
from ausm_common.db import SessionFactory
from ausm_common.errors import AppError
from ausm_common.rpc import RpcClient
from tests.support import infra
from tests.support.people import PASSWORD, mainland_id, phone

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = 3
SERVICES = ("identity", "profile", "exam", "payment")
CALLERS = 8
PER_CALLER = 12
ALREADY_APPLIED = {"ACCOUNT_EXISTS", "PHONE_UNCHANGED", "PHONE_TAKEN", "SMS_TOO_FREQUENT", "SMS_CODE_USED",
                   "SMS_CODE_WRONG", "SMS_CODE_EXPIRED"}


def start_instance(name, index, env, logs):
    entry = registry.get(name)
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", entry.config, entry.module],
                            cwd=ROOT, env=env, stdout=open(logs / f"{name}-{index}.log", "w"),
                            stderr=subprocess.STDOUT)


def consumers(amqp_uri, queue) -> int:
    import kombu
    with kombu.Connection(amqp_uri, connect_timeout=5) as conn:
        try:
            return conn.channel().queue_declare(queue=queue, passive=True).consumer_count
        except Exception:   # not declared yet: no instance has started
            return 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("scale-out")
    with ExitStack() as stack:
        identity_db = stack.enter_context(infra.fresh_database("ausm_identity_scale", "identity"))
        profile_db = stack.enter_context(infra.fresh_database("ausm_profile_scale", "profile"))
        exam_db = stack.enter_context(infra.fresh_database("ausm_exam_scale", "exam"))
        payment_db = stack.enter_context(infra.fresh_database("ausm_payment_scale", "payment"))
        amqp = stack.enter_context(infra.rabbit_vhost("ausm_scale"))
        s3 = stack.enter_context(infra.s3_server())
        env = {**os.environ, "AMQP_URI": amqp, "SANDBOX": "true", "IDENTITY_DATABASE_URL": identity_db,
               "PROFILE_DATABASE_URL": profile_db, "EXAM_DATABASE_URL": exam_db, "PAYMENT_DATABASE_URL": payment_db,
               "S3_ENDPOINT": s3["endpoint"], "S3_ACCESS_KEY": s3["access_key"],
               "S3_SECRET_KEY": s3["secret_key"], "S3_BUCKET": s3["bucket"], "ARGON2_TIME_COST": "1",
               "ARGON2_MEMORY_COST": "8192", "SMS_PER_CLIENT_DAILY": "100000", "METRICS_PORT": "off",
               "IDENTITY_MAX_WORKERS": "4", "PROFILE_MAX_WORKERS": "4", "EXAM_MAX_WORKERS": "4",
               "PAYMENT_MAX_WORKERS": "4", "RPC_TIMEOUT": "15"}
        subprocess.run([sys.executable, "-m", "ausm_common.topology"], env=env, check=True, capture_output=True)
        procs = {(name, i): start_instance(name, i, env, logs) for name in SERVICES for i in range(INSTANCES)}
        try:
            deadline = time.time() + 180
            while not all(consumers(amqp, f"rpc-{n}") == INSTANCES for n in SERVICES):
                dead = [key for key, p in procs.items() if p.poll() is not None]
                assert not dead and time.time() < deadline, f"instances {dead} did not start; see {logs}"
                time.sleep(0.5)
            yield {"procs": procs, "amqp": amqp, "identity_db": identity_db, "profile_db": profile_db,
                   "logs": logs}
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in procs.values():
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()


def classify(exc) -> str:
    if isinstance(exc, RpcTimeout):
        return "retryable"
    if isinstance(exc, AppError) and exc.status == 503:
        return "retryable"
    if isinstance(exc, AppError) and exc.code in ALREADY_APPLIED:
        return f"already:{exc.code}"
    return f"unexpected:{type(exc).__name__}:{getattr(exc, 'code', '')}:{exc}"


def scalar(factory, sql, **params):
    with factory.get_session() as session:
        return session.scalar(text(sql), params)


def test_three_instances_each_survive_a_sigkill_mid_stream_without_duplicates_or_lost_events(cluster):
    client = RpcClient(cluster["amqp"], timeout=15, name="scale-out")
    outcomes: list[tuple[str, str, dict]] = []     # (operation, outcome, facts)
    lock = threading.Lock()
    done = Counter()

    def record(operation, outcome, **facts):
        with lock:
            outcomes.append((operation, outcome, facts))
            done[operation] += 1

    def attempt(operation, fn, **facts):
        try:
            result = fn()
        except Exception as exc:   # every failure is classified below
            record(operation, classify(exc), **facts)
            return None
        record(operation, "ok", **facts)
        return result

    def caller(n):
        for i in range(PER_CALLER):
            data = {"id_type": "mainland_id", "id_number": mainland_id(), "name": "李晓明", "password": PASSWORD,
                    "password_confirm": PASSWORD, "phone": phone()}

            def register():
                client.identity.send_sms_code({"phone": data["phone"], "purpose": "register", "client": f"s{n}"})
                data["sms_code"] = client.identity.sandbox_recent_sms(data["phone"])[0]["code"]
                return client.identity.register_account(data)
            attempt("exam_read", client.exam.list_exams)
            attempt("payment_ping", client.payment.ping)
            account = attempt("register", register, id_number=data["id_number"])
            if account is None:
                continue
            person = client.as_caller({"kind": "person", "id": account["id"]})
            new_phone = phone()

            def change():
                client.identity.send_sms_code({"phone": new_phone, "purpose": "change_phone", "client": f"s{n}"})
                code = client.identity.sandbox_recent_sms(new_phone)[0]["code"]
                return person.identity.change_phone({"phone": new_phone, "sms_code": code})
            attempt("change_phone", change, account_id=account["id"], phone=new_phone)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    total = CALLERS * PER_CALLER
    deadline = time.time() + 120
    while done["register"] < total // 3 and time.time() < deadline:
        time.sleep(0.05)
    victims = [cluster["procs"][(name, 0)] for name in SERVICES]
    for victim in victims:
        victim.send_signal(signal.SIGKILL)              # mid-stream: calls and events in flight on it
    killed_at = dict(done)
    for thread in threads:
        thread.join(300)
    client.close()
    for victim in victims:
        assert victim.wait(10) == -signal.SIGKILL

    by_outcome = Counter(f"{op}:{outcome.split(':')[0]}" for op, outcome, _ in outcomes)
    unexpected = [o for o in outcomes if o[1].startswith("unexpected")]
    served = {path.stem: sum(1 for line in open(path, encoding="utf-8") if '"ausm.rpc"' in line)
              for path in sorted(Path(cluster["logs"]).glob("*.log"))}
    duplicates = sum(1 for path in Path(cluster["logs"]).glob("profile-*.log")
                     for line in open(path, encoding="utf-8") if '"outcome": "duplicate"' in line)
    print(f"\nscale-out: killed after {killed_at}; outcomes {dict(by_outcome)}; RPC calls served per instance "
          f"{served}; events redelivered and skipped as duplicates {duplicates}; logs {cluster['logs']}")
    assert unexpected == [], unexpected[:10]
    assert done["register"] == total and by_outcome["register:ok"] >= total // 2
    assert by_outcome["exam_read:ok"] >= total // 2 and by_outcome["payment_ping:ok"] >= total // 2

    identity_db = SessionFactory.for_url(cluster["identity_db"])
    profile_db = SessionFactory.for_url(cluster["profile_db"])
    try:
        # nothing applied twice: one account per ID number whatever happened; every success is there once
        for op, outcome, facts in outcomes:
            if op == "register":
                count = scalar(identity_db, "SELECT count(*) FROM accounts WHERE id_number = :n",
                               n=facts["id_number"])
                assert count <= 1
                if outcome in ("ok", "already:ACCOUNT_EXISTS"):
                    assert count == 1
            elif op == "change_phone" and outcome in ("ok", "already:PHONE_UNCHANGED"):
                assert scalar(identity_db, "SELECT phone FROM accounts WHERE id = :a",
                              a=facts["account_id"]) == facts["phone"]
        per_account = scalar(identity_db, "SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM outbox "
                                          "WHERE event_type = 'phone_changed' GROUP BY payload->>'account_id') t")
        assert per_account <= 1                         # one change per account: one event per account
        changed = sum(1 for op, outcome, _ in outcomes if op == "change_phone" and outcome == "ok")
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
        assert scalar(profile_db, "SELECT count(*) FROM dead_letters") == 0
    finally:
        identity_db.engine.dispose()
        profile_db.engine.dispose()
