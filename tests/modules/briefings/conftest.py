"""Fixtures of the briefings tests: the real module in the registry, switched on for every
township of the world, a fixed clock, and our township's representatives: two groups, one
representative with an account, two reachable by SMS only, one with neither, and one whose
qualification ended."""

from __future__ import annotations

from dataclasses import dataclass
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
from tests.helpers import Clock

TODAY = date(2026, 5, 20)  # a Wednesday


@pytest.fixture
def app_modules():
    from lianxin.modules.briefings.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key == "briefings").values(enabled=True)
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


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township


REP_BASE = {
    "gender": "男",
    "education": "高中",
    "category": "农民",
    "term": 13,
    "birth_date": "1970-01-01",
}


@dataclass
class Roll:
    reps: dict  # "a" (account), "b" (SMS), "c" (nothing), "d" (SMS, west), "x" (ended)
    groups: dict  # "east": a, b, c; "west": d

    def ids(self, *keys: str) -> list[int]:
        return [self.reps[k].id for k in keys]


@pytest.fixture
def roll(world, office, clock):
    t = world.township
    admin = actor(world.users["township_admin"])
    reps, groups = {}, {}
    with tenant_context(t.id):
        for key, name in (("east", "东片代表小组"), ("west", "西片代表小组")):
            groups[key] = people.create_group(office, t, people.GroupInput(name=name))
        for key, name, phone, group in (
            ("a", "安代表", "13900000001", "east"),
            ("b", "白代表", "13900000002", "east"),
            ("c", "陈代表", None, "east"),
            ("d", "邓代表", "13900000004", "west"),
            ("x", "夏代表", "13900000009", "west"),
        ):
            reps[key] = people.create_representative(
                office,
                t,
                load_input(
                    people.RepresentativeInputSchema,
                    {**REP_BASE, "name": name, "phone": phone, "branch_id": world.branches["t"].id},
                ),
            )
            people.assign_to_group(office, t, rep_id=reps[key].id, group_id=groups[group].id)
        people.link_account(admin, t, reps["a"].id, user_id=world.users["representative"].id)
        people.end_qualification(office, t, reps["x"].id, reason="transferred", on=date(2026, 5, 1))
        for key in reps:
            db.session.refresh(reps[key])
    return Roll(reps, groups)
