"""Fixtures of the by-elections tests: the real module in the registry, switched on for every
township of the world, a fixed Shanghai clock, two representatives whose qualification ended
and eight party members in our branch (the electoral unit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.people.models import PartyMember
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import Clock

TODAY = date(2025, 6, 2)


@pytest.fixture
def app_modules():
    from lianxin.modules.by_elections.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "by_elections")
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
class Unit:
    branch_id: int
    vacancies: list[int]
    members: list[int]


@pytest.fixture
def unit(world, office, clock) -> Unit:
    """Our branch, two ended representatives of it, eight party members."""
    branch = world.branches["t"]
    with tenant_context(world.township.id):
        ended = []
        for name, born in (("周离任", "1960-01-01"), ("吴调出", "1965-02-02")):
            rep = people.create_representative(
                office,
                world.township,
                load_input(
                    people.RepresentativeInputSchema,
                    {
                        "name": name,
                        "birth_date": born,
                        "gender": "男",
                        "education": "大学本科",
                        "category": "农民",
                        "term": 13,
                        "branch_id": branch.id,
                    },
                ),
            )
            people.end_qualification(
                office, world.township, rep.id, reason="transferred", on=date(2025, 5, 1)
            )
            ended.append(rep.id)
        members = []
        for i in range(8):
            m = PartyMember(
                name=f"党员{i}",
                name_pinyin=f"dangyuan{i}",
                name_initials="dy",
                branch_id=branch.id,
                is_active=True,
            )
            db.session.add(m)
            db.session.flush()
            members.append(m.id)
        db.session.commit()
    return Unit(branch.id, ended, members)


def candidate(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"候选人{i}",
        "gender": "female" if i % 2 else "male",
        "birth_date": f"198{i % 10}-03-0{1 + i % 9}",
        "education": "bachelor",
        "category": "farmer",
        "workplace": "某村",
        **extra,
    }
