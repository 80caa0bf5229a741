"""awards_township_selections: a township's own yearly selection (乡镇评先) beside the county's

Revision ID: 0044_awards_township_selections
Revises: 0043_group_keepers
Create Date: 2026-12-07 13:40:00

`award_selections.township_id` (nullable): set, the selection is the township's own; its
candidates are that township's rows of `award_candidates` (already under the county policy: a
township's context writes and reads only its own). The one-a-year rule becomes two partial
unique indexes: (county_id, year) where township_id is null, (township_id, year) where it is not.
`award_selections` stays without row-level security like before (it holds no township's words);
the service scopes every query to the county's or the township's own selections.
"""

import sqlalchemy as sa
from alembic import op

revision = "0044_awards_township_selections"
down_revision = "0043_group_keepers"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("award_selections") as batch_op:
        batch_op.add_column(sa.Column("township_id", _ID, nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_award_selections_township_id_townships"),
            "townships",
            ["township_id"],
            ["id"],
        )
        batch_op.drop_constraint("uq_award_selections_county_id_year", type_="unique")
    op.create_index(
        "uq_award_selections_county_year",
        "award_selections",
        ["county_id", "year"],
        unique=True,
        sqlite_where=sa.text("township_id IS NULL"),
        postgresql_where=sa.text("township_id IS NULL"),
    )
    op.create_index(
        "uq_award_selections_township_year",
        "award_selections",
        ["township_id", "year"],
        unique=True,
        sqlite_where=sa.text("township_id IS NOT NULL"),
        postgresql_where=sa.text("township_id IS NOT NULL"),
    )


def downgrade() -> None:
    # A township's own selections (and their candidates) have no place in the old shape. On
    # PostgreSQL the candidates are under forced row-level security and a migration sets no
    # township, so the owner lifts the force for the one delete (it sees every row then).
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute('ALTER TABLE "award_candidates" NO FORCE ROW LEVEL SECURITY')
    op.execute(
        "DELETE FROM award_candidates WHERE selection_id IN "
        "(SELECT id FROM award_selections WHERE township_id IS NOT NULL)"
    )
    if postgresql:
        op.execute('ALTER TABLE "award_candidates" FORCE ROW LEVEL SECURITY')
    op.execute("DELETE FROM award_selections WHERE township_id IS NOT NULL")
    op.drop_index("uq_award_selections_township_year", table_name="award_selections")
    op.drop_index("uq_award_selections_county_year", table_name="award_selections")
    with op.batch_alter_table("award_selections") as batch_op:
        batch_op.create_unique_constraint(
            op.f("uq_award_selections_county_id_year"), ["county_id", "year"]
        )
        batch_op.drop_constraint(
            op.f("fk_award_selections_township_id_townships"), type_="foreignkey"
        )
        batch_op.drop_column("township_id")
