"""Time, stored in UTC and shown in Beijing time; tests control the clock."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def beijing(value: datetime) -> datetime:
    return as_utc(value).astimezone(BEIJING)


def iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


class Clock:
    """A clock that can be moved forward (sandbox and tests only)."""

    def __init__(self, offset_seconds: float = 0):
        self.offset = timedelta(seconds=offset_seconds)

    def now(self) -> datetime:
        return utcnow() + self.offset
