"""proposal_rules: placeholder, filled in by the change it names (issue 19)

Revision ID: 0021_proposal_rules
Revises: 0020_session_days
Create Date: 2026-12-06 20:00:00
"""

revision = '0021_proposal_rules'
down_revision = '0020_session_days'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
