"""proposal_paper_intake: a proposal keyed in from a paper 提案提议表 (issue 25)

Revision ID: 0041_proposal_paper_intake
Revises: 0040_audit_filters
Create Date: 2026-12-07 09:00:00

Representatives hand in proposals on paper (a printed 提案提议表, signed by the author and the
co-signers) and the office keys them in. `pr_proposals.from_paper` records that, and
`paper_form_on` the day the form was handed in. Existing proposals were not (false, no date).
The table already has row-level security.
"""

import sqlalchemy as sa
from alembic import op

revision = "0041_proposal_paper_intake"
down_revision = "0040_audit_filters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pr_proposals") as batch_op:
        batch_op.add_column(
            sa.Column("from_paper", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("paper_form_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pr_proposals") as batch_op:
        batch_op.drop_column("paper_form_on")
        batch_op.drop_column("from_paper")
