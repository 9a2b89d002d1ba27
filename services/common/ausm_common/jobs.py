"""Bulk jobs of province API clients (score imports in exam, CPE reports in cpe): the body waits in object
storage under the client's prefix, the owning service records the job and queues it through its outbox, and its
own `@handle_event` runs the same operation staff use. What every such job shares lives here: the columns, the
checks on creation, JSON lines read as the operation's CSV, the finish with its per-row report, ownership and views."""
import csv
import io
import json
from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .errors import DomainError, NotFound

FORMATS = ("csv", "jsonl")
MAX_ROWS = 100_000


class JobColumns:
    """Mixin for a service's job table (its own name and its own subject column, e.g. exam_id)."""
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[str] = mapped_column(String(40), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    file_key: Mapped[str] = mapped_column(String(200))
    file_format: Mapped[str] = mapped_column(String(8))            # csv|jsonl
    status: Mapped[str] = mapped_column(String(16), default="queued")   # queued|done
    total: Mapped[int | None] = mapped_column(Integer)
    saved: Mapped[int | None] = mapped_column(Integer)
    refused: Mapped[int | None] = mapped_column(Integer)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class JobRefused(DomainError):
    def __init__(self, code: str, message: str, field: str, status: int = 422):
        super().__init__(code, message, field)
        self.status = status


def check_new(client: dict, key: str, file_format: str, empty_message: str) -> None:
    """A new job's format and body: the body must be one the gateway stored for this very client."""
    if file_format not in FORMATS:
        raise JobRefused("FORMAT_INVALID", "文件格式应为 csv 或 jsonl", "format")
    if not str(key or "").startswith(f"incoming/client/{client['client_id']}/"):
        raise JobRefused("UPLOAD_EMPTY", empty_message, "file")


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


def finish(job, saved: int, errors: list[dict], early: list[dict], now, lines_as_sent: bool = False) -> None:
    """The job done with its per-row report (JSON lines numbered as sent, not as the CSV with its header, unless
    the operation read the JSON lines itself: `lines_as_sent`)."""
    if job.file_format == "jsonl" and not lines_as_sent:
        errors = [{**e, "line": max(e["line"] - 1, 0)} for e in errors]
    errors = sorted(early + errors, key=lambda e: e["line"])
    job.saved, job.refused, job.total = saved, len(errors), saved + len(errors)
    job.errors, job.status, job.finished_at = errors, "done", now


def owned(session, model, client: dict, job_id: str):
    job = session.get(model, str(job_id)[:32])
    if job is None or job.client_id != client["client_id"]:
        raise NotFound("NOT_FOUND", "导入任务不存在")
    return job


def view(job, **subject) -> dict:
    return {"job_id": job.id, "kind": job.kind, **subject, "status": job.status,
            "format": job.file_format, "total": job.total, "saved": job.saved, "refused": job.refused,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def result(job, **subject) -> dict:
    if job.status != "done":
        raise JobRefused("JOB_NOT_DONE", "任务尚未完成，请稍后再查询", "job_id", status=409)
    return {**view(job, **subject), "errors": [{"line": e["line"], "field": e.get("field"),
                                                 "reason": e.get("message")} for e in job.errors or []]}
