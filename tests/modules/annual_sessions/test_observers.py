"""Observers (列席人员, seeds 004 and 001张家港 "其他人员需要列席会议"): the office records migrant
party members, people's-congress deputies, CPPCC members and others per session, may check them
in on the session's days, and they are never counted in 应到, 到会, the quorum or a vote. Pages,
API, audit and the register's export."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import (
    HandsInput,
    ObserverInput,
    SessionObserverCreateSchema,
    VoteInput,
)
from lianxin.modules.annual_sessions.models import SessionState
from lianxin.usecases import load_input
from tests.helpers import assert_error, bearer, login
from tests.modules.annual_sessions.conftest import SESSION_DAY
from tests.modules.annual_sessions.test_service import _fixed, _present
from tests.modules.annual_sessions.test_session_days import _at_shanghai

KINDS = ("migrant_member", "congress_deputy", "cppcc_member", "other", "migrant_member")


def _observers(office, tctx, session_id, n=5):
    return [
        service.add_observer(
            office,
            tctx,
            session_id,
            ObserverInput(name=f"列席{i}", kind=KINDS[i % len(KINDS)], unit=f"单位{i}"),
        )
        for i in range(n)
    ]


def _roll(office, tctx, session_id):
    r = service.roll(tctx, service.get_session(office, tctx, session_id))
    return (r.expected, r.present, r.on_leave, r.absent, r.quorum_needed, r.quorum_met)


def test_observers_change_nothing_of_the_roll_or_the_quorum(clock, cast, tctx, office, world):
    _fixed(cast, tctx, office, world)
    clock.today = SESSION_DAY
    _present(cast, tctx, range(20, 99))  # 79 of 应到 100: one short of the quorum of 80
    before = _roll(office, tctx, cast.session)
    assert before == (100, 79, 0, 21, 80, False)
    rows = _observers(office, tctx, cast.session, n=5)
    assert _roll(office, tctx, cast.session) == before
    for row in rows:
        service.check_in_observer(office, tctx, row.id)
    assert _roll(office, tctx, cast.session) == before  # five observers here: still 79
    count = service.observer_count(tctx, service.get_session(office, tctx, cast.session))
    assert (count.registered, count.checked_in) == (5, 5)
    with pytest.raises(Conflict) as below:
        service.open_session(office, tctx, cast.session)
    assert below.value.code == "quorum_not_met"
    assert len(service.expected_reps(tctx, service.get_session(office, tctx, cast.session))) == 100
    assert len(service.attendance(office, tctx, cast.session)) == 100


def test_observers_are_not_in_a_vote(clock, cast, tctx, office, world):
    first, _second = _fixed(cast, tctx, office, world)
    clock.today = SESSION_DAY
    _present(cast, tctx, range(0, 80))
    for row in _observers(office, tctx, cast.session, n=10):
        service.check_in_observer(office, tctx, row.id)
    service.open_session(office, tctx, cast.session)
    session = service.get_session(office, tctx, cast.session)
    assert session.expected_count == 100  # frozen at opening, without the observers
    vote = service.create_vote(office, tctx, first.id, VoteInput(method="hands"))
    assert vote.expected_count == 100
    with pytest.raises(ValidationFailed):  # at most those present: 80, not 90
        service.record_hands(office, tctx, vote.id, HandsInput(yes=85, no=0, abstain=0))
    service.record_hands(office, tctx, vote.id, HandsInput(yes=50, no=30, abstain=0))
    assert vote.passed is False  # 50 is not more than half of 应到 100


def test_recording_checking_in_and_removing(clock, cast, tctx, office, world):
    row = service.add_observer(
        office, tctx, cast.session, ObserverInput(name="王流动", kind="migrant_member", unit="某村")
    )
    with pytest.raises(ValidationFailed) as twice:
        service.add_observer(office, tctx, cast.session, ObserverInput(name="王流动", unit="某村"))
    assert "name" in twice.value.errors
    with pytest.raises(Conflict):  # the agenda is not fixed: no check-in yet
        service.check_in_observer(office, tctx, row.id)
    with pytest.raises(PermissionDenied):  # a representative does not keep the list
        service.add_observer(cast.actors[2], tctx, cast.session, ObserverInput(name="某人"))
    with pytest.raises(PermissionDenied):
        service.observers(cast.actors[2], tctx, cast.session)
    _fixed(cast, tctx, office, world)
    clock.today = date(2026, 3, 19)  # the day before
    with pytest.raises(Conflict):
        service.check_in_observer(office, tctx, row.id)
    clock.today = SESSION_DAY
    service.check_in_observer(office, tctx, row.id)
    assert row.checked_in_at is not None
    with pytest.raises(Conflict) as again:
        service.check_in_observer(office, tctx, row.id)
    assert again.value.code == "already_checked_in"
    with pytest.raises(Conflict):  # checked in: the record stands
        service.remove_observer(office, tctx, row.id)
    mistake = service.add_observer(office, tctx, cast.session, ObserverInput(name="误登记"))
    service.remove_observer(office, tctx, mistake.id)
    assert [o.name for o in service.observers(office, tctx, cast.session)] == ["王流动"]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_type == "annual_session_observer")
    ).all()
    assert sorted(actions) == sorted(
        [
            "annual_session.observer_add",
            "annual_session.observer_check_in",
            "annual_session.observer_add",
            "annual_session.observer_remove",
        ]
    )


def test_check_in_until_2359_of_the_last_day(clock, cast, tctx, office, world, monkeypatch):
    _fixed(cast, tctx, office, world)
    late, in_time = _observers(office, tctx, cast.session, n=2)
    _at_shanghai(monkeypatch, datetime(2026, 3, 20, 15, 59, tzinfo=UTC))  # 23:59 of the day
    service.check_in_observer(office, tctx, in_time.id)
    _at_shanghai(monkeypatch, datetime(2026, 3, 20, 16, 0, tzinfo=UTC))  # 00:00 the day after
    with pytest.raises(Conflict):
        service.check_in_observer(office, tctx, late.id)


def test_a_closed_session_takes_no_more_observers(clock, cast, tctx, office, world):
    _fixed(cast, tctx, office, world)
    clock.today = SESSION_DAY
    _present(cast, tctx, range(0, 80))
    kept = _observers(office, tctx, cast.session, n=1)[0]
    service.open_session(office, tctx, cast.session)
    service.close_session(office, tctx, cast.session)
    assert service.get_session(office, tctx, cast.session).state == SessionState.CLOSED
    with pytest.raises(Conflict):
        service.add_observer(office, tctx, cast.session, ObserverInput(name="迟到者"))
    with pytest.raises(Conflict):
        service.remove_observer(office, tctx, kept.id)


def test_the_input_is_checked():
    with pytest.raises(ValidationFailed) as bad:
        load_input(SessionObserverCreateSchema, {"name": "", "kind": "village"})
    assert set(bad.value.errors) == {"name", "kind"}
    data = load_input(SessionObserverCreateSchema, {"name": " 李委员 ", "kind": "cppcc_member"})
    assert (data.name, data.kind, data.unit) == ("李委员", "cppcc_member", "")


def _client(app, user):
    client = app.test_client()
    login(client, db.session.get(User, user.id))
    return client


def test_the_pages(app, clock, cast, world, office):
    base = f"/t/{world.township.slug}/annual_sessions/{cast.session}"
    staff = _client(app, world.users["township_staff"])
    page = staff.get(f"{base}/observers").get_data(as_text=True)
    assert 'id="no-observers"' in page and "不计入应到人数（100 人）和法定人数（80 人）" in page
    bad = staff.post(f"{base}/observers", data={"name": "", "kind": "other", "unit": "县政协"})
    assert bad.status_code == 422 and 'value="县政协"' in bad.get_data(as_text=True)
    ok = staff.post(
        f"{base}/observers", data={"name": "张代表", "kind": "congress_deputy", "unit": "县人大"}
    )
    assert ok.status_code == 302
    page = staff.get(f"{base}/observers").get_data(as_text=True)
    assert "张代表" in page and "人大代表" in page and "县人大" in page
    session_page = staff.get(base).get_data(as_text=True)
    assert "列席人员 1 人" in session_page and 'id="observers-link"' in session_page
    with tenant_context(world.township.id):
        _fixed(cast, world.township, office, world)
        (row,) = service.observers(office, world.township, cast.session)
        row_id = row.id
    clock.today = SESSION_DAY
    assert staff.post(f"{base}/observers/{row_id}/check-in").status_code == 302
    page = staff.get(f"{base}/observers").get_data(as_text=True)
    assert 'data-checked-in="1"' in page
    roll = staff.get(f"{base}/roll.json").get_json()
    assert (roll["expected"], roll["present"]) == (100, 0)
    export = staff.get(f"{base}/observers.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "类别", "单位或身份")
    assert rows[1][:3] == ("张代表", "人大代表", "县人大")
    rep = _client(app, cast.users[2])
    assert rep.get(f"{base}/observers").status_code == 403
    assert rep.post(f"{base}/observers", data={"name": "某人"}).status_code == 403
    assert 'id="observers-link"' not in rep.get(base).get_data(as_text=True)


def test_the_api(app, clock, cast, world, office):
    api = f"/api/v1/t/{world.township.slug}/annual_sessions"
    staff = bearer(world.users["township_staff"])
    client = app.test_client()
    made = client.post(
        f"{api}/sessions/{cast.session}/observers",
        headers=staff,
        json={"name": "李党员", "kind": "migrant_member", "unit": "外出流动党员"},
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["kind"] == "migrant_member" and body["checked_in_at"] is None
    assert_error(
        client.post(f"{api}/sessions/{cast.session}/observers", headers=staff, json={"name": ""}),
        422,
    )
    listed = client.get(f"{api}/sessions/{cast.session}/observers", headers=staff)
    assert [o["name"] for o in listed.get_json()] == ["李党员"]
    assert "X-Pagination" in listed.headers
    with tenant_context(world.township.id):
        _fixed(cast, world.township, office, world)
    clock.today = SESSION_DAY
    done = client.post(f"{api}/observers/{body['id']}/check-in", headers=staff)
    assert done.status_code == 200 and done.get_json()["checked_in_at"]
    assert_error(
        client.post(f"{api}/observers/{body['id']}/check-in", headers=staff),
        409,
        "already_checked_in",
    )
    assert_error(client.delete(f"{api}/observers/{body['id']}", headers=staff), 409)
    detail = client.get(f"{api}/sessions/{cast.session}", headers=staff).get_json()
    assert detail["observers"] == {"registered": 1, "checked_in": 1}
    assert (detail["roll"]["expected"], detail["roll"]["present"]) == (100, 0)
    other = client.post(
        f"{api}/sessions/{cast.session}/observers", headers=staff, json={"name": "误登记"}
    ).get_json()
    assert client.delete(f"{api}/observers/{other['id']}", headers=staff).status_code == 204
    assert client.get(f"{api}/observers/{other['id']}", headers=staff).status_code == 404
    rep = bearer(db.session.get(User, cast.users[2].id))
    assert client.get(f"{api}/sessions/{cast.session}/observers", headers=rep).status_code == 403
