"""Consuming events exactly once in effect: an inbox, retries with backoff, and dead letters.

Events arrive at least once (the outbox may publish twice; a killed consumer gets the message again). Each handler
runs inside one database transaction that also records `(consumer, event_id)` in the inbox, so a redelivered event
finds its id and does nothing, and a consumer killed before commit leaves nothing behind.

A handler that raises has its transaction rolled back and the event recorded in `dead_letters` with status
`retrying`; the service's retry timer runs it again with exponential backoff. After `max_attempts` the event is
`parked`: visible to ops (`ops_dead_letters`) with its last error, and replayable (`ops_replay_dead_letter`). A
handler may name an `on_parked` hook: it runs in the transaction that parks the event (in a savepoint: a failing
hook is logged and the event parked all the same), so whatever the event was waited on for (a province's job) can
be marked as given up rather than pending forever. The broker message is acknowledged only once the event is applied, skipped as a duplicate or recorded for retry; if even
that record cannot be written (database down) the message goes back to the broker after a pause.
"""
import hashlib
import json
import logging
import traceback
from datetime import datetime, timedelta

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, mapped_column

from .clock import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BASE_DELAY = 1.0
MAX_DELAY = 300.0


class InboxMixin:
    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("consumer", "event_id", name="uq_inbox_consumer_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    consumer: Mapped[str] = mapped_column(String(96))
    event_id: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class DeadLetterMixin:
    __tablename__ = "dead_letters"
    __table_args__ = (UniqueConstraint("consumer", "event_id", name="uq_dead_letters_consumer_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    consumer: Mapped[str] = mapped_column(String(96))
    source: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)   # retrying | parked | resolved
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    replays: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def event_id_of(payload: dict) -> str:
    """The outbox gives every event an id; an event from elsewhere is identified by its content."""
    given = payload.get("event_id") if isinstance(payload, dict) else None
    if given:
        return str(given)[:64]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def backoff(attempts: int, base: float = BASE_DELAY, cap: float = MAX_DELAY) -> timedelta:
    """1 s, 2 s, 4 s, … after the first, second, third failure, never more than `cap`."""
    return timedelta(seconds=min(cap, base * (2 ** max(attempts - 1, 0))))


def _claim(session, inbox, consumer: str, event_id: str, now) -> bool:
    """Record the event as processed by `consumer`; False when it already was (in this same transaction)."""
    table = inbox.__table__
    if session.bind.dialect.name == "postgresql":
        stmt = pg_insert(table).values(consumer=consumer, event_id=event_id, processed_at=now) \
            .on_conflict_do_nothing(constraint="uq_inbox_consumer_event").returning(table.c.id)
        return session.execute(stmt).first() is not None
    if session.scalar(select(inbox.id).where(inbox.consumer == consumer, inbox.event_id == event_id)):
        return False
    session.add(inbox(consumer=consumer, event_id=event_id, processed_at=now))
    session.flush()
    return True


def apply_once(factory, inbox, consumer: str, payload: dict, handler) -> bool:
    """Run `handler(session, payload)` unless `consumer` already applied this event. True if it ran."""
    event_id = event_id_of(payload)
    with factory.get_session() as session:
        if not _claim(session, inbox, consumer, event_id, utcnow()):
            log.info("event %s already applied by %s: skipped", event_id, consumer)
            return False
        handler(session, payload)
        return True


def _error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]


def _parked(session, hook, consumer: str, payload: dict, error: str) -> None:
    """Run `hook(session, payload, error)` for an event just parked, in a savepoint: its failure is logged and
    undone, never a reason not to park."""
    if hook is None:
        return
    try:
        with session.begin_nested():
            hook(session, payload, error)
    except Exception:
        log.exception("the on_parked hook of %s failed for event %s", consumer, event_id_of(payload))


def record_failure(factory, dead_letter, consumer: str, source: str, event_type: str, payload: dict,
                   exc: BaseException, max_attempts: int = MAX_ATTEMPTS, base_delay: float = BASE_DELAY,
                   on_parked=None):
    """Count one failed attempt: schedule the next with backoff, or park the event after `max_attempts` (and run
    `on_parked(session, payload, error)` in the same transaction)."""
    event_id, now = event_id_of(payload), utcnow()
    with factory.get_session() as session:
        row = session.scalars(select(dead_letter).where(dead_letter.consumer == consumer,
                                                        dead_letter.event_id == event_id)
                              .with_for_update()).first()
        if row is None:
            row = dead_letter(consumer=consumer, source=source, event_type=event_type, event_id=event_id,
                              payload=payload, attempts=0, replays=0, created_at=now)
            session.add(row)
        row.attempts += 1
        row.last_error = _error_text(exc)
        row.updated_at = now
        if row.attempts >= max_attempts:
            row.status, row.next_attempt_at = "parked", None
            log.error("event %s parked for %s after %d attempts: %s", event_id, consumer, row.attempts,
                      row.last_error)
            _parked(session, on_parked, consumer, payload, row.last_error)
        else:
            row.status, row.next_attempt_at = "retrying", now + backoff(row.attempts, base_delay)
            log.warning("event %s failed in %s (attempt %d), retry at %s: %s", event_id, consumer, row.attempts,
                        row.next_attempt_at.isoformat(), row.last_error)
        return row.status


def due(factory, dead_letter, limit: int = 20) -> list[int]:
    with factory.get_session() as session:
        return list(session.scalars(select(dead_letter.id).where(
            dead_letter.status == "retrying", dead_letter.next_attempt_at <= utcnow())
            .order_by(dead_letter.next_attempt_at).limit(limit)))


def retry_one(factory, inbox, dead_letter, row_id: int, handlers: dict, max_attempts: int = MAX_ATTEMPTS,
              base_delay: float = BASE_DELAY, parked_hooks: dict | None = None) -> str | None:
    """Run one due dead letter again. The row stays locked while its handler runs, so two instances never both
    retry it. Returns the row's new status; a row parked now runs its consumer's hook in `parked_hooks`."""
    with factory.get_session() as session:
        query = select(dead_letter).where(dead_letter.id == row_id, dead_letter.status == "retrying")
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = session.scalars(query).first()
        if row is None:
            return None
        handler = handlers.get(row.consumer)
        try:
            if handler is None:
                raise LookupError(f"no handler named {row.consumer}")
            apply_once(factory, inbox, row.consumer, row.payload, handler)
        except Exception as exc:
            row.attempts += 1
            row.last_error = _error_text(exc)
            row.updated_at = utcnow()
            if row.attempts >= max_attempts:
                row.status, row.next_attempt_at = "parked", None
                log.error("event %s parked for %s after %d attempts: %s", row.event_id, row.consumer,
                          row.attempts, row.last_error)
                _parked(session, (parked_hooks or {}).get(row.consumer), row.consumer, row.payload,
                        row.last_error)
            else:
                row.next_attempt_at = utcnow() + backoff(row.attempts, base_delay)
            return row.status
        row.status, row.next_attempt_at, row.updated_at = "resolved", None, utcnow()
        log.info("event %s applied by %s on attempt %d", row.event_id, row.consumer, row.attempts + 1)
        return row.status


def dead_letter_view(row) -> dict:
    return {"id": row.id, "consumer": row.consumer, "source": row.source, "event_type": row.event_type,
            "event_id": row.event_id, "status": row.status, "attempts": row.attempts, "replays": row.replays,
            "last_error": row.last_error, "payload": row.payload,
            "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
            "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}


def list_dead_letters(factory, dead_letter, status: str | None = "parked", limit: int = 200) -> list[dict]:
    with factory.get_session() as session:
        query = select(dead_letter).order_by(dead_letter.updated_at.desc()).limit(limit)
        if status:
            query = query.where(dead_letter.status == status)
        return [dead_letter_view(r) for r in session.scalars(query)]


def replay(factory, dead_letter, row_id: int) -> dict | None:
    """Put a parked event back in line: its attempts start again, the replay is counted."""
    with factory.get_session() as session:
        row = session.get(dead_letter, row_id, with_for_update=True)
        if row is None:
            return None
        if row.status != "resolved":
            row.status, row.attempts, row.next_attempt_at = "retrying", 0, utcnow()
            row.replays += 1
            row.updated_at = utcnow()
        return dead_letter_view(row)
