"""The states of a province client's bulk job (ausm_common.jobs): queued → done | failed, both final; the queue
handler `run` (left alone once ended, the job's own errors fail it at once with nothing half-saved, anything else
left to the kit's retries); `when_parked` for the kit's dead letters; views, results and `job_finished`."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common import events, jobs
from ausm_common.db import SessionFactory, kit_tables
from ausm_common.errors import DomainError, NotFound, Unavailable
from ausm_common.storage import ObjectMissing

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class Job(jobs.JobColumns, Base):
    __tablename__ = "jobs"
    SUBJECT = "exam_id"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    exam_id: Mapped[str] = mapped_column(String(32))


class Done(Base):
    """What a job's operation writes: rolled back with it when the job fails."""
    __tablename__ = "done_rows"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)


KIT = kit_tables(Base)


class Store:
    def __init__(self, objects):
        self.objects = objects

    def get(self, key):
        if key not in self.objects:
            raise ObjectMissing(key)
        return self.objects[key]

    def delete(self, key):
        self.objects.pop(key, None)


@pytest.fixture
def db():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    factory = SessionFactory(engine)
    yield factory
    engine.dispose()


def new_job(db, job_id="j1", file_format="csv"):
    with db.get_session() as session:
        session.add(Job(id=job_id, kind="scores", client_id="c1", region_code="330000", exam_id="e1",
                        file_key=f"incoming/client/c1/{job_id}", file_format=file_format, status="queued",
                        errors=[], created_at=NOW))


def finished_events(db) -> list[dict]:
    with db.get_session() as session:
        return [r.payload for r in session.scalars(select(KIT.outbox).where(
            KIT.outbox.event_type == jobs.FINISHED_EVENT))]


def load(db, job_id="j1") -> Job:
    with db.get_session() as session:
        return session.get(Job, job_id)


def job(status="queued", file_format="csv"):
    return SimpleNamespace(id="j", kind="scores", client_id="c1", region_code="330000", file_format=file_format,
                           status=status, total=None, saved=None, refused=None, errors=[], failure=None,
                           created_at=NOW, finished_at=None)


# --- the state functions ----------------------------------------------------------------------------------

def test_a_queued_job_finishes_or_fails_once_and_an_ended_job_never_changes():
    done = job()
    assert jobs.finish(done, 2, [{"line": 3, "field": "score", "message": "成绩超出范围"}], [], NOW)
    assert (done.status, done.total, done.saved, done.refused, done.failure) == ("done", 3, 2, 1, None)
    assert not jobs.fail(done, "太晚了", NOW + timedelta(1)) and done.status == "done" and done.failure is None
    assert not jobs.finish(done, 9, [], [], NOW + timedelta(1)) and done.saved == 2 and done.finished_at == NOW

    failed = job()
    assert jobs.fail(failed, "提交的数据已不存在", NOW)
    assert (failed.status, failed.failure, failed.finished_at) == ("failed", "提交的数据已不存在", NOW)
    assert not jobs.finish(failed, 1, [], [], NOW + timedelta(1)) and failed.status == "failed"
    assert not jobs.fail(failed, "另一个原因", NOW + timedelta(1)) and failed.failure == "提交的数据已不存在"
    long = job()
    jobs.fail(long, "长" * 900, NOW)
    assert len(long.failure) == jobs.FAILURE_MAX


def test_views_results_and_the_finished_event_say_why_a_job_failed():
    failed = job()
    jobs.fail(failed, "提交的数据无法识别", NOW)
    view = jobs.view(failed, exam_id="e1")
    assert (view["status"], view["failure"], view["exam_id"]) == ("failed", "提交的数据无法识别", "e1")
    with pytest.raises(DomainError) as refused:
        jobs.result(failed)
    assert (refused.value.code, refused.value.status) == ("JOB_FAILED", 409)
    assert "提交的数据无法识别" in refused.value.message and refused.value.extra == {"failure": "提交的数据无法识别"}
    with pytest.raises(DomainError) as early:
        jobs.result(job())
    assert early.value.code == "JOB_NOT_DONE"
    event = jobs.finished_event(failed)
    assert event == {"job_id": "j", "kind": "scores", "status": "failed", "client_id": "c1",
                     "province_code": "330000", "counts": {"total": None, "saved": None, "refused": None},
                     "failure": "提交的数据无法识别", "finished_at": NOW.isoformat()}


def test_which_errors_fail_a_job_at_once_and_which_are_left_to_retries():
    assert jobs.failure_of(jobs.JobFailed("数据已不存在")) == "数据已不存在"
    assert jobs.failure_of(NotFound("EXAM_NOT_FOUND", "考试不存在")) == "考试不存在"
    assert jobs.failure_of(DomainError("X", "不在本省管辖")) == "不在本省管辖"
    assert jobs.failure_of(Unavailable("SERVICE_UNAVAILABLE", "系统繁忙")) is None
    assert jobs.failure_of(RuntimeError("a bug")) is None
    assert jobs.failure_of(ConnectionError()) is None


def test_the_body_is_missing_empty_unreadable_or_read():
    store = Store({"a": "姓名\n张三\n".encode("gb18030"), "b": b"  \n", "c": b"\xff\xfe\xff\x81\x30"})
    assert jobs.body(store, SimpleNamespace(file_key="a")) == "姓名\n张三\n".encode("gb18030")
    for key, reason in (("gone", jobs.BODY_MISSING), ("b", jobs.BODY_EMPTY), ("c", jobs.BODY_UNREADABLE)):
        with pytest.raises(jobs.JobFailed) as failed:
            jobs.body(store, SimpleNamespace(file_key=key))
        assert failed.value.reason == reason


# --- run: the queue event's handler -------------------------------------------------------------------------

def work_that(store, saved=1):
    def work(found):
        data = jobs.body(store, found)
        session = work.session
        session.add(Done(id=f"{found.id}-{len(data)}"))
        session.flush()
        jobs.finish(found, saved, [], [], NOW)
    return work


def run(db, work, job_id="j1"):
    with db.get_session() as session:
        work.session = session
        ended = jobs.run(session, Job, KIT.outbox, job_id, NOW, work)
        return ended.status if ended else None


def test_run_finishes_once_and_announces_once(db):
    new_job(db)
    work = work_that(Store({"incoming/client/c1/j1": b"a,b\n1,2\n"}), saved=5)
    assert run(db, work) == "done"
    assert run(db, work) is None                                   # the handler again: nothing changes
    assert run(db, work, "nope") is None
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(Done)) == 1
    assert load(db).saved == 5
    [event] = finished_events(db)
    assert (event["job_id"], event["status"], event["client_id"], event["exam_id"], event["counts"]["saved"]) == \
        ("j1", "done", "c1", "e1", 5)


def test_a_missing_body_fails_the_job_at_once_and_a_rerun_changes_nothing(db):
    new_job(db)
    work = work_that(Store({}))
    assert run(db, work) == "failed"
    assert load(db).failure == jobs.BODY_MISSING
    work = work_that(Store({"incoming/client/c1/j1": b"a\n"}))       # even if the body turned up later
    assert run(db, work) is None and load(db).status == "failed"
    assert [e["status"] for e in finished_events(db)] == ["failed"]


def test_a_rule_broken_midway_fails_the_job_with_nothing_half_saved(db):
    new_job(db)

    def work(found):
        run.session.add(Done(id="half"))
        run.session.flush()
        raise NotFound("EXAM_NOT_FOUND", "考试不存在")

    with db.get_session() as session:
        run.session = session
        assert jobs.run(session, Job, KIT.outbox, "j1", NOW, work).status == "failed"
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(Done)) == 0
    assert load(db).failure == "考试不存在"


def test_other_errors_are_left_to_the_kits_retries_and_the_job_stays_queued(db):
    new_job(db)

    def work(found):
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        run(db, work)
    with pytest.raises(RuntimeError):                               # work that forgets to finish is a bug too
        run(db, lambda found: None)
    assert load(db).status == "queued" and finished_events(db) == []


# --- the kit gives up: dead letter parked → job failed ---------------------------------------------------------

def test_a_parked_queue_event_fails_its_job_once_and_announces_it(db):
    new_job(db)
    service = SimpleNamespace(clock=SimpleNamespace(now=lambda: NOW), tables=KIT)
    hook = jobs.when_parked(Job)
    payload = {"event_id": "evt-1", "job_id": "j1"}
    on_parked = lambda session, event, error: hook(service, session, event, error)   # noqa: E731 (as the kit binds it)
    for attempt in range(3):
        status = events.record_failure(db, KIT.dead_letter, "handle_queued", "exam", "queued", payload,
                                       RuntimeError("boom"), max_attempts=2, on_parked=on_parked)
    assert status == "parked"
    found = load(db)
    assert found.status == "failed" and "evt-1" in found.failure and "boom" not in found.failure
    assert [e["status"] for e in finished_events(db)] == ["failed"]        # parked again: announced once


def test_a_failing_hook_is_logged_and_the_event_parked_all_the_same(db):
    def broken(session, event, error):
        session.add(Done(id="from-the-hook"))
        session.flush()
        raise RuntimeError("hook bug")

    status = events.record_failure(db, KIT.dead_letter, "h", "exam", "queued", {"event_id": "evt-2"},
                                   RuntimeError("boom"), max_attempts=1, on_parked=broken)
    assert status == "parked"
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(Done)) == 0
        assert session.scalars(select(KIT.dead_letter.status)).all() == ["parked"]


def test_a_retry_that_parks_the_event_runs_its_consumers_hook(db):
    new_job(db)
    service = SimpleNamespace(clock=SimpleNamespace(now=lambda: NOW), tables=KIT)
    payload = {"event_id": "evt-3", "job_id": "j1"}
    events.record_failure(db, KIT.dead_letter, "handle_queued", "exam", "queued", payload, RuntimeError("boom"),
                          max_attempts=2, base_delay=0)
    with db.get_session() as session:
        row_id = session.scalar(select(KIT.dead_letter.id))

    def handler(session, event):
        raise RuntimeError("still broken")

    hooks = {"handle_queued": lambda session, event, error: jobs.when_parked(Job)(service, session, event, error)}
    status = events.retry_one(db, KIT.inbox, KIT.dead_letter, row_id, {"handle_queued": handler}, max_attempts=2,
                              base_delay=0, parked_hooks=hooks)
    assert status == "parked" and load(db).status == "failed"


def test_the_body_is_deleted_once_the_jobs_end_is_committed_and_kept_when_it_is_not(db):
    key = "incoming/client/c1/j1"
    new_job(db)
    store = Store({key: b"a,b\n1,2\n"})
    work = work_that(store)
    with pytest.raises(RuntimeError):
        with db.get_session() as session:                     # the handler's transaction rolls back
            work.session = session
            jobs.run(session, Job, KIT.outbox, "j1", NOW, work, store)
            assert key in store.objects                        # not before the commit
            raise RuntimeError("the commit never happens")
    assert key in store.objects                                # the retry still has its body
    new_job(db, "j2")
    key = "incoming/client/c1/j2"
    store.objects[key] = b"a,b\n1,2\n"
    with db.get_session() as session:
        work.session = session
        assert jobs.run(session, Job, KIT.outbox, "j2", NOW, work, store).status == "done"
        assert key in store.objects
    assert key not in store.objects                            # personal data gone once the end is committed
