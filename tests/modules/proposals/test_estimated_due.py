"""An assignment's due date counted in working days over a year whose official calendar is not
loaded is an estimate: the assignment says so (API and page: 预计期限), and loading the year
recomputes it (`lianxin.work_calendar`'s registered "proposals" recompute), audited, with the unit
and the office told — on SQLite and PostgreSQL.

The calendar is replaced by a small fake: 2027 is first unknown (Monday to Friday), then official
with New Year's Day (Friday 1 January 2027) off.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin import work_calendar
from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import AssignInput, DraftInput, WindowInput
from lianxin.modules.proposals.models import Assignment, Event
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import bearer, login

ASSIGNED_ON = date(2026, 12, 14)  # a Monday
NEW_YEAR = date(2027, 1, 1)  # a Friday: a working day in the estimate, a holiday once official
BODY = DraftInput(kind="proposal", title="关于修建便民桥的提案", body="……", category="其他")


class FakeCalendar:
    def __init__(self) -> None:
        self.official = {2025, 2026}
        self.holidays: set[date] = set()

    def is_official(self, year: int) -> bool:
        return year in self.official

    def is_working_day(self, day: date, county_id: int | None = None) -> bool:
        return day.weekday() < 5 and day not in self.holidays


@pytest.fixture
def calendar(monkeypatch):
    fake = FakeCalendar()
    monkeypatch.setattr(work_calendar, "is_official", fake.is_official)
    monkeypatch.setattr(work_calendar, "is_working_day", fake.is_working_day)
    return fake


def _assigned(cast, tctx, office, world, day_count: str) -> int:
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "proposals", {"day_count": day_count})
    service.add_window(
        office,
        tctx,
        WindowInput(title="年底征集", opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 31)),
    )
    proposal = service.create_draft(cast.actors[0], tctx, BODY)
    service.invite(cast.actors[0], tctx, proposal.id, cast.reps[1:10])
    for i in range(1, 10):
        service.sign(cast.actors[i], tctx, proposal.id)
    service.submit(cast.actors[0], tctx, proposal.id, today=ASSIGNED_ON)
    service.accept(office, tctx, proposal.id, complexity="complex", today=ASSIGNED_ON)
    service.assign(
        office,
        tctx,
        proposal.id,
        AssignInput(lead_unit_id=cast.units["roads"][0]),
        today=ASSIGNED_ON,
    )
    return proposal.id


def _lead(proposal_id: int) -> Assignment:
    db.session.expire_all()
    return db.session.scalar(select(Assignment).where(Assignment.proposal_id == proposal_id))


def test_an_estimated_due_date_is_recomputed_when_the_year_is_loaded(
    app, clock, cast, tctx, office, world, calendar
):
    clock.today = ASSIGNED_ON
    pid = _assigned(cast, tctx, office, world, "working")
    # 30 working days from Monday 14 December 2026: 13 in December, then 17 in January 2027,
    # Friday 1 January counted as a working day by the estimate.
    lead = _lead(pid)
    assert lead.due_on == date(2027, 1, 25) and lead.due_estimated is True
    assert (lead.due_from, lead.due_days, lead.due_count) == (ASSIGNED_ON, 30, "working")
    unit_user = cast.units["roads"][1].user_id
    township_slug, proposal_url = tctx.slug, f"/t/{tctx.slug}/proposals/{pid}"

    # The page and the API say it is an estimate.
    page = app.test_client()
    login(page, world.users["township_staff"])
    assert "预计期限" in page.get(proposal_url).get_data(as_text=True)
    api = app.test_client().get(
        f"/api/v1/t/{township_slug}/proposals/proposals/{pid}",
        headers=bearer(world.users["township_staff"]),
    )
    assert api.get_json()["assignments"][0]["due_estimated"] is True

    # Nothing moves while 2027 is still unknown.
    recompute = work_calendar.recomputes()["proposals"]
    assert recompute(2027) == 0
    assert _lead(pid).due_on == date(2027, 1, 25)

    # The operator loads 2027 with New Year's Day off: one working day later, no longer estimated.
    calendar.official.add(2027)
    calendar.holidays.add(NEW_YEAR)
    with work_calendar.loading_as(actor(world.users["platform"])):
        assert recompute(2027) == 1
    db.session.commit()
    lead = _lead(pid)
    assert lead.due_on == date(2027, 1, 26) and lead.due_estimated is False
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "proposal.due_recomputed")
    )
    assert entry.before == {"due_on": "2027-01-25", "due_estimated": True}
    assert entry.after["due_on"] == "2027-01-26" and entry.after["due_estimated"] is False
    assert entry.actor_user_id == world.users["platform"].id
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.contains(f":{pid}:due:"))
    ).all()
    assert len(told) == 1 and told[0].payload["title"].startswith("办理期限已调整")
    assert unit_user in told[0].payload["user_ids"]
    assert world.users["township_staff"].id in told[0].payload["user_ids"]
    assert "2027-01-26" in told[0].payload["body"]
    events = db.session.scalars(select(Event).where(Event.action == "due_recomputed")).all()
    assert len(events) == 1 and "2027-01-26" in events[0].note
    assert "预计期限" not in page.get(proposal_url).get_data(as_text=True)
    # Run again: nothing left to recompute.
    assert recompute(2027) == 0


def test_a_calendar_day_due_date_is_never_an_estimate(clock, cast, tctx, office, world, calendar):
    clock.today = ASSIGNED_ON
    pid = _assigned(cast, tctx, office, world, "calendar")
    lead = _lead(pid)
    assert lead.due_on == date(2027, 1, 13) and lead.due_estimated is False
    calendar.official.add(2027)
    calendar.holidays.add(NEW_YEAR)
    assert work_calendar.recomputes()["proposals"](2027) == 0
    assert _lead(pid).due_on == date(2027, 1, 13)


def test_an_extension_into_an_unknown_year_is_estimated_and_replayed(
    clock, cast, tctx, office, world, calendar
):
    """A due date inside 2026 is official; an approved extension into 2027 makes it an
    estimate, and the recompute replays the extension over the official 2027."""
    clock.today = date(2026, 12, 1)  # a Tuesday
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "proposals", {"day_count": "working"})
    service.add_window(
        office,
        tctx,
        WindowInput(title="征集", opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 31)),
    )
    proposal = service.create_draft(cast.actors[0], tctx, BODY)
    service.invite(cast.actors[0], tctx, proposal.id, cast.reps[1:10])
    for i in range(1, 10):
        service.sign(cast.actors[i], tctx, proposal.id)
    service.submit(cast.actors[0], tctx, proposal.id)
    service.accept(office, tctx, proposal.id, complexity="simple")
    service.assign(office, tctx, proposal.id, AssignInput(lead_unit_id=cast.units["roads"][0]))
    lead = _lead(proposal.id)
    assert lead.due_on == date(2026, 12, 15) and lead.due_estimated is False
    extension = service.request_extension(
        cast.units["roads"][1], tctx, proposal.id, 20, "需要协调资金"
    )
    service.decide_extension(office, tctx, extension.id, approve=True)
    # 20 working days after Tuesday 15 December: 12 in December, Friday 1 January (estimated
    # as a working day), then 4–8 and 11–12 January.
    lead = _lead(proposal.id)
    assert lead.due_on == date(2027, 1, 12) and lead.due_estimated is True
    calendar.official.add(2027)
    calendar.holidays.add(NEW_YEAR)
    assert work_calendar.recomputes()["proposals"](2027) == 1
    lead = _lead(proposal.id)
    assert lead.due_on == date(2027, 1, 13) and lead.due_estimated is False
