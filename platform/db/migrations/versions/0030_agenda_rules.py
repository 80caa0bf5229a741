"""agenda_rules: the groups' own agenda deadline; annual-session observers (列席人员)

Revision ID: 0030_agenda_rules
Revises: 0029_by_elections
Create Date: 2026-12-11 12:00:00

The annual session's items now have two deadlines (issue 23): the committee's
(`agenda_days_before`, as before) and the groups' and representatives'
(`group_agenda_days_before`, new), and `mandatory_listing` says whether items with enough
co-proposers or groups must be listed (default on: as before). A township or county that had set
`agenda_days_before` meant it for everyone: the same number is copied into
`group_agenda_days_before` where that is not set, so no township's deadline moves.

`as_observers` (tenant-owned, row-level security): who sits in on a session without being a
representative — name, kind, unit, when checked in — never counted in 应到 or the quorum.
"""

import sqlalchemy as sa
from alembic import op

from lianxin.db import rls

revision = "0030_agenda_rules"
down_revision = "0029_by_elections"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MODULE = "annual_sessions"
OLD, NEW = "agenda_days_before", "group_agenda_days_before"


def upgrade() -> None:
    op.create_table(
        "as_observers",
        sa.Column("tenant_id", BIG, nullable=False),
        sa.Column("id", BIG, sa.Identity(always=False), nullable=False),
        sa.Column("session_id", BIG, nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "session_id"],
            ["as_sessions.tenant_id", "as_sessions.id"],
            name=op.f("fk_as_observers_tenant_id_session_id_as_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["townships.id"],
            name=op.f("fk_as_observers_tenant_id_townships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_as_observers")),
        sa.UniqueConstraint(
            "tenant_id",
            "session_id",
            "name",
            "unit",
            name=op.f("uq_as_observers_tenant_id_session_id_name_unit"),
        ),
    )
    rls.enable(op, "as_observers")
    _keep_the_groups_deadline()


def _keep_the_groups_deadline() -> None:
    """Where a township or county set `agenda_days_before`, the groups keep that deadline."""
    conn = op.get_bind()
    modules = sa.table(
        "township_modules",
        sa.column("township_id", sa.Integer()),
        sa.column("module_key", sa.String()),
        sa.column("settings", sa.JSON()),
    )
    for township_id, settings in conn.execute(
        sa.select(modules.c.township_id, modules.c.settings).where(modules.c.module_key == MODULE)
    ).all():
        if not isinstance(settings, dict):  # none set (or not an object): nothing to keep
            continue
        settings = dict(settings)
        if OLD in settings and NEW not in settings:
            settings[NEW] = settings[OLD]
            conn.execute(
                modules.update()
                .where(modules.c.township_id == township_id, modules.c.module_key == MODULE)
                .values(settings=settings)
            )
    counties = sa.table(
        "counties", sa.column("id", sa.Integer()), sa.column("module_defaults", sa.JSON())
    )
    for county_id, defaults in conn.execute(
        sa.select(counties.c.id, counties.c.module_defaults)
    ).all():
        if not isinstance(defaults, dict) or not isinstance(defaults.get(MODULE), dict):
            continue
        defaults = dict(defaults)
        ours = dict(defaults[MODULE])
        if OLD in ours and NEW not in ours:
            ours[NEW] = ours[OLD]
            defaults[MODULE] = ours
            conn.execute(
                counties.update().where(counties.c.id == county_id).values(module_defaults=defaults)
            )


def _drop_new_settings() -> None:
    conn = op.get_bind()
    modules = sa.table(
        "township_modules",
        sa.column("township_id", sa.Integer()),
        sa.column("module_key", sa.String()),
        sa.column("settings", sa.JSON()),
    )
    for township_id, settings in conn.execute(
        sa.select(modules.c.township_id, modules.c.settings).where(modules.c.module_key == MODULE)
    ).all():
        if not isinstance(settings, dict):
            continue
        settings = dict(settings)
        if NEW in settings or "mandatory_listing" in settings:
            settings.pop(NEW, None)
            settings.pop("mandatory_listing", None)
            conn.execute(
                modules.update()
                .where(modules.c.township_id == township_id, modules.c.module_key == MODULE)
                .values(settings=settings)
            )
    counties = sa.table(
        "counties", sa.column("id", sa.Integer()), sa.column("module_defaults", sa.JSON())
    )
    for county_id, defaults in conn.execute(
        sa.select(counties.c.id, counties.c.module_defaults)
    ).all():
        if not isinstance(defaults, dict) or not isinstance(defaults.get(MODULE), dict):
            continue
        defaults = dict(defaults)
        ours = dict(defaults[MODULE])
        if NEW in ours or "mandatory_listing" in ours:
            ours.pop(NEW, None)
            ours.pop("mandatory_listing", None)
            defaults[MODULE] = ours
            conn.execute(
                counties.update().where(counties.c.id == county_id).values(module_defaults=defaults)
            )


def downgrade() -> None:
    _drop_new_settings()
    op.drop_table("as_observers")
