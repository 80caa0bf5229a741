"""The workstations rules, through the service, on both backends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.casework.deadlines import shanghai_today
from lianxin.casework.models import Case, Channel
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations.inputs import (
    AppointmentInput,
    CommitmentChangeSchema,
    CommitmentInput,
    CommitmentInputSchema,
    MeetingCaseInput,
    MeetingInput,
    MeetingInputSchema,
    RosterPublishInput,
    ShiftInput,
    StationInput,
    StationInputSchema,
)
from lianxin.modules.workstations.models import MonthlyReport, Shift
from lianxin.people import service as people
from lianxin.storage.models import StoredFile
from lianxin.usecases import load_input
from tests.factories import actor

STATION = {
    "kind": "village",
    "name": "东关村代表联络站",
    "address": "东关村村委会一楼",
    "phone": "0571-88888888",
    "hours": "每周六 9:00-12:00",
    "liaison_name": "赵联络",
    "liaison_phone": "13900000000",
    "rules": "首问负责制",
}


def station_input(**changes) -> StationInput:
    """STATION as the service takes it, with `changes`."""
    return StationInput(**{**STATION, **changes})


@pytest.fixture
def station(world, office, reps, tctx):
    st = ws.create_station(office, tctx, station_input())
    ws.set_representatives(office, tctx, st.id, [reps["a"].id, reps["b"].id])
    return st


def shift(office, township, station, rep, day, start="09:00", end="12:00"):
    return ws.add_shift(office, township, station.id, ShiftInput(rep.id, day, start, end))


def test_station_create_edit_and_permissions(app, world, office, reps, tctx, station):
    assert [r.name for r in ws.station_representatives(tctx, station)] == ["李建国", "张秀英"]
    rep_user = actor(world.users["representative"])
    assert ws.list_stations(rep_user, tctx)[0].name == STATION["name"]
    with pytest.raises(PermissionDenied):
        ws.create_station(rep_user, tctx, station_input(name="x"))
    with pytest.raises(ValidationFailed) as exc:
        load_input(StationInputSchema, {**STATION, "kind": "palace"})
    assert "kind" in exc.value.errors
    with pytest.raises(ValidationFailed):
        ws.create_station(office, tctx, station_input())  # same name
    ws.update_station(
        office,
        tctx,
        station.id,
        load_input(StationInputSchema, {"hours": "周一至周五晚上"}, partial=True),
    )
    assert station.hours == "周一至周五晚上" and station.address == STATION["address"]
    outsider = actor(world.users["other_admin"])
    with pytest.raises(NotFound):
        ws.get_station(outsider, tctx, station.id)


def test_an_ended_representative_cannot_be_attached_or_put_on_duty(
    app, world, office, reps, tctx, station, today
):
    admin = actor(world.users["township_admin"])
    people.end_qualification(admin, tctx, reps["c"].id, reason="resigned", on=date(2025, 9, 1))
    with pytest.raises(ValidationFailed):
        ws.set_representatives(office, tctx, station.id, [reps["a"].id, reps["c"].id])
    with pytest.raises(ws.RosterRuleBroken):
        shift(office, tctx, station, reps["c"], date(2025, 10, 9))
    assert db.session.scalar(select(Shift.id)) is None


def test_overlapping_shifts_for_one_person_are_refused(app, office, reps, tctx, station, today):
    day = date(2025, 10, 9)
    shift(office, tctx, station, reps["a"], day, "09:00", "12:00")
    with pytest.raises(ws.RosterRuleBroken):
        shift(office, tctx, station, reps["a"], day, "11:00", "13:00")
    other = ws.create_station(office, tctx, station_input(name="第二站"))
    with pytest.raises(ws.RosterRuleBroken):  # at another station too
        shift(office, tctx, other, reps["a"], day, "10:00", "10:30")
    shift(office, tctx, station, reps["a"], day, "12:00", "14:00")  # touching is fine
    shift(office, tctx, station, reps["b"], day, "09:00", "12:00")  # another person is fine
    with pytest.raises(ValidationFailed):
        shift(office, tctx, station, reps["b"], day, "15:00", "14:00")
    with pytest.raises(ValidationFailed):
        shift(office, tctx, station, reps["b"], today - timedelta(days=1))


def test_publish_needs_n_working_days_across_the_holiday_weekend(
    app, office, reps, tctx, station, today
):
    # From Friday 26 Sep 2025: Sunday 28 is a worked day (调休), so 3 working days → Tue 30 Sep.
    assert ws.earliest_publishable(tctx.id) == date(2025, 9, 30)
    near = shift(office, tctx, station, reps["a"], date(2025, 9, 29))
    far = shift(office, tctx, station, reps["b"], date(2025, 9, 30))
    with pytest.raises(ws.RosterRuleBroken):
        ws.publish_shift(office, tctx, near.id)
    with pytest.raises(ws.RosterRuleBroken):  # all or nothing
        ws.publish_roster(
            office, tctx, station.id, RosterPublishInput(date(2025, 9, 29), date(2025, 9, 30))
        )
    assert not far.published and not near.published
    ws.publish_roster(
        office, tctx, station.id, RosterPublishInput(date(2025, 9, 30), date(2025, 9, 30))
    )
    assert far.published and not near.published


def test_setting_changes_the_lead_time(app, office, reps, tctx, station, today):
    from lianxin.tenants.models import TownshipModule

    module = db.session.scalar(
        select(TownshipModule).where(
            TownshipModule.township_id == tctx.id, TownshipModule.module_key == "workstations"
        )
    )
    module.settings = {"roster_lead_working_days": 0}
    db.session.commit()
    assert ws.earliest_publishable(tctx.id) == today
    near = shift(office, tctx, station, reps["a"], today)
    ws.publish_shift(office, tctx, near.id)
    assert near.published


def test_swapping_keeps_the_rules(app, world, office, reps, tctx, station, today, monkeypatch):
    day = date(2025, 10, 9)
    s1 = shift(office, tctx, station, reps["a"], day, "09:00", "12:00")
    shift(office, tctx, station, reps["b"], day, "10:00", "11:00")
    with pytest.raises(ws.RosterRuleBroken):  # b would overlap themself
        ws.swap_shift(office, tctx, s1.id, reps["b"].id)
    admin = actor(world.users["township_admin"])
    people.end_qualification(admin, tctx, reps["c"].id, reason="resigned", on=date(2025, 9, 1))
    with pytest.raises(ws.RosterRuleBroken):
        ws.swap_shift(office, tctx, s1.id, reps["c"].id)
    assert s1.representative_id == reps["a"].id
    # A published shift too close to its date cannot be swapped any more.
    near = shift(office, tctx, station, reps["a"], date(2025, 10, 13))
    ws.publish_shift(office, tctx, near.id)
    ws.swap_shift(office, tctx, near.id, reps["b"].id)  # still far enough ahead today
    assert near.representative_id == reps["b"].id and near.published
    # Friday 10 October: Saturday 11 is worked, so the earliest is Tuesday 14 > Monday 13.
    monkeypatch.setattr(deadlines, "shanghai_today", lambda now=None: date(2025, 10, 10))
    with pytest.raises(ws.RosterRuleBroken):
        ws.swap_shift(office, tctx, near.id, reps["a"].id)
    assert near.representative_id == reps["b"].id


def test_meetings_create_cases_with_the_right_channel(app, office, reps, tctx, station, today):
    with pytest.raises(ValidationFailed) as exc:
        load_input(MeetingInputSchema, {"kind": "themed", "held_on": today.isoformat()})
    assert {"topic", "representative_ids"} <= set(exc.value.errors)
    themed = ws.create_meeting(
        office,
        tctx,
        station.id,
        MeetingInput("themed", today, "人居环境整治", [reps["a"].id, reps["b"].id]),
    )
    case_data = {
        "title": "垃圾清运不及时",
        "body": "三组垃圾桶满了没人清。",
        "raiser_name": "陈大姐",
        "raiser_phone": "13800000002",
    }
    with pytest.raises(ValidationFailed):  # must be one of the meeting's representatives
        ws.record_case(
            office, tctx, themed.id, MeetingCaseInput(**case_data, received_by_id=reps["c"].id)
        )
    made = ws.record_case(
        office, tctx, themed.id, MeetingCaseInput(**case_data, received_by_id=reps["b"].id)
    )
    case = made.case
    assert (case.channel, case.source_type, case.source_id, case.received_by_id) == (
        Channel.THEMED_VISIT,
        "workstation",
        station.id,
        reps["b"].id,
    )
    for kind, channel in (
        ("regular", Channel.REGULAR_VISIT),
        ("concentrated", Channel.CONCENTRATED_VISIT),
        ("appointed", Channel.APPOINTED_VISIT),
    ):
        meeting = ws.create_meeting(
            office, tctx, station.id, MeetingInput(kind, today, representative_ids=[reps["a"].id])
        )
        made = ws.record_case(office, tctx, meeting.id, MeetingCaseInput(**case_data))
        assert made.case.channel == channel and made.case.received_by_id == reps["a"].id
    with pytest.raises(ValidationFailed):  # appointed: exactly one named representative
        load_input(MeetingInputSchema, {"kind": "appointed", "held_on": today.isoformat()})


def test_public_appointment_for_a_named_representative(app, reps, tctx, station):
    data = {
        "representative_id": reps["a"].id,
        "title": "想约张代表谈宅基地",
        "body": "宅基地审批的事。",
        "raiser_phone": "13800000003",
    }
    made = ws.request_appointment(tctx, station.id, AppointmentInput(**data))
    assert made.case.channel == Channel.APPOINTED_VISIT
    assert made.case.received_by_id == reps["a"].id and made.case.source_id == station.id
    assert casework.find_by_code(tctx, made.tracking_code).id == made.case.id
    with pytest.raises(NotFound):  # not attached to this station
        ws.request_appointment(
            tctx, station.id, AppointmentInput(**{**data, "representative_id": reps["c"].id})
        )
    with pytest.raises(ValidationFailed):
        ws.request_appointment(tctx, station.id, AppointmentInput(**{**data, "raiser_phone": ""}))


def test_commitments(app, world, office, reps, tctx, station):
    c = ws.add_commitment(
        office, tctx, CommitmentInput(reps["a"].id, "年内修好村道路灯", date(2025, 12, 31))
    )
    ws.update_commitment(
        office,
        tctx,
        c.id,
        load_input(CommitmentChangeSchema, {"outcome": "已完成，新装路灯12盏"}, partial=True),
    )
    assert ws.list_commitments(office, tctx, [reps["a"].id])[0].outcome.startswith("已完成")
    with pytest.raises(ValidationFailed):
        load_input(
            CommitmentInputSchema, {"representative_id": reps["a"].id, "text": "", "deadline": "x"}
        )
    with pytest.raises(PermissionDenied):
        ws.add_commitment(
            actor(world.users["representative"]),
            tctx,
            CommitmentInput(reps["a"].id, "t", date(2025, 12, 31)),
        )


def test_monthly_figures_and_the_stored_report(app, office, reps, tctx, station):
    meeting = ws.create_meeting(
        office,
        tctx,
        station.id,
        MeetingInput("regular", shanghai_today(), representative_ids=[reps["a"].id]),
    )
    base = {"title": "路灯", "body": "坏了", "raiser_phone": "13800000004"}
    one = ws.record_case(office, tctx, meeting.id, MeetingCaseInput(**base)).case
    ws.record_case(office, tctx, meeting.id, MeetingCaseInput(**base))  # the same person again
    ws.record_case(
        office, tctx, meeting.id, MeetingCaseInput(**{**base, "raiser_phone": "13800000005"})
    )
    casework.receive(office, tctx, one.id)
    casework.handle_on_spot(office, tctx, one.id, "已联系电工，明天修。")
    casework.rate(tctx, db.session.get(Case, (tctx.id, one.id)), "satisfied")
    month = deadlines.shanghai_today().replace(day=1)
    fig = ws.monthly_figures(office, tctx, station.id, month)
    assert (fig.receptions, fig.people) == (3, 2)
    assert fig.on_time_rate == 1.0 and fig.satisfaction == 1.0
    assert sum(fig.by_state.values()) == 3
    report = ws.generate_monthly_report(tctx, station.id, month)
    stored = db.session.get(StoredFile, (tctx.id, report.file_id))
    assert stored.filename.endswith(".xlsx") and stored.size > 0
    from lianxin.storage.backends import storage

    with storage().open(stored.storage_key) as handle:
        assert handle.read(2) == b"PK"
    again = ws.generate_monthly_report(tctx, station.id, month)  # replaced, not duplicated
    assert db.session.scalars(select(MonthlyReport)).all() == [again]
