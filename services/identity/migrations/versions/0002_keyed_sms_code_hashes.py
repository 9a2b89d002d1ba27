"""SMS codes hashed with a server key (HMAC-SHA256): void the plain sha256 hashes

A plain sha256 of a 6-digit code with its salt beside it gives the code back by trying a million
candidates. The codes still in flight (3-minute validity) are deleted, so their holders can ask for a
new one at once; older rows keep their time and client for the cooldown and daily caps, but lose the hash.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:00:00
"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM sms_codes WHERE used_at IS NULL AND created_at > now() - interval '3 minutes'")
    op.execute("UPDATE sms_codes SET code_hash = '', salt = ''")


def downgrade():
    pass   # the plain hashes are gone on purpose; the old code cannot verify the new hashes either
