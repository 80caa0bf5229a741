"""consultations (征询意见): consultations, their documents, the representatives asked with
their answers and one-time links, and a secret vote's receipts, sealed pool and released ballots

Revision ID: 0025_consultations
Revises: 0024_branch_casework
Create Date: 2026-12-07 02:26:33
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0025_consultations'
down_revision = '0024_branch_casework'
branch_labels = None
depends_on = None

TABLES = ('cs_consultations', 'cs_ballot_pool', 'cs_ballots', 'cs_files', 'cs_invitees', 'cs_receipts')


def upgrade() -> None:
    op.create_table('cs_consultations',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('opened_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('feedback_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seal_salt', sa.LargeBinary(length=16), nullable=True),
    sa.Column('min_ballots', sa.Integer(), nullable=True),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_cs_consultations_opened_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'parent_id'], ['cs_consultations.tenant_id', 'cs_consultations.id'], name=op.f('fk_cs_consultations_tenant_id_parent_id_cs_consultations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_cs_consultations_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cs_consultations'))
    )
    op.create_index('ix_cs_consultations_state', 'cs_consultations', ['tenant_id', 'state', 'deadline'], unique=False)
    op.create_table('cs_ballot_pool',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('consultation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'consultation_id'], ['cs_consultations.tenant_id', 'cs_consultations.id'], name=op.f('fk_cs_ballot_pool_tenant_id_consultation_id_cs_consultations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_cs_ballot_pool_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cs_ballot_pool'))
    )
    op.create_table('cs_ballots',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('consultation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('stance', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'consultation_id'], ['cs_consultations.tenant_id', 'cs_consultations.id'], name=op.f('fk_cs_ballots_tenant_id_consultation_id_cs_consultations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_cs_ballots_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cs_ballots')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_cs_ballots_tenant_id_key'))
    )
    op.create_table('cs_files',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('consultation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'consultation_id'], ['cs_consultations.tenant_id', 'cs_consultations.id'], name=op.f('fk_cs_files_tenant_id_consultation_id_cs_consultations')),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_cs_files_tenant_id_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_cs_files_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cs_files')),
    sa.UniqueConstraint('tenant_id', 'consultation_id', 'file_id', name=op.f('uq_cs_files_tenant_id_consultation_id_file_id'))
    )
    op.create_table('cs_invitees',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('consultation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('stance', sa.String(length=16), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_via', sa.String(length=16), nullable=True),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_cs_invitees_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id', 'consultation_id'], ['cs_consultations.tenant_id', 'cs_consultations.id'], name=op.f('fk_cs_invitees_tenant_id_consultation_id_cs_consultations')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_cs_invitees_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_cs_invitees_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cs_invitees')),
    sa.UniqueConstraint('tenant_id', 'consultation_id', 'representative_id', name=op.f('uq_cs_invitees_tenant_id_consultation_id_representative_id')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_cs_invitees_tenant_id_token_hash'))
    )
    op.create_index('ix_cs_invitees_rep', 'cs_invitees', ['tenant_id', 'representative_id'], unique=False)
    op.create_table('cs_receipts',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('consultation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invitee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'consultation_id'], ['cs_consultations.tenant_id', 'cs_consultations.id'], name=op.f('fk_cs_receipts_tenant_id_consultation_id_cs_consultations')),
    sa.ForeignKeyConstraint(['tenant_id', 'invitee_id'], ['cs_invitees.tenant_id', 'cs_invitees.id'], name=op.f('fk_cs_receipts_tenant_id_invitee_id_cs_invitees')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_cs_receipts_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cs_receipts')),
    sa.UniqueConstraint('tenant_id', 'consultation_id', 'invitee_id', name=op.f('uq_cs_receipts_tenant_id_consultation_id_invitee_id'))
    )

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
