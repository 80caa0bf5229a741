"""branch_casework: a case's branch, the representative's proposed handling and signature (issue 21)

Revision ID: 0024_branch_casework
Revises: 0023_deliveries
Create Date: 2026-12-09 20:00:00

`cases.branch_id` (composite foreign key to the township's branches): the branch whose liaison
follows the case — the receiving representative's electoral unit, or the branch of the liaison
who logged the visit. Existing cases take their receiving representative's branch. A visit a
liaison logs waits at the branch (states `branch_registered` → `proposed` → `signed_off`) for the
representative's proposed handling (`proposed_handling`, 拟办意见) and signature (`signed_on`,
`signed_on_paper` when the liaison recorded it from the paper log, `signoff_by_id` the account
that confirmed or recorded it) before it is sent on to the branch head and the office
(000 第三篇 第九条, 第五篇). The table already has row-level security; a new index serves a
liaison's list.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0024_branch_casework"
down_revision = "0023_deliveries"
branch_labels = None
depends_on = None

AT_BRANCH = "('branch_registered', 'proposed', 'signed_off')"

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


@contextmanager
def _every_township(*tables: str) -> Iterator[None]:
    """The owner sees every township's rows only without FORCE (PostgreSQL's row-level
    security); FORCE is put back after the data change."""
    bind = op.get_bind()
    forced = tables if bind.dialect.name == "postgresql" else ()
    for table in forced:
        bind.execute(sa.text(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY"))
    yield
    for table in forced:
        bind.execute(sa.text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("branch_id", BIG_ID, nullable=True))
        batch_op.add_column(sa.Column("proposed_handling", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("signed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("signed_on_paper", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("signoff_by_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_tenant_id_branch_id_branches"),
            "branches",
            ["tenant_id", "branch_id"],
            ["tenant_id", "id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_signoff_by_id_users"), "users", ["signoff_by_id"], ["id"]
        )
        batch_op.create_index(
            "ix_cases_branch", ["tenant_id", "branch_id", "created_at"], unique=False
        )
    # The cases already registered belong to their receiving representative's branch.
    with _every_township("cases", "representatives"):
        op.execute(
            """
            UPDATE cases SET branch_id = (
                SELECT r.branch_id FROM representatives r
                WHERE r.tenant_id = cases.tenant_id AND r.id = cases.received_by_id
            )
            WHERE received_by_id IS NOT NULL
            """
        )


def downgrade() -> None:
    # A case still at the branch was never sent on: before this revision it is registered, and
    # its history keeps the steps taken there under that state.
    with _every_township("cases", "case_events"):
        op.execute(f"UPDATE cases SET state = 'registered' WHERE state IN {AT_BRANCH}")
        for column in ("from_state", "to_state"):
            op.execute(
                f"UPDATE case_events SET {column} = 'registered' WHERE {column} IN {AT_BRANCH}"
            )
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_branch")
        batch_op.drop_constraint(batch_op.f("fk_cases_signoff_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_cases_tenant_id_branch_id_branches"), type_="foreignkey"
        )
        batch_op.drop_column("signoff_by_id")
        batch_op.drop_column("signed_on_paper")
        batch_op.drop_column("signed_on")
        batch_op.drop_column("proposed_handling")
        batch_op.drop_column("branch_id")
