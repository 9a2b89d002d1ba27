"""Bulk jobs of province API clients (score imports in exam, CPE reports in cpe, legacy records in profile): the body waits in object
storage under the client's prefix, the owning service records the job and queues it through its outbox, and its
own `@handle_event` runs the same operation staff use. What every such job shares lives here: the columns, the
checks on creation, JSON lines read as the operation's CSV, the finish with its per-row report, ownership and views.

A job is `queued`, then `done` (its per-row report) or `failed` (a Chinese reason in `failure`); both are final.
`run` is the whole queue-event handler: it locks the job, leaves an ended one alone (the handler may run twice),
runs the service's operation in a savepoint, fails the job at once on its own unrecoverable errors (`JobFailed`:
the body gone or unreadable; a broken rule such as its exam no longer existing) and announces the end
(`job_finished`, through the service's outbox, for the owning client's webhooks). Any other error (a bug, a
dependency down) is left to the kit's retries; when the kit parks the event after its last attempt,
`when_parked(Model)` (given to `@handle_event(..., on_parked=...)`) fails the job and announces it the same way.

Adopting it for a new kind of job (as cpe's report jobs do):

    class ReportJob(JobColumns, Base):                    # models.py
        __tablename__ = "report_jobs"
        SUBJECT = "institution_code"                      # the subject column, if any, shown in views and events
        id = ...; institution_code = ...
    create_job_table(op, "report_jobs", "institution_code")    # its migration (with `failure`)
    record_event(session, Outbox, "cpe_report_queued", {"job_id": job.id})   # on creation (after check_new)

    @handle_event("cpe", "cpe_report_queued", on_parked=jobs.when_parked(ReportJob))
    def handle_report_queued(self, session, event):
        def work(job):
            data = jobs.body(self.storage, job)          # JobFailed when gone or unreadable
            ...                                          # the staff operation
            jobs.finish(job, saved, errors, early, now)
        jobs.run(session, ReportJob, self.tables.outbox, event.get("job_id"), self.clock.now(), work)

and in identity, `@handle_event("<service>", "job_finished")` calling `webhooks.fan_out` (profile's is there)."""
import csv
import io
import json
import logging
from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .errors import AppError, DomainError, NotFound
from .outbox import record_event
from .storage import ObjectMissing

log = logging.getLogger(__name__)

FORMATS = ("csv", "jsonl")
MAX_ROWS = 100_000
STATUSES = ("queued", "done", "failed")
FINISHED_EVENT = "job_finished"
FAILURE_MAX = 500
BODY_MISSING = "提交的数据已不存在（未能保存或已被清理），请重新提交任务"
BODY_EMPTY = "提交的数据为空，请重新提交任务"
BODY_UNREADABLE = "提交的数据无法识别，请以 UTF-8 或 GB18030 编码的文本重新提交"
GAVE_UP = "任务多次处理失败，系统已停止重试，请重新提交；如仍失败请联系平台运维（事件编号 {event_id}）"


class JobColumns:
    """Mixin for a service's job table (its own name and its own subject column, e.g. exam_id)."""
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[str] = mapped_column(String(40), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    file_key: Mapped[str] = mapped_column(String(200))
    file_format: Mapped[str] = mapped_column(String(8))            # csv|jsonl
    status: Mapped[str] = mapped_column(String(16), default="queued")   # queued|done|failed
    failure: Mapped[str | None] = mapped_column(String(FAILURE_MAX))       # why it failed (Chinese)
    total: Mapped[int | None] = mapped_column(Integer)
    saved: Mapped[int | None] = mapped_column(Integer)
    refused: Mapped[int | None] = mapped_column(Integer)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class JobRefused(DomainError):
    def __init__(self, code: str, message: str, field: str, status: int = 422, extra: dict | None = None):
        super().__init__(code, message, field, extra)
        self.status = status


class JobFailed(Exception):
    """The job's own unrecoverable error: it fails at once with this Chinese reason instead of being retried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_new(client: dict, key: str, file_format: str, empty_message: str) -> None:
    """A new job's format and body: the body must be one the gateway stored for this very client."""
    if file_format not in FORMATS:
        raise JobRefused("FORMAT_INVALID", "文件格式应为 csv 或 jsonl", "format")
    if not str(key or "").startswith(f"incoming/client/{client['client_id']}/"):
        raise JobRefused("UPLOAD_EMPTY", empty_message, "file")


def subject_of(job) -> dict:
    """The job's subject column (the model's SUBJECT, e.g. exam_id) as {name: value}."""
    name = getattr(type(job), "SUBJECT", None)
    return {name: getattr(job, name)} if name else {}


def as_client(job) -> dict:
    return {"client_id": job.client_id, "province_code": job.region_code, "name": job.client_id}


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def jsonl_to_csv(data: bytes, keys: tuple, header: tuple | None = None) -> tuple[bytes, list[dict]]:
    """JSON lines (an object with `keys` per line) as the CSV the operation reads (columns `header`, default
    `keys`), line numbers kept (line 1 of the JSON is line 2 of the CSV, after its header); a line that is not
    a JSON object is an error of that line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or keys)
    errors = []
    for number, text in enumerate(decode(data).splitlines(), start=1):
        try:
            record = json.loads(text) if text.strip() else None
        except ValueError:
            record = "bad"
        if record is not None and not isinstance(record, dict):
            errors.append({"line": number, "field": "line", "message": "该行不是有效的JSON对象"})
            writer.writerow([""] * len(keys))
            continue
        record = record or {}
        writer.writerow(["" if record.get(k) is None else str(record.get(k)) for k in keys])
    return out.getvalue().encode(), errors


def body(storage, job) -> bytes:
    """The job's body from object storage; JobFailed when it is gone, empty or in no encoding we read."""
    try:
        data = storage.get(job.file_key)
    except ObjectMissing:
        raise JobFailed(BODY_MISSING) from None
    if not data or not data.strip():
        raise JobFailed(BODY_EMPTY)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return data
        except UnicodeDecodeError:
            continue
    raise JobFailed(BODY_UNREADABLE)


# --- the states: queued → done | failed (both final) ------------------------------------------------

def is_open(job) -> bool:
    return job.status == "queued"


def finish(job, saved: int, errors: list[dict], early: list[dict], now, lines_as_sent: bool = False) -> bool:
    """The job done with its per-row report (JSON lines numbered as sent, not as the CSV with its header, unless
    the operation read the JSON lines itself: `lines_as_sent`). False, and nothing changed, when the job had
    already ended."""
    if not is_open(job):
        return False
    if job.file_format == "jsonl" and not lines_as_sent:
        errors = [{**e, "line": max(e["line"] - 1, 0)} for e in errors]
    errors = sorted(early + errors, key=lambda e: e["line"])
    job.saved, job.refused, job.total = saved, len(errors), saved + len(errors)
    job.errors, job.status, job.finished_at, job.failure = errors, "done", now, None
    return True


def fail(job, reason: str, now) -> bool:
    """The job failed with a Chinese reason. False, and nothing changed, when the job had already ended."""
    if not is_open(job):
        return False
    job.status, job.failure, job.finished_at = "failed", (str(reason or "任务处理失败"))[:FAILURE_MAX], now
    return True


def failure_of(exc: BaseException) -> str | None:
    """The reason a job fails at once for this error, or None when the error may pass (left to retries):
    JobFailed, and broken rules (DomainError, a 4xx AppError), which a retry would only repeat."""
    if isinstance(exc, JobFailed):
        return exc.reason
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, AppError) and exc.status < 500:
        return exc.message
    return None


def finished_event(job) -> dict:
    """What `job_finished` says: delivered to the owning client's webhooks only."""
    return {"job_id": job.id, "kind": job.kind, "status": job.status, "client_id": job.client_id,
            "province_code": job.region_code, **subject_of(job),
            "counts": {"total": job.total, "saved": job.saved, "refused": job.refused},
            "failure": job.failure, "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def announce(session, outbox, job, now) -> None:
    record_event(session, outbox, FINISHED_EVENT, finished_event(job), now)


def drop_body_after_commit(session, storage, key: str) -> None:
    """Delete a job's body (personal data: names, ID numbers) from object storage once the transaction that ended
    the job has committed; before that a retry still needs it. A failed delete leaves the object to the bucket's
    lifecycle rule and is logged, not raised (the job has ended either way)."""
    from sqlalchemy import event

    def drop(_session):
        try:
            storage.delete(key)
        except Exception:                                    # noqa: BLE001 (logged; the job's end stands)
            log.warning("job body %s not deleted", key, exc_info=True)
    event.listen(session, "after_commit", drop, once=True)


def run(session, model, outbox, job_id, now, work, storage=None):
    """A job's queue-event handler: `work(job)` runs the operation and calls `finish`. An ended (or unknown) job
    is left alone; the job's own unrecoverable errors fail it at once (its work rolled back to a savepoint,
    nothing half-saved); any other error propagates to the kit's retries. With `storage`, the job's body is
    deleted once the job's end is committed. Returns the job it ended, or None."""
    job = session.get(model, str(job_id or "")[:32], with_for_update=True)
    if job is None or not is_open(job):
        return None
    try:
        with session.begin_nested():
            work(job)
            if is_open(job):
                raise RuntimeError(f"job {job.id}: its work ended without finish()")
    except Exception as exc:
        reason = failure_of(exc)
        if reason is None:
            raise
        session.refresh(job)
        fail(job, reason, now)
    announce(session, outbox, job, now)
    if storage is not None:
        drop_body_after_commit(session, storage, job.file_key)
    return job


def when_parked(model):
    """The kit's `on_parked` hook for a job's queue event: when the kit gives up on the event (dead letter,
    parked), the job fails with a reason naming the event, and its end is announced. Idempotent."""
    def job_parked(service, session, event, error):
        job = session.get(model, str((event or {}).get("job_id") or "")[:32], with_for_update=True)
        now = service.clock.now()
        if job is not None and fail(job, GAVE_UP.format(event_id=(event or {}).get("event_id") or "—"), now):
            announce(session, service.tables.outbox, job, now)
    return job_parked


def owned(session, model, client: dict, job_id: str):
    job = session.get(model, str(job_id)[:32])
    if job is None or job.client_id != client["client_id"]:
        raise NotFound("NOT_FOUND", "导入任务不存在")
    return job


def view(job, **subject) -> dict:
    return {"job_id": job.id, "kind": job.kind, **subject_of(job), **subject, "status": job.status,
            "format": job.file_format, "total": job.total, "saved": job.saved, "refused": job.refused,
            "failure": job.failure, "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def result(job, **subject) -> dict:
    if job.status == "failed":
        raise JobRefused("JOB_FAILED", f"任务处理失败：{job.failure}", "job_id", status=409,
                         extra={"failure": job.failure})
    if job.status != "done":
        raise JobRefused("JOB_NOT_DONE", "任务尚未完成，请稍后再查询", "job_id", status=409)
    return {**view(job, **subject), "errors": [{"line": e["line"], "field": e.get("field"),
                                                 "reason": e.get("message")} for e in job.errors or []]}
