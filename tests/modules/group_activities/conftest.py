"""Fixtures of the group-activities tests: the real module (and the annual sessions, whose
session dates the reports follow, and the proposals, which an outcome's draft is) in the
registry, switched on for every township of the world (the proposals in ours, by a fixture), a
fixed Shanghai clock, and our township's representatives in two groups: 一组 led by reps[0]
(reps[1], reps[2] members), 二组 led by reps[3] (reps[4] member); reps[5] in no group."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people_service
from lianxin.people.inputs import GroupInput
from lianxin.people.models import GroupRole
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, make_represented
from tests.helpers import Clock

TODAY = date(2026, 5, 20)  # a Wednesday
SESSION_DAY = date(2026, 6, 20)  # the annual session: reports due 2026-06-05 (15 days before)


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.group_activities.module import MODULE
    from lianxin.modules.proposals.module import MODULE as PROPOSALS
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, SESSIONS, PROPOSALS, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key.in_(("group_activities", "annual_sessions")))
        .values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def proposals_on(world):
    """The proposals module switched on in our township only (an outcome's draft is one; the
    isolation walk leaves it off, the proposals' own tests walk it)."""
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.module_key == "proposals",
            TownshipModule.township_id == world.township.id,
        )
        .values(enabled=True)
    )
    db.session.commit()


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(TODAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@pytest.fixture
def people(world, office):
    """(reps, users, groups): six representatives with accounts and the two groups."""
    reps, users = make_represented(world.township, 6, "ga.rep")
    township = world.township
    with tenant_context(township.id):
        one = people_service.create_group(office, township, GroupInput("一组"))
        two = people_service.create_group(office, township, GroupInput("二组"))
        on = date(2026, 1, 1)
        for rep, group, role in (
            (reps[0], one, GroupRole.LEADER),
            (reps[1], one, GroupRole.MEMBER),
            (reps[2], one, GroupRole.MEMBER),
            (reps[3], two, GroupRole.LEADER),
            (reps[4], two, GroupRole.MEMBER),
        ):
            people_service.assign_to_group(
                office, township, rep_id=rep.id, group_id=group.id, role=role, on=on
            )
        ids = (one.id, two.id)
        db.session.commit()
    return reps, users, ids


@pytest.fixture
def tctx(world):
    with tenant_context(world.township.id):
        yield world.township


@pytest.fixture
def session_id(world, office, people):
    from lianxin.modules.annual_sessions import service as annual_sessions
    from lianxin.modules.annual_sessions.inputs import SessionInput

    with tenant_context(world.township.id):
        made = annual_sessions.create_session(
            office,
            world.township,
            SessionInput("第十三届党代表大会第三次会议", SESSION_DAY, "镇礼堂"),
        )
        db.session.commit()
        return made.id
