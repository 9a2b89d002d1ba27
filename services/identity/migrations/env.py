"""Alembic environment: the URL comes from IDENTITY_DATABASE_URL (see ausm_common.migrations)."""
from ausm_common.migrations import run_migrations
from identity.models import Base

run_migrations(Base.metadata, "identity")
