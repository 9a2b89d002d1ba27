"""The Alembic environment every service shares: `migrations/env.py` is two lines.

    from ausm_common.migrations import run_migrations
    from exam.models import Base
    run_migrations(Base.metadata, "exam")

The URL comes from `<NAME>_DATABASE_URL` (default: the local database `ausm_<name>`).
"""
import os

from alembic import context
from sqlalchemy import create_engine

from .registry import ServiceEntry


def database_url(service: str) -> str:
    entry = ServiceEntry(service, service)
    return os.environ.get(entry.database_env) or \
        f"postgresql+psycopg2://postgres@127.0.0.1:5432/{entry.database_name}"


def run_migrations(metadata, service: str):
    url = database_url(service)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=metadata, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


# --- the kit's tables, for a service's migrations (the models are in db.kit_tables) --------------

def create_outbox(op):
    import sqlalchemy as sa
    op.create_table("outbox",
                    sa.Column("id", sa.String(length=32), nullable=False),
                    sa.Column("event_type", sa.String(length=64), nullable=False),
                    sa.Column("payload", sa.JSON(), nullable=False),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_outbox_created_at", "outbox", ["created_at"])
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])


def create_inbox_and_dead_letters(op):
    import sqlalchemy as sa
    op.create_table("inbox",
                    sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column("consumer", sa.String(length=96), nullable=False),
                    sa.Column("event_id", sa.String(length=64), nullable=False),
                    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("consumer", "event_id", name="uq_inbox_consumer_event"))
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    op.create_table("dead_letters",
                    sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column("consumer", sa.String(length=96), nullable=False),
                    sa.Column("source", sa.String(length=32), nullable=False),
                    sa.Column("event_type", sa.String(length=64), nullable=False),
                    sa.Column("event_id", sa.String(length=64), nullable=False),
                    sa.Column("payload", sa.JSON(), nullable=False),
                    sa.Column("status", sa.String(length=16), nullable=False),
                    sa.Column("attempts", sa.Integer(), nullable=False),
                    sa.Column("replays", sa.Integer(), nullable=False),
                    sa.Column("last_error", sa.Text(), nullable=False),
                    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("consumer", "event_id", name="uq_dead_letters_consumer_event"))
    op.create_index("ix_dead_letters_status", "dead_letters", ["status"])
    op.create_index("ix_dead_letters_next_attempt_at", "dead_letters", ["next_attempt_at"])


def create_kit_tables(op):
    """All three, for a new service's first migration."""
    create_outbox(op)
    create_inbox_and_dead_letters(op)


def drop_inbox_and_dead_letters(op):
    op.drop_table("dead_letters")
    op.drop_table("inbox")


def create_job_table(op, name: str, subject: str | None = None):
    """A province client's bulk job table (ausm_common.jobs.JobColumns) with its own subject column, if any (and
    `failure`, the reason of a failed job)."""
    import sqlalchemy as sa
    op.create_table(
        name,
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        *([sa.Column(subject, sa.String(length=32), nullable=False)] if subject else []),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure", sa.String(length=500), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("saved", sa.Integer(), nullable=True),
        sa.Column("refused", sa.Integer(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(f"ix_{name}_client_id", name, ["client_id"])


def add_job_failure(op, name: str):
    """`failure` on a job table made before jobs could fail (one made since has it from create_job_table)."""
    import sqlalchemy as sa
    if "failure" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(name)}:
        op.add_column(name, sa.Column("failure", sa.String(length=500), nullable=True))


def drop_job_failure(op, name: str):
    op.drop_column(name, "failure")
