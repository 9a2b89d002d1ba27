"""Alembic environment: the URL comes from PROFILE_DATABASE_URL (see ausm_common.migrations)."""
from ausm_common.migrations import run_migrations
from profiles.models import Base

run_migrations(Base.metadata, "profile")
