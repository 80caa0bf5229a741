"""Issue 19: a session may span days (开始日期 to 结束日期, end ≥ start, the end defaulting to the
start). Check-in is allowed on any day of it by the Asia/Shanghai date (23:59 of the last day
in, 00:00 of the day after out); after opening a representative may ask leave for the remaining
days, never for a day already past. The quorum is the session's: whoever checked in on any day
counts as 到会. The migration gives every existing session end = start. SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import ItemInput, SessionCreateSchema, SessionInput
from lianxin.modules.annual_sessions.models import AttendanceStatus, SessionState
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import assert_error, bearer
from tests.modules.annual_sessions.test_service import _present

DAY1, DAY2, DAY3, AFTER = date(2026, 4, 20), date(2026, 4, 21), date(2026, 4, 22), date(2026, 4, 23)
REAL_TODAY = deadlines.shanghai_today


def _at_shanghai(monkeypatch, utc: datetime) -> None:
    """The real Asia/Shanghai conversion, at a fixed UTC instant."""
    monkeypatch.setattr(deadlines, "shanghai_today", lambda now=None: REAL_TODAY(utc))


def _three_days(cast, tctx, office, world):
    session = service.create_session(
        office,
        tctx,
        SessionInput(title="三天的会议", held_on=DAY1, ends_on=DAY3, place="镇会议中心"),
    )
    committee = actor(world.users["committee_member"])
    item = service.propose_item(
        committee, tctx, session.id, ItemInput(title="报告", kind="report", proposer="committee")
    )
    service.decide_item(committee, tctx, item.id, accept=True)
    service.fix_agenda(office, tctx, session.id)
    return session


def test_the_end_date_defaults_to_the_start_and_is_never_before_it(clock, cast, tctx, office):
    one = service.create_session(
        office, tctx, SessionInput(title="一天的会议", held_on=DAY1, place="镇礼堂")
    )
    assert one.ends_on == DAY1
    with pytest.raises(ValidationFailed) as before:
        load_input(
            SessionCreateSchema,
            {"title": "倒着的会议", "held_on": DAY2, "ends_on": DAY1, "place": "镇礼堂"},
        )
    assert set(before.value.errors) == {"ends_on"}
    same = service.create_session(
        office, tctx, SessionInput(title="当天结束", held_on=DAY2, ends_on=DAY2, place="镇礼堂")
    )
    assert same.ends_on == DAY2


def test_check_in_on_any_day_until_2359_of_the_last(clock, cast, tctx, office, world, monkeypatch):
    session = _three_days(cast, tctx, office, world)
    clock.today = DAY2  # the second day: refused before issue 19 (only the first day)
    assert service.check_in(office, tctx, session.id, cast.reps[1]).status == "present"
    _at_shanghai(monkeypatch, datetime(2026, 4, 22, 15, 59, tzinfo=UTC))  # 23:59 of DAY3
    assert service.check_in(office, tctx, session.id, cast.reps[2]).status == "present"
    _at_shanghai(monkeypatch, datetime(2026, 4, 22, 16, 0, tzinfo=UTC))  # 00:00 of the day after
    with pytest.raises(Conflict) as late:
        service.check_in(office, tctx, session.id, cast.reps[3])
    assert "2026-04-20" in late.value.message and "2026-04-22" in late.value.message
    _at_shanghai(monkeypatch, datetime(2026, 4, 19, 15, 59, tzinfo=UTC))  # 23:59 the day before
    with pytest.raises(Conflict):
        service.check_in(office, tctx, session.id, cast.reps[4])


def test_leave_after_opening_for_the_remaining_days_only(clock, cast, tctx, office, world):
    session = _three_days(cast, tctx, office, world)
    clock.today = DAY1
    from lianxin.modules.annual_sessions.models import Attendance

    for i in range(20, 100):
        db.session.add(
            Attendance(
                session_id=session.id,
                representative_id=cast.reps[i],
                status=AttendanceStatus.PRESENT,
            )
        )
    db.session.commit()
    service.open_session(office, tctx, session.id)
    service.check_in(office, tctx, session.id, cast.reps[4])  # came on the first day
    clock.today = DAY2
    with pytest.raises(ValidationFailed) as past:  # the first day is over
        service.request_leave(cast.actors[3], tctx, session.id, "生病", leave_from=DAY1)
    assert set(past.value.errors) == {"leave_from"}
    with pytest.raises(ValidationFailed):  # after the session's last day
        service.request_leave(cast.actors[3], tctx, session.id, "生病", leave_from=AFTER)
    row = service.request_leave(cast.actors[3], tctx, session.id, "生病", leave_from=DAY2)
    assert (row.status, row.leave_from) == (AttendanceStatus.LEAVE_REQUESTED, DAY2)
    # Today by default; one who came on the first day stays 到会 with leave for the rest.
    left = service.request_leave(cast.actors[4], tctx, session.id, "家中有事")
    assert left.leave_from == DAY2
    service.decide_leave(office, tctx, session.id, cast.reps[4], approve=True)
    roll = service.roll(tctx, service.get_session(office, tctx, session.id))
    assert (roll.present, roll.left_early, roll.leave_requested) == (81, 1, 1)
    clock.today = AFTER
    with pytest.raises(Conflict):  # the session's days are over
        service.request_leave(cast.actors[5], tctx, session.id, "外出")


def test_a_one_day_session_refuses_leave_once_its_day_is_over(clock, cast, tctx, office, world):
    from tests.modules.annual_sessions.conftest import SESSION_DAY
    from tests.modules.annual_sessions.test_service import _fixed

    _fixed(cast, tctx, office, world)
    clock.today = SESSION_DAY
    _present(cast, tctx, range(20, 100))
    service.open_session(office, tctx, cast.session)
    row = service.request_leave(cast.actors[3], tctx, cast.session, "临时有事")
    assert row.leave_from == SESSION_DAY
    clock.today = date(2026, 3, 21)
    with pytest.raises(Conflict):
        service.request_leave(cast.actors[4], tctx, cast.session, "外出")
    assert service.get_session(office, tctx, cast.session).state == SessionState.OPEN


def test_the_api_takes_and_shows_the_end_date_and_the_leave_day(
    app, client, clock, cast, world, office
):
    staff = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{world.township.slug}/annual_sessions"
    body = {
        "title": "两天的会议",
        "held_on": "2026-04-20",
        "ends_on": "2026-04-19",
        "place": "镇里",
    }
    bad = assert_error(client.post(f"{base}/sessions", headers=staff, json=body), 422)
    assert set(bad["errors"]) == {"ends_on"}
    made = client.post(f"{base}/sessions", headers=staff, json={**body, "ends_on": "2026-04-21"})
    assert made.status_code == 201, made.get_data(as_text=True)[:500]
    assert (made.get_json()["held_on"], made.get_json()["ends_on"]) == ("2026-04-20", "2026-04-21")
    single = client.post(
        f"{base}/sessions", headers=staff, json={**body, "title": "一天", "ends_on": None}
    )
    assert single.get_json()["ends_on"] == "2026-04-20"
    with tenant_context(world.township.id):
        token = bearer(cast.users[3])
    asked = client.post(
        f"{base}/sessions/{cast.session}/leave",
        headers=token,
        json={"reason": "外出", "leave_from": "2026-03-20"},
    )
    assert asked.status_code == 200, asked.get_data(as_text=True)[:500]
    assert asked.get_json()["leave_from"] == "2026-03-20"


def test_the_pages_take_the_end_date_and_show_the_span(app, clock, cast, world):
    from lianxin.auth.models import User
    from tests.helpers import login

    client = app.test_client()
    login(client, db.session.get(User, world.users["township_staff"].id))
    base = f"/t/{world.township.slug}/annual_sessions"
    assert 'name="ends_on"' in client.get(f"{base}/").get_data(as_text=True)
    bad = client.post(
        f"{base}/",
        data={"title": "倒着", "held_on": "2026-04-21", "ends_on": "2026-04-20", "place": "镇里"},
    )
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.get_data(as_text=True)
    made = client.post(
        f"{base}/",
        data={"title": "三天", "held_on": "2026-04-20", "ends_on": "2026-04-22", "place": "镇里"},
    )
    assert made.status_code == 302
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "2026-04-20 至 2026-04-22" in page


@pytest.mark.sqlite_only
def test_the_migration_gives_existing_sessions_end_equal_to_start(app, clock, cast, tctx, tmp_path):
    from lianxin.db.migrate import downgrade, upgrade

    source = db.engine.url.database
    db.session.commit()
    copy = tmp_path / "before-0020.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    url = f"sqlite:///{copy}"
    downgrade(url, "0019_reception_notice")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(as_sessions)"))}
    assert "ends_on" not in columns
    upgrade(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, held_on, ends_on FROM as_sessions")).all()
    engine.dispose()
    assert rows and all(r.ends_on == r.held_on for r in rows)


def test_pages_offer_leave_for_the_remaining_days_and_show_check_in_in_china_time(
    app, clock, cast, world, office
):
    from lianxin.auth.models import User
    from lianxin.modules.annual_sessions.models import Attendance
    from tests.helpers import login

    with tenant_context(world.township.id):
        session = _three_days(cast, world.township, office, world)
        session_id = session.id
        clock.today = DAY1
        for i in range(20, 100):
            db.session.add(
                Attendance(
                    session_id=session_id,
                    representative_id=cast.reps[i],
                    status=AttendanceStatus.PRESENT,
                )
            )
        db.session.commit()
        service.open_session(office, world.township, session_id)
        row = service.check_in(office, world.township, session_id, cast.reps[5])
        row.checked_in_at = datetime(2026, 4, 20, 15, 7, tzinfo=UTC)  # 23:07 in China
        db.session.commit()
    clock.today = DAY2
    base = f"/t/{world.township.slug}/annual_sessions/{session_id}"
    rep = app.test_client()
    login(rep, db.session.get(User, cast.users[3].id))
    page = rep.get(base).get_data(as_text=True)
    assert 'name="leave_from"' in page and 'min="2026-04-21"' in page
    past = rep.post(f"{base}/leave", data={"reason": "生病", "leave_from": "2026-04-20"})
    assert past.status_code == 422 and "不能为已经过去的日子请假" in past.get_data(as_text=True)
    done = rep.post(f"{base}/leave", data={"reason": "生病", "leave_from": "2026-04-22"})
    assert done.status_code == 302
    staff = app.test_client()
    login(staff, db.session.get(User, world.users["township_staff"].id))
    sheet = staff.get(f"{base}/attendance").get_data(as_text=True)
    assert "签到于 2026-04-20 23:07" in sheet and "（2026-04-22 起）" in sheet


def test_the_county_attendance_counts_one_who_came_and_then_left_with_leave(
    clock, cast, tctx, office, world
):
    from lianxin.modules.annual_sessions.metrics import figures

    session = _three_days(cast, tctx, office, world)
    clock.today = DAY1
    _present_in(session.id, cast, range(20, 100))
    service.open_session(office, tctx, session.id)
    service.check_in(office, tctx, session.id, cast.reps[4])
    clock.today = DAY2
    service.request_leave(cast.actors[4], tctx, session.id, "家中有事")
    service.decide_leave(office, tctx, session.id, cast.reps[4], approve=True)
    figure = figures(date(2026, 1, 1), date(2027, 1, 1))["sessions_attendance"]
    assert (figure.value, figure.n) == (0.81, 100)  # 80 + the one who left; before: 0.80


def _present_in(session_id, cast, indexes):
    from lianxin.modules.annual_sessions.models import Attendance

    for i in indexes:
        db.session.add(
            Attendance(
                session_id=session_id,
                representative_id=cast.reps[i],
                status=AttendanceStatus.PRESENT,
            )
        )
    db.session.commit()
