"""annual sessions: sessions, documents, agenda items and proposers, attendance, votes, candidates, named votes, receipts, ballot pool, ballots, paper tallies, resolutions

Revision ID: 0007_annual_sessions
Revises: 0006_proposals
Create Date: 2026-11-22 07:15:14.952633
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0007_annual_sessions'
down_revision = '0006_proposals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('as_sessions',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('checkin_token', sa.String(length=64), nullable=False),
    sa.Column('expected_count', sa.Integer(), nullable=True),
    sa.Column('agenda_fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_sessions_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_sessions')),
    sa.UniqueConstraint('tenant_id', 'title', name=op.f('uq_as_sessions_tenant_id_title'))
    )
    op.create_table('as_documents',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_as_documents_tenant_id_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['as_sessions.tenant_id', 'as_sessions.id'], name=op.f('fk_as_documents_tenant_id_session_id_as_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_documents_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_documents'))
    )
    op.create_table('as_items',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('proposer', sa.String(length=16), nullable=False),
    sa.Column('proposed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('by_rule', sa.Boolean(), nullable=False),
    sa.Column('decline_reason', sa.String(length=500), nullable=True),
    sa.Column('during_session', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_as_items_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['as_sessions.tenant_id', 'as_sessions.id'], name=op.f('fk_as_items_tenant_id_session_id_as_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_items_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_items'))
    )
    op.create_table('as_attendance',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('leave_reason', sa.String(length=500), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('self_checked_in', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_as_attendance_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['as_sessions.tenant_id', 'as_sessions.id'], name=op.f('fk_as_attendance_tenant_id_session_id_as_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_attendance_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_attendance')),
    sa.UniqueConstraint('tenant_id', 'session_id', 'representative_id', name=op.f('uq_as_attendance_tenant_id_session_id_representative_id'))
    )
    op.create_table('as_item_groups',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['representative_groups.tenant_id', 'representative_groups.id'], name=op.f('fk_as_item_groups_tenant_id_group_id_representative_groups')),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['as_items.tenant_id', 'as_items.id'], name=op.f('fk_as_item_groups_tenant_id_item_id_as_items')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_item_groups_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_item_groups')),
    sa.UniqueConstraint('tenant_id', 'item_id', 'group_id', name=op.f('uq_as_item_groups_tenant_id_item_id_group_id'))
    )
    op.create_table('as_item_supporters',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['as_items.tenant_id', 'as_items.id'], name=op.f('fk_as_item_supporters_tenant_id_item_id_as_items')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name='fk_as_item_supporters_representative'),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_item_supporters_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_item_supporters')),
    sa.UniqueConstraint('tenant_id', 'item_id', 'representative_id', name=op.f('uq_as_item_supporters_tenant_id_item_id_representative_id'))
    )
    op.create_table('as_resolutions',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('implementation', sa.Text(), nullable=True),
    sa.Column('implementation_reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['as_items.tenant_id', 'as_items.id'], name=op.f('fk_as_resolutions_tenant_id_item_id_as_items')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['as_sessions.tenant_id', 'as_sessions.id'], name=op.f('fk_as_resolutions_tenant_id_session_id_as_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_resolutions_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_resolutions'))
    )
    op.create_table('as_votes',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('expected_count', sa.Integer(), nullable=False),
    sa.Column('teller1_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('teller2_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('scrutineer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['scrutineer_id'], ['users.id'], name=op.f('fk_as_votes_scrutineer_id_users')),
    sa.ForeignKeyConstraint(['teller1_id'], ['users.id'], name=op.f('fk_as_votes_teller1_id_users')),
    sa.ForeignKeyConstraint(['teller2_id'], ['users.id'], name=op.f('fk_as_votes_teller2_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['as_items.tenant_id', 'as_items.id'], name=op.f('fk_as_votes_tenant_id_item_id_as_items')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['as_sessions.tenant_id', 'as_sessions.id'], name=op.f('fk_as_votes_tenant_id_session_id_as_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_votes_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_votes'))
    )
    op.create_table('as_ballot_pool',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('vote_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'vote_id'], ['as_votes.tenant_id', 'as_votes.id'], name=op.f('fk_as_ballot_pool_tenant_id_vote_id_as_votes')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_ballot_pool_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_ballot_pool')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_as_ballot_pool_tenant_id_key'))
    )
    op.create_table('as_ballots',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('vote_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'vote_id'], ['as_votes.tenant_id', 'as_votes.id'], name=op.f('fk_as_ballots_tenant_id_vote_id_as_votes')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_ballots_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_ballots')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_as_ballots_tenant_id_key'))
    )
    op.create_table('as_candidates',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('vote_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('elected', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'vote_id'], ['as_votes.tenant_id', 'as_votes.id'], name=op.f('fk_as_candidates_tenant_id_vote_id_as_votes')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_candidates_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_candidates'))
    )
    op.create_table('as_named_votes',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('vote_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_as_named_votes_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'vote_id'], ['as_votes.tenant_id', 'as_votes.id'], name=op.f('fk_as_named_votes_tenant_id_vote_id_as_votes')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_named_votes_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_named_votes')),
    sa.UniqueConstraint('tenant_id', 'vote_id', 'representative_id', name=op.f('uq_as_named_votes_tenant_id_vote_id_representative_id'))
    )
    op.create_table('as_paper_tallies',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('vote_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('teller_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['teller_id'], ['users.id'], name=op.f('fk_as_paper_tallies_teller_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'vote_id'], ['as_votes.tenant_id', 'as_votes.id'], name=op.f('fk_as_paper_tallies_tenant_id_vote_id_as_votes')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_paper_tallies_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_paper_tallies')),
    sa.UniqueConstraint('tenant_id', 'vote_id', 'teller_id', name=op.f('uq_as_paper_tallies_tenant_id_vote_id_teller_id'))
    )
    op.create_table('as_receipts',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('vote_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_as_receipts_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'vote_id'], ['as_votes.tenant_id', 'as_votes.id'], name=op.f('fk_as_receipts_tenant_id_vote_id_as_votes')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_receipts_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_receipts')),
    sa.UniqueConstraint('tenant_id', 'vote_id', 'representative_id', name=op.f('uq_as_receipts_tenant_id_vote_id_representative_id'))
    )

    for table in ('as_sessions', 'as_documents', 'as_items', 'as_attendance', 'as_item_groups', 'as_item_supporters', 'as_resolutions', 'as_votes', 'as_ballot_pool', 'as_ballots', 'as_candidates', 'as_named_votes', 'as_paper_tallies', 'as_receipts'):
        rls.enable(op, table)

def downgrade() -> None:
    op.drop_table('as_receipts')
    op.drop_table('as_paper_tallies')
    op.drop_table('as_named_votes')
    op.drop_table('as_candidates')
    op.drop_table('as_ballots')
    op.drop_table('as_ballot_pool')
    op.drop_table('as_votes')
    op.drop_table('as_resolutions')
    op.drop_table('as_item_supporters')
    op.drop_table('as_item_groups')
    op.drop_table('as_attendance')
    op.drop_table('as_items')
    op.drop_table('as_documents')
    op.drop_table('as_sessions')
