"""Tables of the payment service (created by its migrations). Money is integer fen; times are UTC."""
import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common.clock import utcnow
from ausm_common.db import kit_tables


class Base(DeclarativeBase):
    pass


def _id() -> str:
    return uuid.uuid4().hex


class Order(Base):
    """One QR of one channel for one payable reference. At most one is open (pending) per reference."""
    __tablename__ = "orders"
    __table_args__ = (Index("uq_orders_open_ref", "ref", unique=True, postgresql_where=text("status = 'pending'")),
                      Index("ix_orders_check", "status", "next_check_at"))

    order_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref: Mapped[str] = mapped_column(String(100), index=True)
    ref_service: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[str] = mapped_column(String(64))
    payer_id: Mapped[str] = mapped_column(String(64), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(128))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)        # pending | paid | closed | refunded
    close_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    code_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(100))
    settled: Mapped[bool] = mapped_column(Boolean, default=False)      # this order's payment paid for the ref
    channel_txn_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)         # all the channel took for this order
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Payment(Base):
    """Money a channel took for an order: one row per channel transaction, however often it is reported."""
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("channel", "channel_txn_id", name="uq_payments_channel_txn"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    channel: Mapped[str] = mapped_column(String(16))
    channel_txn_id: Mapped[str] = mapped_column(String(64))
    order_no: Mapped[str] = mapped_column(String(20), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    source: Mapped[str] = mapped_column(String(16))                    # notify | query | reconcile
    settles: Mapped[bool] = mapped_column(Boolean)
    refund_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Settlement(Base):
    """The one payment that paid for a reference (first paid wins; the primary key makes it one)."""
    __tablename__ = "settlements"

    ref: Mapped[str] = mapped_column(String(100), primary_key=True)
    order_no: Mapped[str] = mapped_column(String(20))
    payment_id: Mapped[str] = mapped_column(String(32))
    settled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Refund(Base):
    """A refund decided here and carried out through the channel's refund call by the refund job."""
    __tablename__ = "refunds"

    refund_no: Mapped[str] = mapped_column(String(24), primary_key=True)
    order_no: Mapped[str] = mapped_column(String(20), index=True)
    payment_id: Mapped[str] = mapped_column(String(32), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_txn_id: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    payment_fen: Mapped[int] = mapped_column(BigInteger)
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)        # pending | succeeded | failed
    channel_refund_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    succeeded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class NotificationLog(Base):
    """Every notification a channel sent, with the verdict: accepted, duplicate or why it was refused."""
    __tablename__ = "notification_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(24), index=True)
    order_no: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    channel_txn_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    amount_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class AuditEntry(Base):
    """What finance staff did: reconciliation runs and every fix applied, who and when."""
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(String(6))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


KIT = kit_tables(Base)
Outbox = KIT.outbox
