"""deliveries: what each message did for each recipient and channel; people's channels (issue 21)

Revision ID: 0023_deliveries
Revises: 0022_cannot_evaluate
Create Date: 2026-12-08 20:00:00

`deliveries` (tenant-owned, row-level security): one row per outbox message, recipient
(`user:<id>` or `phone:<n>`) and channel (inbox, SMS, email, WeCom) with its status (sent,
failed, skipped), the provider's message id or error code, the skip's reason, and the phone
masked; a confidential message (the office learns how many, not who) keeps no name or phone. `channel_preferences` (platform-level, like the user): the channels a person wants
besides the inbox, and their WeCom userid; no row means every channel on.
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0023_deliveries'
down_revision = '0022_cannot_evaluate'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('outbox_id', BIG, nullable=False),
    sa.Column('recipient', sa.String(length=40), nullable=False),
    sa.Column('user_id', BIG, nullable=True),
    sa.Column('recipient_name', sa.String(length=100), nullable=False),
    sa.Column('phone_masked', sa.String(length=20), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.Column('provider_id', sa.String(length=100), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_messages.id'], name=op.f('fk_deliveries_outbox_id_outbox_messages')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_deliveries_tenant_id_townships'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deliveries_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('tenant_id', 'outbox_id', 'recipient', 'channel', name=op.f('uq_deliveries_tenant_id_outbox_id_recipient_channel')),
    )
    op.create_index('ix_deliveries_kind_status', 'deliveries', ['tenant_id', 'kind', 'status'], unique=False)
    rls.enable(op, 'deliveries')

    op.create_table('channel_preferences',
    sa.Column('user_id', BIG, nullable=False),
    sa.Column('sms', sa.Boolean(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('wecom', sa.Boolean(), nullable=False),
    sa.Column('wecom_userid', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_channel_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_channel_preferences')),
    )


def downgrade() -> None:
    op.drop_table('channel_preferences')
    rls.disable(op, 'deliveries')
    op.drop_index('ix_deliveries_kind_status', table_name='deliveries')
    op.drop_table('deliveries')
