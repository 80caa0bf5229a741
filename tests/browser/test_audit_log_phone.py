"""The audit log on a 390×844 phone, on the demo's two years of history (issue 25): a page of
50 compact entries with no sideways scrolling, the filter narrowing it, the next page one tap
away; the county admin sees the chains' verification status and checks them now."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import phone
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _fits(page: Any) -> int:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone: {width}px"
    return int(page.evaluate("document.documentElement.scrollHeight"))


def test_the_audit_log_on_a_phone(browser: Any, live_server: LiveServer, screens: Path) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    base = live_server.url
    page = phone.signed_in(browser, live_server, "cg.admin")
    page.goto(f"{base}/t/chengguan/audit")
    entries = page.locator("#audit-log .audit-entry")
    expect(entries).to_have_count(50)
    height = _fits(page)
    shoot(page, str(screens / "audit-township-phone.png"), full_page=True)
    assert "case." not in page.locator("#audit-log").inner_text()  # words, not codes
    expect(page.locator(".audit-pager")).to_be_visible()
    # Narrow it to casework: every entry left is one.
    page.get_by_text("筛选条件").click()  # folded away until asked for
    page.locator("#f-family").select_option("case")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"family=case"))
    _fits(page)
    first = page.locator("#audit-log .audit-target").first
    expect(first).to_have_attribute("href", re.compile(r"^/t/chengguan/cases/\d+$"))
    # The next page keeps the filter.
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"family=case.*page=2|page=2.*family=case"))
    _fits(page)
    # A compact page: far from the 8,960 px of 200 loose cards it was.
    assert height < 6000, height
    page.context.close()

    county = phone.signed_in(browser, live_server, "county.admin")
    county.goto(f"{base}/c/demo/audit")
    chains = county.locator("#audit-chains")
    expect(chains).to_contain_text("城关镇")
    _fits(county)
    county.get_by_role("button", name="立即核验").click()
    expect(county.locator(".flash-success")).to_contain_text("均未发现篡改")
    expect(county.locator('[data-chain^="t:"] .badge.ok').first).to_contain_text("已核验")
    expect(county.locator("#audit-log .audit-action").first).to_have_text("立即核验审计日志")
    _fits(county)
    shoot(county, str(screens / "audit-county-phone.png"), full_page=True)
    county.context.close()
