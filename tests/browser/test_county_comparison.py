"""The county admin compares three townships on a phone, sorts by on-time rate, exports the
workbook and opens it.

The demo county's three townships are given a known quarter before their two years of demo
history: 河口镇 answered both of its cases on time, 青山乡 answered its one case late; the
rollups are refreshed. county.admin opens
the comparison at a phone's width, picks that quarter and the on-time rate, sees the charts
drawn from the locally served Chart.js, sorts the table by 按时答复率, exports the .xlsx,
watches the job finish, downloads it and the test reads it with openpyxl."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lianxin.casework.deadlines import shanghai_today
from lianxin.county import periods
from lianxin.county import service as comparison
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import history_start
from lianxin.tenants import service as tenants
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.screens import shoot
from tests.browser.test_onboarding import PHONE, log_in
from tests.county.conftest import _case, at

pytestmark = pytest.mark.browser


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _prepare(live_server: LiveServer) -> periods.Period:
    # The demo replays two years of history in every township: the known quarter is the one
    # before that history begins (the townships are made to have come on earlier).
    first = history_start(shanghai_today())
    quarter = periods.containing(
        periods.containing(first, "quarter").start - timedelta(1), "quarter"
    )
    day = quarter.start

    def iso(offset: int) -> str:
        return (day + timedelta(offset)).isoformat()

    with live_server.app.app_context():
        county = tenants.county_by_slug("demo")
        assert county is not None
        for slug in ("chengguan", "hekou", "qingshan"):
            township = tenants.township_by_slug(slug)
            assert township is not None
            township.created_at = at("2024-01-02")
        db.session.commit()
        hekou = tenants.township_by_slug("hekou")
        qingshan = tenants.township_by_slug("qingshan")
        assert hekou is not None and qingshan is not None
        with tenant_context(hekou.id):
            db.session.add_all(
                [
                    _case("河口一", iso(2), iso(12), answered_at=at(iso(5))),
                    _case("河口二", iso(3), iso(13), answered_at=at(iso(13))),
                ]
            )
            db.session.commit()
        with tenant_context(qingshan.id):
            db.session.add(_case("青山一", iso(2), iso(12), answered_at=at(iso(20))))
            db.session.commit()
        comparison.refresh_county(county.id, full=True)
        db.session.remove()
    return quarter


def _column(page: Any) -> list[tuple[str, str]]:
    rows = page.locator("#comparison tbody tr")
    out = []
    for index in range(rows.count()):
        row = rows.nth(index)
        name = row.locator("td").first.inner_text().split("\n")[0].strip()
        value = row.locator('td[data-metric="cases_on_time"]').inner_text().strip()
        out.append((name, value))
    return out


def test_county_admin_compares_sorts_and_exports(
    live_server: LiveServer, browser: Any, screens: Path
) -> None:
    quarter = _prepare(live_server)
    base = live_server.url
    context = browser.new_context(viewport=PHONE, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, base, "county.admin", live_server.demo_password)
    page.goto(f"{base}/c/demo/")
    page.locator("#to-comparison").click()
    expect(page.locator("h1")).to_contain_text("乡镇比较")

    page.locator("#period").select_option(quarter.key)
    page.locator("#metric").select_option("cases_on_time")
    page.get_by_role("button", name="查看", exact=True).click()
    expect(page.locator("#refreshed")).to_contain_text(quarter.label())
    expect(page.locator("#comparison tbody tr")).to_have_count(3)
    # The charts are drawn in the browser by the locally served Chart.js.
    assert page.evaluate("() => !!(window.Chart && window.lxBarChart && window.lxTrendChart)")
    assert page.evaluate("() => window.lxBarChart.data.labels.length") == 2
    # Readable on a phone: the page itself never scrolls sideways (the table scrolls in its box).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shoot(page, str(screens / "county-comparison-phone.png"), full_page=True)

    page.locator('th[data-metric="cases_on_time"] a').click()
    expect(page.locator('th[data-metric="cases_on_time"]')).to_contain_text("↓")
    column = _column(page)
    assert column[0] == ("河口镇", "100.0%")
    assert column[1] == ("青山乡", "0.0%")
    assert column[2][0] == "城关镇" and not column[2][1].endswith("%")  # no case due: last

    page.locator("#export-xlsx").click()
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.locator("#download-link")).to_be_visible()
    with page.expect_download() as download_info:
        page.locator("#download-link").click()
    data = Path(download_info.value.path()).read_bytes()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["按时答复率"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["河口镇"][1:3] == (100.0, 2)
    assert rows["青山乡"][1:3] == (0.0, 1)
    assert rows["城关镇"][1] == "无数据"
    assert "说明" in workbook.sheetnames and "满意率" in workbook.sheetnames
    assert isinstance(quarter.start, date)
    context.close()
