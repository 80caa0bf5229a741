"""A county admin onboards a township in a real browser; its admin sees exactly its modules.

Uses the modules of tests/testmodule.py until the real ones land: 走访试点 (`pilot`) is switched
on, 民意调查 (`survey`) is left off.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot

pytestmark = pytest.mark.browser

NAME, SLUG = "试点镇", "shidian"
ADMIN_USERNAME, ADMIN_NAME = "sd.admin", "试点镇管理员"
NEW_PASSWORD = "Shidian2026pass"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def phone_screenshot(browser: Any, signed_in: Any, url: str, path: Path) -> int:
    """Open `url` at a phone viewport with the session of `signed_in`; the page's scroll width."""
    phone = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        storage_state=signed_in.storage_state(),
    )
    try:
        phone.set_default_timeout(TIMEOUT_MS)
        page = phone.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        shoot(page, str(path), full_page=True)
        return int(page.evaluate("document.documentElement.scrollWidth"))
    finally:
        phone.close()


def test_county_admin_onboards_township_and_its_admin_sees_only_its_modules(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    # The county admin logs in and lands on the county page.
    log_in(page, base, "county.admin", live_server.demo_password)
    expect(page).to_have_url(f"{base}/c/demo/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("示范县")

    # Onboard 试点镇 with 走访试点 on and 民意调查 off.
    page.get_by_role("link", name="开通乡镇").click()
    expect(page).to_have_url(f"{base}/c/demo/townships/new")
    page.get_by_label("乡镇名称").fill(NAME)
    page.get_by_label("网址标识").fill(SLUG)
    page.get_by_label("走访试点").check()
    expect(page.get_by_label("民意调查")).not_to_be_checked()
    page.get_by_label("管理员用户名").fill(ADMIN_USERNAME)
    page.get_by_label("管理员姓名").fill(ADMIN_NAME)
    page.get_by_role("button", name="开通", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    link = page.locator("#setup-link").inner_text().strip()
    assert re.fullmatch(re.escape(base) + r"/setup/[\w-]+", link), link

    # The county page lists it: pilot on, survey off.
    page.get_by_role("link", name="返回乡镇列表").click()
    expect(page).to_have_url(f"{base}/c/demo/")
    row = page.locator(f'#townships tr[data-slug="{SLUG}"]')
    expect(row.get_by_role("link", name=NAME)).to_be_visible()
    expect(row.locator('button.switch[title="走访试点"]')).to_have_text("已开通")
    expect(row.locator('button.switch[title="民意调查"]')).to_have_text("未开通")
    shoot(page, str(screens / "county-desktop.png"), full_page=True)
    # For reviewers: the county page on a phone (its wide table scrolls inside .table-scroll).
    width = phone_screenshot(browser, context, f"{base}/c/demo/", screens / "county-phone.png")
    assert width <= PHONE["width"], f"county page scrolls sideways on a phone: {width}px"

    # Log out from the header's user menu.
    page.locator("details.user-menu > summary").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(re.escape(f"{base}/login")))

    # The new admin sets a password with the one-time link and logs in.
    page.goto(link)
    expect(page.get_by_role("heading", name="设置密码")).to_be_visible()
    expect(page.locator("main")).to_contain_text(ADMIN_USERNAME)
    page.get_by_label("新密码").fill(NEW_PASSWORD)
    page.get_by_label("再次输入").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存密码").click()
    expect(page).to_have_url(re.compile(re.escape(f"{base}/login")))
    expect(page.get_by_role("status")).to_contain_text("密码已设置")

    log_in(page, base, ADMIN_USERNAME, NEW_PASSWORD)
    expect(page).to_have_url(f"{base}/t/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)

    # Exactly the modules switched on: tiles and the module nav bar.
    tiles = page.locator("#modules [data-module]")
    expect(tiles).to_have_count(1)
    assert {tiles.nth(i).get_attribute("data-module") for i in range(tiles.count())} == {"pilot"}
    nav = page.locator("nav.modnav")
    expect(nav.get_by_role("link", name="走访记录")).to_be_visible()
    expect(nav.get_by_role("link", name="民意调查")).to_have_count(0)
    expect(page.get_by_text("民意调查")).to_have_count(0)

    # The same page on a phone, with the same session: no sideways scrolling.
    width = phone_screenshot(
        browser, context, f"{base}/t/{SLUG}/", screens / "township-home-phone.png"
    )
    assert width <= PHONE["width"], f"township home scrolls sideways on a phone: {width}px"

    # The pilot module opens; the survey module is not there.
    page.locator('#modules [data-module="pilot"]').get_by_role("link").click()
    expect(page).to_have_url(f"{base}/t/{SLUG}/pilot/")
    expect(page.get_by_role("heading", level=1)).to_have_text("走访记录")

    response = page.goto(f"{base}/t/{SLUG}/pilot/")
    assert response is not None and response.status == 200

    response = page.goto(f"{base}/t/{SLUG}/survey/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("404")
    expect(page.get_by_role("heading", name="民意调查")).to_have_count(0)

    context.close()
