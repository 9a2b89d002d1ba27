"""reads of a person's unmasked data by staff and province clients (who, what, when, why)

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_reads",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("reader_kind", sa.String(length=8), nullable=False),
        sa.Column("reader_id", sa.String(length=40), nullable=False),
        sa.Column("reader_name", sa.String(length=64), nullable=False),
        sa.Column("organisation_code", sa.String(length=6), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_data_reads_account_id", "data_reads", ["account_id"])
    op.create_index("ix_data_reads_at", "data_reads", ["at"])


def downgrade():
    op.drop_table("data_reads")
