"""duty records: the county's scoring formula and the office's escalation steps (issue 24)

Revision ID: 0035_duty_records
Revises: 0034_commitments
Create Date: 2026-12-07 05:30:00

`duty_formulas` (the county's 100-point formula, one row a county; a county table, not
tenant-owned, like `county_comparison_settings`: every township reads it, only the county
admin's use case writes it) and `duty_steps` (the office's escalation steps of an inactive
representative: 谈话提醒 → 批评 → 罢免建议; tenant-owned with row-level security).
"""

import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = "0035_duty_records"
down_revision = "0034_commitments"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = ("duty_steps",)


def upgrade() -> None:
    op.create_table(
        "duty_formulas",
        sa.Column("county_id", BIG, nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("inactive_below", sa.Float(), nullable=False),
        sa.Column("min_sample", sa.Integer(), nullable=False),
        sa.Column("term_first_year", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", BIG, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["counties.id"], name=op.f("fk_duty_formulas_county_id_counties")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_duty_formulas_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("county_id", name=op.f("pk_duty_formulas")),
    )
    op.create_table(
        "duty_steps",
        sa.Column("tenant_id", BIG, nullable=False),
        sa.Column("id", BIG, sa.Identity(always=False), nullable=False),
        sa.Column("representative_id", BIG, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", BIG, nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_duty_steps_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name=op.f("fk_duty_steps_tenant_id_representative_id_representatives"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["townships.id"],
            name=op.f("fk_duty_steps_tenant_id_townships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_duty_steps")),
        sa.UniqueConstraint(
            "tenant_id",
            "representative_id",
            "year",
            "step",
            name=op.f("uq_duty_steps_tenant_id_representative_id_year_step"),
        ),
    )
    op.create_index("ix_duty_steps_year", "duty_steps", ["tenant_id", "year"], unique=False)

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        rls.disable(op, table)
    op.drop_index("ix_duty_steps_year", table_name="duty_steps")
    op.drop_table("duty_steps")
    op.drop_table("duty_formulas")
