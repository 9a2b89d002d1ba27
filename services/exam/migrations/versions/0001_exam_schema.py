"""exam schema: plans, region windows, notices, sites, enrollments, payments, scores, audit; the kit's tables;
the sequence behind 报名注册号

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from ausm_common.migrations import create_kit_tables


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_kit_tables(op)
    op.execute("CREATE SEQUENCE enrollment_no_seq")
    op.create_table('audit_logs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('staff_id', sa.String(length=32), nullable=False),
    sa.Column('staff_name', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=6), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject_kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_audit_logs_at'), 'audit_logs', ['at'], unique=False)
    op.create_index(op.f('ix_audit_logs_subject_id'), 'audit_logs', ['subject_id'], unique=False)
    op.create_table('enrollments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('enrollment_no', sa.String(length=20), nullable=True),
    sa.Column('exam_id', sa.String(length=32), nullable=False),
    sa.Column('region_window_id', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('review_mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('draft_step', sa.Integer(), nullable=False),
    sa.Column('notice_version', sa.Integer(), nullable=True),
    sa.Column('notice_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('announcement_version', sa.Integer(), nullable=True),
    sa.Column('announcement_read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('route', sa.String(length=32), nullable=True),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('locality', sa.JSON(), nullable=False),
    sa.Column('site_id', sa.String(length=32), nullable=True),
    sa.Column('city_code', sa.String(length=6), nullable=True),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('fee_lines', sa.JSON(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('person', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('entered', sa.JSON(), nullable=False),
    sa.Column('photo', sa.JSON(), nullable=False),
    sa.Column('proofs', sa.JSON(), nullable=False),
    sa.Column('return_reasons', sa.JSON(), nullable=False),
    sa.Column('seat_held', sa.Boolean(), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('post_review_status', sa.String(length=16), nullable=False),
    sa.Column('post_review', sa.JSON(), nullable=False),
    sa.Column('form_key', sa.String(length=128), nullable=True),
    sa.Column('form_version', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enrollment_no')
    )
    op.create_index(op.f('ix_enrollments_account_id'), 'enrollments', ['account_id'], unique=False)
    op.create_index('ix_enrollments_queue', 'enrollments', ['exam_id', 'region_code', 'status'], unique=False)
    op.create_index(op.f('ix_enrollments_site_id'), 'enrollments', ['site_id'], unique=False)
    op.create_index('ix_enrollments_unpaid', 'enrollments', ['status', 'region_window_id'], unique=False)
    op.create_index('uq_enrollments_active', 'enrollments', ['account_id', 'exam_id'], unique=True, postgresql_where=sa.text("status IN ('draft', 'submitted', 'returned', 'approved', 'paid')"))
    op.create_table('exam_plans',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'level', name='uq_exam_plans_year_level')
    )
    op.create_table('notices',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('exam_id', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('exam_id', 'region_code', 'kind', 'version', name='uq_notices_version')
    )
    op.create_index(op.f('ix_notices_exam_id'), 'notices', ['exam_id'], unique=False)
    op.create_table('payment_records',
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('enrollment_id', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('refunded_fen', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('order_no')
    )
    op.create_index(op.f('ix_payment_records_enrollment_id'), 'payment_records', ['enrollment_id'], unique=False)
    op.create_table('region_windows',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('exam_id', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('region_name', sa.String(length=32), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payment_opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payment_closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_mode', sa.String(length=16), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('notice_url', sa.String(length=200), nullable=False),
    sa.Column('textbook_url', sa.String(length=200), nullable=False),
    sa.Column('questionnaire_url', sa.String(length=200), nullable=False),
    sa.Column('fees', sa.JSON(), nullable=False),
    sa.Column('required_proofs', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('exam_id', 'region_code', name='uq_region_windows_exam_region')
    )
    op.create_index(op.f('ix_region_windows_exam_id'), 'region_windows', ['exam_id'], unique=False)
    op.create_index(op.f('ix_region_windows_payment_closes_at'), 'region_windows', ['payment_closes_at'], unique=False)
    op.create_table('scores',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('enrollment_id', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('batch_id', sa.String(length=32), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enrollment_id', 'subject', name='uq_scores_enrollment_subject')
    )
    op.create_index('ix_scores_account_level', 'scores', ['account_id', 'level', 'year'], unique=False)
    op.create_table('sites',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('exam_id', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('city_code', sa.String(length=6), nullable=False),
    sa.Column('city_name', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('taken >= 0 AND taken <= quota', name='ck_sites_seats'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sites_exam_region', 'sites', ['exam_id', 'region_code'], unique=False)


def downgrade():
    op.drop_index('ix_sites_exam_region', table_name='sites')
    op.drop_table('sites')
    op.drop_index('ix_scores_account_level', table_name='scores')
    op.drop_table('scores')
    op.drop_index(op.f('ix_region_windows_payment_closes_at'), table_name='region_windows')
    op.drop_index(op.f('ix_region_windows_exam_id'), table_name='region_windows')
    op.drop_table('region_windows')
    op.drop_index(op.f('ix_payment_records_enrollment_id'), table_name='payment_records')
    op.drop_table('payment_records')
    op.drop_index(op.f('ix_notices_exam_id'), table_name='notices')
    op.drop_table('notices')
    op.drop_table('exam_plans')
    op.drop_index('uq_enrollments_active', table_name='enrollments', postgresql_where=sa.text("status IN ('draft', 'submitted', 'returned', 'approved', 'paid')"))
    op.drop_index('ix_enrollments_unpaid', table_name='enrollments')
    op.drop_index(op.f('ix_enrollments_site_id'), table_name='enrollments')
    op.drop_index('ix_enrollments_queue', table_name='enrollments')
    op.drop_index(op.f('ix_enrollments_account_id'), table_name='enrollments')
    op.drop_table('enrollments')
    op.drop_index(op.f('ix_audit_logs_subject_id'), table_name='audit_logs')
    op.drop_index(op.f('ix_audit_logs_at'), table_name='audit_logs')
    op.drop_table('audit_logs')
    op.execute("DROP SEQUENCE enrollment_no_seq")
    op.drop_table("dead_letters")
    op.drop_table("inbox")
    op.drop_table("outbox")
