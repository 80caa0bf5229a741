"""cannot_evaluate: “无法评价” on evaluation forms (issue 19)

Revision ID: 0022_cannot_evaluate
Revises: 0021_proposal_rules
Create Date: 2026-12-06 20:00:00

`ev_campaigns.cannot_evaluate`: whether the form offers “无法评价”, frozen from the township's
setting when the campaign opens (NULL while a draft, and on campaigns opened before this
revision: they follow the setting, on by default). `ev_answers.cannot_evaluate`: a released
answer that says “无法评价” (no scores, no grade); every answer released so far is a grade.
"""
from alembic import op
import sqlalchemy as sa

revision = '0022_cannot_evaluate'
down_revision = '0021_proposal_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ev_campaigns') as batch_op:
        batch_op.add_column(sa.Column('cannot_evaluate', sa.Boolean(), nullable=True))
    with op.batch_alter_table('ev_answers') as batch_op:
        batch_op.add_column(
            sa.Column('cannot_evaluate', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('ev_answers') as batch_op:
        batch_op.drop_column('cannot_evaluate')
    with op.batch_alter_table('ev_campaigns') as batch_op:
        batch_op.drop_column('cannot_evaluate')
