"""Migration 0042 on counties already running: each county's formula (one row a county) is
carried over as the version of every earlier year (from 2000), so no year's score moves; the
downgrade keeps each county's latest version. SQLite (the PostgreSQL branch runs on every CI
migration of the test database)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lianxin.db import db
from lianxin.db.migrate import downgrade, upgrade

pytestmark = pytest.mark.sqlite_only

BEFORE = "0041_proposal_paper_intake"


def _rows(url: str) -> list[tuple]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM duty_formulas ORDER BY county_id")).mappings().all()
    engine.dispose()
    return [dict(r) for r in rows]


def test_each_countys_formula_becomes_the_version_of_all_earlier_years(app, world, tmp_path):
    source = db.engine.url.database
    db.session.commit()
    copy = tmp_path / "before-0042.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    url = f"sqlite:///{copy}"
    downgrade(url, BEFORE)
    engine = create_engine(url, poolclass=NullPool)
    items = {"casework.cases_received": {"points": 3.0, "cap": 12.0}}
    with engine.begin() as conn:
        for county_id, below in ((world.county.id, 45.0), (world.far_county.id, 70.0)):
            conn.execute(
                text(
                    "INSERT INTO duty_formulas (county_id, items, inactive_below, min_sample,"
                    " term_first_year, updated_at) VALUES (:c, :i, :b, 5, 2021, '2025-03-01')"
                ),
                {"c": county_id, "i": json.dumps(items), "b": below},
            )
    engine.dispose()
    upgrade(url)
    rows = _rows(url)
    assert [(r["county_id"], r["from_year"], r["inactive_below"]) for r in rows] == [
        (world.county.id, 2000, 45.0),
        (world.far_county.id, 2000, 70.0),
    ]
    assert json.loads(rows[0]["items"]) == items
    # A later version of one county; the downgrade keeps the latest of each.
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO duty_formulas (county_id, from_year, items, inactive_below,"
                " min_sample, term_first_year, updated_at)"
                " VALUES (:c, 2026, '{}', 30, 5, 2021, '2026-03-01')"
            ),
            {"c": world.county.id},
        )
    engine.dispose()
    downgrade(url, BEFORE)
    rows = _rows(url)
    assert [(r["county_id"], r["inactive_below"]) for r in rows] == [
        (world.county.id, 30.0),
        (world.far_county.id, 70.0),
    ]
    assert "from_year" not in rows[0]
