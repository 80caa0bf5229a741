"""casework: cases, events, assignments, replies, extensions, county escalations

Revision ID: 0003_casework
Revises: 0002_people
Create Date: 2026-11-22 04:50:35.648114
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0003_casework'
down_revision = '0002_people'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('tracking_hash', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=24), nullable=False),
    sa.Column('source_type', sa.String(length=32), nullable=True),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('raiser_name', sa.String(length=50), nullable=True),
    sa.Column('raiser_phone', sa.String(length=20), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('received_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('complexity', sa.String(length=16), nullable=True),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('reassign_count', sa.Integer(), nullable=False),
    sa.Column('inadmissible_reason', sa.Text(), nullable=True),
    sa.Column('referral_text', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.String(length=24), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_due_soon', sa.Date(), nullable=True),
    sa.Column('reminded_overdue', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_cases_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'received_by_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_cases_tenant_id_received_by_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_cases_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cases')),
    sa.UniqueConstraint('tenant_id', 'tracking_hash', name=op.f('uq_cases_tenant_id_tracking_hash'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_source', ['tenant_id', 'source_type', 'source_id'], unique=False)
        batch_op.create_index('ix_cases_state_due', ['tenant_id', 'state', 'due_on'], unique=False)

    op.create_table('case_assignments',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_case_assignments_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_case_assignments_tenant_id_unit_id_handling_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_case_assignments_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_assignments'))
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_case_assignments_unit', ['tenant_id', 'unit_id', 'status'], unique=False)

    op.create_table('case_events',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=True),
    sa.Column('actor_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_case_events_actor_user_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_case_events_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_case_events_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case', ['tenant_id', 'case_id'], unique=False)

    op.create_table('case_extensions',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requested_due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_extensions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_case_extensions_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_case_extensions_tenant_id_unit_id_handling_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_case_extensions_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_extensions'))
    )
    op.create_table('case_replies',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('author_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author_name', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], name=op.f('fk_case_replies_author_user_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_case_replies_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_case_replies_tenant_id_unit_id_handling_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_case_replies_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_replies'))
    )
    op.create_table('county_escalations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_county_escalations_answered_by_id_users')),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_county_escalations_county_id_counties')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_county_escalations_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_county_escalations_tenant_id_townships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county_escalations')),
    sa.UniqueConstraint('tenant_id', 'case_id', 'round', name=op.f('uq_county_escalations_tenant_id_case_id_round'))
    )
    with op.batch_alter_table('county_escalations', schema=None) as batch_op:
        batch_op.create_index('ix_county_escalations_queue', ['county_id', 'status'], unique=False)

    op.create_table('case_attachments',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reply_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_case_attachments_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_case_attachments_tenant_id_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'reply_id'], ['case_replies.tenant_id', 'case_replies.id'], name=op.f('fk_case_attachments_tenant_id_reply_id_case_replies')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_case_attachments_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_attachments'))
    )
    for table in ("cases", "case_events", "case_assignments", "case_replies",
                  "case_attachments", "case_extensions"):
        rls.enable(op, table)


def downgrade() -> None:
    op.drop_table('case_attachments')
    with op.batch_alter_table('county_escalations', schema=None) as batch_op:
        batch_op.drop_index('ix_county_escalations_queue')

    op.drop_table('county_escalations')
    op.drop_table('case_replies')
    op.drop_table('case_extensions')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case')

    op.drop_table('case_events')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_case_assignments_unit')

    op.drop_table('case_assignments')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_state_due')
        batch_op.drop_index('ix_cases_source')

    op.drop_table('cases')
