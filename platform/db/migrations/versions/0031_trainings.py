"""trainings: training sessions, invitations with leave requests, daily check-ins (issue 24)

Revision ID: 0031_trainings
Revises: 0030_agenda_rules
Create Date: 2026-12-07 03:40:00

`tr_sessions` (the sessions the office schedules, one day or several, with their audience),
`tr_invitations` (one representative invited to one session: answer, leave request and the
office's decision, the term it counts for) and `tr_check_ins` (present on one day).
Tenant-owned with row-level security.
"""
import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = '0031_trainings'
down_revision = '0030_agenda_rules'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TABLES = ('tr_sessions', 'tr_invitations', 'tr_check_ins')


def upgrade() -> None:
    op.create_table('tr_sessions',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('group_ids', sa.JSON(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=True),
    sa.Column('created_by_id', BIG, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tr_sessions_created_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_tr_sessions_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_tr_sessions')),
    )
    op.create_index('ix_tr_sessions_days', 'tr_sessions', ['tenant_id', 'starts_on', 'ends_on'], unique=False)
    op.create_table('tr_invitations',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('session_id', BIG, nullable=False),
    sa.Column('representative_id', BIG, nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('leave', sa.String(length=16), nullable=True),
    sa.Column('leave_reason', sa.String(length=200), nullable=True),
    sa.Column('leave_decided_by_id', BIG, nullable=True),
    sa.Column('leave_decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leave_decided_by_id'], ['users.id'], name=op.f('fk_tr_invitations_leave_decided_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_tr_invitations_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['tr_sessions.tenant_id', 'tr_sessions.id'], name=op.f('fk_tr_invitations_tenant_id_session_id_tr_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_tr_invitations_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_tr_invitations')),
    sa.UniqueConstraint('tenant_id', 'session_id', 'representative_id', name=op.f('uq_tr_invitations_tenant_id_session_id_representative_id')),
    )
    op.create_index('ix_tr_invitations_rep', 'tr_invitations', ['tenant_id', 'representative_id'], unique=False)
    op.create_index('ix_tr_invitations_leave', 'tr_invitations', ['tenant_id', 'leave'], unique=False)
    op.create_table('tr_check_ins',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('session_id', BIG, nullable=False),
    sa.Column('representative_id', BIG, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('checked_in_by_id', BIG, nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_tr_check_ins_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_tr_check_ins_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['tr_sessions.tenant_id', 'tr_sessions.id'], name=op.f('fk_tr_check_ins_tenant_id_session_id_tr_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_tr_check_ins_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_tr_check_ins')),
    sa.UniqueConstraint('tenant_id', 'session_id', 'representative_id', 'day', name=op.f('uq_tr_check_ins_tenant_id_session_id_representative_id_day')),
    )
    op.create_index('ix_tr_check_ins_rep', 'tr_check_ins', ['tenant_id', 'representative_id', 'day'], unique=False)

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        rls.disable(op, table)
        op.drop_table(table)
