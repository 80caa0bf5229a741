"""Migration 0030 (issue 23): a township or county that had set `agenda_days_before` meant it for
everyone, so the groups keep that deadline (`group_agenda_days_before`); the observers' table
comes and goes with it."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lianxin.db import db


@pytest.mark.sqlite_only
def test_the_groups_keep_a_deadline_set_before(app, world, tmp_path):
    from lianxin.db.migrate import downgrade, upgrade

    source = db.engine.url.database
    db.session.commit()
    copy = tmp_path / "before-0030.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    url = f"sqlite:///{copy}"
    downgrade(url, "0029_by_elections")
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
        assert "as_observers" not in tables
        set_to = {world.township.id: {"agenda_days_before": 7}, world.other.id: {}}
        for township_id, settings in set_to.items():
            conn.execute(
                text(
                    "UPDATE township_modules SET settings = :s "
                    "WHERE township_id = :t AND module_key = 'annual_sessions'"
                ),
                {"s": json.dumps(settings), "t": township_id},
            )
        conn.execute(
            text("UPDATE counties SET module_defaults = :d WHERE id = :c"),
            {
                "d": json.dumps({"annual_sessions": {"agenda_days_before": 12}}),
                "c": world.county.id,
            },
        )
    upgrade(url)
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text(
                    "SELECT township_id, settings FROM township_modules "
                    "WHERE module_key = 'annual_sessions'"
                )
            ).all()
        )
        county = conn.execute(
            text("SELECT module_defaults FROM counties WHERE id = :c"), {"c": world.county.id}
        ).scalar_one()
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    engine.dispose()

    def loaded(value):
        return json.loads(value) if isinstance(value, str) else value

    assert loaded(rows[world.township.id]) == {
        "agenda_days_before": 7,
        "group_agenda_days_before": 7,
    }
    assert loaded(rows[world.other.id]) == {}
    assert loaded(county)["annual_sessions"] == {
        "agenda_days_before": 12,
        "group_agenda_days_before": 12,
    }
    assert "as_observers" in tables
