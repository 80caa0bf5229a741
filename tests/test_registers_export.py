"""The registers' .xlsx exports (issue 25): liaison contacts (民情台账), a year's reception days
and their attendance, an annual session's attendance, the structure statistics. Each is read
back with openpyxl: the page's filters apply, a typed `=1+1` comes back as text, another
township's rows are absent (its ids are 404) and bad filters are a Chinese 422, never a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import Clock, assert_error, bearer, login

MODULES = ("liaison", "reception_days", "annual_sessions")
FORMULA = "=1+1"
REP = {
    "gender": "女",
    "education": "大学本科",
    "category": "农民",
    "term": 13,
    "birth_date": "1975-03-01",
}


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.liaison.module import MODULE as LIAISON
    from lianxin.modules.reception_days.module import MODULE as RECEPTION
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, LIAISON, RECEPTION, SESSIONS)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key.in_(MODULES)).values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(date(2026, 5, 20))
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


def _sheets(response: Any) -> dict[str, list[tuple[Any, ...]]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert "filename=" in disposition and "filename*=UTF-8''" in disposition
    book = load_workbook(BytesIO(response.data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _cell(response: Any, text: str) -> Any:
    """The cell holding `text` in the first sheet (to check its type)."""
    book = load_workbook(BytesIO(response.data))
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not in the export")


def _rep(office: Any, township: Any, name: str, branch_id: int | None = None) -> Representative:
    with tenant_context(township.id):
        return people.create_representative(
            office,
            township,
            load_input(
                people.RepresentativeInputSchema, {**REP, "name": name, "branch_id": branch_id}
            ),
        )


# --- liaison contacts (民情台账) ------------------------------------------------------------------


def _contact(who: Any, township: Any, link_id: int, on: str, summary: str, key: str) -> None:
    from lianxin.modules.liaison import service
    from lianxin.modules.liaison.inputs import ContactInSchema

    data = {
        "link_id": link_id,
        "contacted_on": on,
        "method": "visit",
        "summary": summary,
        "client_key": key,
    }
    with tenant_context(township.id):
        service.record_contact(who, township, load_input(ContactInSchema, data))


def _pair(office: Any, township: Any, branch: Any, rep_name: str, member_name: str) -> int:
    from lianxin.modules.liaison import service
    from lianxin.modules.liaison.inputs import LinkInput

    rep = _rep(office, township, rep_name)
    with tenant_context(township.id):
        member = people.create_party_member(
            office, township, people.PartyMemberInput(name=member_name, branch_id=branch.id)
        )
        return service.add_link(
            office,
            township,
            LinkInput(year=2026, level="rep_member", upper_id=rep.id, lower_id=member.id),
        ).link.id


def test_liaison_contacts_export_follows_the_list(world, client, clock):
    office = actor(world.users["township_staff"])
    ours = _pair(office, world.township, world.branches["t"], "安代表", "党员甲")
    _contact(office, world.township, ours, "2026-05-10", FORMULA, "k1" * 16)
    _contact(office, world.township, ours, "2026-02-10", "一季度的走访", "k2" * 16)
    other_office = actor(world.users["other_admin"])
    theirs = _pair(other_office, world.other, world.branches["o"], "外镇代表", "外镇党员")
    _contact(other_office, world.other, theirs, "2026-05-11", "外镇的走访", "k3" * 16)

    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/liaison/contacts"
    page = client.get(f"{base}/?year=2026&quarter=2").get_data(as_text=True)
    assert "contacts/export.xlsx?year=2026&amp;quarter=2" in page

    response = client.get(f"{base}/export.xlsx?year=2026&quarter=2")
    (rows,) = _sheets(response).values()
    assert rows[0][:4] == ("日期", "联系人", "联系人类别", "联系对象")
    assert [r[1] for r in rows[1:]] == ["安代表"]  # Q1's contact and the other township's absent
    assert rows[1][0].date() == date(2026, 5, 10) and rows[1][3] == "党员甲"
    cell = _cell(response, FORMULA)
    assert cell.data_type == "s"
    flat = repr(rows)
    assert "外镇" not in flat and "一季度的走访" not in flat

    q1 = _sheets(client.get(f"{base}/export.xlsx?year=2026&quarter=1"))
    assert [r[6] for r in next(iter(q1.values()))[1:]] == ["一季度的走访"]
    # 只看我记录的: the office recorded them all; someone else's filter keeps none of theirs.
    mine = _sheets(client.get(f"{base}/export.xlsx?year=2026&quarter=2&mine=1"))
    assert len(next(iter(mine.values()))) == 2

    bad = client.get(f"{base}/export.xlsx?year=2026&quarter=5")
    assert bad.status_code == 422 and "提交的数据有误" in bad.get_data(as_text=True)
    assert client.get(f"{base}/?quarter=abc").status_code == 422
    assert client.get(f"{base}/export.xlsx?year=99999").status_code == 422

    api = f"/api/v1/t/{world.township.slug}/liaison/contacts/export"
    headers = bearer(world.users["township_staff"])
    by_api = _sheets(client.get(f"{api}?year=2026&quarter=2", headers=headers))
    assert [r[1] for r in next(iter(by_api.values()))[1:]] == ["安代表"]
    assert_error(client.get(f"{api}?quarter=9", headers=headers), 422, "validation_error")
    assert_error(client.get(f"{api}?year=1999", headers=headers), 422, "validation_error")


# --- reception days and their attendance ----------------------------------------------------------


def _reception_year(office: Any, township: Any) -> dict[str, Any]:
    from lianxin.modules.reception_days import service
    from lianxin.modules.reception_days.inputs import GenerateInput, SiteInput

    branch_id = None
    reps = {
        key: _rep(office, township, name)
        for key, name in (("cadre", "张书记"), ("a", FORMULA), ("b", "赵强"), ("c", "孙丽"))
    }
    with tenant_context(township.id):
        reps["cadre"].is_grassroots_cadre = True
        db.session.commit()
        room = service.create_site(
            office, township, SiteInput(kind="township_room", name="镇接待室", address="镇政府")
        )
        view = service.generate(office, township, GenerateInput(2026, [room.id]))
        first = view.days[0].day.id
        service.set_team(
            office,
            township,
            first,
            room.id,
            [reps["cadre"].id, reps["a"].id, reps["b"].id],
            apply_to_rest=True,
        )
        service.publish(office, township, 2026)
        view = service.get_schedule(office, township, 2026)
    return {"reps": reps, "room": room, "view": view, "branch": branch_id}


def test_reception_days_export_gives_who_was_on_duty_and_who_missed(world, client, clock):
    from lianxin.modules.reception_days import service
    from lianxin.modules.reception_days.models import Duty

    clock.today = date(2025, 12, 1)
    office = actor(world.users["township_staff"])
    year = _reception_year(office, world.township)
    view, reps = year["view"], year["reps"]
    with tenant_context(world.township.id):
        second = view.days[1].day
        duty = db.session.scalar(
            select(Duty).where(Duty.day_id == second.id, Duty.representative_id == reps["b"].id)
        )
        service.report_absence(office, world.township, duty.id, "出差")
        service.substitute(office, world.township, duty.id, reps["c"].id)

    clock.today = view.days[2].day.day  # three days held, nine to come
    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/reception_days"
    page = client.get(f"{base}/2026").get_data(as_text=True)
    assert f"{base}/2026/export.xlsx" in page
    response = client.get(f"{base}/2026/export.xlsx")
    sheets = _sheets(response)
    duties, sites = sheets["2026年排班与到岗"], sheets["各接待点"]
    assert duties[0][:7] == ("日期", "星期", "时间", "接待点", "代表", "安排", "到岗情况")
    assert len(duties) == 1 + 12 * 3 + 1  # three a day, and 孙丽 standing in once
    on_second = [r for r in duties[1:] if r[0].date() == second.day]
    assert {(r[4], r[5], r[6]) for r in on_second} == {
        ("张书记", "排班", "在岗"),
        (FORMULA, "排班", "在岗"),
        ("赵强", "排班", "缺岗（报告不能到岗）"),
        ("孙丽", "替班（替 赵强）", "在岗"),
    }
    last = [r for r in duties[1:] if r[0].date() == view.days[-1].day.day]
    assert {r[6] for r in last} == {"已排班"}  # not held yet
    assert "出差" not in repr(duties)  # the absence's reason stays off the register
    assert _cell(response, FORMULA).data_type == "s"
    assert len(sites) == 13 and sites[2][2:4] == (3, 1)

    # The other township has no 2026 schedule: 404 by page and API alike.
    login(client, world.users["other_admin"])
    other = f"/t/{world.other.slug}/reception_days/2026/export.xlsx"
    assert client.get(other).status_code == 404
    api = f"/api/v1/t/{world.township.slug}/reception_days/schedules/2026/export"
    headers = bearer(world.users["township_staff"])
    assert len(_sheets(client.get(api, headers=headers))["各接待点"]) == 13
    assert client.get(api, headers=bearer(world.users["other_admin"])).status_code in (403, 404)


# --- the annual session's attendance --------------------------------------------------------------


def test_session_attendance_export_gives_expected_present_and_on_leave(world, client, clock):
    from lianxin.modules.annual_sessions import service
    from lianxin.modules.annual_sessions.inputs import SessionInput
    from lianxin.modules.annual_sessions.models import Attendance, AttendanceStatus

    clock.today = date(2026, 3, 2)
    office = actor(world.users["township_staff"])
    reps = [_rep(office, world.township, name) for name in ("王芳", "赵强", "孙丽", FORMULA)]
    _rep(actor(world.users["other_admin"]), world.other, "外镇代表")
    with tenant_context(world.township.id):
        session = service.create_session(
            office,
            world.township,
            SessionInput(title="第二次会议", held_on=date(2026, 3, 20), place="镇会议中心"),
        )
        # The roll as the check-in and the leave rules leave it (tested in their module).
        came = datetime(2026, 3, 20, 0, 30, tzinfo=UTC)
        db.session.add_all(
            [
                Attendance(
                    session_id=session.id,
                    representative_id=reps[0].id,
                    status=AttendanceStatus.PRESENT,
                    checked_in_at=came,
                    self_checked_in=True,
                ),
                Attendance(
                    session_id=session.id,
                    representative_id=reps[3].id,
                    status=AttendanceStatus.PRESENT,
                    checked_in_at=came,
                ),
                Attendance(
                    session_id=session.id,
                    representative_id=reps[2].id,
                    status=AttendanceStatus.LEAVE_APPROVED,
                    leave_reason="外出学习",
                    leave_from=date(2026, 3, 20),
                ),
            ]
        )
        db.session.commit()
        session_id = session.id

    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/annual_sessions/{session_id}"
    page = client.get(f"{base}/attendance?q=zhao").get_data(as_text=True)
    assert "attendance.xlsx?q=zhao" in page
    response = client.get(f"{base}/attendance.xlsx")
    sheets = _sheets(response)
    rows = sheets["出席情况"]
    assert rows[0][:5] == ("姓名", "出生年份", "选区（单位）", "应到", "实到")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"王芳", "赵强", "孙丽", FORMULA}  # not the other township's
    assert by_name["王芳"][3:5] == ("是", "是") and by_name["王芳"][1] == 1975
    assert by_name["赵强"][4] == "否" and by_name["赵强"][7] is None
    assert by_name["王芳"][5] == "2026-03-20 08:30" and by_name["王芳"][6] == "扫码"
    assert by_name["孙丽"][4:] == ("否", None, None, "请假", by_name["孙丽"][8], "外出学习")
    assert _cell(response, FORMULA).data_type == "s"
    totals = dict(r[:2] for r in sheets["汇总"][1:])
    assert (totals["应到"], totals["实到"], totals["请假"], totals["缺席"]) == (4, 2, 1, 1)

    found = _sheets(client.get(f"{base}/attendance.xlsx?q=赵"))["出席情况"]
    assert [r[0] for r in found[1:]] == ["赵强"]

    # Not the office: refused; another township's session: not found.
    login(client, world.users["representative"])
    assert client.get(f"{base}/attendance.xlsx").status_code == 403
    login(client, world.users["other_admin"])
    foreign = f"/t/{world.other.slug}/annual_sessions/{session_id}/attendance.xlsx"
    assert client.get(foreign).status_code == 404

    api = f"/api/v1/t/{world.township.slug}/annual_sessions/sessions/{session_id}/attendance"
    headers = bearer(world.users["township_staff"])
    by_api = _sheets(client.get(f"{api}/export?q=sunli", headers=headers))["出席情况"]
    assert [r[0] for r in by_api[1:]] == ["孙丽"]  # found by pinyin, as on the page
    assert_error(client.get(f"{api}/export?q={'x' * 101}", headers=headers), 422)
    assert (
        client.get(f"{api}/export", headers=bearer(world.users["representative"])).status_code
        == 403
    )


# --- the structure statistics ---------------------------------------------------------------------


def test_structure_export_counts_this_township_on_the_day(world, client, clock):
    office = actor(world.users["township_staff"])
    for name in ("王芳", "李娟"):
        _rep(office, world.township, name)
    for name in ("外一", "外二", "外三"):
        _rep(actor(world.users["other_admin"]), world.other, name)

    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/people/structure"
    assert "structure/export.xlsx?on=2026-05-20" in client.get(base).get_data(as_text=True)
    rows = _sheets(client.get(f"{base}/export.xlsx?on=2026-05-20"))["代表结构"]
    assert rows[1][:2] == ("统计日期", rows[1][1]) and rows[1][1].date() == date(2026, 5, 20)
    assert rows[2][2] == 2  # ours only
    gender = {r[1]: r[2:4] for r in rows if r[0] == "性别"}
    assert gender["女"] == (2, 100)
    # Before they were born nobody is 50 or over; on a bad date the file is refused.
    early = _sheets(client.get(f"{base}/export.xlsx?on=1980-01-01"))["代表结构"]
    assert early[2][2] == 2
    bad = client.get(f"{base}/export.xlsx?on=2026-13-01")
    assert bad.status_code == 422 and "统计日期无效" in bad.get_data(as_text=True)
    # A year out of range is refused too, not a 500 (ages are counted back 60 years from it).
    assert client.get(f"{base}/export.xlsx?on=0010-01-01").status_code == 422
    assert client.get(f"{base}?on=0010-01-01").status_code == 400

    api = f"/api/v1/t/{world.township.slug}/representatives/structure/export"
    headers = bearer(world.users["township_staff"])
    assert _sheets(client.get(f"{api}?on=2026-05-20", headers=headers))["代表结构"][2][2] == 2
    assert_error(client.get(f"{api}?on=nonsense", headers=headers), 422)
    assert_error(client.get(f"{api}?on=0010-01-01", headers=headers), 422)
