"""cannot_evaluate: placeholder, filled in by the change it names (issue 19)

Revision ID: 0022_cannot_evaluate
Revises: 0021_proposal_rules
Create Date: 2026-12-06 20:00:00
"""

revision = '0022_cannot_evaluate'
down_revision = '0021_proposal_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
