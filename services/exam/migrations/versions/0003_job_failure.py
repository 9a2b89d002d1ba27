"""score import jobs can fail: the reason of a failed job (`failure`)

Revision ID: 0003
Revises: 0002
"""
from alembic import op

from ausm_common.migrations import add_job_failure, drop_job_failure

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    add_job_failure(op, "import_jobs")


def downgrade():
    drop_job_failure(op, "import_jobs")
