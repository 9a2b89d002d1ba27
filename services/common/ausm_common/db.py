"""Database dependency provider for nameko services (SQLAlchemy 2), and the kit's own tables.

The engine is built in ``setup()`` (after eventlet's monkey-patching) and sized to ``max_workers``; each worker gets
``get_session()``, a context manager that commits or rolls back, so nothing is half-saved.
"""
from contextlib import contextmanager
from dataclasses import dataclass

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, text
from sqlalchemy.orm import DeclarativeBase, sessionmaker


class Base(DeclarativeBase):
    """Each service subclasses DeclarativeBase for its own metadata (see kit_tables)."""


def make_engine(url: str, pool_size: int = 10):
    kwargs = {"pool_pre_ping": True}
    if not url.startswith("sqlite"):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=10)
    return create_engine(url, **kwargs)


class SessionFactory:
    def __init__(self, engine):
        self.engine = engine
        self._maker = sessionmaker(bind=engine, expire_on_commit=False)

    @contextmanager
    def get_session(self):
        session = self._maker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @classmethod
    def for_url(cls, url: str, pool_size: int = 2) -> "SessionFactory":
        return cls(make_engine(url, pool_size=pool_size))


class Database(DependencyProvider):
    """Injects a SessionFactory. The URL is the config entry ``url_key`` (default ``<SERVICE>_DATABASE_URL``)."""

    def __init__(self, url_key: str | None = None):
        self.url_key = url_key
        self.factory = None

    def setup(self):
        config = self.container.config
        key = self.url_key or f"{self.container.service_name.upper()}_DATABASE_URL"
        workers = int(config.get("max_workers", 10))
        self.factory = SessionFactory(make_engine(config[key], pool_size=workers))

    def stop(self):
        if self.factory:
            self.factory.engine.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.factory


@dataclass(frozen=True)
class KitTables:
    outbox: type
    inbox: type
    dead_letter: type


def kit_tables(base) -> KitTables:
    """The outbox, inbox and dead-letter tables every service keeps in its own database."""
    from .events import DeadLetterMixin, InboxMixin
    from .outbox import OutboxMixin

    outbox = type("Outbox", (OutboxMixin, base), {"__module__": base.__module__})
    inbox = type("Inbox", (InboxMixin, base), {"__module__": base.__module__})
    dead_letter = type("DeadLetter", (DeadLetterMixin, base), {"__module__": base.__module__})
    return KitTables(outbox, inbox, dead_letter)


def advisory_xact_lock(session, *key: str):
    """Serialise everyone who takes the same key, across workers and instances, until this transaction ends.

    A PostgreSQL transaction-scoped advisory lock: unlike ``SELECT … FOR UPDATE`` it needs no row, so it also
    guards the first time something happens (a phone's first SMS code). The wait is green: eventlet's
    ``monkey_patch()`` makes psycopg2 cooperative (pitfalls.md §1.6)."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": ":".join(key)})
