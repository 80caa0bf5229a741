"""Deadlines over a year whose official calendar is not loaded yet are estimates, and loading the
year recomputes them (issue 19).

Here 2027 is not official until the test "loads" it (lianxin.work_calendar is patched: until
then 2027 is Monday to Friday). A case received on Sunday 20 December 2026 in a township that
counts working days, simple (10 working days): 21–25, 28–31 December, then Friday 1 January
2027 — an estimate. The official 2027 calendar makes 1 January a holiday: due Monday 4 January.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from lianxin import work_calendar
from lianxin.audit.models import AuditEntry
from lianxin.casework import service as cases
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.notify.models import OutboxMessage
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import login

CASE = {
    "channel": "phone",
    "title": "年底供暖不足",
    "body": "村委会供暖不足。",
    "complexity": "simple",
    "raiser_phone": "13800000001",
}


class Calendar:
    """2027 estimated (Monday to Friday) until `load_2027`, then official with 1 January off."""

    def __init__(self, real) -> None:
        self.real = real
        self.official_2027 = False

    def is_official(self, year: int) -> bool:
        return year <= 2026 or (year == 2027 and self.official_2027)

    def span_official(self, start: date, end: date) -> bool:
        first, last = sorted((start.year, end.year))
        return all(self.is_official(y) for y in range(first, last + 1))

    def is_working_day(self, day: date, county_id: int | None = None) -> bool:
        if day.year <= 2026:
            return self.real(day)
        if self.official_2027 and day == date(2027, 1, 1):
            return False  # New Year's Day
        return day.weekday() < 5


@pytest.fixture
def calendar(monkeypatch):
    cal = Calendar(work_calendar.is_working_day)
    for name in ("is_official", "span_official", "is_working_day"):
        monkeypatch.setattr(work_calendar, name, getattr(cal, name))
    return cal


@pytest.fixture
def scene(world, china_clock, calendar):
    """Our township counts working days; the other keeps calendar days."""
    county_admin = actor(world.users["county_admin"])
    for township, values in (
        (world.township, {"simple_complex": True, "day_count": "working"}),
        (world.other, {"simple_complex": True}),
    ):
        tenants.update_module_settings(county_admin, world.county, township.id, "casework", values)
    china_clock("2026-12-20 10:00")
    t = world.township
    office = actor(world.users["township_staff"])
    ids = {}
    with tenant_context(t.id):
        unit = people.create_unit(
            actor(world.users["township_admin"]), t, people.UnitInput(name="镇城建办")
        )
        for key in ("open", "closed"):
            ids[key] = cases.register(office, t, cases.CaseInput(**{**CASE, "title": key})).case.id
        cases.receive(office, t, ids["open"])
        cases.refer(office, t, ids["open"], cases.ReferInput(lead_unit_id=unit.id))
        cases.mark_inadmissible(
            office, t, ids["closed"], reason="已进入诉讼程序", referral_text="请向法院咨询"
        )
    with tenant_context(world.other.id):
        ids["calendar"] = cases.register(
            actor(world.users["other_admin"]), world.other, cases.CaseInput(**CASE)
        ).case.id
    china_clock.thaw()
    return ids


def _case(township, case_id) -> Case:
    db.session.expire_all()
    with tenant_context(township.id):
        return db.session.get(Case, (township.id, case_id))


def _page(app, user, url):
    client = app.test_client()
    g.pop("_login_user", None)
    login(client, user)
    g.pop("_login_user", None)
    return client.get(url).get_data(as_text=True)


def test_a_deadline_over_an_unofficial_year_says_it_is_an_estimate(app, world, scene):
    case = _case(world.township, scene["open"])
    assert case.due_on == date(2027, 1, 1) and case.due_estimated
    assert (case.due_from, case.due_days, case.due_count) == (date(2026, 12, 20), 10, "working")
    other = _case(world.other, scene["calendar"])
    assert other.due_on == date(2026, 12, 30) and not other.due_estimated
    page = _page(
        app, world.users["township_staff"], f"/t/{world.township.slug}/cases/{scene['open']}"
    )
    assert 'id="due-estimated"' in page and "待国家公布节假日安排后重新计算" in page
    listing = _page(app, world.users["township_staff"], f"/t/{world.township.slug}/cases/")
    assert "预计期限" in listing


def test_loading_the_year_recomputes_the_open_estimated_deadlines(app, world, scene, calendar):
    closed_before = _case(world.township, scene["closed"]).due_on
    calendar.official_2027 = True
    recompute = work_calendar.recomputes()["casework"]
    operator = actor(world.users["platform"])
    with work_calendar.loading_as(operator):  # as the operator's load runs it
        assert recompute(2027) == 1
    db.session.commit()

    case = _case(world.township, scene["open"])
    assert case.due_on == date(2027, 1, 4) and not case.due_estimated
    # A closed case and a calendar-day township are left as they were.
    assert _case(world.township, scene["closed"]).due_on == closed_before
    assert _case(world.other, scene["calendar"]).due_on == date(2026, 12, 30)

    with tenant_context(world.township.id):
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case.due_recomputed")
        ).all()
    assert [(e.target_id, e.before["due_on"], e.after["due_on"]) for e in entries] == [
        (str(scene["open"]), "2027-01-01", "2027-01-04")
    ]
    assert entries[0].after["due_estimated"] is False and entries[0].tenant_id == world.township.id
    assert entries[0].actor_user_id == world.users["platform"].id  # the operator who loaded it
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.contains(":due_recomputed:"))
    ).all()
    assert len(messages) == 1 and messages[0].tenant_id == world.township.id
    assert world.users["township_staff"].id in messages[0].payload["user_ids"]
    assert "2027-01-04" in messages[0].payload["body"]
    # Loading it again changes nothing.
    assert recompute(2027) == 0
    page = _page(
        app, world.users["township_staff"], f"/t/{world.township.slug}/cases/{scene['open']}"
    )
    assert 'id="due-estimated"' not in page


def test_a_year_the_deadline_does_not_reach_leaves_it_estimated(app, world, scene, calendar):
    recompute = work_calendar.recomputes()["casework"]
    assert recompute(2028) == 0
    db.session.commit()
    case = _case(world.township, scene["open"])
    assert case.due_on == date(2027, 1, 1) and case.due_estimated
