"""Every figure of three townships against hand-computed values (tests/county/conftest.py)."""

from __future__ import annotations

import pytest

from lianxin.county import service
from lianxin.county.models import RollupStatus
from tests.county.conftest import EXPECTED
from tests.factories import actor
from tests.helpers import login


def _figures(scene, period: str):
    result = service.comparison(actor(scene.users["admin"]), scene.county, period)
    return result, {
        name: {m.key: result.cell(tid, m.key) for m in result.metrics}
        for name, tid in scene.ids.items()
        if name != "far"
    }


def test_every_figure_of_the_quarter_matches_the_hand_count(refreshed):
    result, cells = _figures(refreshed, "2026-Q1")
    assert {t.id for t in result.townships} == {
        refreshed.ids["jia"],
        refreshed.ids["yi"],
        refreshed.ids["bing"],
    }
    for township, expected in EXPECTED.items():
        for key, want in expected.items():
            cell = cells[township][key]
            if want == "off":
                assert cell.status == RollupStatus.OFF, (township, key, cell)
                assert cell.value is None and cell.n is None
                continue
            value, n = want
            assert cell.status == RollupStatus.OK, (township, key, cell)
            if value is None:
                assert cell.value is None, (township, key, cell)
            else:
                assert cell.value == pytest.approx(value), (township, key, cell)
            if n is not None:
                assert cell.n == n, (township, key, cell)
    # Every figure of 甲镇 is checked, not a sample.
    assert set(EXPECTED["jia"]) == {m.key for m in result.metrics}


def test_a_switched_off_module_shows_as_not_opened_never_zero(refreshed):
    _result, cells = _figures(refreshed, "2026-Q1")
    info = service.metric_info("proposals_filed")
    assert service.format_value(info, cells["yi"]["proposals_filed"]) == "未开通"
    assert service.format_value(info, cells["bing"]["proposals_filed"]) == "0"


def test_rates_are_displayed_as_percentages_and_no_data_is_not_zero(refreshed):
    _result, cells = _figures(refreshed, "2026-Q1")
    on_time = service.metric_info("cases_on_time")
    satisfaction = service.metric_info("cases_satisfaction")
    assert service.format_value(on_time, cells["jia"]["cases_on_time"]) == "50.0%"
    assert service.format_value(satisfaction, cells["jia"]["cases_satisfaction"]) == "66.7%"
    assert service.format_value(on_time, cells["bing"]["cases_on_time"]) == "0.0%"
    assert service.format_value(satisfaction, cells["bing"]["cases_satisfaction"]) == "无数据"
    days = service.metric_info("cases_median_days")
    assert service.format_value(days, cells["jia"]["cases_median_days"]) == "19天"


def test_a_month_is_counted_on_its_own(refreshed):
    _result, cells = _figures(refreshed, "2026-01")
    jia = cells["jia"]
    assert (jia["cases_received"].value, jia["cases_answered"].value) == (2, 1)
    assert (jia["cases_on_time"].value, jia["cases_on_time"].n) == (1.0, 1)
    assert jia["cases_median_days"].value == 10
    assert jia["sessions_attendance"].value == pytest.approx(0.75)


def test_a_township_onboarded_mid_period(refreshed):
    _result, january = _figures(refreshed, "2026-01")
    for cell in january["bing"].values():
        assert cell.status == RollupStatus.NOT_ONBOARDED and cell.value is None
    info = service.metric_info("cases_received")
    assert service.format_value(info, january["bing"]["cases_received"]) == "未接入"
    _result, quarter = _figures(refreshed, "2026-Q1")
    assert quarter["bing"]["cases_received"].value == 1
    assert "2月15日接入" in _result.notes(refreshed.ids["bing"])


def test_a_period_with_no_data(refreshed):
    _result, cells = _figures(refreshed, "2025-Q3")
    jia = cells["jia"]
    assert jia["cases_received"].status == RollupStatus.OK and jia["cases_received"].value == 0
    assert jia["cases_on_time"].value is None and jia["cases_on_time"].n == 0
    info = service.metric_info("cases_on_time")
    assert service.format_value(info, jia["cases_on_time"]) == "无数据"
    # Before anyone was onboarded, and a period never refreshed: never a zero either.
    _result, old = _figures(refreshed, "2024")
    assert old["jia"]["cases_received"].status == RollupStatus.NOT_ONBOARDED
    _result, future = _figures(refreshed, "2027-01")
    assert future["jia"]["cases_received"].status == "missing"
    assert service.format_value(info, future["jia"]["cases_on_time"]) == "未统计"


def test_a_module_switched_off_mid_period(refreshed, monkeypatch):
    from lianxin.audit import service as audit
    from lianxin.tenants import service as tenants
    from tests.county.conftest import TODAY, at

    monkeypatch.setattr(audit, "utcnow", lambda: at("2026-02-10"))
    tenants.set_module_enabled(
        actor(refreshed.users["admin"]),
        refreshed.county,
        refreshed.ids["jia"],
        "proposals",
        False,
    )
    service.refresh_county(refreshed.county.id, full=True, today=TODAY)
    _result, quarter = _figures(refreshed, "2026-Q1")
    # Switched off on 10 February: the quarter keeps what was done while it ran, with a note.
    assert quarter["jia"]["proposals_filed"].value == 3
    assert quarter["jia"]["proposals_filed"].note == "2月10日停用"
    _result, january = _figures(refreshed, "2026-01")
    assert january["jia"]["proposals_filed"].status == RollupStatus.OK
    _result, march = _figures(refreshed, "2026-03")
    assert march["jia"]["proposals_filed"].status == RollupStatus.OFF


def test_incremental_refresh_recomputes_open_periods_and_missing_ones(scene):
    from datetime import date

    from sqlalchemy import func, select

    from lianxin.county.models import CountyRollup
    from lianxin.db import db
    from lianxin.db.tenancy import tenant_context

    first = service.refresh_county(scene.county.id, today=date(2026, 4, 10))
    assert first.townships == 3
    again = service.refresh_county(scene.county.id, today=date(2026, 4, 10))
    # Second run: current and just-closed month, quarter and year only, per township.
    assert again.periods == 6 + 6 + 5  # 丙镇, onboarded in 2026, has no 2025
    with tenant_context(scene.ids["jia"]):
        count = db.session.scalar(
            select(func.count(func.distinct(CountyRollup.period))).where(
                CountyRollup.tenant_id == scene.ids["jia"]
            )
        )
    # Months 2025-06..2026-04, quarters 2025-Q2..2026-Q2, years 2025 and 2026.
    assert count == 11 + 5 + 2


def test_the_figures_through_the_api(refreshed, client):
    from tests.helpers import bearer

    headers = bearer(refreshed.users["viewer"])
    body = client.get(
        "/api/v1/c/jia/comparison/?period=2026-Q1&sort=cases_on_time&order=desc",
        headers=headers,
    ).get_json()
    names = [t["name"] for t in body["townships"]]
    # Sorted by on-time rate: 乙镇 100 %, 甲镇 50 %, 丙镇 0 %.
    assert names == ["乙镇", "甲镇", "丙镇"]
    yi = body["townships"][0]["figures"]
    assert yi["proposals_filed"] == {
        "value": None,
        "n": None,
        "status": "off",
        "note": None,
        "display": "未开通",
    }
    assert body["townships"][1]["figures"]["cases_satisfaction"]["display"] == "66.7%"
    trend = client.get(
        "/api/v1/c/jia/comparison/trend?metric=cases_received&period=2026-03&count=3",
        headers=headers,
    ).get_json()
    assert trend["periods"] == ["2026-01", "2026-02", "2026-03"]
    jia = next(t for t in trend["townships"] if t["name"] == "甲镇")
    assert [p["value"] for p in jia["points"]] == [2, 1, 2]
    bing = next(t for t in trend["townships"] if t["name"] == "丙镇")
    assert [p["status"] for p in bing["points"]] == ["not_onboarded", "ok", "ok"]
    metrics = client.get("/api/v1/c/jia/comparison/metrics", headers=headers).get_json()
    assert {m["key"] for m in metrics} == set(EXPECTED["jia"])


def test_bad_periods_and_metrics_use_the_error_shape(refreshed, client):
    from tests.helpers import assert_error, bearer

    headers = bearer(refreshed.users["viewer"])
    assert_error(
        client.get("/api/v1/c/jia/comparison/?period=2026-13", headers=headers),
        422,
        "unknown_period",
    )
    assert_error(
        client.get("/api/v1/c/jia/comparison/?period=2026&sort=nope", headers=headers),
        422,
        "unknown_metric",
    )


def test_another_countys_admin_gets_404(refreshed, client):
    from tests.helpers import assert_error, bearer

    headers = bearer(refreshed.users["far_admin"])
    for path in (
        "/api/v1/c/jia/comparison/?period=2026-Q1",
        "/api/v1/c/jia/comparison/trend?metric=cases_received&period=2026-Q1",
        "/api/v1/c/jia/comparison/rankings?period=2026-Q1",
        "/api/v1/c/jia/comparison/metrics",
    ):
        assert_error(client.get(path, headers=headers), 404)
    # A township admin is no county viewer either.
    assert_error(
        client.get(
            "/api/v1/c/jia/comparison/?period=2026-Q1", headers=bearer(refreshed.users["jia_admin"])
        ),
        404,
    )
    login(client, refreshed.users["far_admin"])
    assert client.get("/c/jia/comparison/?period=2026-Q1").status_code == 404
    # Their own county shows only their own township.
    page = client.get("/c/yuan/comparison/?period=2026-Q1").get_data(as_text=True)
    assert "远镇" in page and "甲镇" not in page
