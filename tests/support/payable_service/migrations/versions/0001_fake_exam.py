"""fake exam schema

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
    op.create_table("enrollments",
                    sa.Column("id", sa.String(length=64), nullable=False),
                    sa.Column("payer_id", sa.String(length=64), nullable=False),
                    sa.Column("amount_fen", sa.BigInteger(), nullable=False),
                    sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("province_code", sa.String(length=6), nullable=False),
                    sa.Column("status", sa.String(length=16), nullable=False),
                    sa.Column("paid_order_no", sa.String(length=20), nullable=True),
                    sa.Column("payments_seen", sa.Integer(), nullable=False),
                    sa.Column("refunds_seen", sa.JSON(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))


def downgrade():
    op.drop_table("enrollments")
