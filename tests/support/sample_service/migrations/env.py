from ausm_common.migrations import run_migrations
from sample.models import Base

run_migrations(Base.metadata, "sample")
