"""The case register on paper (issue 25), printed by Chromium on A4: 城关镇's reception log
(接访登记簿, landscape, a fixed number of rows a sheet: its page count follows from its rows) and
its statistics sheet (接访统计表, portrait, one page), as `cg.staff` prints them."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from lianxin.casework.stages.registers import PRINT_LIMIT, ROWS_PER_PAGE
from tests.browser.conftest import SCREENS_FOR_HUMANS, TIMEOUT_MS, LiveServer
from tests.browser.printing import is_a4, page_count, printed
from tests.browser.test_onboarding import PHONE, log_in, phone_screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    """The real first-party modules: the demo's stations and history come with them."""
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _total(page: Any, url: str) -> int:
    page.goto(url)
    text = page.locator("#case-total").inner_text()
    match = re.search(r"(\d+)", text)
    assert match, text
    return int(match.group(1))


def _keep(pdf: bytes, name: str) -> None:
    """A copy for humans to look at (the test does not depend on it)."""
    try:
        SCREENS_FOR_HUMANS.mkdir(parents=True, exist_ok=True)
        (SCREENS_FOR_HUMANS / name).write_bytes(pdf)
    except OSError:
        pass


def test_the_reception_log_and_the_statistics_print_on_a4(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    base = live_server.url
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, base, "cg.staff", live_server.demo_password)
    cases = f"{base}/t/chengguan/cases/"

    # The latest weeks of 城关镇's register, enough for more than one sheet and fewer than
    # the print's limit: from `days` before its newest case.
    total = _total(page, cases)
    assert total > ROWS_PER_PAGE, "the demo's 城关镇 has cases"
    newest = page.locator('#cases td[data-label="登记时间"]').first.inner_text().strip()
    days, rows = 30, 0
    while days <= 800:
        start = date.fromisoformat(newest) - timedelta(days=days)
        query = {"registered_from": start.isoformat()}
        rows = _total(page, f"{cases}?{urlencode(query)}")
        if rows > ROWS_PER_PAGE:
            break
        days *= 2
    assert ROWS_PER_PAGE < rows <= PRINT_LIMIT, rows

    # The list's print link carries the filter.
    link = page.locator("#case-print").get_attribute("href") or ""
    assert f"registered_from={start.isoformat()}" in link
    log_url = f"{base}{link}" if link.startswith("/") else link
    page.goto(log_url)
    assert page.locator("tr[data-case]").count() == rows
    sheets = math.ceil(rows / ROWS_PER_PAGE)
    assert page.get_by_text(f"第 {sheets} 页 共 {sheets} 页").count() == 1
    pdf = printed(page, log_url)
    _keep(pdf, "cases-reception-log.pdf")
    assert is_a4(pdf, landscape=True)
    assert page_count(pdf) == sheets

    # The statistics sheet of the newest case's year: one A4 page.
    year = date.fromisoformat(newest).year
    page.goto(cases)
    page.locator("#case-statistics").click()
    page.goto(f"{base}/t/chengguan/cases/statistics?year={year}")
    shown = int(page.locator("#stats-total").inner_text())
    assert shown > 0
    pdf = printed(page, f"{base}/t/chengguan/cases/statistics/print?year={year}")
    _keep(pdf, "cases-statistics.pdf")
    assert page_count(pdf) == 1
    assert is_a4(pdf)

    # On a phone the list, its filter and the statistics page scroll down, never sideways.
    for url, name in (
        (f"{cases}?{urlencode(query)}", "cases-list-phone.png"),
        (f"{base}/t/chengguan/cases/statistics?year={year}", "cases-statistics-phone.png"),
        (log_url, "cases-reception-log-phone.png"),
    ):
        assert phone_screenshot(browser, context, url, screens / name) <= PHONE["width"], url
    context.close()
