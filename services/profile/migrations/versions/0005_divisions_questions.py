"""divisions closed by merger or renaming; questions and the help center

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 08:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('departments', sa.Column('abolished_on', sa.Date(), nullable=True))
    op.add_column('departments', sa.Column('successor_code', sa.String(length=6), nullable=True))
    op.create_table(
        'questions',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('account_id', sa.String(length=32), nullable=False),
        sa.Column('asker_name', sa.String(length=64), nullable=False),
        sa.Column('module', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('department_code', sa.String(length=6), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_questions_account_id'), 'questions', ['account_id'], unique=False)
    op.create_index(op.f('ix_questions_department_code'), 'questions', ['department_code'], unique=False)
    op.create_table(
        'question_messages',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('question_id', sa.String(length=32), nullable=False),
        sa.Column('author', sa.String(length=8), nullable=False),
        sa.Column('staff_id', sa.String(length=32), nullable=True),
        sa.Column('staff_name', sa.String(length=64), nullable=True),
        sa.Column('department_code', sa.String(length=6), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_question_messages_question_id'), 'question_messages', ['question_id'], unique=False)
    op.create_table(
        'help_articles',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('module', sa.String(length=16), nullable=False),
        sa.Column('question', sa.String(length=200), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('source_question_id', sa.String(length=32), nullable=True),
        sa.Column('department_code', sa.String(length=6), nullable=False),
        sa.Column('published_by', sa.String(length=64), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_help_articles_module'), 'help_articles', ['module'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_help_articles_module'), table_name='help_articles')
    op.drop_table('help_articles')
    op.drop_index(op.f('ix_question_messages_question_id'), table_name='question_messages')
    op.drop_table('question_messages')
    op.drop_index(op.f('ix_questions_department_code'), table_name='questions')
    op.drop_index(op.f('ix_questions_account_id'), table_name='questions')
    op.drop_table('questions')
    op.drop_column('departments', 'successor_code')
    op.drop_column('departments', 'abolished_on')
