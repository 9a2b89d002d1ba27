"""Tables of the sample service (created by its migration)."""
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common.db import kit_tables


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Applied(Base):
    """One row per event effect: a duplicate effect would show as a second row."""
    __tablename__ = "applied"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(Integer)


KIT = kit_tables(Base)
