"""evaluations: campaigns, subjects, raters, receipts, public codes, the answer pool and answers

Revision ID: 0008_evaluations
Revises: 0007_annual_sessions
Create Date: 2026-11-22 07:41:41.506848
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0008_evaluations'
down_revision = '0007_annual_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ev_campaigns',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('shape', sa.String(length=16), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('dimensions', sa.JSON(), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_campaigns_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_campaigns')),
    sa.UniqueConstraint('tenant_id', 'title', name=op.f('uq_ev_campaigns_tenant_id_title'))
    )
    op.create_table('ev_raters',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('party_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['ev_campaigns.tenant_id', 'ev_campaigns.id'], name=op.f('fk_ev_raters_tenant_id_campaign_id_ev_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id', 'party_member_id'], ['party_members.tenant_id', 'party_members.id'], name=op.f('fk_ev_raters_tenant_id_party_member_id_party_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name='fk_ev_raters_representative'),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_raters_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_raters')),
    sa.UniqueConstraint('tenant_id', 'campaign_id', 'party_member_id', name=op.f('uq_ev_raters_tenant_id_campaign_id_party_member_id')),
    sa.UniqueConstraint('tenant_id', 'campaign_id', 'representative_id', name=op.f('uq_ev_raters_tenant_id_campaign_id_representative_id')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_ev_raters_tenant_id_token_hash'))
    )
    op.create_table('ev_subjects',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('report_text', sa.Text(), nullable=True),
    sa.Column('report_file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('proposed_grade', sa.String(length=16), nullable=True),
    sa.Column('grade', sa.String(length=16), nullable=True),
    sa.Column('grade_reason', sa.String(length=500), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['ev_campaigns.tenant_id', 'ev_campaigns.id'], name=op.f('fk_ev_subjects_tenant_id_campaign_id_ev_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id', 'report_file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_ev_subjects_tenant_id_report_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name='fk_ev_subjects_representative'),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_ev_subjects_tenant_id_unit_id_handling_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_subjects_tenant_id_townships'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ev_subjects_user_id_users')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_subjects'))
    )
    op.create_table('ev_answer_pool',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('overall', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['ev_campaigns.tenant_id', 'ev_campaigns.id'], name=op.f('fk_ev_answer_pool_tenant_id_campaign_id_ev_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id', 'subject_id'], ['ev_subjects.tenant_id', 'ev_subjects.id'], name=op.f('fk_ev_answer_pool_tenant_id_subject_id_ev_subjects')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_answer_pool_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_answer_pool')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_ev_answer_pool_tenant_id_key'))
    )
    op.create_table('ev_answers',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subject_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('overall', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['ev_campaigns.tenant_id', 'ev_campaigns.id'], name=op.f('fk_ev_answers_tenant_id_campaign_id_ev_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id', 'subject_id'], ['ev_subjects.tenant_id', 'ev_subjects.id'], name=op.f('fk_ev_answers_tenant_id_subject_id_ev_subjects')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_answers_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_answers')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_ev_answers_tenant_id_key'))
    )
    op.create_table('ev_codes',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['ev_campaigns.tenant_id', 'ev_campaigns.id'], name=op.f('fk_ev_codes_tenant_id_campaign_id_ev_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_ev_codes_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_codes_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_codes')),
    sa.UniqueConstraint('tenant_id', 'code_hash', name=op.f('uq_ev_codes_tenant_id_code_hash'))
    )
    op.create_table('ev_receipts',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rater_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['ev_campaigns.tenant_id', 'ev_campaigns.id'], name=op.f('fk_ev_receipts_tenant_id_campaign_id_ev_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id', 'rater_id'], ['ev_raters.tenant_id', 'ev_raters.id'], name=op.f('fk_ev_receipts_tenant_id_rater_id_ev_raters')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_receipts_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_receipts')),
    sa.UniqueConstraint('tenant_id', 'campaign_id', 'rater_id', name=op.f('uq_ev_receipts_tenant_id_campaign_id_rater_id'))
    )

    for table in ('ev_campaigns', 'ev_raters', 'ev_subjects', 'ev_answer_pool', 'ev_answers', 'ev_codes', 'ev_receipts'):
        rls.enable(op, table)

def downgrade() -> None:
    op.drop_table('ev_receipts')
    op.drop_table('ev_codes')
    op.drop_table('ev_answers')
    op.drop_table('ev_answer_pool')
    op.drop_table('ev_subjects')
    op.drop_table('ev_raters')
    op.drop_table('ev_campaigns')
