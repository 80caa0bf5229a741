"""sittings: meetings representatives sit in on, invitations in batches, suggestions (issue 23)

Revision ID: 0026_sittings
Revises: 0025_consultations
Create Date: 2026-12-10 20:00:00

`si_meetings` (the committee, enlarged or branch meetings the office plans, with the term 届 they
were planned in), `si_invitations` (one representative invited to one meeting in a batch, their
answer, attendance and the term the sitting counts for) and `si_suggestions` (what they said
there: a case or a written answer). Tenant-owned with row-level security.
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0026_sittings'
down_revision = '0025_consultations'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TABLES = ('si_meetings', 'si_invitations', 'si_suggestions')


def upgrade() -> None:
    op.create_table('si_meetings',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('branch_id', BIG, nullable=True),
    sa.Column('term', sa.Integer(), nullable=True),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', BIG, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_si_meetings_created_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_si_meetings_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_si_meetings_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_si_meetings')),
    )
    op.create_index('ix_si_meetings_day', 'si_meetings', ['tenant_id', 'held_on'], unique=False)
    op.create_table('si_invitations',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', BIG, nullable=False),
    sa.Column('representative_id', BIG, nullable=False),
    sa.Column('batch', sa.Integer(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('decline_reason', sa.String(length=200), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_office', sa.Boolean(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['si_meetings.tenant_id', 'si_meetings.id'], name=op.f('fk_si_invitations_tenant_id_meeting_id_si_meetings')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_si_invitations_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_si_invitations_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_si_invitations')),
    sa.UniqueConstraint('tenant_id', 'meeting_id', 'representative_id', name=op.f('uq_si_invitations_tenant_id_meeting_id_representative_id')),
    )
    op.create_index('ix_si_invitations_rep', 'si_invitations', ['tenant_id', 'representative_id', 'term'], unique=False)
    op.create_table('si_suggestions',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', BIG, nullable=False),
    sa.Column('representative_id', BIG, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('case_id', BIG, nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by_id', BIG, nullable=True),
    sa.Column('recorded_by_id', BIG, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_si_suggestions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_si_suggestions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_si_suggestions_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['si_meetings.tenant_id', 'si_meetings.id'], name=op.f('fk_si_suggestions_tenant_id_meeting_id_si_meetings')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_si_suggestions_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_si_suggestions_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_si_suggestions')),
    )
    op.create_index('ix_si_suggestions_outcome', 'si_suggestions', ['tenant_id', 'outcome'], unique=False)

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        rls.disable(op, table)
        op.drop_table(table)
