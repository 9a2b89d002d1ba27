"""The service kit, proven on a throwaway service built from its skeleton (tests/support/sample_service): the
migrations environment, the error boundary, the signed caller, and events that are applied exactly once when they
are redelivered, when handlers fail, when the consumer is killed mid-handler and when the broker drops every
connection mid-stream. The sample runs as a real `nameko run` process against RabbitMQ and PostgreSQL."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import kombu
import pytest
import redis
from sqlalchemy import func, select, text

from ausm_common.config import redis_url
from ausm_common.db import SessionFactory
from ausm_common.errors import AppError, Conflict
from tests.support import infra

SAMPLE = Path(__file__).resolve().parents[1] / "support" / "sample_service"


@pytest.fixture(scope="module")
def sample_db():
    name = f"ausm_sample_it_{uuid.uuid4().hex[:8]}"
    infra._admin(f'CREATE DATABASE "{name}"')
    url = infra.db_url(name)
    try:
        env = {**os.environ, "SAMPLE_DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=SAMPLE, env=env, check=True,
                       capture_output=True)
        yield url
    finally:
        infra._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        infra._admin(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="module")
def sample_vhost():
    with infra.rabbit_vhost("ausm_kit") as uri:
        yield uri


class SampleProcess:
    def __init__(self, env, log):
        self.env, self.log, self.proc = env, log, None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", "config.yml",
                                      "sample.service"], cwd=SAMPLE, env=self.env,
                                     stdout=open(self.log, "a"), stderr=subprocess.STDOUT)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def sample(sample_db, sample_vhost, tmp_path_factory):
    env = {**os.environ, "AMQP_URI": sample_vhost, "SAMPLE_DATABASE_URL": sample_db, "SANDBOX": "true",
           "PYTHONPATH": f"{SAMPLE}:{os.environ.get('PYTHONPATH', '')}", "EVENT_MAX_ATTEMPTS": "4",
           "EVENT_RETRY_BASE_SECONDS": "0.2"}
    process = SampleProcess(env, tmp_path_factory.mktemp("sample") / "sample.log")
    process.start()
    from ausm_common.rpc import RpcClient
    client = RpcClient(sample_vhost, timeout=5, name="kit-tests")
    deadline = time.time() + 60
    while True:
        try:
            client.sample.ping()
            break
        except Exception:
            if time.time() > deadline or process.proc.poll() is not None:
                raise RuntimeError(f"sample service did not start; see {process.log}")
            time.sleep(0.3)
    process.client = client
    yield process
    client.close()
    process.stop()


@pytest.fixture
def db(sample_db):
    factory = SessionFactory.for_url(sample_db)
    yield factory
    factory.engine.dispose()


@pytest.fixture(scope="module")
def hooks():
    return redis.Redis.from_url(redis_url())


def publish(amqp_uri, source, event_type, payload, times=1):
    """What another service's outbox relay does: publish to `<source>.events` with confirms."""
    with kombu.Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(serializer="json")
        exchange = kombu.Exchange(f"{source}.events", type="topic", durable=True)
        for _ in range(times):
            producer.publish(payload, exchange=exchange, routing_key=event_type, declare=[exchange],
                             retry=True, retry_policy={"max_retries": 10, "interval_start": 0.2})


def wait_for(predicate, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def applied(db, key) -> int:
    with db.get_session() as session:
        return session.scalar(text("SELECT count(*) FROM applied WHERE source_key = :k"), {"k": key})


def inbox_rows(db, event_id) -> int:
    with db.get_session() as session:
        return session.scalar(text("SELECT count(*) FROM inbox WHERE event_id = :e"), {"e": event_id})


def dead_letter(db, event_id):
    with db.get_session() as session:
        return session.execute(text("SELECT status, attempts, last_error FROM dead_letters WHERE event_id = :e"),
                               {"e": event_id}).first()


def credited(key=None):
    key = key or uuid.uuid4().hex[:12]
    return key, {"event_id": f"evt-{key}", "key": key, "amount": 30}


# --- the skeleton --------------------------------------------------------------------------------

def test_a_service_built_from_the_skeleton_runs_with_its_migrations(sample, sample_db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    sys.path.insert(0, str(SAMPLE))
    try:
        from sample.models import Base
    finally:
        sys.path.remove(str(SAMPLE))
    engine = create_engine(sample_db)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()
    assert sample.client.sample.ping()["ok"] is True
    assert sample.client.sample.add_note({"key": uuid.uuid4().hex, "text": "你好"})["key"]


def test_the_error_boundary_gives_codes_and_hides_internal_text(sample):
    with pytest.raises(AppError) as rule:
        sample.client.sample.add_note({"key": uuid.uuid4().hex, "text": "禁止的内容"})
    assert rule.value.status == 422 and rule.value.code == "TEXT_FORBIDDEN" and "text" in rule.value.errors
    with pytest.raises(AppError) as shape:
        sample.client.sample.add_note({"key": "", "text": 5})
    assert shape.value.code == "INVALID_INPUT" and set(shape.value.errors) == {"key", "text"}
    with pytest.raises(AppError) as bug:
        sample.client.sample.explode()
    assert bug.value.status == 500 and bug.value.code == "INTERNAL_ERROR"
    assert "internal details" not in bug.value.message and bug.value.extra["correlation_id"] in bug.value.message


def test_the_caller_is_what_was_signed_and_a_forged_one_is_nobody(sample):
    person = {"kind": "person", "id": "p-1", "display_name": "张**"}
    assert sample.client.as_caller(person).sample.whoami() == {"user": person, "via": "gateway"}
    assert sample.client.as_service("payment").sample.whoami() == {"user": None, "via": "payment"}
    forged = sample.client.call("sample", "whoami", context={
        "ausm_caller": "c1.eyJraW5kIjoic3RhZmYiLCJyb2xlcyI6WyJhZG1pbiJdfQ.forged",
        "ausm_via": json.dumps({"kind": "service", "service": "gateway"})})
    assert forged == {"user": None, "via": None}


def test_dead_letter_calls_are_for_ops_only(sample):
    with pytest.raises(AppError) as refused:
        sample.client.as_caller({"kind": "person", "id": "p-2"}).sample.ops_dead_letters()
    assert refused.value.code == "OPS_ONLY"
    assert isinstance(sample.client.as_service("ops").sample.ops_dead_letters(), list)


# --- events in --------------------------------------------------------------------------------------

def test_an_event_delivered_five_times_is_applied_once(sample, db, sample_vhost):
    key, event = credited()
    publish(sample_vhost, "elsewhere", "credited", event, times=5)
    wait_for(lambda: applied(db, key) == 1 and inbox_rows(db, event["event_id"]) == 1, what="the event")
    time.sleep(1.5)   # the other four deliveries have been consumed by now
    assert applied(db, key) == 1 and inbox_rows(db, event["event_id"]) == 1


def test_a_handler_that_fails_three_times_succeeds_on_the_fourth_without_a_duplicate(sample, db, hooks,
                                                                                      sample_vhost):
    key, event = credited()
    hooks.set(f"fail:{event['event_id']}", 3, ex=600)
    publish(sample_vhost, "elsewhere", "credited", event)
    wait_for(lambda: applied(db, key) == 1 and dead_letter(db, event["event_id"])[0] == "resolved",
             what="the fourth attempt")
    status, attempts, error = dead_letter(db, event["event_id"])
    assert (status, attempts) == ("resolved", 3) and "planned failure" in error
    time.sleep(1)
    assert applied(db, key) == 1


def test_a_poisoned_event_is_parked_and_can_be_replayed_by_ops(sample, db, hooks, sample_vhost):
    key, event = credited()
    hooks.set(f"fail:{event['event_id']}", 1000, ex=600)
    publish(sample_vhost, "elsewhere", "credited", event)
    wait_for(lambda: (dead_letter(db, event["event_id"]) or ("",))[0] == "parked", what="parking")
    ops = sample.client.as_service("ops").sample
    listed = subprocess.run([sys.executable, "-m", "ausm_common.ops", "dead-letters", "sample"], check=True,
                            capture_output=True, text=True, env={**os.environ, "AMQP_URI": sample_vhost})
    assert event["event_id"] in listed.stdout and "planned failure" in listed.stdout     # what ops sees
    parked = [d for d in ops.ops_dead_letters("parked") if d["event_id"] == event["event_id"]]
    assert len(parked) == 1 and parked[0]["attempts"] == 4 and "planned failure" in parked[0]["last_error"]
    assert parked[0]["payload"]["key"] == key and applied(db, key) == 0
    hooks.delete(f"fail:{event['event_id']}")           # the cause is fixed; ops replays
    replayed = ops.ops_replay_dead_letter(parked[0]["id"])
    assert replayed["status"] == "retrying" and replayed["replays"] == 1
    wait_for(lambda: applied(db, key) == 1, what="the replay")
    assert dead_letter(db, event["event_id"])[0] == "resolved"
    assert ops.ops_status()["dead_letters"]["parked"] == len(ops.ops_dead_letters("parked"))


def test_a_consumer_killed_between_receiving_and_committing_applies_the_event_once(sample, db, hooks,
                                                                                  sample_vhost):
    key, event = credited()
    hooks.set(f"slow:{event['event_id']}", 30, ex=600)
    publish(sample_vhost, "elsewhere", "credited", event)
    wait_for(lambda: hooks.get(f"started:{event['event_id']}"), what="the handler to start")
    sample.kill()                                       # the row is flushed, not committed; the message unacked
    assert applied(db, key) == 0
    hooks.delete(f"slow:{event['event_id']}")
    sample.start()
    wait_for(lambda: applied(db, key) == 1, timeout=60, what="redelivery after the restart")
    wait_for(lambda: _pings(sample), timeout=60, what="the restarted service")
    time.sleep(1)
    assert applied(db, key) == 1 and inbox_rows(db, event["event_id"]) == 1


def _pings(sample):
    try:
        return sample.client.sample.ping()["ok"]
    except Exception:
        return False


# --- events out and in, while the broker drops every connection ------------------------------------

def _close_connections(vhost_uri):
    """Close every connection to this test's vhost (list_connections lists the whole broker: filter by vhost, so
    other tests and other runs on this broker are left alone)."""
    vhost = vhost_uri.rsplit("/", 1)[-1]
    listed = subprocess.run(["rabbitmqctl", "-q", "list_connections", "pid", "vhost"], capture_output=True,
                            text=True)
    pids = [line.split()[0] for line in listed.stdout.splitlines()
            if line.strip().startswith("<") and line.split()[-1] == vhost]
    for pid in pids:
        subprocess.run(["rabbitmqctl", "-q", "close_connection", pid, "test: dropped mid-stream"],
                       capture_output=True)
    return len(pids)


def test_events_survive_dropped_broker_connections_mid_stream_and_apply_exactly_once(sample, db, sample_vhost):
    wait_for(lambda: _pings(sample), timeout=60, what="the service")
    run = uuid.uuid4().hex[:6]
    keys = [f"{run}-{i}" for i in range(120)]
    external = [credited(f"{run}-x{i}") for i in range(60)]
    errors, dropped = [], []

    def notes():
        for key in keys:   # through the outbox: add_note records `noted`, the relay publishes, the handler applies
            for attempt in range(30):
                try:
                    sample.client.sample.add_note({"key": key, "text": "流水"})
                    break
                except Conflict:
                    break      # an earlier attempt was applied before its answer was lost
                except Exception as exc:   # broker gone for a moment: the caller retries the same key
                    errors.append(repr(exc))
                    time.sleep(0.3)

    def credits():
        for _, event in external:
            publish(sample_vhost, "elsewhere", "credited", event)

    writers = [threading.Thread(target=notes), threading.Thread(target=credits)]
    for thread in writers:
        thread.start()
    for _ in range(3):
        time.sleep(1.0)
        dropped.append(_close_connections(sample_vhost))
    for thread in writers:
        thread.join(180)
    assert sum(dropped) > 0, "no connection was dropped: the test proved nothing"

    every = keys + [key for key, _ in external]
    try:
        wait_for(lambda: all(applied(db, k) >= 1 for k in every), timeout=120, what="every event")
    except AssertionError:
        with db.get_session() as session:
            missing = [k for k in every if not applied(db, k)]
            notes = session.scalar(text("SELECT count(*) FROM notes WHERE key LIKE :p"), {"p": f"{run}-%"})
            outbox = session.execute(text("SELECT count(*), count(published_at) FROM outbox")).first()
            letters = session.execute(text("SELECT status, count(*) FROM dead_letters GROUP BY status")).all()
        raise AssertionError(f"missing {len(missing)}: {missing[:10]}; notes {notes}; outbox (rows, published) "
                             f"{tuple(outbox)}; dead letters {letters}; rpc errors {errors[:5]}; log {sample.log}")
    time.sleep(2)
    with db.get_session() as session:
        counts = dict(session.execute(text("SELECT source_key, count(*) FROM applied WHERE source_key LIKE :p "
                                           "GROUP BY source_key"), {"p": f"{run}-%"}).all())
        unpublished = session.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
    assert counts == {k: 1 for k in every}, {k: v for k, v in counts.items() if v != 1}
    assert unpublished == 0


def test_consumer_queues_are_declared_before_any_service_runs_so_early_events_wait():
    from ausm_common import topology
    with infra.rabbit_vhost("ausm_topology") as uri:
        declared = topology.declare(uri)
        assert "evt-identity-phone_changed--profile.handle_phone_changed" in declared
        publish(uri, "identity", "phone_changed", {"event_id": "early", "account_id": "a", "phone": "13900000000"})
        with kombu.Connection(uri) as conn:
            channel = conn.channel()
            _, waiting, _ = channel.queue_declare("evt-identity-phone_changed--profile.handle_phone_changed",
                                                  passive=True)
        assert waiting == 1          # kept for the profile service, which has not started yet


def test_a_dropped_database_connection_is_retried_or_a_503_never_a_500(sample, sample_db):
    """Killed backends: a call reconnects or is a 503 with a message, never a 500, and the next one succeeds. A
    database that is gone: 503 with a message, and the service recovers by itself when it is back."""
    wait_for(lambda: _pings(sample), timeout=60, what="the service")
    name = sample_db.rsplit("/", 1)[-1]
    terminate = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    infra._admin(terminate)
    try:   # a pooled connection killed while idle: the call reconnects, or answers 503 and the pool is renewed
        sample.client.sample.add_note({"key": uuid.uuid4().hex, "text": "重连"})
    except AppError as exc:
        assert exc.status == 503 and exc.code == "SERVICE_UNAVAILABLE" and exc.message
    assert sample.client.sample.add_note({"key": uuid.uuid4().hex, "text": "重连"})["key"]
    hidden = f"{name}_away"
    for _ in range(20):           # the service's timers reconnect at once: rename between their connections
        infra._admin(terminate)
        try:
            infra._admin(f'ALTER DATABASE "{name}" RENAME TO "{hidden}"')
            break
        except Exception:
            time.sleep(0.1)
    else:
        pytest.fail("could not take the database away")
    try:
        with pytest.raises(AppError) as down:
            sample.client.sample.add_note({"key": uuid.uuid4().hex, "text": "数据库不在"})
        assert down.value.status == 503 and down.value.code == "SERVICE_UNAVAILABLE" and down.value.message
    finally:
        for _ in range(50):
            try:
                infra._admin(f'ALTER DATABASE "{hidden}" RENAME TO "{name}"')
                break
            except Exception:
                time.sleep(0.1)
    wait_for(lambda: _pings(sample), timeout=30, what="recovery")
    assert sample.client.sample.add_note({"key": uuid.uuid4().hex, "text": "恢复"})["key"]


def test_the_rpc_client_carries_on_after_the_broker_drops_its_connections(sample, sample_vhost):
    """The gateway's client: after the broker force-closes every connection, the next calls succeed (the publisher
    reconnects, the reply listener re-attaches to its queue)."""
    wait_for(lambda: _pings(sample), timeout=60, what="the service")
    from ausm_common.rpc import RpcClient
    client = RpcClient(sample_vhost, timeout=10, name="drop-test")
    try:
        assert client.sample.ping()["ok"]
        for _ in range(3):
            assert _close_connections(sample_vhost) > 0
            time.sleep(0.5)
            started = time.monotonic()
            assert client.sample.ping()["ok"] is True
            assert time.monotonic() - started < 10
    finally:
        client.close()
