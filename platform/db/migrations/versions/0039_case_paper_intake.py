"""case_paper_intake: a case keyed in from a paper opinion form (纸质登记, issue 25)

Revision ID: 0039_case_paper_intake
Revises: 0038_thematic_groups
Create Date: 2026-12-14 09:00:00

Townships collect opinions on paper (社情民意收集表, signed by the representative and the
recorder) and key them in later. `cases.from_paper` records that a case was registered from such
a form, `cases.paper_form_on` the date written on the form, if given. Existing cases were not
(false, no date). The table already has row-level security.
"""

import sqlalchemy as sa
from alembic import op

revision = "0039_case_paper_intake"
down_revision = "0038_thematic_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(
            sa.Column("from_paper", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("paper_form_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("paper_form_on")
        batch_op.drop_column("from_paper")
