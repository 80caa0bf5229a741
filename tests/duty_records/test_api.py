"""The API: record, list, term, the formula (township reads, county admin writes), the steps;
rule errors as structured JSON."""

from __future__ import annotations

from datetime import date

from tests.duty_records.conftest import add, shanghai
from tests.helpers import assert_error, bearer

T = "/api/v1/t/jia-zhen/duty_records"
C = "/api/v1/c/jia/duty"


def test_formula_read_and_write(world, client):
    read = client.get(f"{T}/formula", headers=bearer(world.users["representative"]))
    assert read.status_code == 200
    body = read.get_json()
    assert body["is_default"] and body["inactive_below"] == 60 and body["min_sample"] == 5
    visits = next(i for i in body["items"] if i["key"] == "dutytest.visits")
    assert (visits["points"], visits["cap"], visits["default"]) == (5, 15, True)
    assert (
        client.put(
            f"{T}/formula", json={}, headers=bearer(world.users["township_admin"])
        ).status_code
        == 405
    )
    refused = client.put(
        f"{C}/formula", json={"inactive_below": 50}, headers=bearer(world.users["county_viewer"])
    )
    assert refused.status_code == 403
    hidden = client.put(
        f"{C}/formula", json={"inactive_below": 50}, headers=bearer(world.users["township_admin"])
    )
    assert hidden.status_code == 404
    bad = client.put(
        f"{C}/formula",
        json={"items": {"dutytest.visits": {"points": -1, "cap": 5}}},
        headers=bearer(world.users["county_admin"]),
    )
    assert_error(bad, 422)
    ok = client.put(
        f"{C}/formula",
        json={"items": {"dutytest.visits": {"points": 10, "cap": 100}}, "inactive_below": 30},
        headers=bearer(world.users["county_admin"]),
    )
    assert ok.status_code == 200 and ok.get_json()["inactive_below"] == 30
    assert (
        client.get(f"{C}/formula", headers=bearer(world.users["county_viewer"])).status_code == 200
    )


def test_records_list_steps(world, clock, people, client):
    reps, users = people
    ids = [r.id for r in reps]
    client.put(
        f"{C}/formula",
        json={"items": {"dutytest.visits": {"points": 10, "cap": 100}}, "inactive_below": 30},
        headers=bearer(world.users["county_admin"]),
    )
    add(world.township, reps[1], "dutytest.visits", shanghai(2026, 3, 1, 9), times=4)
    staff = bearer(world.users["township_staff"])
    listed = client.get(f"{T}/records?year=2026&sort=score&order=desc", headers=staff)
    rows = listed.get_json()
    assert rows[0]["representative_id"] == ids[1] and rows[0]["score"] == 40
    assert not rows[0]["flagged"] and rows[-1]["flagged"]
    flagged = client.get(f"{T}/records?year=2026&flagged=true", headers=staff).get_json()
    assert ids[1] not in {r["representative_id"] for r in flagged} and len(flagged) == 5
    record = client.get(f"{T}/records/{ids[1]}?year=2026", headers=staff).get_json()
    assert record["score"]["total"] == 40 and "计40分" in str(record["parts"])
    line = next(ln for p in record["parts"] for ln in p["lines"] if ln["key"] == "dutytest.visits")
    assert line["count"] == 4 and line["applied"] == 40 and line["explanation"]
    term = client.get(f"{T}/records/{ids[1]}/term?year=2026", headers=staff).get_json()
    assert term["years"] == [2026] and term["term_years"] == [2026, 2030]
    clock.today = date(2027, 1, 10)  # 2026 is over: its steps may be recorded
    wrong = client.post(
        f"{T}/steps",
        json={
            "representative_id": ids[0],
            "year": 2026,
            "step": "criticism",
            "taken_on": "2026-05-01",
        },
        headers=staff,
    )
    assert_error(wrong, 409, "step_order")
    not_flagged = client.post(
        f"{T}/steps",
        json={"representative_id": ids[1], "year": 2026, "step": "talk", "taken_on": "2026-05-01"},
        headers=staff,
    )
    assert_error(not_flagged, 409, "not_inactive")
    made = client.post(
        f"{T}/steps",
        json={
            "representative_id": ids[0],
            "year": 2026,
            "step": "talk",
            "taken_on": "2026-05-01",
            "note": "谈话",
        },
        headers=staff,
    )
    assert made.status_code == 201 and made.get_json()["step"] == "talk"
    steps = client.get(f"{T}/steps?year=2026", headers=staff).get_json()
    assert [s["representative_id"] for s in steps] == [ids[0]]
    own = client.get(f"{T}/records/{ids[0]}?year=2026", headers=bearer(users[0])).get_json()
    assert [s["step"] for s in own["steps"]] == ["talk"]


def test_county_scores(world, clock, people, client):
    from lianxin.county import periods as P
    from lianxin.county import service as county_service
    from lianxin.db import db

    county_service.refresh_township(world.township, [P.parse("2026")])
    db.session.commit()
    body = client.get(
        f"{C}/scores?year=2026", headers=bearer(world.users["county_viewer"])
    ).get_json()
    ours = next(t for t in body["townships"] if t["slug"] == "jia-zhen")
    assert ours["n"] == 6 and ours["rank"] == 1 and ours["bands"]["duty_band_lt60"] == 6
