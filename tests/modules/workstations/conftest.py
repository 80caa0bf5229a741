"""Fixtures of the workstations tests: the real module in the registry, switched on for every
township of the world, and a few representatives of our township."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor

TODAY = date(2025, 9, 26)  # a Friday before National Day; Sunday 28 September is worked (调休)


@pytest.fixture
def app_modules():
    from lianxin.modules.workstations.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "workstations")
        .values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(deadlines, "shanghai_today", lambda now=None: TODAY)
    return TODAY


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@pytest.fixture
def reps(world, office):
    base = {
        "gender": "女",
        "education": "大学本科",
        "category": "农民",
        "term": 13,
        "phone": "13800138000",
    }
    made = {}
    with tenant_context(world.township.id):
        for key, name, born in (
            ("a", "张秀英", "1975-03-01"),
            ("b", "李建国", "1970-05-02"),
            ("c", "王芳", "1980-01-03"),
        ):
            made[key] = people.create_representative(
                office,
                world.township,
                load_input(
                    people.RepresentativeInputSchema, {**base, "name": name, "birth_date": born}
                ),
            )
    return made


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township
