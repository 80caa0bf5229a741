"""duty_formula_years: the county's duty-record formula gets a version per year (issue 24)

Revision ID: 0042_duty_formula_years
Revises: 0041_proposal_paper_intake
Create Date: 2026-12-07 13:00:00

A county's change of its 100-point formula re-scored every past year and term, so a verdict
the office had acted on (an escalation step) could vanish. `duty_formulas` now holds one
version a county and the year it took effect (`from_year`, part of the key); a year is scored
by the latest version from that year or before. Every county's existing formula is carried
over as the version of all earlier years (from 2000, the first year the records accept). The
table is the county's, not tenant-owned: no row-level security.
"""

import sqlalchemy as sa
from alembic import op

revision = "0042_duty_formula_years"
down_revision = "0041_proposal_paper_intake"
branch_labels = None
depends_on = None

FIRST_YEAR = 2000


def upgrade() -> None:
    with op.batch_alter_table("duty_formulas", recreate="always") as batch_op:
        batch_op.add_column(
            sa.Column(
                "from_year",
                sa.Integer(),
                nullable=False,
                server_default=sa.text(str(FIRST_YEAR)),
            )
        )
        batch_op.drop_constraint("pk_duty_formulas", type_="primary")
        batch_op.create_primary_key("pk_duty_formulas", ["county_id", "from_year"])
    with op.batch_alter_table("duty_formulas") as batch_op:
        batch_op.alter_column("from_year", server_default=None)


def downgrade() -> None:
    # Back to one row a county: the latest version of each.
    op.execute(
        "DELETE FROM duty_formulas WHERE from_year < "
        "(SELECT MAX(f.from_year) FROM duty_formulas f "
        "WHERE f.county_id = duty_formulas.county_id)"
    )
    with op.batch_alter_table("duty_formulas", recreate="always") as batch_op:
        batch_op.drop_constraint("pk_duty_formulas", type_="primary")
        batch_op.create_primary_key("pk_duty_formulas", ["county_id"])
        batch_op.drop_column("from_year")
