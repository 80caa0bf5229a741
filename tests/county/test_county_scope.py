"""The county's scope is applied by the tenancy layer, like the township's (issue 20).

A county's pages enter its context once at the edge (`web/scope.py`); the rollups' policy reads
`app.county_id`, which the tenancy layer sets in every transaction the context is open in, and
unsets when it is left. A county read called outside a request (a task, a test) opens it too.
"""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select, text

from lianxin.county import service
from lianxin.county.models import CountyRollup
from lianxin.db import db
from lianxin.db.tenancy import county_context, current_county_id
from tests.factories import actor


def _setting() -> str | None:
    return db.session.execute(text("SELECT current_setting('app.county_id', true)")).scalar()


def _visible_townships() -> set[int]:
    return set(db.session.scalars(select(CountyRollup.tenant_id).distinct()))


@pytest.mark.postgres
def test_the_county_context_opens_its_rollups_in_every_transaction(refreshed, app):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    jia = {refreshed.ids["jia"], refreshed.ids["yi"], refreshed.ids["bing"]}
    db.session.commit()
    assert _visible_townships() == set()
    with county_context(refreshed.county.id):
        assert current_county_id() == refreshed.county.id
        assert _setting() == str(refreshed.county.id)
        assert _visible_townships() == jia
        db.session.commit()  # a new transaction in the same context is set again
        assert _visible_townships() == jia
        with county_context(refreshed.far_county.id):
            assert _visible_townships() == {refreshed.ids["far"]}
        assert _visible_townships() == jia
    assert current_county_id() is None
    assert _setting() in ("", None)
    assert _visible_townships() == set()


def test_a_county_read_outside_a_request_opens_its_county(refreshed, app):
    viewer = actor(refreshed.users["viewer"])
    result = service.comparison(viewer, refreshed.county, "2026-Q1")
    assert {t.id for t in result.townships} == {
        refreshed.ids["jia"],
        refreshed.ids["yi"],
        refreshed.ids["bing"],
    }
    assert any(cell.value is not None for cells in result.cells.values() for cell in cells.values())
    assert current_county_id() is None  # left again


def test_a_county_url_enters_the_county_context_at_the_edge(refreshed, app):
    with app.test_request_context("/c/jia/comparison/"):
        g.lianxin_actor = actor(refreshed.users["viewer"])
        app.preprocess_request()  # the URL's county is resolved and entered here, once
        assert g.county.id == refreshed.county.id
        assert current_county_id() == refreshed.county.id
        app.do_teardown_request()
        assert current_county_id() is None
