"""the service kit's inbox and dead letters

Revision ID: 0004
Revises: 0003
"""
from alembic import op

from ausm_common.migrations import create_inbox_and_dead_letters, drop_inbox_and_dead_letters

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    create_inbox_and_dead_letters(op)


def downgrade():
    drop_inbox_and_dead_letters(op)
