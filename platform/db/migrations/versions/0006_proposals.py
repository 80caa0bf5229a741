"""proposals: proposals, signatures, linked cases, files, assignments, extensions, events, windows

Revision ID: 0006_proposals
Revises: 0005_reception_days
Create Date: 2026-11-22 06:41:43.478626
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0006_proposals'
down_revision = '0005_reception_days'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pr_windows',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_windows_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_windows'))
    )
    op.create_table('pr_proposals',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('complexity', sa.String(length=16), nullable=True),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_public', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.String(length=24), nullable=True),
    sa.Column('rating_comment', sa.String(length=500), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.String(length=500), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'author_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_pr_proposals_tenant_id_author_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['representative_groups.tenant_id', 'representative_groups.id'], name=op.f('fk_pr_proposals_tenant_id_group_id_representative_groups')),
    sa.ForeignKeyConstraint(['tenant_id', 'merged_into_id'], ['pr_proposals.tenant_id', 'pr_proposals.id'], name=op.f('fk_pr_proposals_tenant_id_merged_into_id_pr_proposals')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_proposals_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_proposals')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_pr_proposals_tenant_id_number'))
    )
    with op.batch_alter_table('pr_proposals', schema=None) as batch_op:
        batch_op.create_index('ix_pr_proposals_state', ['tenant_id', 'state'], unique=False)

    op.create_table('pr_assignments',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('proposal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_note', sa.String(length=500), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_reason', sa.String(length=500), nullable=True),
    sa.Column('reminded_due_soon', sa.Date(), nullable=True),
    sa.Column('reminded_overdue', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'proposal_id'], ['pr_proposals.tenant_id', 'pr_proposals.id'], name=op.f('fk_pr_assignments_tenant_id_proposal_id_pr_proposals')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_pr_assignments_tenant_id_unit_id_handling_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_assignments_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_assignments'))
    )
    with op.batch_alter_table('pr_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_pr_assignments_unit', ['tenant_id', 'unit_id', 'status'], unique=False)

    op.create_table('pr_events',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('proposal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=True),
    sa.Column('actor_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_pr_events_actor_user_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'proposal_id'], ['pr_proposals.tenant_id', 'pr_proposals.id'], name=op.f('fk_pr_events_tenant_id_proposal_id_pr_proposals')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_events_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_events'))
    )
    with op.batch_alter_table('pr_events', schema=None) as batch_op:
        batch_op.create_index('ix_pr_events_proposal', ['tenant_id', 'proposal_id'], unique=False)

    op.create_table('pr_proposal_cases',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('proposal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_pr_proposal_cases_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id', 'proposal_id'], ['pr_proposals.tenant_id', 'pr_proposals.id'], name=op.f('fk_pr_proposal_cases_tenant_id_proposal_id_pr_proposals')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_proposal_cases_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_proposal_cases')),
    sa.UniqueConstraint('tenant_id', 'proposal_id', 'case_id', name=op.f('uq_pr_proposal_cases_tenant_id_proposal_id_case_id'))
    )
    op.create_table('pr_proposal_files',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('proposal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_pr_proposal_files_tenant_id_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'proposal_id'], ['pr_proposals.tenant_id', 'pr_proposals.id'], name=op.f('fk_pr_proposal_files_tenant_id_proposal_id_pr_proposals')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_pr_proposal_files_tenant_id_unit_id_handling_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_proposal_files_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_proposal_files'))
    )
    op.create_table('pr_signatures',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('proposal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'proposal_id'], ['pr_proposals.tenant_id', 'pr_proposals.id'], name=op.f('fk_pr_signatures_tenant_id_proposal_id_pr_proposals')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_pr_signatures_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_signatures_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_signatures')),
    sa.UniqueConstraint('tenant_id', 'proposal_id', 'representative_id', name=op.f('uq_pr_signatures_tenant_id_proposal_id_representative_id'))
    )
    op.create_table('pr_extensions',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pr_extensions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'assignment_id'], ['pr_assignments.tenant_id', 'pr_assignments.id'], name=op.f('fk_pr_extensions_tenant_id_assignment_id_pr_assignments')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_pr_extensions_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_pr_extensions'))
    )

    for table in ('pr_windows', 'pr_proposals', 'pr_assignments', 'pr_events', 'pr_proposal_cases', 'pr_proposal_files', 'pr_signatures', 'pr_extensions'):
        rls.enable(op, table)

def downgrade() -> None:
    op.drop_table('pr_extensions')
    op.drop_table('pr_signatures')
    op.drop_table('pr_proposal_files')
    op.drop_table('pr_proposal_cases')
    with op.batch_alter_table('pr_events', schema=None) as batch_op:
        batch_op.drop_index('ix_pr_events_proposal')

    op.drop_table('pr_events')
    with op.batch_alter_table('pr_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_pr_assignments_unit')

    op.drop_table('pr_assignments')
    with op.batch_alter_table('pr_proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_pr_proposals_state')

    op.drop_table('pr_proposals')
    op.drop_table('pr_windows')
