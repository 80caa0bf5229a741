"""The liaison office makes next year's reception-day schedule in the browser: the generated
draft flags every site that breaks the pairing rule, the team editor fixes each site for the
whole year, the schedule is published; a week before the first day anyone can read the notice
on a phone and open the A4 poster."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select, update

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import SiteInput
from lianxin.modules.reception_days.models import DaySite, Duty, ReceptionDay, Schedule, Site
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Branch, TownshipModule
from lianxin.usecases import Changes, load_input
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in, phone_screenshot

pytestmark = pytest.mark.browser

ROOM = "城关镇党代表接待室"
CENTRE = "东关村党群服务中心（接待日）"
# name, basic-level leading cadre, phone; compound surnames the demo roster does not use.
REPS = (
    ("欧阳立新", True, "13700001001"),
    ("上官春梅", True, "13700001002"),
    ("司马建军", False, "13700001003"),
    ("诸葛晓燕", False, "13700001004"),
)
TEAMS = {ROOM: ("欧阳立新", "司马建军"), CENTRE: ("上官春梅", "诸葛晓燕")}


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.reception_days.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


class Clock:
    def __init__(self, today: date) -> None:
        self.today = today

    def __call__(self, now: Any = None) -> date:
        return self.today


def _prepare(live_server: LiveServer) -> None:
    """Switch the module on for 城关镇 and add our sites and representatives (whatever reception
    data the demo may bring: an earlier 2026 schedule is removed, same-named sites reused)."""
    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        row = db.session.scalar(
            select(TownshipModule).where(
                TownshipModule.township_id == township.id,
                TownshipModule.module_key == "reception_days",
            )
        )
        if row is None:
            row = TownshipModule(
                township_id=township.id, module_key="reception_days", enabled=True, settings={}
            )
            db.session.add(row)
        row.enabled = True
        db.session.commit()
        staff = actor_for(db.session.scalar(select(User).where(User.username == "cg.staff")))
        with tenant_context(township.id):
            old = db.session.scalar(select(Schedule).where(Schedule.year == 2026))
            if old is not None:
                days = select(ReceptionDay.id).where(ReceptionDay.schedule_id == old.id)
                db.session.execute(
                    update(Duty).where(Duty.day_id.in_(days)).values(substitute_for_id=None)
                )
                db.session.execute(delete(Duty).where(Duty.day_id.in_(days)))
                db.session.execute(delete(DaySite).where(DaySite.day_id.in_(days)))
                db.session.execute(delete(ReceptionDay).where(ReceptionDay.schedule_id == old.id))
                db.session.delete(old)
                db.session.commit()
            branch = db.session.scalar(select(Branch).order_by(Branch.id))
            for name, kind, address in (
                (ROOM, "township_room", "城关镇政府一楼"),
                (CENTRE, "branch_centre", "东关村村委会二楼"),
            ):
                site = db.session.scalar(select(Site).where(Site.name == name))
                data = SiteInput(kind=kind, name=name, address=address, is_active=True)
                if site is None:
                    service.create_site(staff, township, data)
                else:
                    service.update_site(staff, township, site.id, Changes(asdict(data)))
            for name, cadre, phone in REPS:
                people.create_representative(
                    staff,
                    township,
                    load_input(
                        people.RepresentativeInputSchema,
                        {
                            "name": name,
                            "gender": "男",
                            "birth_date": "1972-05-01",
                            "education": "大学本科",
                            "category": "农民",
                            "term": 13,
                            "phone": phone,
                            "workplace": "城关镇东关村" if not cadre else "城关镇人民政府",
                            "is_grassroots_cadre": cadre,
                            "publish_contact": True,  # their phones go on the notice and poster
                            "branch_id": branch.id if branch else None,
                        },
                    ),
                )
        db.session.remove()


def _context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def test_office_makes_fixes_and_publishes_the_schedule_and_the_public_reads_the_notice(
    browser: Any, live_server: LiveServer, screens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(date(2025, 12, 1))  # "next year" is 2026, a year the holiday calendar knows
    monkeypatch.setattr(deadlines, "shanghai_today", clock)
    _prepare(live_server)
    base = live_server.url

    page = _context(browser).new_page()
    log_in(page, base, "cg.staff", live_server.demo_password)
    page.goto(f"{base}/t/chengguan/reception_days/")
    form = page.locator("#generate form")
    form.locator("#f-year").select_option("2026")
    for box in form.locator("input[name=site_ids]").all():
        box.uncheck()
    for name in (ROOM, CENTRE):
        form.locator("label.check", has_text=name).locator("input").check()
    form.get_by_label("沿用上一年度各接待点的接待代表").uncheck()
    form.get_by_role("button", name="生成安排").click()

    # The draft: 12 days, every site of every day flagged.
    expect(page.locator("#problems-banner")).to_contain_text("不符合接待点配备要求")
    for name in (ROOM, CENTRE):
        expect(page.locator(f'[data-site="{name}"][data-broken="1"]')).to_have_count(12)
    expect(page.locator("#days > section")).to_have_count(12)
    shoot(page, str(screens / "rd-draft-broken.png"))
    page.get_by_role("button", name="发布全年安排").click()
    expect(page.locator("#publish-refused")).to_contain_text("缺少基层领导干部代表")
    expect(page.locator("#status")).to_have_text("草稿")

    # Fix each site for the whole year from the first day.
    for site_name, team in TEAMS.items():
        first = page.locator("#days > section").first.locator(f'[data-site="{site_name}"]')
        with page.expect_navigation():
            first.get_by_role("link", name="安排接待代表").click()
        editor_url = page.url
        editor = page.locator("#form-team")
        for rep in team:
            editor.locator("label.check", has_text=rep).locator("input").check()
        editor.get_by_label("同样安排到本年以后各次接待日").check()
        editor.get_by_role("button", name="保存接待代表").click()
        expect(page.locator(f'[data-site="{site_name}"][data-broken="1"]')).to_have_count(0)
    expect(page.locator('[data-broken="1"]')).to_have_count(0)
    expect(page.locator("#problems-banner")).to_contain_text("均符合要求")
    page.get_by_role("button", name="发布全年安排").click()
    expect(page.get_by_text("2026 年接待日安排已发布")).to_be_visible()
    expect(page.locator("#status")).to_have_text("已发布")
    shoot(page, str(screens / "rd-published.png"))
    for url, shot in ((page.url, "rd-schedule-phone.png"), (editor_url, "rd-team-phone.png")):
        width = phone_screenshot(browser, page.context, url, screens / shot)
        assert width <= PHONE["width"], f"{url} scrolls sideways on a phone: {width}px"

    # A week before 16 January the notice is on show: to anyone, on a phone.
    clock.today = date(2026, 1, 10)
    phone = _context(browser, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"{base}/p/chengguan/reception_days/")
    notice = phone.locator("#notices .notice").first
    expect(notice).to_contain_text("2026-01-16")
    expect(notice).to_contain_text(ROOM)
    expect(notice).to_contain_text("城关镇政府一楼")
    expect(notice).to_contain_text("欧阳立新")
    expect(notice).to_contain_text("13700001001")
    expect(notice).not_to_contain_text("13700001005")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the notice scrolls sideways on a phone: {width}px"
    shoot(phone, str(screens / "rd-notice-phone.png"), full_page=True)
    notice.get_by_role("link", name="打印公告（A4）").click()
    poster = phone.locator("#poster")
    expect(poster).to_contain_text("2026年1月16日")
    expect(poster).to_contain_text("上官春梅")
    expect(poster).to_contain_text("13700001002")
    shoot(phone, str(screens / "rd-poster-phone.png"), full_page=True)
    desk = _context(browser, viewport={"width": 1000, "height": 1300}).new_page()
    desk.goto(phone.url)
    expect(desk.locator("#poster")).to_contain_text("党代表接待日公告")
    shoot(desk, str(screens / "rd-poster-a4.png"), full_page=True)
