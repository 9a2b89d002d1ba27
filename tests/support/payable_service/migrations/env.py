from ausm_common.migrations import run_migrations
from fakeexam.models import Base

run_migrations(Base.metadata, "exam")
