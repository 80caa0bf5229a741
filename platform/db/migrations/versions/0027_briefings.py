"""briefings (通报): briefings, their recipients with read receipts, their files (issue 23)

Revision ID: 0027_briefings
Revises: 0026_sittings
Create Date: 2026-12-20 10:00:00
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0027_briefings'
down_revision = '0026_sittings'
branch_labels = None
depends_on = None

TABLES = ('br_briefings', 'br_recipients', 'br_files')
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('br_briefings',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('audience', sa.String(length=8), nullable=False),
    sa.Column('group_ids', sa.JSON(), nullable=False),
    sa.Column('representative_ids', sa.JSON(), nullable=False),
    sa.Column('corrects_id', ID, nullable=True),
    sa.Column('created_by_id', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('sent_by_id', ID, nullable=True),
    sa.Column('read_days', sa.Integer(), nullable=True),
    sa.Column('remind_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_br_briefings_created_by_id_users')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_br_briefings_sent_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'corrects_id'], ['br_briefings.tenant_id', 'br_briefings.id'], name='fk_br_briefings_corrects'),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_br_briefings_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_br_briefings'))
    )
    op.create_index('ix_br_briefings_state_remind', 'br_briefings', ['tenant_id', 'state', 'remind_on'], unique=False)
    op.create_table('br_recipients',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('briefing_id', ID, nullable=False),
    sa.Column('representative_id', ID, nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_on', sa.Date(), nullable=True),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'briefing_id'], ['br_briefings.tenant_id', 'br_briefings.id'], name=op.f('fk_br_recipients_tenant_id_briefing_id_br_briefings')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name='fk_br_recipients_representative'),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_br_recipients_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_br_recipients')),
    sa.UniqueConstraint('tenant_id', 'briefing_id', 'representative_id', name=op.f('uq_br_recipients_tenant_id_briefing_id_representative_id')),
    sa.UniqueConstraint('tenant_id', 'token_hash', name=op.f('uq_br_recipients_tenant_id_token_hash'))
    )
    op.create_index('ix_br_recipients_rep_read', 'br_recipients', ['tenant_id', 'representative_id', 'read_on'], unique=False)
    op.create_table('br_files',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, sa.Identity(always=False), nullable=False),
    sa.Column('briefing_id', ID, nullable=False),
    sa.Column('file_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'briefing_id'], ['br_briefings.tenant_id', 'br_briefings.id'], name=op.f('fk_br_files_tenant_id_briefing_id_br_briefings')),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_br_files_tenant_id_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_br_files_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_br_files')),
    sa.UniqueConstraint('tenant_id', 'briefing_id', 'file_id', name=op.f('uq_br_files_tenant_id_briefing_id_file_id'))
    )

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
