"""group_activities: representative groups' plans, activities, attendance, outcomes and their
written liaison reports before the annual session

Revision ID: 0032_group_activities
Revises: 0031_trainings
Create Date: 2026-12-12 12:00:00

The groups are the people module's (`representative_groups`); a group plans its year
(`ga_plan_items`), records its activities with the attendance of its members and what came of
them (`ga_activities`, `ga_attendance`, `ga_outcomes`: an outcome may become a case), and files
a written liaison report before each annual session (`ga_reports`, due N days before it).
Every table is tenant-owned, with row-level security.
"""
import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = '0032_group_activities'
down_revision = '0031_trainings'
branch_labels = None
depends_on = None

TABLES = ('ga_plan_items', 'ga_activities', 'ga_attendance', 'ga_outcomes', 'ga_reports')

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _keys(table: str) -> list:
    return [
        sa.Column('tenant_id', _ID, nullable=False),
        sa.Column('id', _ID, sa.Identity(always=False), nullable=False),
    ]


def _own(table: str) -> list:
    return [
        sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f(f'fk_{table}_tenant_id_townships'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f(f'pk_{table}')),
    ]


def _group(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['representative_groups.tenant_id', 'representative_groups.id'], name=op.f(f'fk_{table}_tenant_id_group_id_representative_groups'))


def upgrade() -> None:
    op.create_table('ga_plan_items',
    *_keys('ga_plan_items'),
    sa.Column('group_id', _ID, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', _ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _group('ga_plan_items'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ga_plan_items_created_by_id_users')),
    *_own('ga_plan_items'),
    )
    op.create_index('ix_ga_plan_items_group', 'ga_plan_items', ['tenant_id', 'group_id', 'year'], unique=False)
    op.create_table('ga_activities',
    *_keys('ga_activities'),
    sa.Column('group_id', _ID, nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', _ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _group('ga_activities'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_ga_activities_recorded_by_id_users')),
    *_own('ga_activities'),
    )
    op.create_index('ix_ga_activities_group', 'ga_activities', ['tenant_id', 'group_id', 'held_on'], unique=False)
    op.create_table('ga_attendance',
    *_keys('ga_attendance'),
    sa.Column('activity_id', _ID, nullable=False),
    sa.Column('representative_id', _ID, nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'activity_id'], ['ga_activities.tenant_id', 'ga_activities.id'], name=op.f('fk_ga_attendance_tenant_id_activity_id_ga_activities')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_ga_attendance_tenant_id_representative_id_representatives')),
    *_own('ga_attendance'),
    sa.UniqueConstraint('tenant_id', 'activity_id', 'representative_id', name=op.f('uq_ga_attendance_tenant_id_activity_id_representative_id')),
    )
    op.create_table('ga_outcomes',
    *_keys('ga_outcomes'),
    sa.Column('activity_id', _ID, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('case_id', _ID, nullable=True),
    sa.Column('recorded_by_id', _ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'activity_id'], ['ga_activities.tenant_id', 'ga_activities.id'], name=op.f('fk_ga_outcomes_tenant_id_activity_id_ga_activities')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_ga_outcomes_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_ga_outcomes_recorded_by_id_users')),
    *_own('ga_outcomes'),
    )
    op.create_index('ix_ga_outcomes_state', 'ga_outcomes', ['tenant_id', 'state'], unique=False)
    op.create_table('ga_reports',
    *_keys('ga_reports'),
    sa.Column('group_id', _ID, nullable=False),
    sa.Column('session_id', _ID, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('submitted_by_id', _ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _group('ga_reports'),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['as_sessions.tenant_id', 'as_sessions.id'], name=op.f('fk_ga_reports_tenant_id_session_id_as_sessions')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_ga_reports_submitted_by_id_users')),
    *_own('ga_reports'),
    sa.UniqueConstraint('tenant_id', 'group_id', 'session_id', name=op.f('uq_ga_reports_tenant_id_group_id_session_id')),
    )

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
