"""Fixtures of the reception-days tests: the real module in the registry, switched on for every
township of the world, a fixed clock, two sites and six representatives of our township (two
of them basic-level leading cadres)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import SiteInput
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import Clock

# A Monday in 2025 (a year chinesecalendar knows): the 2026 schedule is "next year".
TODAY = date(2025, 12, 1)


@pytest.fixture
def app_modules():
    from lianxin.modules.reception_days.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "reception_days")
        .values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(TODAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@dataclass
class Cast:
    """Our township's reception-day people and places."""

    reps: dict  # key → Representative: "cadre1", "cadre2", "a", "b", "c", "d"
    room: object  # Site: the township reception room
    centre: object  # Site: a branch service centre (of world.branches["t"])


@pytest.fixture
def cast(world, office):
    base = {
        "gender": "女",
        "education": "大学本科",
        "category": "农民",
        "term": 13,
        "phone": "13800138000",
        "workplace": "甲镇某村",
    }
    reps = {}
    with tenant_context(world.township.id):
        for key, name, cadre in (
            ("cadre1", "张书记", True),
            ("cadre2", "李主任", True),
            ("a", "王芳", False),
            ("b", "赵强", False),
            ("c", "孙丽", False),
            ("d", "周明", False),
        ):
            reps[key] = people.create_representative(
                office,
                world.township,
                load_input(
                    people.RepresentativeInputSchema,
                    {
                        **base,
                        "name": name,
                        "birth_date": "1975-03-01",
                        "is_grassroots_cadre": cadre,
                        "branch_id": world.branches["t"].id,
                    },
                ),
            )
        room = service.create_site(
            office,
            world.township,
            SiteInput(kind="township_room", name="镇接待室", address="镇政府一楼"),
        )
        centre = service.create_site(
            office,
            world.township,
            SiteInput(
                kind="branch_centre",
                name="甲村党群服务中心",
                address="甲村",
                branch_id=world.branches["t"].id,
            ),
        )
    return Cast(reps, room, centre)


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township
