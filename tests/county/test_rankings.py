"""Rankings by documented formulas; rates drawn from too few cases are shown, not ranked."""

from __future__ import annotations

import pytest

from lianxin.county import service
from lianxin.errors import PermissionDenied
from tests.factories import actor
from tests.helpers import assert_error, bearer, login


def _table(entries):
    return [(e.name, e.rank, None if e.score is None else round(e.score, 2)) for e in entries]


def test_one_case_answered_in_a_day_does_not_top_the_list(refreshed):
    _f, entries, minimum = service.township_ranking(
        actor(refreshed.users["viewer"]), refreshed.county, "2026-Q1", "on_time", min_count=2
    )
    assert minimum == 2
    # 乙镇: 100 % from one case, shown but not ranked; 甲镇 50 % of four is first.
    assert _table(entries) == [("甲镇", 1, 50.0), ("乙镇", None, 100.0), ("丙镇", None, 0.0)]
    assert entries[1].reason == "件数不足2件"


def test_the_composite_formula_rescales_around_a_module_not_run(refreshed):
    _f, entries, _m = service.township_ranking(
        actor(refreshed.users["viewer"]), refreshed.county, "2026-Q1", "handling", min_count=1
    )
    scores = {e.name: (e.rank, e.score) for e in entries}
    # 乙镇 runs no proposals: (100×40 + 100×40) / 80 × 100 = 100.
    assert scores["乙镇"] == (1, 100.0)
    # 甲镇: 0.5×40 + 2/3×40 + 0.5×20 = 56.67.
    assert scores["甲镇"] == (2, pytest.approx(56.67))
    # 丙镇: no rating at all (满意率 无数据): shown, not ranked.
    assert scores["丙镇"][0] is None


def test_the_minimum_is_a_county_setting(refreshed, client):
    viewer, admin = actor(refreshed.users["viewer"]), actor(refreshed.users["admin"])
    assert service.get_settings(refreshed.county).min_count == service.DEFAULT_MIN_COUNT
    _f, entries, _m = service.township_ranking(viewer, refreshed.county, "2026-Q1", "on_time")
    assert all(e.rank is None for e in entries)  # nobody has five cases due
    with pytest.raises(PermissionDenied):
        service.set_min_count(viewer, refreshed.county, 1)
    service.set_min_count(admin, refreshed.county, 1)
    _f, entries, _m = service.township_ranking(viewer, refreshed.county, "2026-Q1", "on_time")
    assert _table(entries) == [("乙镇", 1, 100.0), ("甲镇", 2, 50.0), ("丙镇", 3, 0.0)]
    login(client, refreshed.users["admin"])
    assert client.post("/c/jia/comparison/settings", data={"min_count": "3"}).status_code == 302
    assert service.get_settings(refreshed.county).min_count == 3
    page = client.get("/c/jia/comparison/rankings?period=2026-Q1&formula=on_time")
    text = page.get_data(as_text=True)
    assert "按时答复率 = 期内到期诉求中在期限内答复的件数" in text
    assert "件数不足3件" in text


def test_best_handling_units_representatives_and_stations(refreshed, client):
    headers = bearer(refreshed.users["viewer"])
    body = client.get(
        "/api/v1/c/jia/comparison/rankings/entities?period=2026-Q1&kind=unit"
        "&metric=cases_on_time&min_count=3",
        headers=headers,
    ).get_json()
    assert body["entries"] == [
        {
            "rank": 1,
            "name": "甲镇农业办",
            "township": "甲镇",
            "score": pytest.approx(2 / 3),
            "ranked": True,
            "reason": None,
            "parts": {"cases_on_time": {"value": pytest.approx(2 / 3), "n": 3, "status": "ok"}},
        }
    ]
    reps = client.get(
        "/api/v1/c/jia/comparison/rankings/entities?period=2026-Q1&kind=representative",
        headers=headers,
    ).get_json()
    assert [(e["name"], e["rank"], e["score"]) for e in reps["entries"]] == [
        ("甲一", 1, 2),
        ("甲二", 2, 1),
    ]
    stations = client.get(
        "/api/v1/c/jia/comparison/rankings/entities?period=2026-Q1&kind=station",
        headers=headers,
    ).get_json()
    assert [(e["name"], e["score"]) for e in stations["entries"]] == [("甲镇代表工作站", 1)]
    assert_error(
        client.get(
            "/api/v1/c/jia/comparison/rankings/entities?period=2026-Q1&kind=nobody",
            headers=headers,
        ),
        422,
    )


def test_cases_per_hundred_representatives(refreshed):
    _f, entries, _m = service.township_ranking(
        actor(refreshed.users["viewer"]),
        refreshed.county,
        "2026-Q1",
        "cases_per_100_reps",
        min_count=2,
    )
    # 甲镇 5 cases / 4 representatives; 乙镇 1 / 2 (one case: not ranked); 丙镇 has nobody.
    assert _table(entries) == [("甲镇", 1, 125.0), ("乙镇", None, 50.0), ("丙镇", None, None)]
    assert [e.reason for e in entries] == [None, "件数不足2件", "无数据"]
