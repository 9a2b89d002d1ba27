"""Database dependency provider for nameko services (SQLAlchemy 2).

The engine is built in ``setup()`` (after eventlet's monkey-patching) and sized to
``max_workers``; each worker gets ``get_session()``, a context manager that commits
or rolls back, so nothing is half-saved.
"""
from contextlib import contextmanager

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, text
from sqlalchemy.orm import DeclarativeBase, sessionmaker


class Base(DeclarativeBase):
    """Each service subclasses this for its own metadata (see models.py)."""


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


class Database(DependencyProvider):
    """Injects a SessionFactory. ``url_key`` names the config entry with the URL."""

    def __init__(self, url_key: str):
        self.url_key = url_key
        self.factory = None

    def setup(self):
        config = self.container.config
        workers = int(config.get("max_workers", 10))
        self.factory = SessionFactory(make_engine(config[self.url_key], pool_size=workers))

    def stop(self):
        if self.factory:
            self.factory.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.factory


def advisory_xact_lock(session, *key: str):
    """Serialise everyone who takes the same key, across workers and instances, until this transaction ends.

    A PostgreSQL transaction-scoped advisory lock: unlike ``SELECT … FOR UPDATE`` it needs no row, so it also
    guards the first time something happens (a phone's first SMS code). The wait is green: eventlet's
    ``monkey_patch()`` makes psycopg2 cooperative (pitfalls.md §1.6)."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": ":".join(key)})
