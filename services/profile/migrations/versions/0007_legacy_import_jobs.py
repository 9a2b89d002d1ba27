"""Legacy-record imports by provinces' systems, as jobs with a per-row report

Revision ID: 0007
Revises: 0006
"""
from alembic import op

from ausm_common.migrations import create_job_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    create_job_table(op, "legacy_import_jobs")


def downgrade():
    op.drop_table("legacy_import_jobs")
