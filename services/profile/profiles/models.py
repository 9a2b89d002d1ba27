"""Tables owned by the profile service. Created by Alembic migrations only.

A person's record lives in one `collections` row: the collection wizard edits it while it is a
draft or returned; after approval only approved change requests touch it. Segments and proofs
are JSON inside the row, so a step saves all or nothing.
"""
import uuid
from datetime import datetime

from datetime import date

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common.clock import utcnow
from ausm_common.db import kit_tables
from ausm_common.jobs import JobColumns


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class Department(Base):
    """A management department (会计管理部门), keyed by its GB/T 2260 division code."""
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))                 # 上城区财政局
    division_name: Mapped[str] = mapped_column(String(64))        # 上城区
    level: Mapped[str] = mapped_column(String(16))                # province|city|county
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    # A division that merged into another or was renamed: its department stays (its records and their
    # history keep pointing at it), no longer offered for new choices; the successor's staff review its records.
    abolished_on: Mapped[date | None] = mapped_column(Date)
    successor_code: Mapped[str | None] = mapped_column(String(6))


class Collection(Base):
    """信息采集: one per person."""
    __tablename__ = "collections"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")      # draft|submitted|approved|returned
    scope: Mapped[str | None] = mapped_column(String(32))
    person: Mapped[dict] = mapped_column(JSON, default=dict)              # registration data from identity
    basic: Mapped[dict] = mapped_column(JSON, default=dict)
    education: Mapped[list] = mapped_column(JSON, default=list)
    work: Mapped[list] = mapped_column(JSON, default=list)
    department_code: Mapped[str | None] = mapped_column(String(6), index=True)
    steps_done: Mapped[list] = mapped_column(JSON, default=list)
    qualification_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)       # from an old provincial platform
    return_reasons: Mapped[dict] = mapped_column(JSON, default=dict)      # field path -> reason
    # reason path -> id of the segment it was written against, so reasons follow their segment
    # when the person deletes or reorders segments before resubmitting
    return_anchors: Mapped[dict] = mapped_column(JSON, default=dict)
    pledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_collections_queue", "status", "department_code"),)


class ChangeRequest(Base):
    """信息变更: basic, education, work or scope; applied to the collection only when approved."""
    __tablename__ = "change_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))               # basic|education|work|scope
    operation: Mapped[str] = mapped_column(String(16))          # add|modify|delete
    segment_id: Mapped[str | None] = mapped_column(String(32))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)
    review_mode: Mapped[str] = mapped_column(String(8))         # auto|manual
    status: Mapped[str] = mapped_column(String(16))             # submitted|approved|returned|withdrawn
    department_code: Mapped[str] = mapped_column(String(6), index=True)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Transfer(Base):
    """属地关系调转: reviewed by the receiving department."""
    __tablename__ = "transfers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    from_department: Mapped[str] = mapped_column(String(6), index=True)
    to_department: Mapped[str] = mapped_column(String(6), index=True)
    proof: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))             # submitted|approved|returned|withdrawn
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Qualification(Base):
    """职称管理: an accounting qualification or another professional qualification."""
    __tablename__ = "qualifications"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(16))           # accounting|other
    source: Mapped[str] = mapped_column(String(16))             # library|manual
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    proof: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))             # submitted|approved|returned
    department_code: Mapped[str] = mapped_column(String(6), index=True)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewLog(Base):
    """Who looked at or decided what, when (every review of every kind)."""
    __tablename__ = "review_logs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    subject_kind: Mapped[str] = mapped_column(String(16))       # collection|change|transfer|qualification
    subject_id: Mapped[str] = mapped_column(String(32), index=True)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    department_code: Mapped[str] = mapped_column(String(6))
    staff_id: Mapped[str] = mapped_column(String(32))
    staff_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))             # view|approve|return|submit|withdraw
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DataRead(Base):
    """Every read of a person's unmasked data by staff or a province client: who, what, when and why. The person
    sees these in 个人中心."""
    __tablename__ = "data_reads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    reader_kind: Mapped[str] = mapped_column(String(8))          # staff|client
    reader_id: Mapped[str] = mapped_column(String(40))
    reader_name: Mapped[str] = mapped_column(String(64))
    organisation_code: Mapped[str] = mapped_column(String(6))   # the staff's department / the client's province
    fields: Mapped[list] = mapped_column(JSON, default=list)
    purpose: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class LegacyRecord(Base):
    """A record approved on an old provincial platform, waiting for its person's first collection.

    Its non-empty fields are copied into the collection and locked; the person fills in what is missing."""
    __tablename__ = "legacy_records"

    id_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(6))
    data: Mapped[dict] = mapped_column(JSON, default=dict)      # basic, education, work, department_code
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LegacyImportJob(JobColumns, Base):
    """A province client's batch of old-platform records (CSV or JSON lines, up to 100,000), run in the background
    by the same rules staff imports use; its per-row report names every refused row with field and reason."""
    __tablename__ = "legacy_import_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)


class Question(Base):
    """咨询答疑: a person's question about a module, answered by their management department's staff."""
    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    asker_name: Mapped[str] = mapped_column(String(64))              # masked when shown
    module: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    department_code: Mapped[str] = mapped_column(String(6), index=True)
    status: Mapped[str] = mapped_column(String(16))                  # open|answered|closed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuestionMessage(Base):
    """One message of a question's thread: the question, a follow-up, or a staff answer."""
    __tablename__ = "question_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    question_id: Mapped[str] = mapped_column(String(32), index=True)
    author: Mapped[str] = mapped_column(String(8))                   # person|staff
    staff_id: Mapped[str | None] = mapped_column(String(32))
    staff_name: Mapped[str | None] = mapped_column(String(64))
    department_code: Mapped[str | None] = mapped_column(String(6))  # the answering staff member's department
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HelpArticle(Base):
    """帮助中心: a common answer published by staff (from a question, or written directly)."""
    __tablename__ = "help_articles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    module: Mapped[str] = mapped_column(String(16), index=True)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    source_question_id: Mapped[str | None] = mapped_column(String(32))
    department_code: Mapped[str] = mapped_column(String(6))
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


KIT = kit_tables(Base)
Outbox = KIT.outbox
