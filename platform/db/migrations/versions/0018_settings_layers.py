"""settings_layers: placeholder, filled in by the change it names (issue 19)

Revision ID: 0018_settings_layers
Revises: 0017_casework_deadlines
Create Date: 2026-12-06 20:00:00
"""

revision = '0018_settings_layers'
down_revision = '0017_casework_deadlines'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
