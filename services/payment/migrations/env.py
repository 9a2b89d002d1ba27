"""Alembic environment: the URL comes from PAYMENT_DATABASE_URL (see ausm_common.migrations)."""
from ausm_common.migrations import run_migrations
from payment.models import Base

run_migrations(Base.metadata, "payment")
