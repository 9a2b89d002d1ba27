"""province clients may authenticate with private_key_jwt: their public keys and registered auth method

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("api_clients", sa.Column("token_endpoint_auth_method", sa.String(length=32), nullable=False,
                                           server_default="client_secret_basic"))
    op.add_column("api_clients", sa.Column("public_jwk", sa.JSON(), nullable=True))
    op.add_column("api_clients", sa.Column("previous_public_jwk", sa.JSON(), nullable=True))
    op.alter_column("api_clients", "secret_hash", existing_type=sa.String(length=255), nullable=True)


def downgrade():
    op.execute("DELETE FROM api_clients WHERE secret_hash IS NULL")
    op.alter_column("api_clients", "secret_hash", existing_type=sa.String(length=255), nullable=False)
    op.drop_column("api_clients", "previous_public_jwk")
    op.drop_column("api_clients", "public_jwk")
    op.drop_column("api_clients", "token_endpoint_auth_method")
