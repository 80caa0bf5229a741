"""Migration 0021 on townships already running: `all_year` now defaults to on, so a township
that collected proposals in windows on the old default (off) keeps its windows, and one whose
township or county chose explicitly keeps that choice. SQLite (the PostgreSQL branch runs on
every CI migration of the test database)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.pool import NullPool

from lianxin.db import db
from lianxin.db.migrate import downgrade, upgrade
from lianxin.tenants.models import County, TownshipModule

pytestmark = pytest.mark.sqlite_only


def _all_year_after_0021(tmp_path) -> dict[int, object]:
    source = db.engine.url.database
    db.session.commit()
    copy = tmp_path / "before-0021.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    url = f"sqlite:///{copy}"
    downgrade(url, "0020_session_days")
    upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT township_id, settings FROM township_modules WHERE module_key='proposals'")
        ).all()
    engine.dispose()

    return {tid: json.loads(s).get("all_year", "unset") for tid, s in rows}


def test_townships_on_the_old_default_keep_their_windows(app, world, tmp_path):
    township, other, far = world.township, world.other, world.far
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.township_id == other.id, TownshipModule.module_key == "proposals")
        .values(settings={"all_year": True})
    )
    far_county = db.session.get(County, far.county_id)
    far_county.module_defaults = {"proposals": {"all_year": True}}
    db.session.commit()

    after = _all_year_after_0021(tmp_path)

    assert after[township.id] is False  # ran on the old default: windows kept
    assert after[other.id] is True  # its own choice
    assert after[far.id] == "unset"  # its county's choice stays the county's
