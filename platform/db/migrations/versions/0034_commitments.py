"""commitments: representatives' public commitments and their progress notes (issue 24)

Revision ID: 0034_commitments
Revises: 0033_by_election_quotas
Create Date: 2026-12-07 05:00:00

`cm_commitments` (one representative's commitment for a year with its deadline: the office's
approval or return, the close as kept or not kept) and `cm_progress` (dated progress notes).
Tenant-owned with row-level security.
"""

import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = "0034_commitments"
down_revision = "0033_by_election_quotas"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = ("cm_commitments", "cm_progress")


def upgrade() -> None:
    op.create_table(
        "cm_commitments",
        sa.Column("tenant_id", BIG, nullable=False),
        sa.Column("id", BIG, sa.Identity(always=False), nullable=False),
        sa.Column("representative_id", BIG, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("by_office", sa.Boolean(), nullable=False),
        sa.Column("return_reason", sa.String(length=200), nullable=True),
        sa.Column("created_by_id", BIG, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", BIG, nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", BIG, nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_cm_commitments_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_cm_commitments_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_cm_commitments_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name=op.f("fk_cm_commitments_tenant_id_representative_id_representatives"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["townships.id"],
            name=op.f("fk_cm_commitments_tenant_id_townships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_cm_commitments")),
    )
    op.create_index(
        "ix_cm_commitments_rep",
        "cm_commitments",
        ["tenant_id", "representative_id", "year"],
        unique=False,
    )
    op.create_index(
        "ix_cm_commitments_status",
        "cm_commitments",
        ["tenant_id", "status", "due_on"],
        unique=False,
    )
    op.create_table(
        "cm_progress",
        sa.Column("tenant_id", BIG, nullable=False),
        sa.Column("id", BIG, sa.Identity(always=False), nullable=False),
        sa.Column("commitment_id", BIG, nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_office", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", BIG, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_cm_progress_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "commitment_id"],
            ["cm_commitments.tenant_id", "cm_commitments.id"],
            name=op.f("fk_cm_progress_tenant_id_commitment_id_cm_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["townships.id"],
            name=op.f("fk_cm_progress_tenant_id_townships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_cm_progress")),
    )
    op.create_index(
        "ix_cm_progress_commitment",
        "cm_progress",
        ["tenant_id", "commitment_id", "noted_on"],
        unique=False,
    )

    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        rls.disable(op, table)
        op.drop_table(table)
