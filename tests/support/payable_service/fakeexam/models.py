from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common.db import kit_tables


class Base(DeclarativeBase):
    pass


class Enrollment(Base):
    __tablename__ = "enrollments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payer_id: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    province_code: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(16))               # approved | paid | deleted
    paid_order_no: Mapped[str | None] = mapped_column(String(20), nullable=True)
    payments_seen: Mapped[int] = mapped_column(Integer, default=0)
    refunds_seen: Mapped[list] = mapped_column(JSON, default=list)


KIT = kit_tables(Base)
