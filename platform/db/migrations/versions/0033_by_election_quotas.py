"""by_election_quotas: structure quotas (结构名额) of a by-election

Revision ID: 0033_by_election_quotas
Revises: 0032_group_activities
Create Date: 2026-12-12 12:00:00

A by-election may require that the candidates passing the review include at least N of a
structural category (001 咸丰: 妇女、农民、基层一线…): `be_elections.quotas`, a JSON mapping of
kind → minimum, empty for the by-elections registered before (no quota: nothing changes).
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_by_election_quotas"
down_revision = "0032_group_activities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("be_elections") as batch_op:
        batch_op.add_column(
            sa.Column("quotas", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("be_elections") as batch_op:
        batch_op.drop_column("quotas")
