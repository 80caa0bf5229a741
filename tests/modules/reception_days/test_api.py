"""The reception-days REST API: sites, the yearly schedule and the pairing rule, moves, absences
and substitutes, cases on the day, summaries and the year's report — through Bearer tokens, on
SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import assert_error, bearer


@pytest.fixture
def staff(world):
    return bearer(world.users["township_staff"])


@pytest.fixture
def ids(cast, world):
    """The cast's ids, read once (its rows are not visible outside the township's context)."""
    with tenant_context(world.township.id):
        return SimpleNamespace(
            room=cast.room.id,
            centre=cast.centre.id,
            reps={key: rep.id for key, rep in cast.reps.items()},
        )


@pytest.fixture
def url(world):
    def build(path: str, slug: str | None = None) -> str:
        return f"/api/v1/t/{slug or world.township.slug}/reception_days{path}"

    return build


def _generate(client, url, staff, ids, year=2026):
    response = client.post(
        url("/schedules"),
        headers=staff,
        json={"year": year, "site_ids": [ids.room, ids.centre]},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _good_teams(client, url, staff, ids, schedule):
    first = schedule["days"][0]["id"]
    for site, team in (
        (ids.room, [ids.reps["cadre1"], ids.reps["a"]]),
        (ids.centre, [ids.reps["cadre2"], ids.reps["b"]]),
    ):
        response = client.put(
            url(f"/days/{first}/sites/{site}/team"),
            headers=staff,
            json={"representative_ids": team, "apply_to_rest": True},
        )
        assert response.status_code == 200, response.get_json()


def _published(client, url, staff, ids):
    schedule = _generate(client, url, staff, ids)
    _good_teams(client, url, staff, ids, schedule)
    response = client.post(url("/schedules/2026/publish"), headers=staff)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _link(world, rep_id, user) -> None:
    """Make `user` the account of representative `rep_id`."""
    with tenant_context(world.township.id):
        row = db.session.get(Representative, (world.township.id, rep_id))
        row.user_id = user.id
        db.session.commit()


def _site_of(day, site_id):
    return next(s for s in day["sites"] if s["site_id"] == site_id)


def _duty_of(day, site_id, rep_id):
    return next(d for d in _site_of(day, site_id)["duties"] if d["representative_id"] == rep_id)


# --- sites ---------------------------------------------------------------------------------------


def test_sites_list_create_read_update(app, client, clock, ids, staff, url):
    listed = client.get(url("/sites"), headers=staff).get_json()
    assert {s["name"] for s in listed} == {"镇接待室", "甲村党群服务中心"}
    created = client.post(
        url("/sites"),
        headers=staff,
        json={"kind": "station", "name": "乙村代表工作站", "address": "乙村"},
    )
    assert created.status_code == 201
    site = created.get_json()
    assert site["kind"] == "station" and site["is_active"] is True and "tenant_id" not in site
    assert client.get(url(f"/sites/{site['id']}"), headers=staff).get_json()["name"] == (
        "乙村代表工作站"
    )
    patched = client.patch(url(f"/sites/{site['id']}"), headers=staff, json={"is_active": False})
    assert patched.status_code == 200
    assert patched.get_json()["is_active"] is False and patched.get_json()["name"] == (
        "乙村代表工作站"
    )
    active = client.get(url("/sites?active_only=true"), headers=staff).get_json()
    assert site["id"] not in {s["id"] for s in active}
    assert len(client.get(url("/sites"), headers=staff).get_json()) == 3
    same = client.post(url("/sites"), headers=staff, json={"kind": "station", "name": "镇接待室"})
    assert "name" in assert_error(same, 422, "validation_error")["errors"]


def test_site_bodies_are_checked_field_by_field(app, client, clock, ids, staff, url, world):
    body = assert_error(
        client.post(url("/sites"), headers=staff, json={"kind": "palace", "tenant_id": 1}),
        422,
        "validation_error",
    )
    assert set(body["errors"]) == {"kind", "name", "tenant_id"}
    body = assert_error(
        client.patch(url(f"/sites/{ids.room}"), headers=staff, json={"name": ""}), 422
    )
    assert "name" in body["errors"]
    # Another township's branch is not found.
    with tenant_context(world.other.id):
        other_branch = world.branches["o"].id
    assert_error(
        client.post(
            url("/sites"),
            headers=staff,
            json={"kind": "branch_centre", "name": "越界", "branch_id": other_branch},
        ),
        404,
    )
    assert_error(client.get(url("/sites/999999"), headers=staff), 404, "not_found")


# --- the schedule --------------------------------------------------------------------------------


def test_generate_publish_refused_then_teams_then_published(app, client, clock, ids, staff, url):
    schedule = _generate(client, url, staff, ids)
    assert schedule["year"] == 2026 and schedule["status"] == "draft"
    assert schedule["calendar_known"] is True
    assert len(schedule["days"]) == 12
    by_rule = {d["rule_day"]: d for d in schedule["days"]}
    assert by_rule["2026-05-16"]["day"] == "2026-05-18"  # a Saturday, moved to Monday
    first = schedule["days"][0]
    assert first["starts_at"] == "08:30" and first["ends_at"] == "17:30"
    assert first["notice_on"] == "2026-01-09"  # 7 days ahead
    assert {s["site_name"] for s in first["sites"]} == {"镇接待室", "甲村党群服务中心"}
    assert all(s["duties"] == [] and len(s["problems"]) == 2 for s in first["sites"])
    assert len(schedule["problems"]) == 12 * 2 * 2
    assert all(p["coming"] for p in schedule["problems"])

    briefs = client.get(url("/schedules"), headers=staff).get_json()
    assert [(b["year"], b["status"]) for b in briefs] == [(2026, "draft")]

    refused = assert_error(
        client.post(url("/schedules/2026/publish"), headers=staff), 409, "pairing_rule"
    )
    assert len(refused["errors"]["pairing"]) == 48
    assert "2026-01-16 镇接待室：缺少基层领导干部代表" in refused["errors"]["pairing"]

    _good_teams(client, url, staff, ids, schedule)
    fixed = client.get(url("/schedules/2026"), headers=staff).get_json()
    assert fixed["problems"] == []
    day = fixed["days"][5]
    room = _site_of(day, ids.room)
    assert [d["name"] for d in room["duties"]] == ["张书记", "王芳"]  # the cadre first
    assert room["duties"][0]["is_grassroots_cadre"] is True
    assert room["duties"][0]["status"] == "on_duty"

    published = client.post(url("/schedules/2026/publish"), headers=staff)
    assert published.status_code == 200
    assert published.get_json()["status"] == "published"
    assert published.get_json()["published_at"]
    assert_error(client.post(url("/schedules/2026/publish"), headers=staff), 409, "conflict")
    # A published schedule cannot be regenerated (an unknown site is simply not found) …
    assert_error(
        client.post(url("/schedules"), headers=staff, json={"year": 2026, "site_ids": [999999]}),
        404,
    )
    assert_error(
        client.post(url("/schedules"), headers=staff, json={"year": 2026, "site_ids": [ids.room]}),
        409,
        "conflict",
    )
    # … nor changed so as to break the pairing rule.
    broken = assert_error(
        client.put(
            url(f"/days/{day['id']}/sites/{ids.room}/team"),
            headers=staff,
            json={"representative_ids": [ids.reps["a"], ids.reps["c"]]},
        ),
        409,
        "pairing_rule",
    )
    assert broken["errors"]["pairing"] == [f"{day['day']} 镇接待室：缺少基层领导干部代表"]
    after = client.get(url(f"/days/{day['id']}"), headers=staff).get_json()
    assert [d["name"] for d in _site_of(after, ids.room)["duties"]] == ["张书记", "王芳"]
    # A change that keeps the rule is fine.
    kept = client.put(
        url(f"/days/{day['id']}/sites/{ids.room}/team"),
        headers=staff,
        json={"representative_ids": [ids.reps["cadre1"], ids.reps["c"]]},
    )
    assert kept.status_code == 200
    assert [d["name"] for d in _site_of(kept.get_json(), ids.room)["duties"]] == [
        "张书记",
        "孙丽",
    ]


def test_generate_refuses_bad_years_and_bodies(app, client, clock, ids, staff, url):
    body = assert_error(
        client.post(url("/schedules"), headers=staff, json={"year": "soon", "site_ids": "all"}),
        422,
        "validation_error",
    )
    assert set(body["errors"]) == {"year", "site_ids"}
    body = assert_error(
        client.post(url("/schedules"), headers=staff, json={"year": 2024, "site_ids": [999999]}),
        422,
    )
    assert "year" in body["errors"]
    body = assert_error(
        client.post(url("/schedules"), headers=staff, json={"year": 2026, "site_ids": []}), 422
    )
    assert "site_ids" in body["errors"]
    assert_error(client.get(url("/schedules/2031"), headers=staff), 404, "not_found")
    assert_error(client.get(url("/reports/2031"), headers=staff), 404, "not_found")


def test_team_bodies_and_foreign_representatives(app, client, clock, ids, staff, url, world):
    schedule = _generate(client, url, staff, ids)
    first = schedule["days"][0]["id"]
    team_url = url(f"/days/{first}/sites/{ids.room}/team")
    body = assert_error(
        client.put(team_url, headers=staff, json={"representative_ids": ["x"], "extra": 1}), 422
    )
    assert set(body["errors"]) == {"representative_ids", "extra"}
    with tenant_context(world.other.id):
        theirs = people.create_representative(
            actor(world.users["other_admin"]),
            world.other,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": "乙镇代表",
                    "gender": "男",
                    "birth_date": "1970-01-01",
                    "education": "大学本科",
                    "category": "农民",
                    "term": 13,
                },
            ),
        ).id
    assert_error(client.put(team_url, headers=staff, json={"representative_ids": [theirs]}), 404)
    # A site that is not open that day.
    extra = client.post(url("/sites"), headers=staff, json={"kind": "station", "name": "丙站"})
    assert_error(
        client.put(
            url(f"/days/{first}/sites/{extra.get_json()['id']}/team"),
            headers=staff,
            json={"representative_ids": []},
        ),
        404,
    )


# --- moving a day --------------------------------------------------------------------------------


def test_move_a_day(app, client, clock, ids, staff, url):
    schedule = _published(client, url, staff, ids)
    first, second = schedule["days"][0], schedule["days"][1]
    move = url(f"/days/{first['id']}/move")
    taken = assert_error(
        client.post(move, headers=staff, json={"day": second["day"], "reason": "会议"}), 422
    )
    assert "day" in taken["errors"]
    past = assert_error(
        client.post(move, headers=staff, json={"day": "2025-11-20", "reason": "会议"}), 422
    )
    assert "day" in past["errors"]
    other_year = assert_error(
        client.post(move, headers=staff, json={"day": "2027-01-20", "reason": "会议"}), 422
    )
    assert "day" in other_year["errors"]
    bad = assert_error(client.post(move, headers=staff, json={"day": "2026-13-01"}), 422)
    assert set(bad["errors"]) == {"day", "reason"}

    moved = client.post(move, headers=staff, json={"day": "2026-01-19", "reason": "镇人代会"})
    assert moved.status_code == 200
    day = moved.get_json()
    assert day["day"] == "2026-01-19" and day["rule_day"] == "2026-01-16"
    assert day["moved_reason"] == "镇人代会" and day["notice_on"] == "2026-01-12"
    assert client.get(url(f"/days/{first['id']}"), headers=staff).get_json()["day"] == (
        "2026-01-19"
    )
    # A day already past cannot be moved.
    clock.today = date(2026, 1, 20)
    assert_error(client.post(move, headers=staff, json={"day": "2026-01-21", "reason": "补"}), 409)


# --- absence and substitutes ---------------------------------------------------------------------


def test_a_representative_reports_their_own_absence(app, client, clock, ids, staff, url, world):
    _published(client, url, staff, ids)
    rep_user = world.users["representative"]
    _link(world, ids.reps["a"], rep_user)
    mine_headers = bearer(rep_user)
    mine = client.get(url("/mine"), headers=mine_headers).get_json()
    assert len(mine) == 12
    assert {m["site_name"] for m in mine} == {"镇接待室"}
    assert mine[0]["day"] == "2026-01-16" and mine[0]["published"] is True
    assert mine[0]["status"] == "on_duty" and mine[0]["site_address"] == "镇政府一楼"
    assert client.get(url("/mine"), headers=staff).get_json() == []  # staff are on no duty

    duty_id = mine[0]["id"]
    absent = client.post(
        url(f"/duties/{duty_id}/absence"), headers=mine_headers, json={"reason": "外出学习"}
    )
    assert absent.status_code == 200, absent.get_json()
    duty = absent.get_json()
    assert duty["status"] == "absent" and duty["absence_reason"] == "外出学习"
    assert duty["name"] == "王芳" and duty["needs_substitute"] is True
    assert_error(
        client.post(url(f"/duties/{duty_id}/absence"), headers=mine_headers, json={"reason": "x"}),
        409,
    )
    # Not someone else's duty, though.
    second_day = client.get(url(f"/days/{mine[1]['day_id']}"), headers=staff).get_json()
    cadre_duty = _duty_of(second_day, ids.room, ids.reps["cadre1"])["id"]
    assert_error(
        client.post(
            url(f"/duties/{cadre_duty}/absence"), headers=mine_headers, json={"reason": "代报"}
        ),
        403,
        "permission_denied",
    )
    # A bad body names the field.
    body = assert_error(
        client.post(url(f"/duties/{mine[1]['id']}/absence"), headers=mine_headers, json={}), 422
    )
    assert set(body["errors"]) == {"reason"}
    # Neither the substitutes nor the team are the representative's to change.
    assert_error(client.get(url(f"/duties/{duty_id}/substitutes"), headers=mine_headers), 403)
    assert_error(
        client.post(
            url(f"/duties/{duty_id}/substitute"),
            headers=mine_headers,
            json={"representative_id": ids.reps["c"]},
        ),
        403,
    )
    # The representative's own list shows the absence.
    again = client.get(url("/mine"), headers=mine_headers).get_json()
    assert again[0]["status"] == "absent" and again[0]["absence_reason"] == "外出学习"


def test_lists_come_in_pages(app, client, clock, ids, staff, url, world):
    _published(client, url, staff, ids)
    rep_user = world.users["representative"]
    _link(world, ids.reps["a"], rep_user)
    mine_headers = bearer(rep_user)
    page = client.get(url("/mine?page=2&page_size=5"), headers=mine_headers)
    assert page.status_code == 200
    assert [m["day"] for m in page.get_json()] == [
        "2026-06-16",
        "2026-07-16",
        "2026-08-17",
        "2026-09-16",
        "2026-10-16",
    ]
    assert '"total": 12' in page.headers["X-Pagination"]
    sites = client.get(url("/sites?page_size=1"), headers=staff)
    assert len(sites.get_json()) == 1 and '"total": 2' in sites.headers["X-Pagination"]
    assert_error(client.get(url("/mine?page=0"), headers=mine_headers), 422, "validation_error")


def test_substitutes_keep_the_pairing_rule(app, client, clock, ids, staff, url, office, world):
    schedule = _published(client, url, staff, ids)
    day = schedule["days"][0]
    cadre_duty = _duty_of(day, ids.room, ids.reps["cadre1"])["id"]
    assert client.post(
        url(f"/duties/{cadre_duty}/absence"), headers=staff, json={"reason": "开会"}
    ).status_code == (200)
    # The room needs a cadre now, and the only other one is busy at the centre.
    assert client.get(url(f"/duties/{cadre_duty}/substitutes"), headers=staff).get_json() == []
    assert_error(
        client.post(
            url(f"/duties/{cadre_duty}/substitute"),
            headers=staff,
            json={"representative_id": ids.reps["c"]},
        ),
        409,
        "pairing_rule",
    )
    busy = assert_error(
        client.post(
            url(f"/duties/{cadre_duty}/substitute"),
            headers=staff,
            json={"representative_id": ids.reps["cadre2"]},
        ),
        409,
        "already_on_duty",
    )
    assert "甲村党群服务中心" in busy["message"]
    with tenant_context(world.township.id):
        cadre3 = people.create_representative(
            office,
            world.township,
            load_input(
                people.RepresentativeInputSchema,
                {
                    "name": "陈书记",
                    "gender": "男",
                    "birth_date": "1972-01-01",
                    "education": "大学本科",
                    "category": "农民",
                    "term": 13,
                    "is_grassroots_cadre": True,
                    "workplace": "丙村",
                },
            ),
        ).id
    candidates = client.get(url(f"/duties/{cadre_duty}/substitutes"), headers=staff).get_json()
    assert candidates == [
        {"id": cadre3, "name": "陈书记", "is_grassroots_cadre": True, "workplace": "丙村"}
    ]
    stood_in = client.post(
        url(f"/duties/{cadre_duty}/substitute"),
        headers=staff,
        json={"representative_id": cadre3},
    )
    assert stood_in.status_code == 201, stood_in.get_json()
    sub = stood_in.get_json()
    assert sub["representative_id"] == cadre3 and sub["substitute_for_id"] == cadre_duty
    assert sub["status"] == "on_duty"
    assert_error(
        client.post(
            url(f"/duties/{cadre_duty}/substitute"),
            headers=staff,
            json={"representative_id": ids.reps["d"]},
        ),
        409,
    )
    # With a cadre on duty again, the others may be stood in for by anyone free.
    a_duty = _duty_of(day, ids.room, ids.reps["a"])["id"]
    client.post(url(f"/duties/{a_duty}/absence"), headers=staff, json={"reason": "病假"})
    candidates = client.get(url(f"/duties/{a_duty}/substitutes"), headers=staff).get_json()
    names = [c["name"] for c in candidates]
    assert set(names) == {"孙丽", "周明"}
    assert (
        client.post(
            url(f"/duties/{a_duty}/substitute"),
            headers=staff,
            json={"representative_id": ids.reps["d"]},
        ).status_code
        == 201
    )
    room = _site_of(client.get(url(f"/days/{day['id']}"), headers=staff).get_json(), ids.room)
    assert [(d["name"], d["status"], d["needs_substitute"]) for d in room["duties"]] == [
        ("陈书记", "on_duty", False),
        ("周明", "on_duty", False),
        ("张书记", "absent", False),
        ("王芳", "absent", False),
    ]
    assert room["problems"] == []
    assert_error(
        client.post(
            url(f"/duties/{a_duty}/substitute"), headers=staff, json={"representative_id": "x"}
        ),
        422,
    )


# --- on the day ----------------------------------------------------------------------------------


def test_cases_people_summary_and_report(app, client, clock, ids, staff, url, world):
    schedule = _published(client, url, staff, ids)
    day = schedule["days"][0]
    cases_url = url(f"/days/{day['id']}/cases")
    case = {
        "site_id": ids.room,
        "received_by_id": ids.reps["cadre1"],
        "title": "村道路灯不亮",
        "body": "东头三盏路灯坏了一个月。",
        "category": "其他",
        "raiser_name": "刘大爷",
    }
    # Not before the day.
    assert_error(client.post(cases_url, headers=staff, json=case), 409)
    assert_error(
        client.put(
            url(f"/days/{day['id']}/sites/{ids.room}/people"),
            headers=staff,
            json={"people_received": 3},
        ),
        409,
    )
    assert_error(client.post(url(f"/days/{day['id']}/summary"), headers=staff), 409)

    clock.today = date.fromisoformat(day["day"])
    created = client.post(cases_url, headers=staff, json=case)
    assert created.status_code == 201, created.get_json()
    recorded = created.get_json()
    assert recorded["tracking_code"] and recorded["state"]
    wrong = assert_error(
        client.post(cases_url, headers=staff, json={**case, "received_by_id": ids.reps["b"]}), 422
    )
    assert "received_by_id" in wrong["errors"]
    bad = assert_error(
        client.post(cases_url, headers=staff, json={"site_id": ids.room, "category": "?"}),
        422,
    )
    assert set(bad["errors"]) == {"title", "body", "category"}
    # A representative on duty there records one themself; they receive it.
    rep_user = world.users["representative"]
    _link(world, ids.reps["a"], rep_user)
    own = client.post(
        cases_url,
        headers=bearer(rep_user),
        json={"site_id": ids.room, "title": "水渠堵塞", "body": "请清理。"},
    )
    assert own.status_code == 201, own.get_json()
    # … but not at a site where they are not on duty.
    assert_error(
        client.post(
            cases_url,
            headers=bearer(rep_user),
            json={"site_id": ids.centre, "title": "别处", "body": "x"},
        ),
        403,
    )
    listed = client.get(cases_url, headers=staff).get_json()
    assert [(c["title"], c["received_by_id"]) for c in listed] == [
        ("村道路灯不亮", ids.reps["cadre1"]),
        ("水渠堵塞", ids.reps["a"]),
    ]
    assert "raiser_name" not in listed[0] and listed[0]["state_label"]

    people_url = url(f"/days/{day['id']}/sites/{ids.room}/people")
    assert (
        "people_received"
        in assert_error(client.put(people_url, headers=staff, json={"people_received": -1}), 422)[
            "errors"
        ]
    )
    counted = client.put(people_url, headers=staff, json={"people_received": 15, "note": "上午多"})
    assert counted.status_code == 200
    room = _site_of(counted.get_json(), ids.room)
    assert room["people_received"] == 15 and room["note"] == "上午多"

    summary_url = url(f"/days/{day['id']}/summary")
    live = client.get(summary_url, headers=staff).get_json()
    assert live["sent_at"] is None and live["day"] == day["day"]
    assert (live["people_received"], live["cases"], live["representatives"]) == (15, 2, 4)
    assert sum(live["by_state"].values()) == 2
    per_room = next(s for s in live["per_site"] if s["site_id"] == ids.room)
    assert per_room["cases"] == 2 and per_room["representatives"] == ["张书记", "王芳"]
    sent = client.post(summary_url, headers=staff)
    assert sent.status_code == 200
    assert sent.get_json()["sent_at"] and sent.get_json()["cases"] == 2
    assert (
        client.get(summary_url, headers=staff).get_json()["sent_at"] == sent.get_json()["sent_at"]
    )
    assert client.get(url(f"/days/{day['id']}"), headers=staff).get_json()["summary_sent_at"]

    report = client.get(url("/reports/2026"), headers=staff)
    assert report.status_code == 200
    body = report.get_json()
    assert body["year"] == 2026
    assert [d["day"] for d in body["days"]] == [day["day"]]
    assert body["days"][0]["sent_at"] == sent.get_json()["sent_at"]
    assert body["totals"] == {
        "days": 1,
        "representatives": 4,
        "people_received": 15,
        "cases": 2,
        "by_state": live["by_state"],
    }


# --- who may do what -----------------------------------------------------------------------------


def test_members_outside_the_office_may_read_but_not_write(
    app, client, clock, ids, staff, url, world
):
    schedule = _published(client, url, staff, ids)
    day = schedule["days"][0]
    duty = _duty_of(day, ids.room, ids.reps["a"])["id"]
    member = bearer(world.users["committee_member"])
    for path in ("/sites", "/schedules", "/schedules/2026", f"/days/{day['id']}", "/mine"):
        assert client.get(url(path), headers=member).status_code == 200, path
    assert client.get(url(f"/days/{day['id']}/summary"), headers=member).status_code == 200
    writes = [
        ("POST", "/sites", {"kind": "station", "name": "越权"}),
        ("PATCH", f"/sites/{ids.room}", {"name": "越权"}),
        ("POST", "/schedules", {"year": 2026, "site_ids": [ids.room]}),
        ("POST", "/schedules/2026/publish", None),
        ("POST", f"/days/{day['id']}/move", {"day": "2026-01-19", "reason": "越权"}),
        (
            "PUT",
            f"/days/{day['id']}/sites/{ids.room}/team",
            {"representative_ids": [ids.reps["c"]]},
        ),
        ("PUT", f"/days/{day['id']}/sites/{ids.room}/people", {"people_received": 1}),
        ("POST", f"/duties/{duty}/absence", {"reason": "越权"}),
        ("POST", f"/duties/{duty}/substitute", {"representative_id": ids.reps["c"]}),
        ("POST", f"/days/{day['id']}/summary", None),
    ]
    clock.today = date.fromisoformat(day["day"])
    for method, path, body in writes:
        response = client.open(url(path), method=method, headers=member, json=body)
        assert_error(response, 403, "permission_denied")
    assert_error(client.get(url(f"/duties/{duty}/substitutes"), headers=member), 403)
    assert_error(
        client.post(
            url(f"/days/{day['id']}/cases"),
            headers=member,
            json={"site_id": ids.room, "title": "越权", "body": "x"},
        ),
        403,
    )
    # Nothing changed.
    again = client.get(url("/schedules/2026"), headers=staff).get_json()
    assert again["days"][0] == client.get(url(f"/days/{day['id']}"), headers=staff).get_json()
    assert again["days"][0]["day"] == day["day"]
    assert [d["name"] for d in _site_of(again["days"][0], ids.room)["duties"]] == [
        "张书记",
        "王芳",
    ]


def test_no_token_and_other_townships(app, client, clock, ids, staff, url, world):
    assert_error(client.get(url("/sites")), 401, "unauthenticated")
    # Staff of 甲镇 have no membership in 乙镇: the township is not found.
    assert_error(client.get(url("/sites", slug=world.other.slug), headers=staff), 404)


def test_a_switched_off_module_answers_404(app, client, clock, ids, staff, url, world):
    assert client.get(url("/sites"), headers=staff).status_code == 200
    tenants.set_module_enabled(
        actor(world.users["county_admin"]), world.county, world.township.id, "reception_days", False
    )
    body = assert_error(client.get(url("/sites"), headers=staff), 404, "module_disabled")
    assert "接待日" in body["message"]
    assert_error(
        client.post(url("/sites"), headers=staff, json={"kind": "station", "name": "关"}),
        404,
        "module_disabled",
    )
    assert_error(client.get(url("/schedules/2026"), headers=staff), 404, "module_disabled")


def test_the_openapi_document_describes_the_module(app, client):
    spec = client.get("/api/openapi.json").get_json()
    base = "/api/v1/t/{township_slug}/reception_days"
    for path in (
        "/sites",
        "/sites/{site_id}",
        "/schedules",
        "/schedules/{year}",
        "/schedules/{year}/publish",
        "/days/{day_id}",
        "/days/{day_id}/move",
        "/days/{day_id}/sites/{site_id}/team",
        "/days/{day_id}/sites/{site_id}/people",
        "/duties/{duty_id}/absence",
        "/duties/{duty_id}/substitutes",
        "/duties/{duty_id}/substitute",
        "/mine",
        "/days/{day_id}/cases",
        "/days/{day_id}/summary",
        "/reports/{year}",
    ):
        assert base + path in spec["paths"], path
