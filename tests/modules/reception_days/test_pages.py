"""The reception-days pages: the office generates, fixes and publishes the year's schedule, runs
the day (absences, substitutes, cases, people received, summary); a representative sees their
own duties; the public notice and its A4 poster show only within the notice period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from lianxin.casework.models import Case, Channel
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import GenerateInput
from lianxin.modules.reception_days.models import (
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
)
from lianxin.people.models import Representative
from tests.helpers import login

JAN = date(2026, 1, 16)  # a Friday: the first reception day of 2026


def _base(world) -> str:
    return f"/t/{world.township.slug}/reception_days"


def _generate(cast, tctx, office):
    return service.generate(office, tctx, GenerateInput(2026, [cast.room.id, cast.centre.id]))


def _good_teams(cast, tctx, office, first_day_id):
    r = cast.reps
    service.set_team(
        office, tctx, first_day_id, cast.room.id, [r["cadre1"].id, r["a"].id], apply_to_rest=True
    )
    service.set_team(
        office, tctx, first_day_id, cast.centre.id, [r["cadre2"].id, r["b"].id], apply_to_rest=True
    )


def _published(cast, tctx, office) -> int:
    """The 2026 schedule, well staffed and published; the id of the 16 January day."""
    view = _generate(cast, tctx, office)
    first = view.days[0].day.id
    _good_teams(cast, tctx, office, first)
    service.publish(office, tctx, 2026)
    return first


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(m) for _c, m in session.get("_flashes", []))


def test_index_and_sites_pages_for_staff(clock, world, cast, client):
    login(client, world.users["township_staff"])
    base = _base(world)
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "党代表接待日" in page and "生成年度安排" in page
    assert "镇接待室" in page and "甲村党群服务中心" in page  # the generate form's sites
    assert "2025" in page and "2026" in page
    sites = client.get(f"{base}/sites")
    assert sites.status_code == 200 and "乡镇接待室" in sites.get_data(as_text=True)
    # Create a site; a bad one is shown again with the error (422), the input kept.
    r = client.post(
        f"{base}/sites",
        data={"kind": "station", "name": "乙村代表工作站", "address": "乙村", "is_active": "1"},
    )
    assert r.status_code == 302
    r = client.post(f"{base}/sites", data={"kind": "station", "name": "", "address": "丙村路1号"})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "请填写名称" in text and "丙村路1号" in text
    with tenant_context(world.township.id):
        made = db.session.scalar(select(Site).where(Site.name == "乙村代表工作站"))
        assert made is not None and made.is_active
        site_id = made.id
    assert client.get(f"{base}/sites/{site_id}").status_code == 200
    r = client.post(
        f"{base}/sites/{site_id}",
        data={"kind": "station", "name": "乙村代表工作站", "address": "乙村村委会"},
    )
    assert r.status_code == 302
    with tenant_context(world.township.id):
        made = db.session.get(Site, (world.township.id, site_id))
        assert made.address == "乙村村委会" and not made.is_active
    assert client.get(f"{base}/sites/999999").status_code == 404


def test_generate_flag_publish_refused_then_fixed_and_published(clock, world, cast, client):
    login(client, world.users["township_staff"])
    base = _base(world)
    r = client.post(
        f"{base}/generate",
        data={"year": "2026", "site_ids": [cast.room.id, cast.centre.id], "copy_teams": "1"},
    )
    assert r.status_code == 302 and r.headers["Location"].endswith("/reception_days/2026")
    page = client.get(f"{base}/2026").get_data(as_text=True)
    assert "2026-01-16" in page and "2026-05-18" in page  # 16 May is a Saturday
    assert 'data-broken="1"' in page and 'role="alert"' in page
    assert "缺少基层领导干部代表" in page and "有 48 处不符合接待点配备要求" in page
    # Publishing is refused, every break listed, nothing changed.
    r = client.post(f"{base}/2026/publish")
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert 'id="publish-refused"' in text and "2026-12-16 镇接待室" in text
    with tenant_context(world.township.id):
        schedule = db.session.scalar(select(Schedule).where(Schedule.year == 2026))
        assert schedule.status == ScheduleStatus.DRAFT
        first = db.session.scalar(select(ReceptionDay.id).where(ReceptionDay.day == JAN))
    # The team editor, with "apply to the rest of the year".
    team = client.get(f"{base}/days/{first}/sites/{cast.room.id}/team")
    assert team.status_code == 200
    text = team.get_data(as_text=True)
    assert "张书记" in text and "基层领导干部" in text and "同样安排到本年以后各次接待日" in text
    r = cast.reps
    for site, reps in ((cast.room, ("cadre1", "a")), (cast.centre, ("cadre2", "b"))):
        resp = client.post(
            f"{base}/days/{first}/sites/{site.id}/team",
            data={"representative_ids": [r[k].id for k in reps], "apply_to_rest": "1"},
        )
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith(f"/2026#day-{first}-site-{site.id}")
    page = client.get(f"{base}/2026").get_data(as_text=True)
    assert 'data-broken="1"' not in page and "符合要求" in page
    r = client.post(f"{base}/2026/publish")
    assert r.status_code == 302 and "已发布" in _flashes(client)
    with tenant_context(world.township.id):
        db.session.expire_all()
        schedule = db.session.scalar(select(Schedule).where(Schedule.year == 2026))
        assert schedule.status == ScheduleStatus.PUBLISHED
    assert client.get(f"{base}/2026/report").status_code == 200
    assert "已发布" in client.get(f"{base}/").get_data(as_text=True)


def test_team_editor_refuses_a_break_after_publishing(clock, world, cast, tctx, office, client):
    first = _published(cast, tctx, office)
    login(client, world.users["township_staff"])
    base = _base(world)
    r = client.post(
        f"{base}/days/{first}/sites/{cast.room.id}/team",
        data={"representative_ids": [cast.reps["a"].id, cast.reps["c"].id]},
    )
    assert r.status_code == 302 and r.headers["Location"].endswith("/team")
    assert "缺少基层领导干部代表" in _flashes(client)
    with tenant_context(world.township.id):
        team = db.session.scalars(
            select(Duty.representative_id).where(Duty.day_id == first, Duty.site_id == cast.room.id)
        ).all()
    assert set(team) == {cast.reps["cadre1"].id, cast.reps["a"].id}


def test_absence_substitute_and_move_through_the_day_page(clock, world, cast, tctx, office, client):
    first = _published(cast, tctx, office)
    with tenant_context(world.township.id):
        duty_id = db.session.scalar(
            select(Duty.id).where(
                Duty.day_id == first, Duty.representative_id == cast.reps["cadre1"].id
            )
        )
    login(client, world.users["township_staff"])
    base = _base(world)
    page = client.get(f"{base}/days/{first}").get_data(as_text=True)
    assert "张书记 不能参加" in page and "调整接待日" in page
    r = client.post(f"{base}/duties/{duty_id}/absence", data={"reason": ""})
    assert r.status_code == 302 and "请说明不能参加的原因" in _flashes(client)
    r = client.post(f"{base}/duties/{duty_id}/absence", data={"reason": "外出学习"})
    assert r.status_code == 302
    page = client.get(f"{base}/days/{first}").get_data(as_text=True)
    assert "外出学习" in page and "待安排替补" in page and 'data-broken="1"' in page
    assert f'id="substitute-{duty_id}"' in page
    # Only cadres may stand in for the site's only cadre: 李主任 is on duty elsewhere, so none.
    assert "没有可替补的代表" in page
    with tenant_context(world.township.id):
        db.session.execute(
            update(Representative)
            .where(Representative.id == cast.reps["c"].id)
            .values(is_grassroots_cadre=True)
        )
        db.session.commit()
    page = client.get(f"{base}/days/{first}").get_data(as_text=True)
    assert "孙丽（基层领导干部）" in page
    r = client.post(
        f"{base}/duties/{duty_id}/substitute", data={"representative_id": cast.reps["c"].id}
    )
    assert r.status_code == 302 and "已安排替补代表" in _flashes(client)
    page = client.get(f"{base}/days/{first}").get_data(as_text=True)
    assert "已安排替补" in page and 'data-broken="1"' not in page
    # Move the day; a move without a reason is refused.
    r = client.post(f"{base}/days/{first}/move", data={"day": "2026-01-19", "reason": ""})
    assert "请填写调整原因" in _flashes(client)
    r = client.post(f"{base}/days/{first}/move", data={"day": "2026-01-19", "reason": "镇人代会"})
    assert r.status_code == 302
    page = client.get(f"{base}/2026").get_data(as_text=True)
    assert "2026-01-19" in page and "原定 2026-01-16：镇人代会" in page


def test_record_case_people_and_summary_on_the_day(clock, world, cast, tctx, office, client):
    first = _published(cast, tctx, office)
    login(client, world.users["township_staff"])
    base = _base(world)
    data = {
        "site_id": cast.room.id,
        "received_by_id": cast.reps["a"].id,
        "category": "基础设施",
        "title": "村口路灯不亮",
        "body": "村口三盏路灯坏了一个月。",
        "raiser_name": "刘大爷",
        "raiser_phone": "13900001111",
    }
    # Before the day: no case form, and a post is refused.
    assert "登记群众诉求" not in client.get(f"{base}/days/{first}").get_data(as_text=True)
    r = client.post(f"{base}/days/{first}/cases", data=data)
    assert r.status_code == 422 and "接待日还没到" in r.get_data(as_text=True)
    clock.today = JAN
    page = client.get(f"{base}/days/{first}").get_data(as_text=True)
    assert "登记群众诉求" in page and "接待群众（人）" in page
    # A receiving representative from another site is refused and the input kept.
    r = client.post(
        f"{base}/days/{first}/cases", data={**data, "received_by_id": cast.reps["b"].id}
    )
    assert r.status_code == 422
    assert "村口三盏路灯坏了一个月。" in r.get_data(as_text=True)
    r = client.post(f"{base}/days/{first}/cases", data=data)
    assert r.status_code == 302 and "查询码" in _flashes(client)
    with tenant_context(world.township.id):
        case = db.session.scalar(select(Case))
        assert (case.channel, case.received_by_id, case.source_id) == (
            Channel.RECEPTION_DAY,
            cast.reps["a"].id,
            first,
        )
    r = client.post(
        f"{base}/days/{first}/sites/{cast.room.id}/people", data={"people_received": "12"}
    )
    assert r.status_code == 302
    r = client.post(
        f"{base}/days/{first}/sites/{cast.centre.id}/people", data={"people_received": "x"}
    )
    assert "请填写接待人数" in _flashes(client)
    page = client.get(f"{base}/days/{first}").get_data(as_text=True)
    assert "村口路灯不亮" in page and "接待群众 12 人" in page and "尚未发送" in page
    r = client.post(f"{base}/days/{first}/summary")
    assert r.status_code == 302 and "汇总已发送" in _flashes(client)
    page = client.get(f"{base}/days/{first}").get_data(as_text=True)
    assert "已于" in page and "重新发送汇总" in page
    report = client.get(f"{base}/2026/report").get_data(as_text=True)
    assert "2026-01-16" in report and 'id="t-people">12' in report


def test_public_notice_and_poster_only_within_the_notice_period(
    clock, world, cast, tctx, office, client
):
    first = _published(cast, tctx, office)
    slug = world.township.slug
    clock.today = date(2026, 1, 8)  # notice_days 7: on show from 9 January
    page = client.get(f"/p/{slug}/reception_days/").get_data(as_text=True)
    assert "党代表接待日公告" in page and "近期暂无" in page and "张书记" not in page
    # When, not who: the coming days are listed with the date their names go up.
    assert "2026-01-16（接待代表名单将于 2026-01-09 公告）" in page
    assert client.get(f"/p/{slug}/reception_days/{first}/poster").status_code == 404
    clock.today = date(2026, 1, 9)
    page = client.get(f"/p/{slug}/reception_days/").get_data(as_text=True)
    assert "2026-01-16" in page and "镇接待室" in page and "镇政府一楼" in page
    # Names are public; phone and workplace only as the representative agreed to publish them.
    assert "张书记" in page and "甲镇某村" not in page and "13800138000" not in page
    poster = client.get(f"/p/{slug}/reception_days/{first}/poster").get_data(as_text=True)
    assert "张书记" in poster and "13800138000" not in poster
    with tenant_context(world.township.id):
        db.session.execute(
            update(Representative)
            .where(Representative.id == cast.reps["cadre1"].id)
            .values(publish_contact=True)
        )
        db.session.commit()
    page = client.get(f"/p/{slug}/reception_days/").get_data(as_text=True)
    assert "张书记" in page and "甲镇某村" in page and "13800138000" in page
    assert "孙丽" not in page  # not on duty that day
    poster = client.get(f"/p/{slug}/reception_days/{first}/poster")
    assert poster.status_code == 200
    text = poster.get_data(as_text=True)
    assert "@page { size: A4" in text and "2026年1月16日" in text and "张书记" in text
    assert "13800138000" in text
    clock.today = date(2026, 1, 17)
    assert client.get(f"/p/{slug}/reception_days/{first}/poster").status_code == 404


def test_representative_sees_mine_and_reports_absence(clock, world, cast, tctx, office, client):
    first = _published(cast, tctx, office)
    user = world.users["representative"]
    with tenant_context(world.township.id):
        db.session.execute(
            update(Representative)
            .where(Representative.id == cast.reps["a"].id)
            .values(user_id=user.id)
        )
        db.session.commit()
        own = db.session.scalar(
            select(Duty.id).where(Duty.day_id == first, Duty.representative_id == cast.reps["a"].id)
        )
        other = db.session.scalar(
            select(Duty.id).where(Duty.day_id == first, Duty.representative_id == cast.reps["b"].id)
        )
    login(client, user)
    base = _base(world)
    index = client.get(f"{base}/").get_data(as_text=True)
    assert "我的接待日" in index and "生成年度安排" not in index
    page = client.get(f"{base}/mine").get_data(as_text=True)
    assert "2026-01-16" in page and "镇接待室" in page and "报告不能参加" in page
    assert client.get(f"{base}/2026").status_code == 200  # reading is open to members
    r = client.post(f"{base}/duties/{other}/absence", data={"reason": "替人请假"})
    assert r.status_code == 403
    r = client.post(f"{base}/duties/{own}/absence", data={"reason": "生病住院", "next": "mine"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/reception_days/mine")
    with tenant_context(world.township.id):
        duty = db.session.get(Duty, (world.township.id, own))
        assert duty.status == DutyStatus.ABSENT and duty.absence_reason == "生病住院"
    assert "已报告不能参加" in client.get(f"{base}/mine").get_data(as_text=True)


def test_non_office_member_is_refused_the_write_forms(clock, world, cast, tctx, office, client):
    first = _published(cast, tctx, office)
    login(client, world.users["committee_member"])
    base = _base(world)
    assert client.get(f"{base}/").status_code == 200
    assert "生成年度安排" not in client.get(f"{base}/").get_data(as_text=True)
    assert client.get(f"{base}/2026").status_code == 200
    assert client.get(f"{base}/days/{first}").status_code == 200
    for url, data in (
        (f"{base}/generate", {"year": "2026", "site_ids": [cast.room.id]}),
        (f"{base}/sites", {"kind": "station", "name": "某站"}),
        (f"{base}/sites/{cast.room.id}", {"kind": "station", "name": "某站"}),
        (f"{base}/2026/publish", {}),
        (f"{base}/days/{first}/sites/{cast.room.id}/team", {"representative_ids": []}),
        (f"{base}/days/{first}/move", {"day": "2026-01-19", "reason": "x"}),
        (f"{base}/days/{first}/summary", {}),
        (f"{base}/days/{first}/sites/{cast.room.id}/people", {"people_received": "1"}),
    ):
        assert client.post(url, data=data).status_code == 403, url
    assert client.get(f"{base}/days/{first}/sites/{cast.room.id}/team").status_code == 403
    # Another township's staff cannot even see it.
    client.post("/logout")
    login(client, world.users["other_admin"])
    assert client.get(f"{base}/days/{first}").status_code == 404


def test_township_settings_page_saves_the_rule_and_refuses_a_bad_one(world, client):
    login(client, world.users["township_admin"])
    slug = world.township.slug
    page = client.get(f"/t/{slug}/settings")
    assert page.status_code == 200 and "党代表接待日" in page.get_data(as_text=True)
    good = {
        "rule": "day_of_month",
        "day_of_month": "18",
        "holiday_shift": "next_working_day",
        "starts_at": "09:00",
        "ends_at": "12:00",
        "people_per_site": "3",
        "require_cadre": ["0", "1"],  # the hidden "0" and the ticked box, as the page sends
        "notice_days": "5",
        "reminder_days": "2",
    }
    r = client.post(f"/t/{slug}/settings/reception_days", data=good)
    assert r.status_code == 302
    saved = service.settings(world.township.id)
    assert (saved["day_of_month"], saved["people_per_site"], saved["starts_at"]) == (18, 3, "09:00")
    assert saved["require_cadre"] is True
    # A post that does not carry the checkbox at all leaves it as it was; an unticked one is off.
    client.post(f"/t/{slug}/settings/reception_days", data={"people_per_site": "2"})
    assert service.settings(world.township.id)["require_cadre"] is True
    client.post(f"/t/{slug}/settings/reception_days", data={**good, "require_cadre": "0"})
    assert service.settings(world.township.id)["require_cadre"] is False
    r = client.post(
        f"/t/{slug}/settings/reception_days", data={**good, "rule": "date_list", "dates": ""}
    )
    assert r.status_code == 422 and "请填写日期清单" in r.get_data(as_text=True)
    assert service.settings(world.township.id)["rule"] == "day_of_month"
