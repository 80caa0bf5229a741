"""reception_notice: short-notice reception days and shift substitutes inside the lead time

Revision ID: 0019_reception_notice
Revises: 0017_casework_deadlines
Create Date: 2026-12-06 20:00:00

A reception day moved (or a schedule published) fewer than `notice_days` before the day is
taken only with a recorded reason, and the public notice flags it as short notice
(`rd_days.short_notice_reason`, with the notice days the township asked for then). A published
workstation shift handed to a substitute inside the roster lead time keeps the reason and the
representative it replaced (`ws_shifts.swap_reason`, `replaced_representative_id`).
"""
from alembic import op
import sqlalchemy as sa

revision = '0019_reception_notice'
down_revision = '0017_casework_deadlines'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('rd_days') as batch_op:
        batch_op.add_column(sa.Column('short_notice_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('short_notice_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('ws_shifts') as batch_op:
        batch_op.add_column(sa.Column('swap_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('replaced_representative_id', BIG_ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_ws_shifts_tenant_id_replaced_representative_id_representatives'),
            'representatives',
            ['tenant_id', 'replaced_representative_id'],
            ['tenant_id', 'id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('ws_shifts') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_ws_shifts_tenant_id_replaced_representative_id_representatives'),
            type_='foreignkey',
        )
        batch_op.drop_column('replaced_representative_id')
        batch_op.drop_column('swap_reason')
    with op.batch_alter_table('rd_days') as batch_op:
        batch_op.drop_column('short_notice_days')
        batch_op.drop_column('short_notice_reason')
