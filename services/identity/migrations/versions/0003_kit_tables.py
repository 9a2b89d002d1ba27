"""the service kit's inbox and dead letters; the sandbox clock moves to the shared clock (Redis)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

from ausm_common.migrations import create_inbox_and_dead_letters, drop_inbox_and_dead_letters

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    create_inbox_and_dead_letters(op)
    op.drop_table("sandbox_clock")


def downgrade():
    op.create_table("sandbox_clock",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("offset_seconds", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))
    drop_inbox_and_dead_letters(op)
