"""The comparison a county head reads at a glance (issue 25): the township and 进入查看 in the
first column, one colour per township in every chart, rates on a 0–100 % axis, a default figure
that has data, the rankings' period select, the workbook's 汇总 sheet equal to the screen's
table, and the leaders' one-page summary, kept to the county's own viewers."""

from __future__ import annotations

import io
import json
import re
from html import unescape
from typing import Any

import pytest
from openpyxl import load_workbook

from lianxin.county import service
from lianxin.db import db
from lianxin.tenants.models import Township
from tests.county.test_rollup_only import TENANT_TABLES, statements, tables_in
from tests.factories import actor
from tests.helpers import assert_error, bearer, login

Q1 = "2026-Q1"


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html)).split()


def _chart(page: str) -> dict[str, Any]:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no chart data on the page"
    return json.loads(match.group(1))


def _table(page: str) -> tuple[list[str], list[list[str]], list[str]]:
    """The comparison table as the screen shows it: its heads, each row's cells (the first cell
    is the township's name) and each row's first cell's raw HTML."""
    table = page[
        page.index('id="comparison"') : page.index("</table>", page.index('id="comparison"'))
    ]
    heads = [
        " ".join(_text(h)).replace(" ↓", "").replace(" ↑", "").replace("↓", "").replace("↑", "")
        for h in re.findall(r'<th class="num"[^>]*>(.*?)</th>', table, re.S)
    ]
    rows, firsts = [], []
    for body in re.findall(r"<tr data-slug=[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        firsts.append(cells[0])
        name = re.search(r'<div class="cmp-name">(.*?)</div>', cells[0], re.S)
        assert name
        rows.append(["".join(_text(name.group(1))), *["".join(_text(c)) for c in cells[1:]]])
    return heads, rows, firsts


def _page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_the_first_column_holds_the_township_and_its_drill_down(refreshed, client):
    login(client, refreshed.users["admin"])
    page = _page(client, f"/c/jia/comparison/?period={Q1}")
    heads, rows, firsts = _table(page)
    assert sorted(r[0] for r in rows) == sorted(["甲镇", "乙镇", "丙镇"])
    for first, row in zip(firsts, rows, strict=True):
        assert "data-drill=" in first and "进入查看" in first, row[0]
        assert 'action="/c/jia/comparison/drill/' in first
    # No trailing 查看 column any more: a head per figure, a cell per figure after the name.
    assert len(heads) == len(service.catalog())
    assert all(len(r) == 1 + len(heads) for r in rows)
    # The phone's cards carry the same townships and drill-downs, in the same order.
    cards = re.findall(r'<article class="cmp-card" data-slug="([^"]+)"', page)
    slugs = re.findall(r'<tr data-slug="([^"]+)"', page)
    assert cards == slugs and len(cards) == 3
    assert page.count("data-drill-card=") == 3


def test_a_township_has_one_colour_in_every_chart_and_period(refreshed, client):
    login(client, refreshed.users["admin"])
    expected = {t.name: c for t, c in _colours(refreshed).items()}
    assert len(set(expected.values())) == 3  # told apart
    seen: list[dict[str, str]] = []
    for query in (
        f"period={Q1}&metric=cases_on_time",
        f"period={Q1}&metric=cases_received&sort=cases_received&order=asc",
        f"period={Q1}&metric=cases_on_time&sort=cases_on_time&order=desc",
        "period=2026-03&metric=cases_received",
        "period=2025&metric=representatives",
    ):
        chart = _chart(_page(client, f"/c/jia/comparison/?{query}"))
        bars = {b["name"]: b["colour"] for b in chart["bars"]}
        lines = {line["name"]: line["colour"] for line in chart["lines"]}
        assert bars == lines == expected, query
        seen.append(bars)
    assert all(s == seen[0] for s in seen)
    # By position in the county: the palette's first colours, in the order of the names.
    ordered = sorted(expected)
    assert [expected[n] for n in ordered] == list(service.PALETTE[:3])
    # A county of many townships still gives each its own colour.
    many = {service.colour_at(i) for i in range(40)}
    assert len(many) == 40


def _colours(scene: Any) -> dict[Township, str]:
    townships = service.townships_of(scene.county)
    colours = service.township_colours(townships)
    return {t: colours[t.id] for t in townships}


def test_rates_are_drawn_on_a_percent_axis_with_titles(refreshed, client):
    login(client, refreshed.users["viewer"])
    chart = _chart(_page(client, f"/c/jia/comparison/?period={Q1}&metric=cases_on_time"))
    assert chart["percent"] is True and chart["unit"] == "%"
    assert chart["axis_title"] == "按时答复率（%）"
    assert chart["category_title"] == "乡镇" and chart["period_title"] == "期间"
    bars = {b["name"]: b["value"] for b in chart["bars"]}
    assert bars == {"甲镇": 50.0, "乙镇": 100.0, "丙镇": 0.0}  # percent, not 0–1
    counts = _chart(_page(client, f"/c/jia/comparison/?period={Q1}&metric=cases_received"))
    assert counts["percent"] is False and counts["axis_title"] == "收到诉求"
    days = _chart(_page(client, f"/c/jia/comparison/?period={Q1}&metric=cases_median_days"))
    assert days["unit"] == "天" and days["axis_title"].endswith("（天）")


def test_the_default_figure_has_data(refreshed, client):
    login(client, refreshed.users["admin"])
    chart = _chart(_page(client, f"/c/jia/comparison/?period={Q1}"))
    assert chart["label"] == "按时答复率"  # the preferred figure, when it has data
    # 2025-Q3: representatives on the roll, no case due anywhere: the on-time rate is empty for
    # every township, so the page draws a figure that has values instead.
    result = service.comparison(actor(refreshed.users["admin"]), refreshed.county, "2025-Q3")
    assert not any(result.cell(t.id, "cases_on_time").comparable for t in result.townships)
    page = _page(client, "/c/jia/comparison/?period=2025-Q3")
    chart = _chart(page)
    assert chart["label"] != "按时答复率"
    assert any(b["value"] is not None for b in chart["bars"])
    key = service.default_metric(result)
    assert re.search(rf'<option value="{key}" selected>', page)
    # Asked for explicitly, an empty figure is still drawn as asked.
    chart = _chart(_page(client, "/c/jia/comparison/?period=2025-Q3&metric=cases_on_time"))
    assert chart["label"] == "按时答复率"
    assert all(b["value"] is None for b in chart["bars"])
    # An unknown figure falls back to the default, not to a 500.
    chart = _chart(_page(client, "/c/jia/comparison/?period=2025-Q3&metric=nope"))
    assert any(b["value"] is not None for b in chart["bars"])


def test_the_rankings_period_is_a_select_like_the_comparisons(refreshed, client):
    login(client, refreshed.users["viewer"])
    page = _page(client, f"/c/jia/comparison/rankings?period={Q1}&formula=on_time")
    select = re.search(r'<select id="period" name="period">(.*?)</select>', page, re.S)
    assert select, "the period is a select"
    assert '<option value="2026-Q1" selected>' in select.group(1)
    assert select.group(1).count("<optgroup") == 3
    assert '<input id="period"' not in page
    # A period older than the list is added to it, selected.
    old = _page(client, "/c/jia/comparison/rankings?period=2019-03")
    assert '<option value="2019-03" selected>' in old
    # A bad period: a Chinese message and the default period, never a 500.
    response = client.get("/c/jia/comparison/rankings?period=2026-13")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "期间格式应为" in page


def _number(text: str) -> Any:
    """A screen cell as the workbook holds it: 50.0% → 50.0, 19天 → 19, 3 → 3, words stay."""
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(%|天)?", text)
    if not match:
        return text
    return float(match.group(1)) if "." in match.group(1) else int(match.group(1))


def _export(client: Any, **form: str) -> Any:
    response = client.post("/c/jia/comparison/exports", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.location.rstrip("/").rsplit("/", 1)[-1])
    download = client.get(f"/c/jia/comparison/exports/{job_id}/download")
    assert download.status_code == 200
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(download.data))


@pytest.mark.parametrize(
    "query",
    [
        {"period": Q1},
        {"period": Q1, "sort": "cases_on_time", "order": "asc"},
        {"period": Q1, "sort": "cases_received", "order": "desc"},
    ],
)
def test_the_summary_sheet_is_the_table_on_screen(refreshed, client, query):
    login(client, refreshed.users["viewer"])
    path = "/c/jia/comparison/?" + "&".join(f"{k}={v}" for k, v in query.items())
    heads, rows, _firsts = _table(_page(client, path))
    workbook = _export(client, **query)
    metrics = service.catalog()
    assert workbook.sheetnames[:2] == ["汇总", "说明"]
    assert len(workbook.sheetnames) == 2 + len(metrics)
    sheet = list(workbook["汇总"].iter_rows(values_only=True))
    head, body = sheet[0], sheet[1:]
    assert head[0] == "乡镇"
    assert [re.sub(r"（[%天]）$", "", h) for h in head[1:]] == heads
    assert [r[0] for r in body] == [r[0] for r in rows]  # the screen's order
    for screen, saved in zip(rows, body, strict=True):
        assert [screen[0], *[_number(c) for c in screen[1:]]] == list(saved), screen[0]
    # A rate is in percent in the workbook too, with the unit in its head.
    on_time = head.index("按时答复率（%）")
    assert {r[0]: r[on_time] for r in body} == {"甲镇": 50.0, "乙镇": 100.0, "丙镇": 0.0}


def test_a_formula_looking_name_comes_back_as_text(refreshed, client):
    township = db.session.get(Township, refreshed.ids["bing"])
    township.name = "=1+1"
    db.session.commit()
    login(client, refreshed.users["viewer"])
    workbook = _export(client, period=Q1)
    cells = [row[0] for row in workbook["汇总"].iter_rows(min_row=2)]
    formula = next(c for c in cells if c.value == "=1+1")
    assert formula.data_type == "s"


def test_a_bad_sort_on_the_export_is_refused_in_chinese(refreshed, client):
    headers = bearer(refreshed.users["viewer"])
    body = assert_error(
        client.post(
            "/api/v1/c/jia/comparison/exports",
            json={"period": Q1, "sort": "nope"},
            headers=headers,
        ),
        422,
    )
    assert "未知指标" in json.dumps(body, ensure_ascii=False)
    assert_error(
        client.post(
            "/api/v1/c/jia/comparison/exports",
            json={"period": Q1, "order": "sideways"},
            headers=headers,
        ),
        422,
    )
    login(client, refreshed.users["viewer"])
    response = client.post("/c/jia/comparison/exports", data={"period": Q1, "sort": "nope"})
    assert response.status_code == 302 and "/jobs/" not in response.location


def _summary_rows(page: str) -> dict[str, list[str]]:
    out = {}
    for key, body in re.findall(r'<tr data-metric="([^"]+)">(.*?)</tr>', page, re.S):
        out[key] = [" ".join(_text(c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
    return out


def test_the_leaders_summary_fits_a_page_of_figures(refreshed, client):
    login(client, refreshed.users["viewer"])
    page = _page(client, f"/c/jia/comparison/summary?period={Q1}")
    assert "@page { size: A4" in page and "WenQuanYi Micro Hei" in page
    assert "2026年第1季度" in page and "对比上期：2025年第4季度" in page
    rows = _summary_rows(page)
    # Counts add up: 5 + 1 + 1 received, none in the last quarter of 2025.
    received = rows["cases_received"]
    assert received[1] == "7 合计" and received[2] == "0" and received[3] == "+7"
    # Rates are pooled: (2 + 1 + 0) on time of (4 + 1 + 1) due.
    assert rows["cases_on_time"][1] == "50.0% 合并"
    # Below the least number of cases (5 by default) no township is put forward.
    assert rows["cases_on_time"][4:] == ["—", "—"]
    # All level (no township had a case refused): nobody leads, nobody trails.
    assert rows["cases_inadmissible"][1:] == ["0 合计", "0", "±0", "并列，无先后"]
    # Figures no township has this period are named once, below the table.
    assert "duty_score_mean" not in rows
    assert "履职积分平均分" in page.split('id="summary-without"', 1)[1]

    service.set_min_count(actor(refreshed.users["admin"]), refreshed.county, 1)
    db.session.commit()
    rows = _summary_rows(_page(client, f"/c/jia/comparison/summary?period={Q1}"))
    assert rows["cases_on_time"][4:] == ["乙镇 100.0%", "丙镇 0.0%"]
    # Fewer days is better: the quickest township leads.
    days = rows["cases_median_days"]
    assert days[1] == "14天 中位数"
    assert days[4:] == ["乙镇 1天", "甲镇 19天"]


def test_the_summary_on_the_api(refreshed, client):
    headers = bearer(refreshed.users["viewer"])
    response = client.get(f"/api/v1/c/jia/comparison/summary?period={Q1}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["period"], body["previous"], body["townships"]) == (Q1, "2025-Q4", 3)
    rows = {r["metric"]["key"]: r for r in body["rows"]}
    assert rows["cases_received"]["value"] == 7 and rows["cases_received"]["change"] == 7
    assert rows["cases_on_time"]["display"] == "50.0%"
    assert "履职积分平均分" in body["without"]
    assert_error(
        client.get("/api/v1/c/jia/comparison/summary?period=2026-13", headers=headers), 422
    )
    assert_error(client.get("/api/v1/c/jia/comparison/summary", headers=headers), 422)
    far = bearer(refreshed.users["far_admin"])
    assert_error(client.get(f"/api/v1/c/jia/comparison/summary?period={Q1}", headers=far), 404)


def test_the_summary_page_defaults_and_refuses_bad_periods(refreshed, client):
    login(client, refreshed.users["viewer"])
    assert client.get("/c/jia/comparison/summary").status_code == 200
    response = client.get("/c/jia/comparison/summary?period=2026-Q5")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "期间格式应为" in page
    # Linked from the comparison and the rankings, for the period shown.
    for path in (f"/c/jia/comparison/?period={Q1}", f"/c/jia/comparison/rankings?period={Q1}"):
        assert f'href="/c/jia/comparison/summary?period={Q1}"' in _page(client, path)


def test_the_summary_change_against_the_previous_period(refreshed, client):
    """A change is measured against the same kind of period just before: a month against the
    month before, coloured by whether it is better."""
    summary = service.leaders_summary(actor(refreshed.users["viewer"]), refreshed.county, "2026-02")
    assert summary.previous.key == "2026-01"
    rows = {r.info.key: r for r in summary.rows}
    # January: 甲 c1, c2 and 乙 b1 received; February: 甲 c3 and 丙 k1.
    assert (rows["cases_received"].value, rows["cases_received"].previous_display) == (2.0, "3")
    assert rows["cases_received"].change == -1.0 and rows["cases_received"].better is False
    assert rows["cases_received"].change_display == "−1"


def test_the_summary_is_the_countys_own(refreshed, client, app):
    for user in ("far_admin", "jia_admin"):
        other = app.test_client()
        login(other, refreshed.users[user])
        assert other.get(f"/c/jia/comparison/summary?period={Q1}").status_code in (403, 404)
        assert other.get(f"/c/jia/comparison/?period={Q1}").status_code in (403, 404)
    login(client, refreshed.users["far_admin"])
    # Their own county's summary names only their own township.
    page = _page(client, f"/c/yuan/comparison/summary?period={Q1}")
    assert "远镇" in page or "远县" in page
    assert "甲镇" not in page and "乙镇" not in page


def test_the_summary_reads_only_rollups(refreshed, client):
    login(client, refreshed.users["admin"])
    with statements() as seen:
        _page(client, f"/c/jia/comparison/summary?period={Q1}")
        _page(client, "/c/jia/comparison/summary?period=2026")
    touched = tables_in(seen)
    assert "county_rollups" in touched
    assert touched.isdisjoint(TENANT_TABLES), sorted(touched & TENANT_TABLES)
