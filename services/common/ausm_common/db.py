"""Database dependency provider for nameko services (SQLAlchemy 2), and the kit's own tables.

The engine is built in ``setup()`` (after eventlet's monkey-patching) and sized to ``max_workers``; each worker gets
``get_session()``, a context manager that commits or rolls back, so nothing is half-saved.

Dropped connections: a connection that sat in the pool for IDLE_PING_SECONDS or more is pinged when it is checked
out, and replaced if the ping fails (PostgreSQL restarted, an idle timeout, a failover while the service was quiet).
Connections in steady use are not pinged (`pool_pre_ping` did, on every checkout: one more round trip per session).
A connection that drops while in use fails its statement with a disconnect error: SQLAlchemy then invalidates every
connection older than that failure, and the kit's entrypoint answers that call with 503 (the caller may retry).
"""
import time
from contextlib import contextmanager
from dataclasses import dataclass

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase, sessionmaker


class Base(DeclarativeBase):
    """Each service subclasses DeclarativeBase for its own metadata (see kit_tables)."""


IDLE_PING_SECONDS = 10.0


def make_engine(url: str, pool_size: int = 10, idle_ping_seconds: float = IDLE_PING_SECONDS):
    kwargs = {}
    if not url.startswith("sqlite"):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=10)
    engine = create_engine(url, **kwargs)
    ping_after_idle(engine, idle_ping_seconds)
    return engine


def ping_after_idle(engine, seconds: float):
    """Ping a pooled connection on checkout when it has been idle `seconds` or more; a failed ping makes the pool
    discard it and connect afresh (SQLAlchemy's DisconnectionError protocol)."""
    @event.listens_for(engine, "checkin")
    def idle_from(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise sa_exc.DisconnectionError(f"idle connection failed its ping: {exc!r}") from exc


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

    def ping(self):
        """`SELECT 1` on a pooled connection outside any transaction: one round trip (a session would add BEGIN
        and COMMIT). A connection that fails it with a disconnect is handled as SQLAlchemy handles a statement's
        disconnect: every pooled connection as old as it is discarded (the database restarted or dropped them all),
        and the ping is tried once more on a fresh connection, so it answers for the database, not for a stale
        connection (one 503 per pooled connection after a restart, before)."""
        for attempt in (1, 2):
            connection = self.engine.raw_connection()
            try:
                self.engine.dialect.do_ping(connection.dbapi_connection)
                return
            except Exception as exc:
                disconnect = isinstance(exc, self.engine.dialect.loaded_dbapi.Error) and \
                    self.engine.dialect.is_disconnect(exc, connection.dbapi_connection, None)
                if disconnect:
                    self.engine.pool._invalidate(connection, exc)     # this one and all older: recycled on checkout
                else:
                    connection.invalidate(exc)
                if not disconnect or attempt == 2:
                    raise
            finally:
                connection.close()

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
