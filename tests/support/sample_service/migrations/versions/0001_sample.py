"""sample schema

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

from ausm_common.migrations import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_kit_tables(op)
    op.create_table("notes",
                    sa.Column("key", sa.String(length=64), nullable=False),
                    sa.Column("text", sa.String(length=200), nullable=False),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("key"))
    op.create_table("applied",
                    sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
                    sa.Column("source_key", sa.String(length=64), nullable=False),
                    sa.Column("amount", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))


def downgrade():
    op.drop_table("applied")
    op.drop_table("notes")
