"""bulk score imports by provinces' systems, as jobs with a per-row report

Revision ID: 0002
Revises: 0001
"""
from alembic import op

from ausm_common.migrations import create_job_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    create_job_table(op, "import_jobs", "exam_id")


def downgrade():
    op.drop_table("import_jobs")
