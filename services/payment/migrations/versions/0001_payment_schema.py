"""payment schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:07:04.562900
"""
from alembic import op
import sqlalchemy as sa

from ausm_common.migrations import create_kit_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_kit_tables(op)
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=6), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_table('notification_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('verdict', sa.String(length=24), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=True),
    sa.Column('channel_txn_id', sa.String(length=64), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_notification_log_order_no'), 'notification_log', ['order_no'], unique=False)
    op.create_index(op.f('ix_notification_log_received_at'), 'notification_log', ['received_at'], unique=False)
    op.create_index(op.f('ix_notification_log_verdict'), 'notification_log', ['verdict'], unique=False)
    op.create_table('orders',
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('ref', sa.String(length=100), nullable=False),
    sa.Column('ref_service', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('payer_id', sa.String(length=64), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.String(length=128), nullable=False),
    sa.Column('province_code', sa.String(length=6), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('close_reason', sa.String(length=16), nullable=True),
    sa.Column('code_url', sa.Text(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=100), nullable=False),
    sa.Column('settled', sa.Boolean(), nullable=False),
    sa.Column('channel_txn_id', sa.String(length=64), nullable=True),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('order_no')
    )
    op.create_index(op.f('ix_orders_channel'), 'orders', ['channel'], unique=False)
    op.create_index('ix_orders_check', 'orders', ['status', 'next_check_at'], unique=False)
    op.create_index(op.f('ix_orders_created_at'), 'orders', ['created_at'], unique=False)
    op.create_index(op.f('ix_orders_paid_at'), 'orders', ['paid_at'], unique=False)
    op.create_index(op.f('ix_orders_payer_id'), 'orders', ['payer_id'], unique=False)
    op.create_index(op.f('ix_orders_province_code'), 'orders', ['province_code'], unique=False)
    op.create_index(op.f('ix_orders_ref'), 'orders', ['ref'], unique=False)
    op.create_index(op.f('ix_orders_status'), 'orders', ['status'], unique=False)
    op.create_index('uq_orders_open_ref', 'orders', ['ref'], unique=True, postgresql_where=sa.text("status = 'pending'"))
    op.create_table('payments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('channel_txn_id', sa.String(length=64), nullable=False),
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('settles', sa.Boolean(), nullable=False),
    sa.Column('refund_reason', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel', 'channel_txn_id', name='uq_payments_channel_txn')
    )
    op.create_index(op.f('ix_payments_order_no'), 'payments', ['order_no'], unique=False)
    op.create_table('refunds',
    sa.Column('refund_no', sa.String(length=24), nullable=False),
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('payment_id', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('channel_txn_id', sa.String(length=64), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('payment_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason_code', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('channel_refund_id', sa.String(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('succeeded_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('refund_no')
    )
    op.create_index(op.f('ix_refunds_created_at'), 'refunds', ['created_at'], unique=False)
    op.create_index(op.f('ix_refunds_order_no'), 'refunds', ['order_no'], unique=False)
    op.create_index(op.f('ix_refunds_payment_id'), 'refunds', ['payment_id'], unique=False)
    op.create_index(op.f('ix_refunds_status'), 'refunds', ['status'], unique=False)
    op.create_index(op.f('ix_refunds_succeeded_at'), 'refunds', ['succeeded_at'], unique=False)
    op.create_table('settlements',
    sa.Column('ref', sa.String(length=100), nullable=False),
    sa.Column('order_no', sa.String(length=20), nullable=False),
    sa.Column('payment_id', sa.String(length=32), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('ref')
    )


def downgrade():
    op.drop_table('settlements')
    op.drop_index(op.f('ix_refunds_succeeded_at'), table_name='refunds')
    op.drop_index(op.f('ix_refunds_status'), table_name='refunds')
    op.drop_index(op.f('ix_refunds_payment_id'), table_name='refunds')
    op.drop_index(op.f('ix_refunds_order_no'), table_name='refunds')
    op.drop_index(op.f('ix_refunds_created_at'), table_name='refunds')
    op.drop_table('refunds')
    op.drop_index(op.f('ix_payments_order_no'), table_name='payments')
    op.drop_table('payments')
    op.drop_index(op.f('ix_outbox_published_at'), table_name='outbox')
    op.drop_index(op.f('ix_outbox_created_at'), table_name='outbox')
    op.drop_table('outbox')
    op.drop_index('uq_orders_open_ref', table_name='orders', postgresql_where=sa.text("status = 'pending'"))
    op.drop_index(op.f('ix_orders_status'), table_name='orders')
    op.drop_index(op.f('ix_orders_ref'), table_name='orders')
    op.drop_index(op.f('ix_orders_province_code'), table_name='orders')
    op.drop_index(op.f('ix_orders_payer_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_paid_at'), table_name='orders')
    op.drop_index(op.f('ix_orders_created_at'), table_name='orders')
    op.drop_index('ix_orders_check', table_name='orders')
    op.drop_index(op.f('ix_orders_channel'), table_name='orders')
    op.drop_table('orders')
    op.drop_index(op.f('ix_notification_log_verdict'), table_name='notification_log')
    op.drop_index(op.f('ix_notification_log_received_at'), table_name='notification_log')
    op.drop_index(op.f('ix_notification_log_order_no'), table_name='notification_log')
    op.drop_table('notification_log')
    op.drop_index(op.f('ix_inbox_processed_at'), table_name='inbox')
    op.drop_table('inbox')
    op.drop_index(op.f('ix_dead_letters_status'), table_name='dead_letters')
    op.drop_index(op.f('ix_dead_letters_next_attempt_at'), table_name='dead_letters')
    op.drop_table('dead_letters')
    op.drop_index(op.f('ix_audit_log_at'), table_name='audit_log')
    op.drop_table('audit_log')
