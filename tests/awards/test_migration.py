"""Migration 0044 (a township's own selection): down to 0043 drops the townships' selections
and their candidates and restores one selection a year per county; up again, a county and each
of its townships hold one selection of the same year. SQLite (the PostgreSQL branch runs on
every migration of the test database)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from lianxin.db import db
from lianxin.db.migrate import downgrade, upgrade

pytestmark = pytest.mark.sqlite_only

BEFORE = "0043_group_keepers"
INSERT = (
    "INSERT INTO award_selections (county_id, township_id, year, title, state,"
    " quota_representative, quota_station, quota_suggestion, quota_unit, metric_representative,"
    " metric_station, metric_unit, opened_at) VALUES (:c, :t, :y, 'x', 'open', 10, 10, 10, 10,"
    " 'duty_score', 'stations_meetings', 'cases_satisfaction', '2026-01-05')"
)


def test_down_and_up_again(app, world, tmp_path):
    source = db.engine.url.database
    db.session.commit()
    copy = tmp_path / "before-0044.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    url = f"sqlite:///{copy}"
    engine = create_engine(url, poolclass=NullPool)
    c, t, o = world.county.id, world.township.id, world.other.id
    with engine.begin() as conn:
        for township in (None, t, o):
            conn.execute(text(INSERT), {"c": c, "t": township, "y": 2025})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(INSERT), {"c": c, "t": t, "y": 2025})  # 甲镇's second of 2025
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(INSERT), {"c": c, "t": None, "y": 2025})  # the county's second
    engine.dispose()

    downgrade(url, BEFORE)
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT county_id, year FROM award_selections")).all()
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(award_selections)"))]
    assert rows == [(c, 2025)] and "township_id" not in columns
    engine.dispose()

    upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text(INSERT), {"c": c, "t": t, "y": 2025})
        count = conn.execute(text("SELECT count(*) FROM award_selections")).scalar()
    assert count == 2
    engine.dispose()
