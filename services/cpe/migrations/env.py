"""Alembic environment: the URL comes from CPE_DATABASE_URL (see ausm_common.migrations)."""
from ausm_common.migrations import run_migrations
from cpe.models import Base

run_migrations(Base.metadata, "cpe")
