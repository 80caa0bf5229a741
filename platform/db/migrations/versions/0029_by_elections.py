"""by_elections: by-elections (补选) in six recorded steps, candidates, voters, sealed ballots

Revision ID: 0029_by_elections
Revises: 0028_inspections
Create Date: 2026-12-10 12:00:00

An electoral unit's vacancies filled in six recorded steps (登记、报名、推选、公示、审查、直选,
001 宝应), with a candidate margin (差额幅度, 001 咸丰) and a secret ballot whose ballots are kept
only sealed (`be_ballot_pool`, lianxin.db.anonymous) until the count, which keeps the tallies.
Every table is tenant-owned, with row-level security.
"""
import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = '0029_by_elections'
down_revision = '0028_inspections'
branch_labels = None
depends_on = None

TABLES = ('be_elections', 'be_steps', 'be_vacancies', 'be_candidates', 'be_voters', 'be_receipts', 'be_ballot_pool')


def upgrade() -> None:
    op.create_table('be_elections',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('term_ends_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=True),
    sa.Column('margin_percent', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=True),
    sa.Column('seal_salt', sa.LargeBinary(length=16), nullable=True),
    sa.Column('min_ballots', sa.Integer(), nullable=True),
    sa.Column('voters', sa.Integer(), nullable=True),
    sa.Column('ballots', sa.Integer(), nullable=True),
    sa.Column('withheld', sa.Boolean(), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('announced_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_be_elections_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_be_elections_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_be_elections'))
    )
    op.create_table('be_ballot_pool',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('election_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'election_id'], ['be_elections.tenant_id', 'be_elections.id'], name=op.f('fk_be_ballot_pool_tenant_id_election_id_be_elections')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_be_ballot_pool_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_be_ballot_pool'))
    )
    op.create_table('be_candidates',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('election_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('ethnicity', sa.String(length=20), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('workplace', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('party_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recommended', sa.Boolean(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('review_reason', sa.String(length=200), nullable=True),
    sa.Column('votes', sa.Integer(), nullable=True),
    sa.Column('elected', sa.Boolean(), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'election_id'], ['be_elections.tenant_id', 'be_elections.id'], name=op.f('fk_be_candidates_tenant_id_election_id_be_elections')),
    sa.ForeignKeyConstraint(['tenant_id', 'party_member_id'], ['party_members.tenant_id', 'party_members.id'], name=op.f('fk_be_candidates_tenant_id_party_member_id_party_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_be_candidates_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_be_candidates_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_be_candidates')),
    sa.UniqueConstraint('tenant_id', 'election_id', 'name', 'birth_date', name=op.f('uq_be_candidates_tenant_id_election_id_name_birth_date'))
    )
    op.create_table('be_steps',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('election_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_be_steps_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'election_id'], ['be_elections.tenant_id', 'be_elections.id'], name=op.f('fk_be_steps_tenant_id_election_id_be_elections')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_be_steps_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_be_steps')),
    sa.UniqueConstraint('tenant_id', 'election_id', 'step', name=op.f('uq_be_steps_tenant_id_election_id_step'))
    )
    op.create_table('be_vacancies',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('election_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'election_id'], ['be_elections.tenant_id', 'be_elections.id'], name=op.f('fk_be_vacancies_tenant_id_election_id_be_elections')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_be_vacancies_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_be_vacancies_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_be_vacancies')),
    sa.UniqueConstraint('tenant_id', 'representative_id', name=op.f('uq_be_vacancies_tenant_id_representative_id'))
    )
    op.create_table('be_voters',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('election_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('party_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'election_id'], ['be_elections.tenant_id', 'be_elections.id'], name=op.f('fk_be_voters_tenant_id_election_id_be_elections')),
    sa.ForeignKeyConstraint(['tenant_id', 'party_member_id'], ['party_members.tenant_id', 'party_members.id'], name=op.f('fk_be_voters_tenant_id_party_member_id_party_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_be_voters_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_be_voters')),
    sa.UniqueConstraint('tenant_id', 'election_id', 'party_member_id', name=op.f('uq_be_voters_tenant_id_election_id_party_member_id')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_be_voters_tenant_id_token_hash'))
    )
    op.create_table('be_receipts',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('election_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('voter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'election_id'], ['be_elections.tenant_id', 'be_elections.id'], name=op.f('fk_be_receipts_tenant_id_election_id_be_elections')),
    sa.ForeignKeyConstraint(['tenant_id', 'voter_id'], ['be_voters.tenant_id', 'be_voters.id'], name=op.f('fk_be_receipts_tenant_id_voter_id_be_voters')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_be_receipts_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_be_receipts')),
    sa.UniqueConstraint('tenant_id', 'election_id', 'voter_id', name=op.f('uq_be_receipts_tenant_id_election_id_voter_id'))
    )

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
