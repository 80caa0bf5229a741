"""session_days: annual sessions span days, leave from a day, and who was reached how (issue 19)

Revision ID: 0020_session_days
Revises: 0019_reception_notice
Create Date: 2026-12-06 20:00:00

A session gets its last day (`ends_on`, every existing session a one-day session: end = start);
a leave its first day (`leave_from`, null for the leave asked before this change: the whole
session); and `as_deliveries` records by which channel (inbox, SMS or none) each representative
was sent the fixed agenda and each resolution.
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0020_session_days'
down_revision = '0019_reception_notice'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('as_sessions') as batch_op:
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
    op.execute('UPDATE as_sessions SET ends_on = held_on')
    with op.batch_alter_table('as_sessions') as batch_op:
        batch_op.alter_column('ends_on', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('as_attendance') as batch_op:
        batch_op.add_column(sa.Column('leave_from', sa.Date(), nullable=True))
    op.create_table('as_deliveries',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('session_id', BIG, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('resolution_id', BIG, nullable=True),
    sa.Column('representative_id', BIG, nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name='fk_as_deliveries_representative'),
    sa.ForeignKeyConstraint(['tenant_id', 'resolution_id'], ['as_resolutions.tenant_id', 'as_resolutions.id'], name=op.f('fk_as_deliveries_tenant_id_resolution_id_as_resolutions')),
    sa.ForeignKeyConstraint(['tenant_id', 'session_id'], ['as_sessions.tenant_id', 'as_sessions.id'], name=op.f('fk_as_deliveries_tenant_id_session_id_as_sessions')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_deliveries_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_deliveries'))
    )
    op.create_index('ix_as_deliveries_session', 'as_deliveries', ['tenant_id', 'session_id'], unique=False)
    rls.enable(op, 'as_deliveries')


def downgrade() -> None:
    op.drop_index('ix_as_deliveries_session', table_name='as_deliveries')
    op.drop_table('as_deliveries')
    with op.batch_alter_table('as_attendance') as batch_op:
        batch_op.drop_column('leave_from')
    with op.batch_alter_table('as_sessions') as batch_op:
        batch_op.drop_column('ends_on')
