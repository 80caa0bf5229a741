"""session_days: placeholder, filled in by the change it names (issue 19)

Revision ID: 0020_session_days
Revises: 0019_reception_notice
Create Date: 2026-12-06 20:00:00
"""

revision = '0020_session_days'
down_revision = '0019_reception_notice'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
