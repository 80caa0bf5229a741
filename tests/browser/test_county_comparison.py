"""The county admin compares three townships on a phone, sorts by on-time rate, exports the
workbook and opens it.

The demo county's three townships are given a known quarter before their two years of demo
history: 河口镇 answered both of its cases on time, 青山乡 answered its one case late; the
rollups are refreshed. county.admin opens
the comparison at a phone's width, picks that quarter and the on-time rate, sees the charts
drawn from the locally served Chart.js, sees a card per township, sorts them by 按时答复率,
exports the .xlsx, watches the job finish, downloads it and the test reads it with openpyxl.

At a desktop's width, on the demo's own history (issue 25): the charts are drawn with one colour
per township, rates on a 0–100 % axis; 进入查看 sits in the first column, in view; the rankings
rank townships for the period picked from a select; the leaders' summary prints on one A4 page;
and at 390 px the comparison is cards without sideways scrolling."""

from __future__ import annotations

import io
import re
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


def _cards(page: Any) -> list[tuple[str, str]]:
    """The phone's cards, in order: each township's name and its on-time rate."""
    cards = page.locator("#comparison-cards .cmp-card")
    out = []
    for index in range(cards.count()):
        card = cards.nth(index)
        name = card.locator("h3").inner_text().strip()
        value = card.locator('.cmp-card-key dd[data-metric="cases_on_time"]').inner_text()
        out.append((name, value.split("(")[0].strip()))
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
    # On a phone the table is a card per township: nothing scrolls sideways.
    expect(page.locator("#comparison-cards .cmp-card")).to_have_count(3)
    expect(page.locator("#comparison")).to_be_hidden()
    expect(page.locator("#comparison-cards [data-drill-card]").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shoot(page, str(screens / "county-comparison-phone.png"), full_page=True)

    # Sorted from the filter form (a phone has no table head to tap).
    page.locator("#sort").select_option("cases_on_time")
    page.locator("#order").select_option("desc")
    page.get_by_role("button", name="查看", exact=True).click()
    # The form's GET loads a new page: read the cards once it is the sorted one.
    page.wait_for_url(re.compile(r"[?&]sort=cases_on_time"))
    expect(page.locator("#comparison-cards .cmp-card")).to_have_count(3)
    column = _cards(page)
    assert column[0] == ("河口镇", "100.0%")
    assert column[1] == ("青山乡", "0.0%")
    assert column[2][0] == "城关镇" and not column[2][1].endswith("%")  # no case due: last
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1

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
    # The first sheet is the table on screen, in the screen's order.
    assert workbook.sheetnames[0] == "汇总"
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    on_time = summary[0].index("按时答复率（%）")
    assert [(r[0], r[on_time]) for r in summary[1:]][:2] == [("河口镇", 100.0), ("青山乡", 0.0)]
    assert summary[3][0] == "城关镇"
    assert isinstance(quarter.start, date)
    context.close()


_CHARTS = """() => {
  const bar = window.lxBarChart, trend = window.lxTrendChart;
  const colours = {};
  const fills = bar.data.datasets[0].backgroundColor;
  bar.data.labels.forEach((label, i) => { colours[label] = fills[i]; });
  const lines = {};
  trend.data.datasets.forEach((d) => { lines[d.label] = d.borderColor; });
  const canvas = document.getElementById("bar-chart");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { inked += 1; } }
  const axis = bar.options.indexAxis === "y" ? bar.scales.x : bar.scales.y;
  return {
    points: bar.data.datasets[0].data.filter((v) => v !== null).length,
    colours, lines, inked,
    max: axis.max, title: axis.options.title.text,
    trendPoints: trend.data.datasets.reduce(
      (n, d) => n + d.data.filter((v) => v !== null).length, 0),
  };
}"""


def test_the_demo_countys_comparison_at_a_glance_and_in_print(
    live_server: LiveServer, browser: Any, screens: Path
) -> None:
    from tests.browser.printing import is_a4, page_count, printed
    from tests.browser.test_onboarding import DESKTOP

    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, base, "county.admin", live_server.demo_password)
    page.goto(f"{base}/c/demo/comparison/")
    expect(page.locator("h1")).to_contain_text("乡镇比较")

    # Drawn bars, a colour per township shared by both charts, a rate on a 0–100 % axis.
    charts = page.evaluate(_CHARTS)
    assert charts["points"] > 0 and charts["trendPoints"] > 0, charts
    assert charts["inked"] > 1000, "the bar chart's canvas is blank"
    assert charts["colours"] == {k: charts["lines"][k] for k in charts["colours"]}
    assert len(set(charts["lines"].values())) == len(charts["lines"]) == 3
    chosen = page.locator("#metric option:checked").inner_text()
    if chosen.endswith("率"):
        assert charts["max"] == 100 and charts["title"].endswith("（%）"), charts
    # Another figure, another period: each township keeps its colour.
    page.locator("#metric").select_option("cases_received")
    page.get_by_role("button", name="查看", exact=True).click()
    page.wait_for_url("**metric=cases_received**")
    page.wait_for_function("() => !!(window.lxBarChart && window.lxTrendChart)")
    again = page.evaluate(_CHARTS)
    assert again["lines"] == charts["lines"]

    # 进入查看 is in the first column and in view at 1280 px, without scrolling sideways.
    first_head = page.locator("#comparison thead th").first.bounding_box()
    for index in range(3):
        row = page.locator("#comparison tbody tr").nth(index)
        button = row.locator("td").first.locator("[data-drill]").bounding_box()
        assert button is not None and first_head is not None
        assert first_head["x"] <= button["x"]
        assert button["x"] + button["width"] <= first_head["x"] + first_head["width"] + 1
        assert button["x"] + button["width"] <= DESKTOP["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"] + 1
    shoot(page, str(screens / "county-comparison-desktop.png"), full_page=True)

    # The rankings: the period from a select like the comparison's, townships ranked.
    page.locator("#to-rankings").click()
    expect(page.locator("h1")).to_contain_text("排名")
    options = page.locator("#period option")
    assert options.count() > 12
    previous = page.locator("#period optgroup").nth(1).locator("option").nth(1)
    key = previous.get_attribute("value")
    page.locator("#period").select_option(key)
    page.locator("#formula").select_option("cases_per_100_reps")
    page.get_by_role("button", name="查看", exact=True).first.click()
    expect(page.locator("#period option:checked")).to_have_attribute("value", key or "")
    ranked = page.locator('#township-ranking tr[data-ranked="yes"]')
    assert ranked.count() >= 1, page.locator("#township-ranking").inner_text()
    assert ranked.first.locator(".rank-no").inner_text().strip() == "1"

    # The leaders' summary: the county's figures, best and worst, on exactly one A4 page.
    page.goto(f"{base}/c/demo/comparison/summary?period={key}")
    rows = page.locator("#summary-table tbody tr")
    assert rows.count() > 5
    assert page.locator("#summary-table td[data-best] .swatch").count() > 0
    pdf = printed(page, f"{base}/c/demo/comparison/summary?period={key}")
    (screens / "county-summary.pdf").write_bytes(pdf)
    assert page_count(pdf) == 1, f"the summary prints on {page_count(pdf)} pages"
    assert is_a4(pdf)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, for human eyes
    shoot(page, str(screens / "county-summary-print.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.emulate_media(media="screen")

    # The drill-down from the first column opens the township read-only.
    page.goto(f"{base}/c/demo/comparison/")
    page.locator("#comparison tbody tr").first.locator("[data-drill]").click()
    expect(page.locator("body")).to_contain_text("只读查看")
    context.close()

    # A phone: a card per township, nothing to scroll sideways.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, base, "county.admin", live_server.demo_password)
    page.goto(f"{base}/c/demo/comparison/?period={key}")
    expect(page.locator("#comparison-cards .cmp-card")).to_have_count(3)
    expect(page.locator("#comparison")).to_be_hidden()
    for index in range(3):
        card = page.locator("#comparison-cards .cmp-card").nth(index)
        expect(card.locator("[data-drill-card]")).to_be_visible()
    assert page.evaluate("() => window.lxBarChart.data.datasets[0].data.length") > 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.locator("#comparison-cards details").first.locator("summary").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shoot(page, str(screens / "county-comparison-cards.png"), full_page=True)
    phone.close()
