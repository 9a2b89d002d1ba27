"""Tables owned by the exam service. Created by Alembic migrations only.

A plan (one year, one level) has a window per region (36 regions: provinces and the separately listed cities),
versioned notices, registration sites with a seat quota, and enrollments. A site's `taken` counts the
enrollments holding one of its seats; it only moves by a conditional UPDATE (seats.py) and the CHECK below makes
overbooking impossible even for a bug elsewhere.
"""
import uuid
from datetime import datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common.clock import utcnow
from ausm_common.db import kit_tables
from ausm_common.jobs import JobColumns


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class ExamPlan(Base):
    """会计专业技术资格考试: one year, one level (national staff)."""
    __tablename__ = "exam_plans"
    __table_args__ = (UniqueConstraint("year", "level", name="uq_exam_plans_year_level"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    subjects: Mapped[list] = mapped_column(JSON, default=list)       # [{code, name, duration_minutes}]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RegionWindow(Base):
    """One region's settings for a plan: windows, review mode, contacts, fees, proofs, textbook links."""
    __tablename__ = "region_windows"
    __table_args__ = (UniqueConstraint("exam_id", "region_code", name="uq_region_windows_exam_region"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exam_id: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    region_name: Mapped[str] = mapped_column(String(32))
    registration_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registration_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payment_opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payment_closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    review_mode: Mapped[str] = mapped_column(String(16))              # pre_exam | post_exam | none
    phone: Mapped[str] = mapped_column(String(40), default="")
    notice_url: Mapped[str] = mapped_column(String(200), default="")
    textbook_url: Mapped[str] = mapped_column(String(200), default="")
    questionnaire_url: Mapped[str] = mapped_column(String(200), default="")
    fees: Mapped[dict] = mapped_column(JSON, default=dict)             # subject code -> fen
    required_proofs: Mapped[dict] = mapped_column(JSON, default=dict)  # route or "*" -> [{slot, label}]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notice(Base):
    """阅读须知 (kind notice) and 通知公告 (kind announcement): every edit is a new version; an enrollment records
    the version its candidate accepted."""
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("exam_id", "region_code", "kind", "version", name="uq_notices_version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exam_id: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Site(Base):
    """报名点: within a city of a region, with a seat quota for the plan's level."""
    __tablename__ = "sites"
    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= quota", name="ck_sites_seats"),
                      Index("ix_sites_exam_region", "exam_id", "region_code"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exam_id: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6))
    city_code: Mapped[str] = mapped_column(String(6))
    city_name: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    quota: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


ACTIVE_STATUSES = "('draft', 'submitted', 'returned', 'approved', 'paid')"


class Enrollment(Base):
    """报名: one candidate, one plan. At most one active enrollment per candidate and plan (so one region)."""
    __tablename__ = "enrollments"
    __table_args__ = (
        Index("uq_enrollments_active", "account_id", "exam_id", unique=True,
              postgresql_where=text(f"status IN {ACTIVE_STATUSES}")),
        Index("ix_enrollments_queue", "exam_id", "region_code", "status"),
        Index("ix_enrollments_unpaid", "status", "region_window_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    enrollment_no: Mapped[str | None] = mapped_column(String(20), unique=True)
    exam_id: Mapped[str] = mapped_column(String(32))
    region_window_id: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    region_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    review_mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    draft_step: Mapped[int] = mapped_column(Integer, default=0)   # 0 须知 1 公告 2 报考条件 3 信息 4 材料 5 确认
    notice_version: Mapped[int | None] = mapped_column(Integer)
    notice_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    announcement_version: Mapped[int | None] = mapped_column(Integer)
    announcement_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    route: Mapped[str | None] = mapped_column(String(32))
    eligibility: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    locality: Mapped[dict] = mapped_column(JSON, default=dict)
    site_id: Mapped[str | None] = mapped_column(String(32), index=True)
    city_code: Mapped[str | None] = mapped_column(String(6))
    subjects: Mapped[list] = mapped_column(JSON, default=list)
    fee_lines: Mapped[list] = mapped_column(JSON, default=list)
    amount_fen: Mapped[int] = mapped_column(Integer, default=0)
    person: Mapped[dict] = mapped_column(JSON, default=dict)       # from identity: never typed
    source: Mapped[str] = mapped_column(String(16), default="collection")   # collection | entered
    profile: Mapped[dict] = mapped_column(JSON, default=dict)      # the approved collection, snapshotted
    entered: Mapped[dict] = mapped_column(JSON, default=dict)      # what a new candidate typed
    photo: Mapped[dict] = mapped_column(JSON, default=dict)
    proofs: Mapped[dict] = mapped_column(JSON, default=dict)       # slot -> file
    return_reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    seat_held: Mapped[bool] = mapped_column(Boolean, default=False)
    order_no: Mapped[str | None] = mapped_column(String(64))
    status_reason: Mapped[str | None] = mapped_column(Text)
    post_review_status: Mapped[str] = mapped_column(String(16), default="not_required")
    post_review: Mapped[dict] = mapped_column(JSON, default=dict)
    form_key: Mapped[str | None] = mapped_column(String(128))
    form_version: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))    # abandoned / deleted / rejected
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PaymentRecord(Base):
    """What payment told us about one order: the first paid order settles the enrollment; later ones are
    rejected; a refund that arrives before its payment is remembered so the payment does not settle."""
    __tablename__ = "payment_records"

    order_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    enrollment_id: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(16))            # settled | rejected | refunded | unknown
    amount_fen: Mapped[int] = mapped_column(Integer, default=0)
    refunded_fen: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(16), default="")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Score(Base):
    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("enrollment_id", "subject", name="uq_scores_enrollment_subject"),
                      Index("ix_scores_account_level", "account_id", "level", "year"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    enrollment_id: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(6))
    subject: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Numeric(4, 1))
    passed: Mapped[bool] = mapped_column(Boolean)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditLog(Base):
    """Every staff change and every full view of a candidate's record: who, what, when."""
    __tablename__ = "audit_logs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    staff_id: Mapped[str] = mapped_column(String(32))
    staff_name: Mapped[str] = mapped_column(String(64), default="")
    department_code: Mapped[str] = mapped_column(String(6))
    action: Mapped[str] = mapped_column(String(32))
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class ImportJob(JobColumns, Base):
    """A province's bulk score import (JSON lines or CSV, up to 100,000 rows), run in the background; its
    per-row report names every refused row with field and reason."""
    __tablename__ = "import_jobs"
    SUBJECT = "exam_id"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exam_id: Mapped[str] = mapped_column(String(32))


KIT = kit_tables(Base)
Outbox = KIT.outbox
