"""thematic_groups: thematic groups beside the area group, the committee members' reception
days and visiting months, and training sessions edited, cancelled and left for half a day

Revision ID: 0038_thematic_groups
Revises: 0037_evaluation_groups
Create Date: 2026-12-13 12:00:00

- `representative_groups.kind`: area (地域小组, the one a representative keeps, as before) or
  thematic (专业小组, 002 海安, 003/6): a representative may belong to several at once, through
  `group_memberships` rows with their own dates. Existing groups are area groups.
- `ga_receptions`: the monthly day on which a committee member receives the group leaders in
  rotation (001 张家港 "每月一次…每次安排1名委员，轮流接待").
- `ga_visit_plans` and `ga_visits`: the visiting month twice a year, each committee member visiting
  1–2 groups, the schedule published a month ahead, the minutes after each visit.
- `tr_sessions` gains its cancellation (when, why, by whom); `tr_invitations` a leave for half a
  day (`leave_day`, `leave_half`); `tr_check_ins` the half of the day present (`half`: full,
  morning or afternoon).
Every new table is tenant-owned, with row-level security.
"""
import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = '0038_thematic_groups'
down_revision = '0037_evaluation_groups'
branch_labels = None
depends_on = None

TABLES = ('ga_receptions', 'ga_visit_plans', 'ga_visits')

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _keys() -> list:
    return [
        sa.Column('tenant_id', _ID, nullable=False),
        sa.Column('id', _ID, sa.Identity(always=False), nullable=False),
    ]


def _own(table: str) -> list:
    return [
        sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f(f'fk_{table}_tenant_id_townships'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    with op.batch_alter_table('representative_groups') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='area'))
    with op.batch_alter_table('tr_sessions') as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_id', _ID, nullable=True))
        batch_op.create_foreign_key(op.f('fk_tr_sessions_cancelled_by_id_users'), 'users', ['cancelled_by_id'], ['id'])
    with op.batch_alter_table('tr_invitations') as batch_op:
        batch_op.add_column(sa.Column('leave_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('leave_half', sa.String(length=16), nullable=True))
    with op.batch_alter_table('tr_check_ins') as batch_op:
        batch_op.add_column(sa.Column('half', sa.String(length=16), nullable=False, server_default='full'))

    op.create_table('ga_receptions',
    *_keys(),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('member_user_id', _ID, nullable=False),
    sa.Column('group_ids', sa.JSON(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', _ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_user_id'], ['users.id'], name=op.f('fk_ga_receptions_member_user_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ga_receptions_created_by_id_users')),
    *_own('ga_receptions'),
    sa.UniqueConstraint('tenant_id', 'day', name=op.f('uq_ga_receptions_tenant_id_day')),
    )
    op.create_index('ix_ga_receptions_member', 'ga_receptions', ['tenant_id', 'member_user_id', 'day'], unique=False)
    op.create_table('ga_visit_plans',
    *_keys(),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_by_id', _ID, nullable=True),
    sa.Column('created_by_id', _ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_ga_visit_plans_published_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ga_visit_plans_created_by_id_users')),
    *_own('ga_visit_plans'),
    sa.UniqueConstraint('tenant_id', 'year', 'month', name=op.f('uq_ga_visit_plans_tenant_id_year_month')),
    )
    op.create_table('ga_visits',
    *_keys(),
    sa.Column('plan_id', _ID, nullable=False),
    sa.Column('member_user_id', _ID, nullable=False),
    sa.Column('group_id', _ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes_by_id', _ID, nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'plan_id'], ['ga_visit_plans.tenant_id', 'ga_visit_plans.id'], name=op.f('fk_ga_visits_tenant_id_plan_id_ga_visit_plans')),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['representative_groups.tenant_id', 'representative_groups.id'], name=op.f('fk_ga_visits_tenant_id_group_id_representative_groups')),
    sa.ForeignKeyConstraint(['member_user_id'], ['users.id'], name=op.f('fk_ga_visits_member_user_id_users')),
    sa.ForeignKeyConstraint(['minutes_by_id'], ['users.id'], name=op.f('fk_ga_visits_minutes_by_id_users')),
    *_own('ga_visits'),
    sa.UniqueConstraint('tenant_id', 'plan_id', 'member_user_id', 'group_id', name=op.f('uq_ga_visits_tenant_id_plan_id_member_user_id_group_id')),
    )
    op.create_index('ix_ga_visits_member', 'ga_visits', ['tenant_id', 'member_user_id', 'day'], unique=False)

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    with op.batch_alter_table('tr_check_ins') as batch_op:
        batch_op.drop_column('half')
    with op.batch_alter_table('tr_invitations') as batch_op:
        batch_op.drop_column('leave_half')
        batch_op.drop_column('leave_day')
    with op.batch_alter_table('tr_sessions') as batch_op:
        batch_op.drop_constraint(op.f('fk_tr_sessions_cancelled_by_id_users'), type_='foreignkey')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
    with op.batch_alter_table('representative_groups') as batch_op:
        batch_op.drop_column('kind')
