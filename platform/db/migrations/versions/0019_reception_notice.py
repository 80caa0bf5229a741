"""reception_notice: placeholder, filled in by the change it names (issue 19)

Revision ID: 0019_reception_notice
Revises: 0018_settings_layers
Create Date: 2026-12-06 20:00:00
"""

revision = '0019_reception_notice'
down_revision = '0018_settings_layers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
