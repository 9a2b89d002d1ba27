"""One clock for the platform. Times are stored in UTC and shown in Beijing time.

Production uses the system clock. In sandbox mode every process (the gateway and all services) reads one shared,
settable offset from Redis, so `/sandbox/clock` moves identity, profile, exam, payment and cpe together.
"""
import logging
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from nameko.extensions import DependencyProvider

from .config import env, redis_url, sandbox_enabled

BEIJING = ZoneInfo("Asia/Shanghai")
log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def beijing(value: datetime) -> datetime:
    return as_utc(value).astimezone(BEIJING)


def iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None


def beijing_text(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return beijing(value).strftime(fmt) if value else ""


class SystemClock:
    sandbox = False

    def now(self) -> datetime:
        return utcnow()

    def today(self):
        return beijing(self.now()).date()

    def offset_seconds(self) -> float:
        return 0.0


class Clock(SystemClock):
    """A clock moved by a fixed offset (unit tests)."""

    def __init__(self, offset_seconds: float = 0):
        self.offset = timedelta(seconds=offset_seconds)

    def now(self) -> datetime:
        return utcnow() + self.offset

    def offset_seconds(self) -> float:
        return self.offset.total_seconds()


class SharedSandboxClock(SystemClock):
    """The sandbox clock: system time plus an offset kept in Redis under `key`, shared by every process.

    Only ever moved forward. Each process reads the offset at most every `cache_seconds` (0: every call)."""

    sandbox = True

    def __init__(self, url: str | None = None, key: str | None = None, cache_seconds: float = 0.0):
        import redis
        self._redis = redis.Redis.from_url(url or redis_url(), socket_timeout=2, socket_connect_timeout=2)
        self.key = key or f"{env('CLOCK_NAMESPACE', 'ausm')}:sandbox:clock_offset"
        self._cache = (0.0, -1.0)
        self._cache_seconds = cache_seconds

    def offset_seconds(self) -> float:
        value, read_at = self._cache
        if time.monotonic() - read_at <= self._cache_seconds:
            return value
        raw = self._redis.get(self.key)
        value = float(raw) if raw else 0.0
        self._cache = (value, time.monotonic())
        return value

    def now(self) -> datetime:
        return utcnow() + timedelta(seconds=self.offset_seconds())

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        value = float(self._redis.incrbyfloat(self.key, seconds))
        self._cache = (value, -1.0)
        return value

    def reset(self):
        self._redis.delete(self.key)
        self._cache = (0.0, -1.0)


def build_clock(sandbox: bool | None = None):
    return SharedSandboxClock() if (sandbox_enabled() if sandbox is None else sandbox) else SystemClock()


class ClockProvider(DependencyProvider):
    """Injects the platform clock: `self.clock.now()`, `self.clock.today()` (Beijing date)."""

    def setup(self):
        self.clock = build_clock(bool(self.container.config.get("SANDBOX")))

    def get_dependency(self, worker_ctx):
        return self.clock
