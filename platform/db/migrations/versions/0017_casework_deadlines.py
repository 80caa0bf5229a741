"""casework_deadlines: how each case's due date was computed, and whether it is an estimate

Revision ID: 0017_casework_deadlines
Revises: 0016_working_calendar
Create Date: 2026-12-06 20:00:00

A due date counted in working days over a year whose official calendar is not loaded yet is an
estimate (Monday to Friday). The case keeps what it was computed from (the Shanghai date it was
received, the days and how they are counted) so that loading the year recomputes it exactly
(lianxin.casework.service.recompute_estimated). Existing cases were computed before this was
recorded: they start as not estimated, with nothing to recompute from.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_casework_deadlines"
down_revision = "0016_working_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("due_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_count", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("due_estimated", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("due_estimated")
        batch_op.drop_column("due_count")
        batch_op.drop_column("due_days")
        batch_op.drop_column("due_from")
