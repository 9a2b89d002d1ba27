"""Transactional outbox: an event is written in the same transaction as the change,
then relayed to RabbitMQ by a timer. A rolled-back change never announces itself and a
committed change never loses its event. Consumers dedupe on ``event_id``.
"""
import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .clock import utcnow


class OutboxMixin:
    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


def record_event(session, model, event_type: str, payload: dict):
    session.add(model(event_type=event_type, payload=payload))


def relay(factory, model, dispatch, limit: int = 100) -> int:
    """Publish unpublished rows; SKIP LOCKED lets several instances relay at once."""
    with factory.get_session() as session:
        query = (select(model).where(model.published_at.is_(None))
                 .order_by(model.created_at).limit(limit))
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = session.scalars(query).all()
        for row in rows:
            dispatch(row.event_type, {**row.payload, "event_id": row.id})
            row.published_at = func.now()
        return len(rows)
