"""Tables of the cpe service (created by its migrations). Credits are NUMERIC(7,1); times are UTC."""
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common.clock import utcnow
from ausm_common.db import kit_tables
from ausm_common.jobs import JobColumns


class Base(DeclarativeBase):
    pass


def new_id() -> str:
    return uuid.uuid4().hex


KIT = kit_tables(Base)
Outbox = KIT.outbox

ACTIVE = ("pending", "returned", "approved")     # statuses that hold a claim


class Person(Base):
    """Who a person is for continuing education: the management department from profile (kept current by
    `transfer_approved` and `collection_approved`), the name and ID number institutions report by."""
    __tablename__ = "people"

    account_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    id_number: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    department_code: Mapped[str | None] = mapped_column(String(6), nullable=True, index=True)
    department_name: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RuleVersion(Base):
    """A province's conversion rates and yearly requirement from a date on (national: 000000)."""
    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("province_code", "effective_from", name="uq_rule_versions_from"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Application(Base):
    """继续教育学分申请 of one form: draft → pending → approved, or returned (fix and resubmit), or withdrawn."""
    __tablename__ = "applications"
    __table_args__ = (Index("uq_applications_claim", "account_id", "claim_key", unique=True,
                            postgresql_where=text("claim_key IS NOT NULL AND status IN ('pending','returned','approved')")),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    form: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))                       # professional | public
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="draft")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    row_credits: Mapped[list] = mapped_column(JSON, default=list)
    credits: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    rule_version_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    rules: Mapped[dict] = mapped_column(JSON, default=dict)               # the snapshot it was computed with
    claim_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    attachment: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    history: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CreditEntry(Base):
    """One line of a year's detail (通过时间, 学分, 获得方式, 获得原因). Credits count in their year only."""
    __tablename__ = "credit_entries"
    __table_args__ = (UniqueConstraint("account_id", "claim_key", name="uq_credit_entries_claim"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    professional: Mapped[Decimal] = mapped_column(Numeric(7, 1), default=0)
    public: Mapped[Decimal] = mapped_column(Numeric(7, 1), default=0)
    method: Mapped[str] = mapped_column(String(16))                     # personal | institution | system
    reason: Mapped[str] = mapped_column(String(200))
    claim_key: Mapped[str] = mapped_column(String(300))
    application_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source: Mapped[str | None] = mapped_column(String(64), nullable=True)   # report batch, exam enrollment
    passed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Institution(Base):
    """A training institution registered by a province; it reports completed trainings."""
    __tablename__ = "institutions"

    code: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    registered_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportBatch(Base):
    __tablename__ = "report_batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    institution_code: Mapped[str] = mapped_column(String(32), index=True)
    staff_id: Mapped[str] = mapped_column(String(64))
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportJob(JobColumns, Base):
    """A province client's CPE report (机构报送, CSV or JSON lines, up to 100,000 rows) for one of its province's
    institutions, run in the background by the same operation staff use; its per-row report names every refused
    row with field and reason."""
    __tablename__ = "report_jobs"
    SUBJECT = "institution_code"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    institution_code: Mapped[str] = mapped_column(String(32))
