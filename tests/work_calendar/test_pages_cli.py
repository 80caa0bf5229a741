"""The operator's calendar page, the county's local holidays page, the CLI and the banner."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from lianxin import work_calendar
from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.work_calendar import service
from lianxin.work_calendar.models import WorkCalendarDay
from tests.helpers import login
from tests.work_calendar.conftest import NOTICE_2027, SPRING_2027

BANNER = 'id="calendar-missing"'


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(WorkCalendarDay)) or 0


# -- the operator's page -------------------------------------------------------------------------


def test_the_operator_sees_official_and_estimated_years(app, world, client, clock):
    login(client, world.users["platform"])
    page = client.get("/admin/calendar/").get_data(as_text=True)
    assert "2026" in page and "2027" in page
    assert "正式" in page and "估算" in page


def test_the_operator_loads_a_year_by_pasting_it(app, world, client, clock):
    login(client, world.users["platform"])
    response = client.post("/admin/calendar/load", data={"text": NOTICE_2027})
    assert response.status_code == 302
    assert work_calendar.is_official(2027)
    assert not work_calendar.is_working_day(SPRING_2027)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已载入" in page and "2027-02-06" in page  # the ignored weekend rows are listed


def test_the_operator_loads_a_year_by_uploading_a_file(app, world, client, clock):
    login(client, world.users["platform"])
    data = {"file": (io.BytesIO(NOTICE_2027.encode("gb18030")), "2027.csv")}
    response = client.post("/admin/calendar/load", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert work_calendar.is_official(2027)


def test_a_bad_paste_shows_the_errors_and_saves_nothing(app, world, client, clock):
    login(client, world.users["platform"])
    before = _count()
    bad = "日期,类型,名称\n2027-02-08,休,春节\n2027-13-01,休,x\n"
    response = client.post("/admin/calendar/load", data={"text": bad})
    assert response.status_code == 422
    assert "2027-13-01" in response.get_data(as_text=True)
    assert _count() == before and not work_calendar.is_official(2027)


def test_a_county_admin_cannot_load_the_national_calendar(app, world, client, clock):
    login(client, world.users["county_admin"])
    assert client.get("/admin/calendar/").status_code == 403
    before = _count()
    assert client.post("/admin/calendar/load", data={"text": NOTICE_2027}).status_code == 403
    assert _count() == before and not work_calendar.is_official(2027)


def test_a_township_user_sees_neither_page(app, world, client, clock):
    login(client, world.users["township_admin"])
    assert client.get("/admin/calendar/").status_code == 403
    assert client.get(f"/c/{world.county.slug}/calendar/").status_code == 404


# -- the county's page ---------------------------------------------------------------------------


def test_a_county_admin_adds_and_removes_a_local_holiday(app, world, client, clock):
    login(client, world.users["county_admin"])
    url = f"/c/{world.county.slug}/calendar/"
    response = client.post(url, data={"action": "add", "day": "2027-03-03", "name": "县庆日"})
    assert response.status_code == 302
    assert not work_calendar.is_working_day(date(2027, 3, 3), world.county.id)
    assert work_calendar.is_working_day(date(2027, 3, 3), world.far_county.id)
    page = client.get(url + "?year=2027").get_data(as_text=True)
    assert "县庆日" in page
    response = client.post(url, data={"action": "remove", "day": "2027-03-03"})
    assert response.status_code == 302
    assert work_calendar.is_working_day(date(2027, 3, 3), world.county.id)


def test_a_bad_local_holiday_is_refused_in_chinese(app, world, client, clock):
    login(client, world.users["county_admin"])
    url = f"/c/{world.county.slug}/calendar/"
    before = _count()
    response = client.post(url, data={"action": "add", "day": "2027-03-06", "name": "县庆日"})
    assert response.status_code == 422
    assert "周末" in response.get_data(as_text=True)
    response = client.post(url, data={"action": "add", "day": "2027-02-30", "name": "县庆日"})
    assert response.status_code == 422 and "日期" in response.get_data(as_text=True)
    assert _count() == before


def test_a_county_viewer_sees_the_holidays_but_cannot_change_them(app, world, client, clock):
    login(client, world.users["county_viewer"])
    url = f"/c/{world.county.slug}/calendar/"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"action": "add", "day": "2027-03-03", "name": "县庆日"})
    assert response.status_code == 403
    assert work_calendar.is_working_day(date(2027, 3, 3), world.county.id)


# -- the warning banner from November ------------------------------------------------------------


def test_the_banner_shows_from_november_1_for_the_operator(app, world, client, clock):
    login(client, world.users["platform"])
    clock.today = date(2026, 10, 31)
    assert BANNER not in client.get("/admin/").get_data(as_text=True)
    clock.today = date(2026, 11, 1)
    page = client.get("/admin/").get_data(as_text=True)
    assert BANNER in page and "2027" in page


def test_the_banner_goes_once_next_year_is_loaded(app, world, client, clock, operator):
    login(client, world.users["county_admin"])
    clock.today = date(2026, 11, 1)
    assert BANNER in client.get(f"/c/{world.county.slug}/").get_data(as_text=True)
    service.load_calendar(operator, NOTICE_2027)
    assert BANNER not in client.get(f"/c/{world.county.slug}/").get_data(as_text=True)


def test_the_banner_is_not_shown_to_a_township(app, world, client, clock):
    login(client, world.users["township_admin"])
    clock.today = date(2026, 11, 1)
    page = client.get(f"/t/{world.township.slug}/").get_data(as_text=True)
    assert BANNER not in page


# -- the CLI -------------------------------------------------------------------------------------


def test_cli_load_and_status(app, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(NOTICE_2027, encoding="utf-8")
    runner = app.test_cli_runner()
    status = runner.invoke(args=["calendar", "status"])
    assert status.exit_code == 0, status.output
    assert "2027" in status.output and "估算" in status.output
    result = runner.invoke(args=["calendar", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "2027" in result.output and "2027-02-06" in result.output
    assert work_calendar.is_official(2027)
    assert not work_calendar.is_working_day(SPRING_2027)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "work_calendar.loaded")
    ).one()
    assert entry.actor_role == "platform_admin"
    status = runner.invoke(args=["calendar", "status"])
    line = next(x for x in status.output.splitlines() if x.startswith("2027"))
    assert "正式" in line


def test_cli_refuses_a_bad_file_and_saves_nothing(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,type,name\n2027-02-08,off,春节\n2027-02-31,off,春节\n", encoding="utf-8")
    before = _count()
    result = app.test_cli_runner().invoke(args=["calendar", "load", str(path)])
    assert result.exit_code == 1
    assert "2027-02-31" in result.output
    assert _count() == before and not work_calendar.is_official(2027)


def test_the_calendar_pages_are_reached_from_the_home_pages(app, world, client, clock):
    login(client, world.users["platform"])
    home = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/calendar/"' in home
    client.post("/logout")
    login(client, world.users["county_admin"])
    home = client.get(f"/c/{world.county.slug}/").get_data(as_text=True)
    assert f'href="/c/{world.county.slug}/calendar/"' in home
