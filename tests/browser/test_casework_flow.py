"""A person asks a station's representative on the public page, the liaison office receives and
refers it, the handling unit answers, the person reads the answer with the tracking code and
rates it, and the station's monthly figures change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in

pytestmark = pytest.mark.browser
TITLE = "小区门口积水严重"


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    """The real first-party modules: the demo's workstation comes with them."""
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _figures(page: Any, url: str) -> dict[str, str]:
    page.goto(url)
    return {
        key: page.locator(f"#{key}").inner_text().strip()
        for key in ("receptions", "people", "satisfaction")
    }


def _context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def test_public_submission_to_rated_answer(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    base = live_server.url
    office = _context(browser).new_page()
    log_in(office, base, "cg.staff", live_server.demo_password)
    office.goto(f"{base}/t/chengguan/workstations/")
    office.get_by_role("link", name="城关镇党代表工作站").first.click()
    report_url = office.url.rstrip("/") + "/report"
    before = _figures(office, report_url)

    public = _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    person = public.new_page()
    person.goto(f"{base}/p/chengguan/")
    person.get_by_role("link", name=re.compile("工作站")).first.click()
    person.get_by_role("link", name="城关镇党代表工作站").click()
    person.get_by_role("link", name="指定约见").first.click()
    person.locator("#f-category").select_option("基础设施")
    person.locator("#f-title").fill(TITLE)
    person.locator("#f-body").fill("城南社区3号门一下雨就积水，老人出行不便。")
    person.locator("#f-name").fill("刘阿姨")
    person.locator("#f-phone").fill("13912340000")
    person.get_by_role("button", name="提交约见申请").click()
    code = person.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code), code
    shoot(person, str(screens / "case-submitted-phone.png"), full_page=True)

    office.goto(f"{base}/t/chengguan/cases/")
    office.get_by_role("link", name=TITLE).click()
    office.locator("#form-receive button[type=submit]").click()
    expect(office.locator("#form-refer")).to_be_visible()
    office.locator("#lead_unit_id").select_option(label="镇城建办")
    office.locator("#form-refer button[type=submit]").click()
    expect(office.get_by_text("已交办").first).to_be_visible()
    case_url = office.url

    unit = _context(browser).new_page()
    # The demo's handling-unit login answers for 镇农业农村办, so the office re-routes to it
    # after that unit's user shows its inbox is empty of this case.
    log_in(unit, base, "cg.unit", live_server.demo_password)
    unit.goto(f"{base}/t/chengguan/cases/unit")
    expect(unit.get_by_role("link", name=TITLE)).to_have_count(0)
    office.goto(case_url)
    office.locator("#lead_unit_id").select_option(label="镇农业农村办")
    office.locator("#form-refer button[type=submit]").click()
    unit.goto(f"{base}/t/chengguan/cases/unit")
    unit.get_by_role("link", name=TITLE).click()
    unit.locator("#text").fill("已联系城建办疏通排水管，本周内完成。")
    unit.locator("#form-reply button[type=submit]").click()
    expect(unit.get_by_text("已答复").first).to_be_visible()

    office.goto(case_url)
    office.locator("#form-feedback button[type=submit]").click()
    expect(office.get_by_text("已反馈").first).to_be_visible()

    person.goto(f"{base}/p/chengguan/cases/track")
    person.locator("#f-code").fill(code)
    person.get_by_role("button", name="查询").click()
    expect(person.locator("#case-answer")).to_contain_text("疏通排水管")
    person.get_by_label("满意", exact=True).check()
    person.get_by_role("button", name="提交评价").click()
    expect(person.locator("#case-rating")).to_contain_text("满意")
    shoot(person, str(screens / "case-rated-phone.png"), full_page=True)

    office.goto(case_url)
    expect(office.get_by_text("已评价").first).to_be_visible()
    after = _figures(office, report_url)
    assert int(after["receptions"]) == int(before["receptions"]) + 1, (before, after)
    assert int(after["people"]) == int(before["people"]) + 1, (before, after)
    # Ours is the station's only rated case this month, rated 满意.
    assert after["satisfaction"].startswith("100"), (before, after)
