"""proposal_rules: a group proposal's discussion; how an assignment's due date was counted

Revision ID: 0021_proposal_rules
Revises: 0020_session_days
Create Date: 2026-12-06 20:00:00

A proposal in a representative group's name records when and how the group discussed it (seed
001: discussed in the group and signed by ten or more). An assignment keeps what its due date
was counted from (the Shanghai date, the days and how they count) and whether it was counted
over a year whose official calendar is not loaded yet, so that loading the year recomputes it
(lianxin.modules.proposals.service.recompute_estimated). Existing assignments were counted
before this was recorded: they start as not estimated, with nothing to recompute from.

Proposals are now taken all year unless a township turns collection windows on (`all_year`
defaults to on). A township that ran on the old default (windows) keeps it: where neither the
township nor its county set `all_year`, the township's proposals settings get `all_year: false`.
"""

from alembic import op
import sqlalchemy as sa

revision = "0021_proposal_rules"
down_revision = "0020_session_days"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pr_proposals") as batch_op:
        batch_op.add_column(sa.Column("group_discussed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("group_discussion", sa.Text(), nullable=True))
    with op.batch_alter_table("pr_assignments") as batch_op:
        batch_op.add_column(sa.Column("due_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_count", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("due_estimated", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    _keep_windows_where_they_were_the_default()


def _keep_windows_where_they_were_the_default() -> None:
    modules = sa.table(
        "township_modules",
        sa.column("township_id", sa.Integer()),
        sa.column("module_key", sa.String()),
        sa.column("settings", sa.JSON()),
    )
    townships = sa.table(
        "townships", sa.column("id", sa.Integer()), sa.column("county_id", sa.Integer())
    )
    counties = sa.table(
        "counties", sa.column("id", sa.Integer()), sa.column("module_defaults", sa.JSON())
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(modules.c.township_id, modules.c.settings, counties.c.module_defaults)
        .join(townships, townships.c.id == modules.c.township_id)
        .join(counties, counties.c.id == townships.c.county_id)
        .where(modules.c.module_key == "proposals")
    ).all()
    for township_id, settings, county_defaults in rows:
        settings = dict(settings or {})
        if "all_year" in settings or "all_year" in (county_defaults or {}).get("proposals", {}):
            continue
        settings["all_year"] = False
        conn.execute(
            modules.update()
            .where(modules.c.township_id == township_id, modules.c.module_key == "proposals")
            .values(settings=settings)
        )


def downgrade() -> None:
    with op.batch_alter_table("pr_assignments") as batch_op:
        batch_op.drop_column("due_estimated")
        batch_op.drop_column("due_count")
        batch_op.drop_column("due_days")
        batch_op.drop_column("due_from")
    with op.batch_alter_table("pr_proposals") as batch_op:
        batch_op.drop_column("group_discussion")
        batch_op.drop_column("group_discussed_on")
