"""A visit at a station registered on someone's behalf (代为登记, issue 21) names the station, so
that it counts in the station's monthly report: required for a station's channels while the
workstations are on, refused (404) for another township's station, optional for a call."""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations.models import Station
from lianxin.tenants.models import TownshipModule
from tests.helpers import assert_error, bearer, login

from .test_service import station_input

VISIT = {
    "channel": "regular_visit",
    "category": "其他",
    "title": "村口路灯不亮",
    "body": "晚上看不见路。",
}


def _stations(world, office):
    """A station of ours, and one of the neighbouring township (its id to try from ours)."""
    with tenant_context(world.township.id):
        ours = ws.create_station(office, world.township, station_input()).id
    with tenant_context(world.other.id):
        theirs = Station(kind="village", name="乙镇联络站", address="", hours="", rules="")
        db.session.add(theirs)
        db.session.commit()
        return ours, theirs.id


def _month(case: Case) -> date:
    """The Shanghai month the case was received in (the report's month; the clock of the
    fixtures fixes the due-date calendar, not the creation time)."""
    at = case.created_at if case.created_at.tzinfo else case.created_at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo("Asia/Shanghai")).date().replace(day=1)


def _cases(world) -> list[Case]:
    with tenant_context(world.township.id):
        db.session.expire_all()
        return list(db.session.scalars(select(Case).order_by(Case.id)))


def test_the_office_form_asks_for_the_station_of_a_visit(app, world, client, office, today):
    ours, _theirs = _stations(world, office)
    login(client, world.users["township_staff"])
    url = f"/t/{world.township.slug}/cases/new"
    form = client.get(url).get_data(as_text=True)
    field = form.split('id="station-field"')[1].split("</div>")[0]
    assert 'data-shown-for="channel"' in field and "regular_visit" in field
    assert "themed_visit" in field and "phone" not in field.split("data-values=")[1].split('"')[1]
    assert f'<option value="{ours}"' in field and station_input().name in field

    missing = client.post(url, data=VISIT)
    assert missing.status_code == 422
    assert "请选择接待群众的工作站" in missing.get_data(as_text=True)
    assert _cases(world) == []

    done = client.post(url, data={**VISIT, "station_id": ours})
    assert done.status_code == 302
    (case,) = _cases(world)
    assert (case.source_type, case.source_id) == ("workstation", ours)
    with tenant_context(world.township.id):
        figures = ws.monthly_figures(office, world.township, ours, _month(case))
    assert figures.receptions == 1 and figures.by_channel == {"regular_visit": 1}


def test_the_api_takes_the_station_and_refuses_another_townships(app, world, client, office, today):
    ours, theirs = _stations(world, office)
    url = f"/api/v1/t/{world.township.slug}/cases/"
    staff = bearer(world.users["township_staff"])
    body = assert_error(client.post(url, headers=staff, json=VISIT), 422, "validation_error")
    assert "station_id" in body["errors"]
    assert_error(client.post(url, headers=staff, json={**VISIT, "station_id": theirs}), 404)
    assert_error(client.post(url, headers=staff, json={**VISIT, "station_id": 999999}), 404)
    assert _cases(world) == []
    made = client.post(url, headers=staff, json={**VISIT, "station_id": ours})
    assert made.status_code == 201, made.get_json()
    # A call needs no station; one made to the station's phone may still name it.
    call = {**VISIT, "channel": "phone"}
    assert client.post(url, headers=staff, json=call).status_code == 201
    assert client.post(url, headers=staff, json={**call, "station_id": ours}).status_code == 201
    assert [(c.channel, c.source_type, c.source_id) for c in _cases(world)] == [
        ("regular_visit", "workstation", ours),
        ("phone", None, None),
        ("phone", "workstation", ours),
    ]
    with tenant_context(world.township.id):
        month = _month(_cases(world)[0])
        assert ws.monthly_figures(office, world.township, ours, month).receptions == 2


def test_a_representative_registering_a_visit_names_the_station_too(
    app, world, client, office, reps, today
):
    ours, _theirs = _stations(world, office)
    rep_user = world.users["representative"]
    with tenant_context(world.township.id):  # the account is the representative 张秀英's
        db.session.get(type(reps["a"]), (world.township.id, reps["a"].id)).user_id = rep_user.id
        db.session.commit()
    url = f"/api/v1/t/{world.township.slug}/cases/"
    visit = {**VISIT, "channel": "themed_visit"}
    assert_error(client.post(url, headers=bearer(rep_user), json=visit), 422)
    assert (
        client.post(url, headers=bearer(rep_user), json={**visit, "station_id": ours}).status_code
        == 201
    )


def test_without_the_workstations_a_visit_needs_no_station(app, world, client, office, today):
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "workstations")
        .values(enabled=False)
    )
    db.session.commit()
    login(client, world.users["township_staff"])
    url = f"/t/{world.township.slug}/cases/new"
    assert 'id="station-field"' not in client.get(url).get_data(as_text=True)
    assert client.post(url, data=VISIT).status_code == 302
    (case,) = _cases(world)
    assert case.source_type is None


def test_a_meetings_case_keeps_its_own_source(app, world, office, reps, tctx, today):
    from lianxin.modules.workstations.inputs import MeetingCaseInput, MeetingInput

    station = ws.create_station(office, tctx, station_input())
    ws.set_representatives(office, tctx, station.id, [reps["a"].id])
    meeting = ws.create_meeting(
        office,
        tctx,
        station.id,
        MeetingInput(kind="regular", held_on=date(2025, 9, 26), representative_ids=[reps["a"].id]),
    )
    made = ws.record_case(office, tctx, meeting.id, MeetingCaseInput(title="路灯", body="不亮"))
    assert (made.case.source_type, made.case.source_id) == ("workstation", station.id)
