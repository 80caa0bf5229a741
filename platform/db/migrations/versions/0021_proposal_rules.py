"""proposal_rules: a group proposal's discussion; how an assignment's due date was counted

Revision ID: 0021_proposal_rules
Revises: 0020_session_days
Create Date: 2026-12-06 20:00:00

A proposal in a representative group's name records when and how the group discussed it (seed
001: discussed in the group and signed by ten or more). An assignment keeps what its due date
was counted from (the Shanghai date, the days and how they count) and whether it was counted
over a year whose official calendar is not loaded yet, so that loading the year recomputes it
(lianxin.modules.proposals.service.recompute_estimated). Existing assignments were counted
before this was recorded: they start as not estimated, with nothing to recompute from.
"""
from alembic import op
import sqlalchemy as sa

revision = '0021_proposal_rules'
down_revision = '0020_session_days'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pr_proposals') as batch_op:
        batch_op.add_column(sa.Column('group_discussed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('group_discussion', sa.Text(), nullable=True))
    with op.batch_alter_table('pr_assignments') as batch_op:
        batch_op.add_column(sa.Column('due_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_count', sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column('due_estimated', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('pr_assignments') as batch_op:
        batch_op.drop_column('due_estimated')
        batch_op.drop_column('due_count')
        batch_op.drop_column('due_days')
        batch_op.drop_column('due_from')
    with op.batch_alter_table('pr_proposals') as batch_op:
        batch_op.drop_column('group_discussion')
        batch_op.drop_column('group_discussed_on')
