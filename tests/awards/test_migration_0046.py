"""Migration 0046 (the county policy of `award_candidates` narrowed to the county's own
selections) upgrades and downgrades on PostgreSQL, in a scratch database of its own: up, the
policy looks the candidate's selection up; down to 0045, the policy of 0036 is back word for
word; up again, narrowed again. (On SQLite it does nothing: tests/deploy/test_cli.py walks it.)
What the narrowed policy does is attacked in tests/awards/test_isolation.py."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lianxin.db.migrate import downgrade, upgrade
from tests.conftest import scratch_database

REVISION = "0046_awards_candidates_policy"
BEFORE = "0045_evaluations_session_reports"


def _policy(url: str) -> list[tuple[str, str, str]]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT policyname, qual, with_check FROM pg_policies"
                " WHERE tablename = 'award_candidates'"
            )
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _triggers(url: str) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgrelid = 'award_selections'::regclass"
            )
        ).scalars()
        names = sorted(rows)
    engine.dispose()
    return names


def test_down_and_up_again_on_postgres():
    with scratch_database("lx_aw46") as cluster:
        owner = cluster.url(cluster.owner).render_as_string(hide_password=False)
        upgrade(owner, cluster.app_role, BEFORE)
        [(name, wide, wide_check)] = _policy(owner)
        assert name == "county_rollup_access" and "award_selections" not in wide

        upgrade(owner, cluster.app_role, REVISION)
        [(name, narrow, check)] = _policy(owner)
        assert name == "county_rollup_access" and narrow == check
        assert "award_selections" in narrow and "township_id IS NULL" in narrow
        assert "app.county_id" in narrow and "app.tenant_id" in narrow

        assert _triggers(owner) == ["award_selections_owner_fixed"]

        downgrade(owner, BEFORE)
        assert _policy(owner) == [("county_rollup_access", wide, wide_check)]
        assert _triggers(owner) == []

        upgrade(owner, cluster.app_role, REVISION)
        assert _policy(owner) == [("county_rollup_access", narrow, check)]
        assert _triggers(owner) == ["award_selections_owner_fixed"]


OWN_SELECTIONS = "0044_awards_township_selections"


def test_down_past_0044_on_postgres_drops_a_townships_own_candidates():
    """0044's downgrade deletes the townships' own candidates under forced row-level security,
    where a migration sets no township: it must reach them (before, it deleted none, and the
    selection's delete then failed on the foreign key)."""
    with scratch_database("lx_aw44") as cluster:
        owner = cluster.url(cluster.owner).render_as_string(hide_password=False)
        upgrade(owner, cluster.app_role, OWN_SELECTIONS)
        engine = create_engine(owner, poolclass=NullPool)
        with engine.begin() as conn:
            county = conn.execute(
                text(
                    "INSERT INTO counties (name, slug, module_defaults, created_at)"
                    " VALUES ('甲县', 'jia-xian', '{}', now()) RETURNING id"
                )
            ).scalar_one()
            township = conn.execute(
                text(
                    "INSERT INTO townships (county_id, name, slug, status, labels, created_at)"
                    " VALUES (:c, '甲镇', 'jia-zhen', 'active', '{}', now()) RETURNING id"
                ),
                {"c": county},
            ).scalar_one()
            selection = conn.execute(
                text(
                    "INSERT INTO award_selections (county_id, township_id, year, title, state,"
                    " quota_representative, quota_station, quota_suggestion, quota_unit,"
                    " metric_representative, metric_station, metric_unit, opened_at)"
                    " VALUES (:c, :t, 2025, 'x', 'open', 10, 10, 10, 10, 'duty_score',"
                    " 'stations_meetings', 'cases_satisfaction', now()) RETURNING id"
                ),
                {"c": county, "t": township},
            ).scalar_one()
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(township)})
            conn.execute(
                text(
                    "INSERT INTO award_candidates (county_id, tenant_id, selection_id, category,"
                    " entity_id, kind, name, summary, nominated, chosen, created_at)"
                    " VALUES (:c, :t, :s, 'representative', 1, '', '张三', '', false, false,"
                    " now())"
                ),
                {"c": county, "t": township, "s": selection},
            )
        engine.dispose()

        downgrade(owner, "0043_group_keepers")

        engine = create_engine(owner, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(township)})
            assert conn.execute(text("SELECT count(*) FROM award_candidates")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM award_selections")).scalar() == 0
            forced = conn.execute(
                text("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'award_candidates'")
            ).scalar()
        engine.dispose()
        assert forced is True
