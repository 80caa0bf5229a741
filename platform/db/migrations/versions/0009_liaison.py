"""liaison chain: links, contacts, reports, meetings, branch reviews, reminders

Revision ID: 0009_liaison
Revises: 0008_evaluations
Create Date: 2026-12-01 23:20:00
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0009_liaison'
down_revision = '0008_evaluations'
branch_labels = None
depends_on = None

TABLES = ('li_meetings', 'li_reminders', 'li_branch_reviews', 'li_links', 'li_meeting_attendees', 'li_reports', 'li_contacts')


def upgrade() -> None:
    op.create_table('li_meetings',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('committee_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['committee_user_id'], ['users.id'], name=op.f('fk_li_meetings_committee_user_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_li_meetings_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_li_meetings_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_li_meetings')),
    sa.UniqueConstraint('tenant_id', 'client_key', name=op.f('uq_li_meetings_tenant_id_client_key'))
    )
    op.create_index('ix_li_meetings_member_day', 'li_meetings', ['tenant_id', 'committee_user_id', 'held_on'], unique=False)
    op.create_table('li_reminders',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=40), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_li_reminders_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_li_reminders')),
    sa.UniqueConstraint('tenant_id', 'year', 'quarter', 'person_key', name=op.f('uq_li_reminders_tenant_id_year_quarter_person_key'))
    )
    op.create_table('li_branch_reviews',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('links', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('confirmed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_li_branch_reviews_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_li_branch_reviews_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_li_branch_reviews_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_li_branch_reviews')),
    sa.UniqueConstraint('tenant_id', 'year', 'branch_id', name=op.f('uq_li_branch_reviews_tenant_id_year_branch_id'))
    )
    op.create_table('li_links',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('pair_key', sa.String(length=40), nullable=False),
    sa.Column('upper_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('upper_rep_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('upper_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('lower_rep_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('lower_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('lower_household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('suggested', sa.Boolean(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(level = 'committee_rep' AND upper_user_id IS NOT NULL AND lower_rep_id IS NOT NULL) OR (level = 'rep_member' AND upper_rep_id IS NOT NULL AND lower_member_id IS NOT NULL) OR (level = 'member_household' AND upper_member_id IS NOT NULL AND lower_household_id IS NOT NULL)", name=op.f('ck_li_links_ends_match_level')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_li_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_li_links_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id', 'lower_household_id'], ['households.tenant_id', 'households.id'], name=op.f('fk_li_links_tenant_id_lower_household_id_households')),
    sa.ForeignKeyConstraint(['tenant_id', 'lower_member_id'], ['party_members.tenant_id', 'party_members.id'], name=op.f('fk_li_links_tenant_id_lower_member_id_party_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'lower_rep_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_li_links_tenant_id_lower_rep_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'upper_member_id'], ['party_members.tenant_id', 'party_members.id'], name=op.f('fk_li_links_tenant_id_upper_member_id_party_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'upper_rep_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_li_links_tenant_id_upper_rep_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_li_links_tenant_id_townships'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['upper_user_id'], ['users.id'], name=op.f('fk_li_links_upper_user_id_users')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_li_links')),
    sa.UniqueConstraint('tenant_id', 'year', 'pair_key', name=op.f('uq_li_links_tenant_id_year_pair_key'))
    )
    op.create_index('ix_li_links_branch', 'li_links', ['tenant_id', 'year', 'branch_id'], unique=False)
    op.create_index('ix_li_links_year_level', 'li_links', ['tenant_id', 'year', 'level'], unique=False)
    op.create_table('li_meeting_attendees',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['li_meetings.tenant_id', 'li_meetings.id'], name=op.f('fk_li_meeting_attendees_tenant_id_meeting_id_li_meetings')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_li_meeting_attendees_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_li_meeting_attendees_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_li_meeting_attendees')),
    sa.UniqueConstraint('tenant_id', 'meeting_id', 'representative_id', name=op.f('uq_li_meeting_attendees_tenant_id_meeting_id_representative_id'))
    )
    op.create_table('li_reports',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submitted_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_li_reports_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_li_reports_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_li_reports_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_li_reports')),
    sa.UniqueConstraint('tenant_id', 'representative_id', 'year', 'quarter', name=op.f('uq_li_reports_tenant_id_representative_id_year_quarter'))
    )
    op.create_table('li_contacts',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_li_contacts_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'link_id'], ['li_links.tenant_id', 'li_links.id'], name=op.f('fk_li_contacts_tenant_id_link_id_li_links')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_li_contacts_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_li_contacts')),
    sa.UniqueConstraint('tenant_id', 'client_key', name=op.f('uq_li_contacts_tenant_id_client_key'))
    )
    op.create_index('ix_li_contacts_day', 'li_contacts', ['tenant_id', 'contacted_on'], unique=False)
    op.create_index('ix_li_contacts_link_day', 'li_contacts', ['tenant_id', 'link_id', 'contacted_on'], unique=False)

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
