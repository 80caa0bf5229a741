"""working_calendar: placeholder, filled in by the change it names (issue 19)

Revision ID: 0016_working_calendar
Revises: 0015_publish_contact
Create Date: 2026-12-06 20:00:00
"""

revision = '0016_working_calendar'
down_revision = '0015_publish_contact'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
