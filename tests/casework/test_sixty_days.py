"""The 60-day limit is 60 calendar days (seed: "最长不超过六十天"; issue 19).

Whatever a township counts its ordinary limits in, no due date and no extension goes past
`max_calendar_days` (default 60) calendar days from the Shanghai date the case was received;
past it only escalation to the county remains. Received on Tuesday 3 March 2026: day 60 is
Saturday 2 May, day 61 Sunday 3 May.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from lianxin.auth.actor import actor_for
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.casework.models import Case, DeadlineExtension
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import ValidationFailed
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from tests.factories import actor, grant, make_user
from tests.helpers import assert_error, bearer, login

RECEIVED = date(2026, 3, 3)
DAY_60, DAY_61 = RECEIVED + timedelta(days=60), RECEIVED + timedelta(days=61)
CASE = {
    "channel": "phone",
    "title": "河道清淤",
    "body": "村口河道淤塞。",
    "complexity": "simple",
    "raiser_phone": "13800000001",
}


def _settings(world, township, **values):
    tenants.update_module_settings(
        actor(world.users["county_admin"]), world.county, township.id, "casework", values
    )


def _unit(world, township, username):
    """A unit of the township, with a user (who can log in) answering for it."""
    admin = world.users["township_admin" if township.id == world.township.id else "other_admin"]
    with tenant_context(township.id):
        unit_id = people.create_unit(actor(admin), township, people.UnitInput(name="镇水利站")).id
    user = make_user(username)
    grant(user, Role.HANDLING_UNIT, township=township).unit_id = unit_id
    db.session.commit()
    return unit_id, user


def _office(world, township):
    key = "township_staff" if township.id == world.township.id else "other_admin"
    return actor(world.users[key])


def _referred(world, township, unit_id, **extra):
    """A case received on 3 March (07:30 China time, 2 March in UTC), referred to the unit."""
    office = _office(world, township)
    with tenant_context(township.id):
        case_id = cases.register(office, township, cases.CaseInput(**{**CASE, **extra})).case.id
        cases.receive(office, township, case_id)
        cases.refer(office, township, case_id, cases.ReferInput(lead_unit_id=unit_id))
        return case_id


def _due(township, case_id):
    db.session.expire_all()
    with tenant_context(township.id):
        return db.session.get(Case, (township.id, case_id)).due_on


@pytest.fixture
def clock(china_clock):
    china_clock("2026-03-03 07:30")
    return china_clock


def test_sixty_working_days_stop_at_sixty_calendar_days(app, world, clock):
    t = world.township
    _settings(world, t, day_count="working", simple_complex=True)
    unit_id, _user = _unit(world, t, "u.water")
    case_id = _referred(world, t, unit_id, complexity=None)  # the maximum: "60"
    due = _due(t, case_id)
    # 60 working days would be 27 May (87 calendar days); the cap is day 60.
    assert deadlines.add_days(RECEIVED, 60, "working") > DAY_60
    assert due == DAY_60
    # The ordinary limits still count working days.
    simple = _referred(world, t, unit_id)
    assert _due(t, simple) == deadlines.add_days(RECEIVED, 10, "working") == date(2026, 3, 17)


def test_an_extension_to_day_60_is_granted_and_to_day_61_refused(app, world, clock):
    t = world.township
    _settings(world, t, simple_complex=True, day_count="working")
    unit_id, user = _unit(world, t, "u.water")
    unit = actor_for(user)
    case_id = _referred(world, t, unit_id)
    with tenant_context(t.id):
        with pytest.raises(ValidationFailed) as refused:
            cases.request_extension(unit, t, case_id, until=DAY_61, reason="需招标")
        assert refused.value.code == "deadline_beyond_maximum"
        assert "60" in refused.value.message and "上报县级" in refused.value.message
        assert set(refused.value.errors) == {"until"}
        assert db.session.scalar(select(func.count()).select_from(DeadlineExtension)) == 0
        extension = cases.request_extension(unit, t, case_id, until=DAY_60, reason="需招标")
        cases.decide_extension(_office(world, t), t, extension.id, approve=True)
    assert _due(t, case_id) == DAY_60
    with tenant_context(t.id):
        # At the limit: no later date; the county is what remains.
        with pytest.raises(ValidationFailed):
            cases.request_extension(unit, t, case_id, until=DAY_61, reason="仍需时间")
        cases.escalate(_office(world, t), t, case_id, reason="超出乡镇办理时限")
        assert db.session.get(Case, (t.id, case_id)).state == "escalated"


def test_the_limit_is_checked_again_when_the_extension_is_approved(app, world, clock):
    t = world.township
    _settings(world, t, simple_complex=True)
    unit_id, user = _unit(world, t, "u.water")
    case_id = _referred(world, t, unit_id)
    with tenant_context(t.id):
        extension = cases.request_extension(
            actor_for(user), t, case_id, until=RECEIVED + timedelta(days=31), reason="需招标"
        )
    _settings(world, t, simple_complex=True, max_calendar_days=30)
    with tenant_context(t.id), pytest.raises(ValidationFailed) as refused:
        cases.decide_extension(_office(world, t), t, extension.id, approve=True)
    assert refused.value.code == "deadline_beyond_maximum"
    db.session.rollback()
    assert _due(t, case_id) == RECEIVED + timedelta(days=10)


def test_the_setting_moved_in_one_township_only(app, world, clock):
    ours, other = world.township, world.other
    _settings(world, ours, simple_complex=True, max_calendar_days=30)
    _settings(world, other, simple_complex=True)
    ours_unit, ours_user = _unit(world, ours, "u.ours")
    other_unit, other_user = _unit(world, other, "u.other")
    mine = _referred(world, ours, ours_unit, complexity=None)
    theirs = _referred(world, other, other_unit, complexity=None)
    assert _due(ours, mine) == RECEIVED + timedelta(days=30)
    assert _due(other, theirs) == DAY_60
    mine = _referred(world, ours, ours_unit)
    theirs = _referred(world, other, other_unit)
    day_31 = RECEIVED + timedelta(days=31)
    with tenant_context(ours.id):
        with pytest.raises(ValidationFailed):
            cases.request_extension(actor_for(ours_user), ours, mine, until=day_31, reason="r")
        cases.request_extension(
            actor_for(ours_user), ours, mine, until=RECEIVED + timedelta(days=30), reason="r"
        )
    with tenant_context(other.id):
        cases.request_extension(actor_for(other_user), other, theirs, until=day_31, reason="r")


def test_the_api_and_the_page_refuse_day_61(app, world, clock):
    t = world.township
    _settings(world, t, simple_complex=True)
    unit_id, user = _unit(world, t, "u.water")
    case_id = _referred(world, t, unit_id)
    clock.thaw()  # logging in and tokens run on the real clock
    client = app.test_client()
    base = f"/api/v1/t/{t.slug}/cases"
    body = client.get(f"{base}/{case_id}", headers=bearer(world.users["township_staff"]))
    assert body.get_json()["latest_due_on"] == DAY_60.isoformat()
    response = client.post(
        f"{base}/{case_id}/extension",
        headers=bearer(user),
        json={"until": DAY_61.isoformat(), "reason": "需招标"},
    )
    error = assert_error(response, 422, "deadline_beyond_maximum")
    assert "until" in error["errors"] and "60" in error["message"]

    g.pop("_login_user", None)
    login(client, user)
    g.pop("_login_user", None)
    page = client.get(f"/t/{t.slug}/cases/{case_id}").get_data(as_text=True)
    assert f'max="{DAY_60.isoformat()}"' in page  # the form offers no later date
    g.pop("_login_user", None)
    response = client.post(
        f"/t/{t.slug}/cases/{case_id}/extension",
        data={"until": DAY_61.isoformat(), "reason": "需招标"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "自然日" in page and "上报县级" in page
    with tenant_context(t.id):
        assert db.session.scalar(select(func.count()).select_from(DeadlineExtension)) == 0
