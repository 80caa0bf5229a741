"""evaluation_groups: an evaluation's group, notice, rater categories, paper forms, subject
kinds, the responsible leader's opinion and the report of 不称职 to the county

Revision ID: 0037_evaluation_groups
Revises: 0036_awards
Create Date: 2026-12-07 05:30:00

001 张家港 第六节: an evaluation group (组长 and two members, from the group leaders) runs the
campaign (`ev_campaigns.group_*_id`) and sends advance notice to those evaluated
(`notice_sent_on`); raters beside representatives and party members (机关干部, 村书记/主任,
单位负责人) are categories of their own (`ev_raters.category`, `guest_name`), released and
counted per category (`ev_answer_pool.category`, `ev_answers.category`); paper forms are keyed
in by two tellers (`ev_paper_batches`, `ev_paper_entries`: one sealed entry per teller and
batch) and a rater handed one has a receipt `on_paper`; a subject may be the committee as a
body or a city representative (`ev_subjects.kind`), carries the responsible leader's opinion
(`leader_name`, `leader_opinion`) and, graded 不称职, when it was reported (`reported_at`).
Rows before this: representatives' and party members' categories from who they are.
"""

import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = "0037_evaluation_groups"
down_revision = "0036_awards"
branch_labels = None
depends_on = None

TABLES = ("ev_paper_batches", "ev_paper_entries")

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _keys() -> list:
    return [
        sa.Column("tenant_id", _ID, nullable=False),
        sa.Column("id", _ID, sa.Identity(always=False), nullable=False),
    ]


def _own(table: str) -> list:
    return [
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["townships.id"],
            name=op.f(f"fk_{table}_tenant_id_townships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f(f"pk_{table}")),
    ]


def _user(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"))


def upgrade() -> None:
    with op.batch_alter_table("ev_campaigns") as batch_op:
        for column in ("group_leader_id", "group_member1_id", "group_member2_id"):
            batch_op.add_column(sa.Column(column, _ID, nullable=True))
            batch_op.create_foreign_key(
                op.f(f"fk_ev_campaigns_{column}_users"), "users", [column], ["id"]
            )
        batch_op.add_column(sa.Column("notice_sent_on", sa.Date(), nullable=True))
    with op.batch_alter_table("ev_subjects") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("leader_name", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("leader_opinion", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("ev_raters") as batch_op:
        batch_op.add_column(
            sa.Column(
                "category",
                sa.String(length=24),
                nullable=False,
                server_default="representative",
            )
        )
        batch_op.add_column(sa.Column("guest_name", sa.String(length=50), nullable=True))
    op.execute("UPDATE ev_raters SET category = 'party_member' WHERE party_member_id IS NOT NULL")
    with op.batch_alter_table("ev_receipts") as batch_op:
        batch_op.add_column(
            sa.Column("on_paper", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("ev_answer_pool") as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=24), nullable=True))
    with op.batch_alter_table("ev_answers") as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=24), nullable=True))

    op.create_table(
        "ev_paper_batches",
        *_keys(),
        sa.Column("campaign_id", _ID, nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("forms", sa.Integer(), nullable=False),
        sa.Column("teller1_id", _ID, nullable=False),
        sa.Column("teller2_id", _ID, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "campaign_id"],
            ["ev_campaigns.tenant_id", "ev_campaigns.id"],
            name=op.f("fk_ev_paper_batches_tenant_id_campaign_id_ev_campaigns"),
        ),
        _user("ev_paper_batches", "teller1_id"),
        _user("ev_paper_batches", "teller2_id"),
        *_own("ev_paper_batches"),
        sa.UniqueConstraint(
            "tenant_id",
            "campaign_id",
            "label",
            name=op.f("uq_ev_paper_batches_tenant_id_campaign_id_label"),
        ),
    )
    op.create_table(
        "ev_paper_entries",
        *_keys(),
        sa.Column("batch_id", _ID, nullable=False),
        sa.Column("teller_id", _ID, nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "batch_id"],
            ["ev_paper_batches.tenant_id", "ev_paper_batches.id"],
            name=op.f("fk_ev_paper_entries_tenant_id_batch_id_ev_paper_batches"),
        ),
        _user("ev_paper_entries", "teller_id"),
        *_own("ev_paper_entries"),
        sa.UniqueConstraint(
            "tenant_id",
            "batch_id",
            "teller_id",
            name=op.f("uq_ev_paper_entries_tenant_id_batch_id_teller_id"),
        ),
    )
    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    with op.batch_alter_table("ev_answers") as batch_op:
        batch_op.drop_column("category")
    with op.batch_alter_table("ev_answer_pool") as batch_op:
        batch_op.drop_column("category")
    with op.batch_alter_table("ev_receipts") as batch_op:
        batch_op.drop_column("on_paper")
    with op.batch_alter_table("ev_raters") as batch_op:
        batch_op.drop_column("guest_name")
        batch_op.drop_column("category")
    with op.batch_alter_table("ev_subjects") as batch_op:
        for column in ("reported_at", "leader_opinion", "leader_name", "kind"):
            batch_op.drop_column(column)
    with op.batch_alter_table("ev_campaigns") as batch_op:
        batch_op.drop_column("notice_sent_on")
        for column in ("group_member2_id", "group_member1_id", "group_leader_id"):
            batch_op.drop_constraint(op.f(f"fk_ev_campaigns_{column}_users"), type_="foreignkey")
            batch_op.drop_column(column)
