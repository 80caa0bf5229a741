"""awards: adoption marks (采纳), the county's yearly selections (四十佳), their candidates

Revision ID: 0036_awards
Revises: 0035_duty_records
Create Date: 2026-12-07 05:30:00

`award_adoptions` is tenant-owned (a township's marks), with row-level security.
`award_selections` is the county's. `award_candidates` carries `tenant_id` without being
tenant-owned, as the county rollups do, under the county policy (`rls.enable_county`): the
county reads its townships' candidates, a township's context writes (nominates) its own.
"""

import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = "0036_awards"
down_revision = "0035_duty_records"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "award_adoptions",
        sa.Column("tenant_id", _ID, nullable=False),
        sa.Column("id", _ID, sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", _ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("representative_id", _ID, nullable=True),
        sa.Column("adopted_by", sa.String(length=16), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marked_by_id", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["townships.id"],
            name=op.f("fk_award_adoptions_tenant_id_townships"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name=op.f("fk_award_adoptions_tenant_id_representative_id_representatives"),
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["users.id"], name=op.f("fk_award_adoptions_marked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_award_adoptions")),
        sa.UniqueConstraint(
            "tenant_id", "kind", "item_id", name=op.f("uq_award_adoptions_tenant_id_kind_item_id")
        ),
    )
    op.create_index(
        "ix_award_adoptions_day", "award_adoptions", ["tenant_id", "adopted_on"], unique=False
    )

    op.create_table(
        "award_selections",
        sa.Column("id", _ID, nullable=False),
        sa.Column("county_id", _ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("quota_representative", sa.Integer(), nullable=False),
        sa.Column("quota_station", sa.Integer(), nullable=False),
        sa.Column("quota_suggestion", sa.Integer(), nullable=False),
        sa.Column("quota_unit", sa.Integer(), nullable=False),
        sa.Column("metric_representative", sa.String(length=48), nullable=False),
        sa.Column("metric_station", sa.String(length=48), nullable=False),
        sa.Column("metric_unit", sa.String(length=48), nullable=False),
        sa.Column("opened_by_id", _ID, nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gathered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["county_id"], ["counties.id"], name=op.f("fk_award_selections_county_id_counties")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_award_selections_opened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_selections")),
        sa.UniqueConstraint("county_id", "year", name=op.f("uq_award_selections_county_id_year")),
    )

    op.create_table(
        "award_candidates",
        sa.Column("id", _ID, nullable=False),
        sa.Column("county_id", _ID, nullable=False),
        sa.Column("tenant_id", _ID, nullable=False),
        sa.Column("selection_id", _ID, nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("entity_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("nominated", sa.Boolean(), nullable=False),
        sa.Column("nominated_by_id", _ID, nullable=True),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("chosen_by_id", _ID, nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["counties.id"], name=op.f("fk_award_candidates_county_id_counties")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["townships.id"], name=op.f("fk_award_candidates_tenant_id_townships")
        ),
        sa.ForeignKeyConstraint(
            ["selection_id"],
            ["award_selections.id"],
            name=op.f("fk_award_candidates_selection_id_award_selections"),
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_id"],
            ["users.id"],
            name=op.f("fk_award_candidates_nominated_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["chosen_by_id"], ["users.id"], name=op.f("fk_award_candidates_chosen_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_candidates")),
        sa.UniqueConstraint(
            "selection_id",
            "tenant_id",
            "category",
            "kind",
            "entity_id",
            name=op.f("uq_award_candidates_selection_id_tenant_id_category_kind_entity_id"),
        ),
    )
    op.create_index(
        "ix_award_candidates_selection",
        "award_candidates",
        ["county_id", "selection_id", "category"],
        unique=False,
    )

    rls.enable(op, "award_adoptions")
    # The county's own policy (ARCHITECTURE.md §4): its county reads, each township writes its own.
    rls.enable_county(op, "award_candidates")


def downgrade() -> None:
    rls.disable_county(op, "award_candidates")
    op.drop_index("ix_award_candidates_selection", table_name="award_candidates")
    op.drop_table("award_candidates")
    op.drop_table("award_selections")
    op.drop_index("ix_award_adoptions_day", table_name="award_adoptions")
    op.drop_table("award_adoptions")
