"""group_keepers: a group-activity outcome's proposal draft, and the committee member who keeps
a whole group for the year (issue 24)

Revision ID: 0043_group_keepers
Revises: 0042_duty_formula_years
Create Date: 2026-12-07 13:00:00

- `ga_outcomes.proposal_id`: the proposal draft (proposals module, `pr_proposals`) an outcome of a
  group's activity became; a composite foreign key, like its `case_id`. Existing outcomes have
  none (those marked as a proposal draft stay a label, and may still be drafted).
- `ga_keepers`: a committee member who keeps a whole group for a year (包组, 001 宝应), one a
  group and a year. Tenant-owned, with row-level security.
"""

import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = "0043_group_keepers"
down_revision = "0042_duty_formula_years"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("ga_outcomes") as batch_op:
        batch_op.add_column(sa.Column("proposal_id", _ID, nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_ga_outcomes_tenant_id_proposal_id_pr_proposals"),
            "pr_proposals",
            ["tenant_id", "proposal_id"],
            ["tenant_id", "id"],
        )

    op.create_table(
        "ga_keepers",
        sa.Column("tenant_id", _ID, nullable=False),
        sa.Column("id", _ID, sa.Identity(always=False), nullable=False),
        sa.Column("group_id", _ID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("member_user_id", _ID, nullable=False),
        sa.Column("assigned_by_id", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["representative_groups.tenant_id", "representative_groups.id"],
            name=op.f("fk_ga_keepers_tenant_id_group_id_representative_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["member_user_id"], ["users.id"], name=op.f("fk_ga_keepers_member_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["users.id"], name=op.f("fk_ga_keepers_assigned_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["townships.id"],
            name=op.f("fk_ga_keepers_tenant_id_townships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_ga_keepers")),
        sa.UniqueConstraint(
            "tenant_id", "group_id", "year", name=op.f("uq_ga_keepers_tenant_id_group_id_year")
        ),
    )
    op.create_index(
        "ix_ga_keepers_member", "ga_keepers", ["tenant_id", "member_user_id", "year"], unique=False
    )
    rls.enable(op, "ga_keepers")


def downgrade() -> None:
    op.drop_table("ga_keepers")
    with op.batch_alter_table("ga_outcomes") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_ga_outcomes_tenant_id_proposal_id_pr_proposals"), type_="foreignkey"
        )
        batch_op.drop_column("proposal_id")
