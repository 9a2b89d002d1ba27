"""Transactional outbox: an event is written in the same transaction as the change it announces, then relayed.

A rolled-back change never announces itself and a committed change never loses its event. The relay publishes with
publisher confirms (nameko's EventDispatcher waits for the broker's ack and raises otherwise) and marks a row sent
only after that; a crash between the two publishes the row again, so consumers dedupe on `event_id` (events.py).
Sent rows are pruned after a retention period. An event recorded while serving a request carries that request's id
(`x_request_id` in the payload, and the `request_id` header when relayed), so its consumers log under the same id.
"""
import uuid
from datetime import datetime, timedelta

from nameko.events import EventDispatcher as NamekoEventDispatcher
from sqlalchemy import JSON, DateTime, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .clock import utcnow
from .context import REQUEST_ID_HEADER
from .logs import REQUEST_ID_FIELD, current_request_id

RETENTION = timedelta(days=3)


class OutboxMixin:
    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class EventDispatcher(NamekoEventDispatcher):
    """nameko's EventDispatcher (same exchange, routing key, confirms and headers), building the headers when an
    event is dispatched instead of for every worker of the service (only the relay dispatches)."""

    def get_dependency(self, worker_ctx):
        def dispatch(event_type, event_data):
            headers = self.get_message_headers(worker_ctx)
            request_id = event_data.get(REQUEST_ID_FIELD) if isinstance(event_data, dict) else None
            if request_id:   # the request that caused the event: consumers log under the same id
                headers[f"{self.header_prefix}.{REQUEST_ID_HEADER}"] = request_id
            self.publisher.publish(event_data, exchange=self.exchange, routing_key=event_type,
                                   extra_headers=headers)
        return dispatch


def record_event(session, model, event_type: str, payload: dict, occurred_at: datetime | None = None):
    """Announce a change in the transaction that makes it. The payload carries the facts a consumer needs."""
    row = model(event_type=event_type, payload=payload)
    session.add(row)
    session.flush()
    row.payload = {**payload, "event_id": row.id, "event_type": event_type,
                   "occurred_at": (occurred_at or utcnow()).isoformat()}
    request_id = current_request_id()
    if request_id:
        row.payload[REQUEST_ID_FIELD] = request_id
    return row


def relay(factory, model, dispatch, limit: int = 100) -> int:
    """Publish unpublished rows, oldest first; SKIP LOCKED lets several instances relay at once."""
    with factory.get_session() as session:
        query = (select(model).where(model.published_at.is_(None))
                 .order_by(model.created_at).limit(limit))
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = session.scalars(query).all()
        for row in rows:
            dispatch(row.event_type, {**row.payload, "event_id": row.id})   # raises unless the broker confirmed
            row.published_at = func.now()
        return len(rows)


def backlog(factory, model) -> int:
    with factory.get_session() as session:
        return session.scalar(select(func.count()).select_from(model).where(model.published_at.is_(None)))


def prune(factory, model, now: datetime, retention: timedelta = RETENTION) -> int:
    with factory.get_session() as session:
        result = session.execute(delete(model).where(model.published_at.is_not(None),
                                                     model.published_at < now - retention))
        return result.rowcount or 0
