"""On a phone (390×844): the branch liaison of 东关村 (cg.liaison) logs a visit, writes down the
representative's proposed handling; 张秀英 (cg.rep) signs it by her account; the liaison sends
it on to the branch head and the office, and the office (cg.staff) finds it to receive. Nothing
overflows sideways, and every step's button is a real tap target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in

pytestmark = pytest.mark.browser
TITLE = "东关村2组排水沟堵塞"


def _phone(browser: Any) -> Any:
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)  # nothing overflows sideways


def _tappable(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["height"] >= 36 and box["width"] >= 44, (selector, box)


def test_a_visit_goes_through_the_branch_on_a_phone(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    base, password = live_server.url, live_server.demo_password
    liaison = _phone(browser)
    log_in(liaison, base, "cg.liaison", password)
    liaison.goto(f"{base}/t/chengguan/cases/")
    _fits(liaison)
    # The demo's visits of 东关村 are hers to follow; another branch's cases are not listed.
    expect(liaison.get_by_role("link", name="东关村自来水水压低")).to_be_visible()
    liaison.get_by_role("link", name="代为登记").click()
    expect(liaison.locator("#branch-hint")).to_be_visible()
    _fits(liaison)
    liaison.select_option("#channel", "liaison")
    liaison.fill("#raiser_name", "吴大妈")
    liaison.fill("#raiser_phone", "13912345678")
    liaison.select_option("#received_by_id", label="张秀英")
    liaison.fill("#title", TITLE)
    liaison.fill("#body", "2组排水沟被垃圾堵住，下雨就漫到路上。")
    liaison.get_by_role("button", name="登记", exact=True).click()
    expect(liaison.locator("#branch-steps")).to_be_visible()
    expect(liaison.locator(".state")).to_contain_text("支部已登记")
    liaison.fill("#proposed-text", "建议村里组织清理，并请镇城建办加装沟盖板。")
    liaison.get_by_role("button", name="保存拟办意见").click()
    expect(liaison.locator("#signoff")).to_contain_text("待代表签字确认")
    expect(liaison.locator("#form-send-on")).to_have_count(0)  # not before her signature
    _fits(liaison)
    shoot(liaison, screens / "branch-liaison-proposed.png", full_page=True)
    case_url = liaison.url

    rep = _phone(browser)
    log_in(rep, base, "cg.rep", password)
    rep.goto(case_url)
    expect(rep.locator("#proposed-handling")).to_contain_text("沟盖板")
    _tappable(rep, "#form-sign-off button")
    rep.get_by_role("button", name="签字确认拟办意见").click()
    expect(rep.locator("#signoff")).to_contain_text("本人账号确认")
    _fits(rep)
    shoot(rep, screens / "branch-rep-signed.png", full_page=True)

    liaison.goto(case_url)
    _tappable(liaison, "#form-send-on button")
    liaison.fill("#send-on-note", "支部书记同意")
    liaison.get_by_role("button", name="送支部负责人和联络办").click()
    expect(liaison.locator(".state").first).to_contain_text("已登记")
    expect(liaison.locator("#events")).to_contain_text("送支部负责人及联络办")
    expect(liaison.locator("#form-receive")).to_have_count(0)
    shoot(liaison, screens / "branch-liaison-sent.png", full_page=True)

    office = _phone(browser)
    log_in(office, base, "cg.staff", password)
    office.goto(case_url)
    expect(office.locator("#form-receive")).to_be_visible()
    _fits(office)
