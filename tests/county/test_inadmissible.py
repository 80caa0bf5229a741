"""A case closed as inadmissible (不予受理) is not an answer (issue 19).

Marking a case inadmissible records the referral text as its answer at once, so it counted as
"answered in 0 days", moving the answered count and the median. It is counted on its own, out of
answered, median and on-time, and shown as its own column.
"""

from __future__ import annotations

from lianxin.casework.models import CaseState
from lianxin.county import service
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from tests.county.conftest import TODAY, _case, at
from tests.factories import actor
from tests.helpers import bearer, login


def _jia(scene) -> dict:
    result = service.comparison(actor(scene.users["admin"]), scene.county, "2026-Q1")
    return {m.key: result.cell(scene.ids["jia"], m.key) for m in result.metrics}


def _add_inadmissible(scene, title: str, state: str) -> None:
    with tenant_context(scene.ids["jia"]):
        db.session.add(
            _case(
                title,
                "2026-02-05",
                "2026-03-07",  # due in the quarter, as computed on registration
                state=state,
                inadmissible_reason="已进入诉讼程序",
                referral_text="请向人民法院咨询",
                answer="请向人民法院咨询",
                answered_at=at("2026-02-05", 11),
            )
        )
        db.session.commit()
    service.refresh_county(scene.county.id, full=True, today=TODAY)


def test_an_inadmissible_case_is_counted_apart_from_the_answers(refreshed, client):
    before = _jia(refreshed)
    assert (before["cases_answered"].value, before["cases_median_days"].value) == (3, 19)
    assert before["cases_inadmissible"].value == 0

    _add_inadmissible(refreshed, "x1", CaseState.INADMISSIBLE)
    after = _jia(refreshed)
    assert after["cases_inadmissible"].value == 1
    assert (after["cases_answered"].value, after["cases_median_days"].value) == (3, 19)
    assert after["cases_median_days"].n == 3
    assert (after["cases_on_time"].value, after["cases_on_time"].n) == (0.5, 4)
    assert after["cases_received"].value == before["cases_received"].value + 1

    # Archived afterwards, it is still inadmissible, not an answer on time.
    _add_inadmissible(refreshed, "x2", CaseState.ARCHIVED)
    archived = _jia(refreshed)
    assert archived["cases_inadmissible"].value == 2
    assert (archived["cases_answered"].value, archived["cases_median_days"].value) == (3, 19)
    assert (archived["cases_on_time"].value, archived["cases_on_time"].n) == (0.5, 4)

    # Its own column on the API and the page, next to the answered figures.
    body = client.get(
        "/api/v1/c/jia/comparison/?period=2026-Q1", headers=bearer(refreshed.users["viewer"])
    ).get_json()
    keys = [m["key"] for m in body["metrics"]]
    assert keys.index("cases_inadmissible") == keys.index("cases_answered") + 1
    assert {m["key"]: m["label"] for m in body["metrics"]}["cases_inadmissible"] == "不予受理"
    jia = next(t for t in body["townships"] if t["name"] == "甲镇")
    assert jia["figures"]["cases_inadmissible"]["value"] == 2
    login(client, refreshed.users["admin"])
    page = client.get("/c/jia/comparison/?period=2026-Q1").get_data(as_text=True)
    assert "不予受理" in page
