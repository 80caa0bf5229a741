"""casework_deadlines: placeholder, filled in by the change it names (issue 19)

Revision ID: 0017_casework_deadlines
Revises: 0016_working_calendar
Create Date: 2026-12-06 20:00:00
"""

revision = '0017_casework_deadlines'
down_revision = '0016_working_calendar'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
