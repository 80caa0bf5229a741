"""Issue 19: "提前三个工作日公布" counts the working days strictly before the duty day (for a
Saturday duty: Friday, Thursday, Wednesday), a shift may be handed to a substitute inside the
lead time with a recorded reason (audited, the public roster shows the substitute), and a roster
over a year whose official holidays are not known is published only with a confirmation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin import work_calendar
from lianxin.audit.models import AuditEntry
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import ValidationFailed
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations.inputs import RosterPublishInput, SwapInputSchema
from lianxin.modules.workstations.models import Shift
from lianxin.usecases import load_input
from tests.helpers import assert_error, bearer, login

from .test_service import shift, station_input

SATURDAY = date(2025, 10, 18)  # an ordinary Saturday (the worked Saturday of October is the 11th)


@pytest.fixture
def station(world, office, reps, tctx):
    st = ws.create_station(office, tctx, station_input())
    ws.set_representatives(office, tctx, st.id, [reps["a"].id, reps["b"].id])
    return st


@pytest.fixture
def on(monkeypatch):
    """`on(day)`: the Shanghai date the service sees from now on."""

    def set_today(day: date) -> date:
        monkeypatch.setattr(deadlines, "shanghai_today", lambda now=None: day)
        return day

    return set_today


def test_a_saturday_duty_published_on_wednesday_is_in_time_and_on_thursday_is_not(
    app, office, reps, tctx, station, on
):
    on(date(2025, 10, 13))
    duty = shift(office, tctx, station, reps["a"], SATURDAY)
    on(date(2025, 10, 16))  # Thursday: only Thursday and Friday are left
    assert ws.earliest_publishable(tctx.id) == date(2025, 10, 21)
    with pytest.raises(ws.RosterRuleBroken):
        ws.publish_shift(office, tctx, duty.id)
    db.session.rollback()
    assert not db.session.get(Shift, (tctx.id, duty.id)).published
    on(date(2025, 10, 15))  # Wednesday: Wednesday, Thursday, Friday
    assert ws.earliest_publishable(tctx.id) == SATURDAY
    assert ws.publish_shift(office, tctx, duty.id).published


def test_the_holiday_week_counts_the_worked_sunday_and_not_the_holidays(
    app, office, reps, tctx, station, on
):
    # Saturday 4 October 2025 is inside the National Day holiday (1–8 October); Sunday 28
    # September is a worked day (调休). From the 28th: 28, 29, 30 September — in time.
    on(date(2025, 9, 26))
    duty = shift(office, tctx, station, reps["a"], date(2025, 10, 4))
    on(date(2025, 9, 29))  # Monday: 29 and 30 only
    october_4 = RosterPublishInput(date(2025, 10, 4), date(2025, 10, 4))
    with pytest.raises(ws.RosterRuleBroken):
        ws.publish_roster(office, tctx, station.id, october_4)
    db.session.rollback()
    on(date(2025, 9, 28))
    assert ws.earliest_publishable(tctx.id) == date(2025, 10, 1)
    ws.publish_roster(office, tctx, station.id, october_4)
    assert db.session.get(Shift, (tctx.id, duty.id)).published


def test_a_lead_time_of_one_working_day(app, world, office, reps, tctx, station, on):
    from lianxin.tenants import service as tenants
    from tests.factories import actor

    tenants.update_township_settings(
        actor(world.users["township_admin"]), tctx, "workstations", {"roster_lead_working_days": 1}
    )
    on(date(2025, 10, 13))
    duty = shift(office, tctx, station, reps["a"], SATURDAY)
    on(SATURDAY)  # the day itself: no working day before it is left
    with pytest.raises(ws.RosterRuleBroken):
        ws.publish_shift(office, tctx, duty.id)
    db.session.rollback()
    on(date(2025, 10, 17))  # Friday
    assert ws.publish_shift(office, tctx, duty.id).published


# --- a substitute inside the lead time -----------------------------------------------------------


def _published_saturday(office, tctx, station, reps, on):
    on(date(2025, 10, 13))
    duty = shift(office, tctx, station, reps["a"], SATURDAY)
    ws.publish_shift(office, tctx, duty.id)
    return duty


def test_a_substitute_inside_the_lead_time_needs_a_reason_and_is_audited(
    app, world, client, office, reps, tctx, station, on
):
    duty = _published_saturday(office, tctx, station, reps, on)
    on(date(2025, 10, 16))  # inside the lead time: 张秀英 falls ill
    with pytest.raises(ws.RosterRuleBroken):
        ws.swap_shift(office, tctx, duty.id, reps["b"].id)
    db.session.rollback()
    with pytest.raises(ValidationFailed) as blank:
        load_input(SwapInputSchema, {"representative_id": reps["b"].id, "reason": "  "})
    assert "reason" in blank.value.errors
    db.session.rollback()
    swapped = ws.swap_shift(office, tctx, duty.id, reps["b"].id, reason="张秀英生病住院")
    assert swapped.representative_id == reps["b"].id and swapped.published
    assert swapped.swap_reason == "张秀英生病住院"
    assert swapped.replaced_representative_id == reps["a"].id
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "workstation.shift_substitute")
    )
    assert entry.before == {"rep": reps["a"].id}
    assert entry.after == {"rep": reps["b"].id, "reason": "张秀英生病住院"}
    public = client.get(f"/p/{world.township.slug}/workstations/{station.id}")
    text = public.get_data(as_text=True)
    roster = text.split('id="roster"')[1].split("</table>")[0]
    assert "李建国" in roster and "替补" in roster and "张秀英" not in roster


def test_a_substitute_through_the_api_and_the_page(
    app, world, client, office, reps, tctx, station, on
):
    duty = _published_saturday(office, tctx, station, reps, on)
    on(date(2025, 10, 16))
    staff = bearer(world.users["township_staff"])
    url = f"/api/v1/t/{world.township.slug}/workstations/shifts/{duty.id}/swap"
    assert_error(
        client.post(url, headers=staff, json={"representative_id": reps["b"].id}),
        409,
        "roster_rule",
    )
    done = client.post(
        url, headers=staff, json={"representative_id": reps["b"].id, "reason": "生病"}
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["representative_id"] == reps["b"].id
    assert done.get_json()["swap_reason"] == "生病"
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{world.township.slug}/workstations/{station.id}")
    assert 'name="reason"' in page.get_data(as_text=True)
    back = client.post(
        f"/t/{world.township.slug}/workstations/shifts/{duty.id}/swap",
        data={"representative_id": reps["a"].id, "reason": "已康复"},
    )
    assert back.status_code == 302
    with tenant_context(world.township.id):
        db.session.expire_all()
        row = db.session.get(Shift, (world.township.id, duty.id))
        assert row.representative_id == reps["a"].id and row.swap_reason == "已康复"


# --- a year whose official calendar is not known ------------------------------------------------


@pytest.fixture
def estimated_2026(monkeypatch):
    monkeypatch.setattr(work_calendar, "is_official", lambda year: year < 2026)


def test_a_roster_over_an_estimated_year_needs_a_confirmation(
    app, office, reps, tctx, station, on, estimated_2026
):
    on(date(2025, 12, 15))
    january = shift(office, tctx, station, reps["a"], date(2026, 1, 10))
    december = shift(office, tctx, station, reps["b"], date(2025, 12, 27))
    with pytest.raises(ws.CalendarEstimated) as refused:
        ws.publish_roster(
            office, tctx, station.id, RosterPublishInput(date(2025, 12, 27), date(2026, 1, 10))
        )
    assert refused.value.code == "calendar_estimated"
    db.session.rollback()
    assert ws.publish_shift(office, tctx, december.id).published  # 2025 is official
    with pytest.raises(ws.CalendarEstimated):
        ws.publish_shift(office, tctx, january.id)
    db.session.rollback()
    ws.publish_roster(
        office,
        tctx,
        station.id,
        RosterPublishInput(date(2026, 1, 1), date(2026, 1, 31), confirm_estimated_calendar=True),
    )
    assert db.session.get(Shift, (tctx.id, january.id)).published
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "workstation.roster_publish")
    )
    assert entry.after["calendar_estimated"] is True


def test_the_confirmation_through_the_api_and_the_page(
    app, world, client, office, reps, tctx, station, on, estimated_2026
):
    on(date(2025, 12, 15))
    january = shift(office, tctx, station, reps["a"], date(2026, 1, 10))
    url = f"/api/v1/t/{world.township.slug}/workstations/stations/{station.id}/publish"
    staff = bearer(world.users["township_staff"])
    span = {"date_from": "2026-01-01", "date_to": "2026-01-31"}
    body = assert_error(client.post(url, headers=staff, json=span), 409, "calendar_estimated")
    assert "confirm_estimated_calendar" in body["errors"]
    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/workstations"
    page = client.get(f"{base}/{station.id}").get_data(as_text=True)
    assert "该年度国家节假日尚未公布，日期按周一至周五预估，确认发布" in page
    client.post(f"{base}/{station.id}/publish", data=span)
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert not db.session.get(Shift, (world.township.id, january.id)).published
    done = client.post(url, headers=staff, json={**span, "confirm_estimated_calendar": True})
    assert done.status_code == 200, done.get_json()
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert db.session.get(Shift, (world.township.id, january.id)).published


def test_the_page_checkbox_publishes(
    app, world, client, office, reps, tctx, station, on, estimated_2026
):
    on(date(2025, 12, 15))
    january = shift(office, tctx, station, reps["a"], date(2026, 1, 10))
    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/workstations"
    client.post(
        f"{base}/{station.id}/publish",
        data={
            "date_from": "2026-01-01",
            "date_to": "2026-01-31",
            "confirm_estimated_calendar": "1",
        },
    )
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert db.session.get(Shift, (world.township.id, january.id)).published
