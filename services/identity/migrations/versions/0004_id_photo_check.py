"""online real-name: the ID number read from the 人像面 photo and how it compares with the account's

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("realname_requests", sa.Column("id_number_check", sa.String(length=16), nullable=True))
    op.add_column("realname_requests", sa.Column("id_number_read", sa.String(length=32), nullable=True))


def downgrade():
    op.drop_column("realname_requests", "id_number_read")
    op.drop_column("realname_requests", "id_number_check")
