"""Alembic environment: the URL comes from EXAM_DATABASE_URL (see ausm_common.migrations)."""
from ausm_common.migrations import run_migrations
from exam.models import Base

run_migrations(Base.metadata, "exam")
