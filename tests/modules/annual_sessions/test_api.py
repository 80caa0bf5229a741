"""The annual-session REST API with 应到 of 100: the quorum at 79 and 80 present, passing at 50
and 51 yes, the agenda rules at 9 and 10 joiners and one and two groups, a secret ballot online
by several representatives, paper tallies, leave and check-in, documents, resolutions and the
report — through Bearer tokens, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

import io
import uuid
from types import SimpleNamespace

import pytest

from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions.models import Attendance, AttendanceStatus
from lianxin.tenants import service as tenants
from tests.factories import actor, grant, make_user
from tests.helpers import assert_error, bearer
from tests.modules.annual_sessions.conftest import SESSION_DAY
from tests.test_isolation_walk import PNG


@pytest.fixture
def ids(cast, world):
    """The cast's ids and tokens, read once (rows are not visible outside the township's
    context after a request)."""
    with tenant_context(world.township.id):
        return SimpleNamespace(
            reps=list(cast.reps),
            tokens=[bearer(u) for u in cast.users],
            groups=list(cast.groups),
            session=cast.session,
        )


@pytest.fixture
def staff(world):
    return bearer(world.users["township_staff"])


@pytest.fixture
def committee(world):
    return bearer(world.users["committee_member"])


@pytest.fixture
def url(world):
    def build(path: str, slug: str | None = None) -> str:
        return f"/api/v1/t/{slug or world.township.slug}/annual_sessions{path}"

    return build


def _ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_json()


def _item(client, url, ids, headers, proposer="representatives", **extra):
    body = {"title": f"议题{uuid.uuid4().hex[:6]}", "kind": "motion", "proposer": proposer}
    return _ok(
        client.post(url(f"/sessions/{ids.session}/items"), headers=headers, json={**body, **extra}),
        201,
    )


def _present(world, ids, indexes):
    """Insert attendance rows directly (as the service tests do), for speed."""
    with tenant_context(world.township.id):
        for i in indexes:
            db.session.add(
                Attendance(
                    session_id=ids.session,
                    representative_id=ids.reps[i],
                    status=AttendanceStatus.PRESENT,
                )
            )
        db.session.commit()


def _fixed(client, url, ids, staff, committee, kinds=("motion", "motion")):
    made = []
    for n, kind in enumerate(kinds):
        item = _item(client, url, ids, committee, proposer="committee", kind=kind, title=f"议题{n}")
        decided = _ok(
            client.post(url(f"/items/{item['id']}/decision"), headers=committee, json={"accept": 1})
        )
        assert decided["status"] == "on_agenda" and decided["by_rule"] is False
        made.append(item["id"])
    fixed = _ok(client.post(url(f"/sessions/{ids.session}/fix-agenda"), headers=staff))
    assert fixed["state"] == "agenda_fixed" and fixed["agenda_fixed_at"]
    return made


def _opened(client, url, ids, staff, committee, clock, world, kinds=("motion", "motion")):
    """Items decided in time, then on the day 80 present (reps 0–79) and the session open."""
    made = _fixed(client, url, ids, staff, committee, kinds)
    clock.today = SESSION_DAY
    _present(world, ids, range(0, 80))
    opened = _ok(client.post(url(f"/sessions/{ids.session}/open"), headers=staff))
    assert opened["state"] == "open"
    return made


# --- sessions, quorum and check-in ---------------------------------------------------------------


def test_sessions_are_listed_and_created_by_the_office(app, client, clock, ids, url, staff):
    listed = _ok(client.get(url("/sessions"), headers=ids.tokens[0]))
    assert [s["id"] for s in listed] == [ids.session]
    body = {"title": "第十三届党代表大会第三次会议", "held_on": "2027-03-20", "place": "镇礼堂"}
    assert_error(client.post(url("/sessions"), headers=ids.tokens[0], json=body), 403)
    created = _ok(client.post(url("/sessions"), headers=staff, json=body), 201)
    assert created["state"] == "planning" and created["held_on"] == "2027-03-20"
    assert created["agenda_deadline"] == "2027-03-10" and created["checkin_token"]
    assert created["roll"]["expected"] == 100 and created["roll"]["quorum_needed"] == 80
    again = assert_error(client.post(url("/sessions"), headers=staff, json=body), 422)
    assert "title" in again["errors"]
    listed = _ok(client.get(url("/sessions"), headers=staff))
    assert [s["held_on"] for s in listed] == ["2027-03-20", SESSION_DAY.isoformat()]


def test_quorum_at_79_refused_and_at_80_opened(
    app, client, clock, ids, url, staff, committee, world
):
    _fixed(client, url, ids, staff, committee)
    clock.today = SESSION_DAY
    _present(world, ids, range(20, 99))  # 79 present
    roll = _ok(client.get(url(f"/sessions/{ids.session}/roll"), headers=staff))
    assert roll == {
        "expected": 100,
        "present": 79,
        "on_leave": 0,
        "leave_requested": 0,
        "absent": 21,
        "quorum_needed": 80,
        "quorum_met": False,
        "left_early": 0,
    }
    refused = assert_error(
        client.post(url(f"/sessions/{ids.session}/open"), headers=staff), 409, "quorum_not_met"
    )
    assert "79" in refused["message"] and "80" in refused["message"]
    detail = _ok(client.get(url(f"/sessions/{ids.session}"), headers=staff))
    assert detail["state"] == "agenda_fixed" and detail["roll"]["present"] == 79
    token = detail["checkin_token"]
    # The representative sees the roll but never the check-in code.
    seen = _ok(client.get(url(f"/sessions/{ids.session}"), headers=ids.tokens[0]))
    assert "checkin_token" not in seen and seen["roll"]["quorum_met"] is False
    assert token not in client.get(url(f"/sessions/{ids.session}"), headers=ids.tokens[0]).get_data(
        as_text=True
    )
    assert_error(
        client.post(
            url(f"/sessions/{ids.session}/check-in"), headers=ids.tokens[0], json={"token": "x"}
        ),
        404,
    )
    checked = _ok(
        client.post(
            url(f"/sessions/{ids.session}/check-in"), headers=ids.tokens[0], json={"token": token}
        )
    )
    assert checked["status"] == "present" and checked["self_checked_in"] is True
    assert checked["representative_id"] == ids.reps[0]
    assert_error(
        client.post(
            url(f"/sessions/{ids.session}/check-in"), headers=ids.tokens[0], json={"token": token}
        ),
        409,
        "already_checked_in",
    )
    assert _ok(client.get(url(f"/sessions/{ids.session}/roll"), headers=staff))["quorum_met"]
    assert_error(client.post(url(f"/sessions/{ids.session}/open"), headers=ids.tokens[0]), 403)
    opened = _ok(client.post(url(f"/sessions/{ids.session}/open"), headers=staff))
    assert opened["state"] == "open" and opened["opened_at"]


def test_leave_and_staff_check_in(app, client, clock, ids, url, staff, committee, world):
    asked = _ok(
        client.post(
            url(f"/sessions/{ids.session}/leave"), headers=ids.tokens[3], json={"reason": "外出"}
        )
    )
    assert asked["status"] == "leave_requested" and asked["leave_reason"] == "外出"
    rows = _ok(client.get(url(f"/sessions/{ids.session}/attendance"), headers=ids.tokens[4]))
    assert len(rows) == 100
    theirs = next(r for r in rows if r["representative_id"] == ids.reps[3])
    assert theirs["status"] == "leave_requested" and theirs["leave_reason"] is None
    rows = _ok(client.get(url(f"/sessions/{ids.session}/attendance"), headers=ids.tokens[3]))
    assert next(r for r in rows if r["representative_id"] == ids.reps[3])["leave_reason"] == "外出"
    office_view = _ok(client.get(url(f"/sessions/{ids.session}/attendance"), headers=staff))
    assert next(r for r in office_view if r["representative_id"] == ids.reps[3])[
        "leave_reason"
    ] == ("外出")
    decide = url(f"/sessions/{ids.session}/attendance/{ids.reps[3]}/leave-decision")
    assert_error(client.post(decide, headers=ids.tokens[3], json={"approve": True}), 403)
    assert _ok(client.post(decide, headers=staff, json={"approve": True}))["status"] == (
        "leave_approved"
    )
    assert_error(client.post(decide, headers=staff, json={"approve": True}), 409)
    _fixed(client, url, ids, staff, committee)
    check = url(f"/sessions/{ids.session}/attendance/{ids.reps[5]}/check-in")
    assert_error(client.post(check, headers=staff), 409)  # not the day yet
    clock.today = SESSION_DAY
    assert _ok(client.post(check, headers=staff))["self_checked_in"] is False
    assert_error(client.post(check, headers=staff), 409, "already_checked_in")
    roll = _ok(client.get(url(f"/sessions/{ids.session}/roll"), headers=staff))
    assert (roll["present"], roll["on_leave"], roll["absent"]) == (1, 1, 98)


def test_documents_are_uploaded_by_the_office(app, client, clock, ids, url, staff):
    path = url(f"/sessions/{ids.session}/documents")
    upload = {"title": "党委工作报告", "file": (io.BytesIO(PNG), "报告.png")}
    assert_error(client.post(path, headers=ids.tokens[0], data=dict(upload)), 403)
    upload = {"title": "党委工作报告", "file": (io.BytesIO(PNG), "报告.png")}
    created = _ok(client.post(path, headers=staff, data=upload), 201)
    assert created["title"] == "党委工作报告" and created["filename"].endswith(".png")
    listed = _ok(client.get(path, headers=ids.tokens[0]))
    assert [d["id"] for d in listed] == [created["id"]] and listed[0]["size"] == len(PNG)
    assert_error(client.post(path, headers=staff, data={"title": "无文件"}), 422)
    untitled = assert_error(
        client.post(path, headers=staff, data={"file": (io.BytesIO(PNG), "x.png")}), 422
    )
    assert "title" in untitled["errors"]


# --- the agenda ----------------------------------------------------------------------------------


def test_agenda_rule_at_nine_and_ten_joiners(app, client, clock, ids, url):
    item = _item(client, url, ids, ids.tokens[2])
    assert item["supporters"] == 1 and item["status"] == "proposed"
    for i in range(3, 11):  # nine in all
        joined = _ok(client.post(url(f"/items/{item['id']}/join"), headers=ids.tokens[i]))
    assert joined["supporters"] == 9 and joined["status"] == "proposed"
    assert joined["by_rule"] is False
    tenth = _ok(client.post(url(f"/items/{item['id']}/join"), headers=ids.tokens[11]))
    assert tenth["supporters"] == 10 and tenth["status"] == "on_agenda" and tenth["by_rule"]
    assert_error(
        client.post(url(f"/items/{item['id']}/join"), headers=ids.tokens[11]),
        409,
        "already_joined",
    )


def test_agenda_rule_at_one_and_two_groups(app, client, clock, ids, url):
    item = _item(client, url, ids, ids.tokens[0], proposer="group", group_id=ids.groups[0])
    assert item["groups"] == 1 and item["status"] == "proposed"
    join = url(f"/items/{item['id']}/join-group")
    assert_error(client.post(join, headers=ids.tokens[5], json={"group_id": ids.groups[1]}), 403)
    assert_error(client.post(join, headers=ids.tokens[1], json={}), 422)
    joined = _ok(client.post(join, headers=ids.tokens[1], json={"group_id": ids.groups[1]}))
    assert joined["groups"] == 2 and joined["status"] == "on_agenda" and joined["by_rule"]
    assert_error(
        client.post(join, headers=ids.tokens[1], json={"group_id": ids.groups[1]}),
        409,
        "already_joined",
    )


def test_the_committee_declines_with_a_reason_and_the_deadline_closes_the_agenda(
    app, client, clock, ids, url, staff, committee
):
    lone = _item(client, url, ids, ids.tokens[4])
    decide = url(f"/items/{lone['id']}/decision")
    assert_error(client.post(decide, headers=ids.tokens[4], json={"accept": False}), 403)
    missing = assert_error(client.post(decide, headers=committee, json={"accept": False}), 422)
    assert "reason" in missing["errors"]
    assert_error(client.post(url(f"/sessions/{ids.session}/fix-agenda"), headers=staff), 409)
    declined = _ok(
        client.post(decide, headers=committee, json={"accept": False, "reason": "属日常工作"})
    )
    assert declined["status"] == "declined" and declined["decline_reason"] == "属日常工作"
    from datetime import date

    clock.today = date(2026, 3, 11)  # 9 days before
    late = assert_error(
        client.post(
            url(f"/sessions/{ids.session}/items"),
            headers=ids.tokens[2],
            json={"title": "迟到的议题", "proposer": "representatives"},
        ),
        409,
        "agenda_closed",
    )
    assert "10" in late["message"]
    items = _ok(client.get(url(f"/sessions/{ids.session}/items"), headers=ids.tokens[0]))
    assert [i["id"] for i in items] == [lone["id"]]


# --- votes ---------------------------------------------------------------------------------------


def test_hands_vote_fails_at_50_and_passes_at_51(
    app, client, clock, ids, url, staff, committee, world
):
    first, second = _opened(client, url, ids, staff, committee, clock, world)
    vote = _ok(
        client.post(url(f"/items/{first}/vote"), headers=staff, json={"method": "hands"}), 201
    )
    assert vote["state"] == "open" and vote["expected_count"] == 100 and vote["method"] == "hands"
    assert _ok(client.get(url(f"/items/{first}/vote"), headers=ids.tokens[0]))["id"] == vote["id"]
    assert_error(client.get(url(f"/items/{second}/vote"), headers=staff), 404)
    hands = url(f"/votes/{vote['id']}/hands")
    assert_error(
        client.post(hands, headers=ids.tokens[0], json={"yes": 1, "no": 0, "abstain": 0}), 403
    )
    too_many = assert_error(
        client.post(hands, headers=staff, json={"yes": 60, "no": 30, "abstain": 0}), 422
    )
    assert "yes" in too_many["errors"]
    failed = _ok(client.post(hands, headers=staff, json={"yes": 50, "no": 20, "abstain": 10}))
    assert failed["state"] == "closed" and failed["passed"] is False
    result = _ok(client.get(url(f"/votes/{vote['id']}/result"), headers=ids.tokens[0]))
    assert result == {"passed": False, "yes": 50, "no": 20, "abstain": 10, "base": 100}
    assert_error(
        client.post(hands, headers=staff, json={"yes": 51, "no": 0, "abstain": 0}),
        409,
        "vote_closed",
    )
    other = _ok(
        client.post(url(f"/items/{second}/vote"), headers=staff, json={"method": "hands"}), 201
    )
    passed = _ok(
        client.post(
            url(f"/votes/{other['id']}/hands"),
            headers=staff,
            json={"yes": 51, "no": 20, "abstain": 9},
        )
    )
    assert passed["passed"] is True
    assert _ok(client.get(url(f"/votes/{other['id']}/result"), headers=staff))["yes"] == 51
    listed = _ok(client.get(url(f"/sessions/{ids.session}/votes"), headers=staff))
    assert [(v["item_id"], v["passed"]) for v in listed] == [(first, False), (second, True)]
    assert_error(
        client.post(url(f"/items/{first}/vote"), headers=staff, json={"method": "hands"}), 409
    )


def test_a_secret_ballot_online_through_the_api(
    app, client, clock, ids, url, staff, committee, world
):
    (item,) = _opened(client, url, ids, staff, committee, clock, world, kinds=("personnel",))
    refused = assert_error(
        client.post(url(f"/items/{item}/vote"), headers=staff, json={"method": "hands"}), 422
    )
    assert "method" in refused["errors"]
    vote = _ok(
        client.post(
            url(f"/items/{item}/vote"),
            headers=staff,
            json={"method": "secret", "channel": "online"},
        ),
        201,
    )
    ballot = url(f"/votes/{vote['id']}/ballot")
    choices = ["yes", "yes", "no", "yes", "abstain", "yes", "no"]
    for i, choice in enumerate(choices):
        cast_ = _ok(client.post(ballot, headers=ids.tokens[i], json={"choice": choice}))
        assert cast_["voted"] is True and cast_["turnout"] == i + 1
        assert choice not in cast_.values() and "choice" not in cast_  # only that one voted
    assert_error(
        client.post(ballot, headers=ids.tokens[0], json={"choice": "no"}), 409, "already_voted"
    )
    assert_error(client.post(ballot, headers=staff, json={"choice": "yes"}), 403)
    assert_error(client.post(ballot, headers=ids.tokens[8], json={"choice": "maybe"}), 422)
    assert_error(
        client.post(
            url(f"/votes/{vote['id']}/named"), headers=ids.tokens[8], json={"choice": "yes"}
        ),
        409,
    )
    assert_error(client.get(url(f"/votes/{vote['id']}/result"), headers=staff), 409, "vote_open")
    mine = _ok(client.get(url(f"/votes/{vote['id']}"), headers=ids.tokens[0]))
    assert mine["voted"] is True and mine["turnout"] == 7 and mine["state"] == "open"
    assert _ok(client.get(url(f"/votes/{vote['id']}"), headers=ids.tokens[8]))["voted"] is False
    assert _ok(client.get(url(f"/votes/{vote['id']}"), headers=staff))["voted"] is False
    assert_error(client.post(url(f"/votes/{vote['id']}/close"), headers=ids.tokens[0]), 403)
    closed = _ok(client.post(url(f"/votes/{vote['id']}/close"), headers=staff))
    assert closed["state"] == "closed" and closed["passed"] is False
    outcome = _ok(client.get(url(f"/votes/{vote['id']}/result"), headers=ids.tokens[3]))
    assert (outcome["yes"], outcome["no"], outcome["abstain"]) == (4, 2, 1)
    assert outcome["passed"] is False  # 4 of 应到 100
    assert_error(
        client.post(ballot, headers=ids.tokens[8], json={"choice": "yes"}), 409, "vote_closed"
    )
    assert_error(client.post(url(f"/votes/{vote['id']}/close"), headers=staff), 409, "vote_closed")


def test_a_named_vote(app, client, clock, ids, url, staff, committee, world):
    (item,) = _opened(client, url, ids, staff, committee, clock, world, kinds=("motion",))
    vote = _ok(
        client.post(url(f"/items/{item}/vote"), headers=staff, json={"method": "named"}), 201
    )
    named = url(f"/votes/{vote['id']}/named")
    for i in range(3):
        assert _ok(client.post(named, headers=ids.tokens[i], json={"choice": "yes"}))["voted"]
    assert_error(
        client.post(named, headers=ids.tokens[0], json={"choice": "no"}), 409, "already_voted"
    )
    assert_error(client.post(named, headers=ids.tokens[4], json={}), 422)
    _ok(client.post(url(f"/votes/{vote['id']}/close"), headers=staff))
    result = _ok(client.get(url(f"/votes/{vote['id']}/result"), headers=staff))
    assert (result["yes"], result["passed"]) == (3, False)


def test_a_paper_election_stands_when_both_tellers_agree(
    app, client, clock, ids, url, staff, committee, world
):
    (item,) = _opened(client, url, ids, staff, committee, clock, world, kinds=("election",))
    people = []
    for name in ("teller.a", "teller.b", "scrutineer"):
        user = make_user(name)
        grant(user, Role.TOWNSHIP_STAFF, township=world.township)
        people.append(user)
    t1, t2, scrutineer = (bearer(u) for u in people)
    body = {
        "method": "secret",
        "channel": "paper",
        "seats": 1,
        "candidates": ["张三", "李四"],
        "teller1_id": people[0].id,
        "teller2_id": people[1].id,
        "scrutineer_id": people[2].id,
    }
    equal = assert_error(
        client.post(
            url(f"/items/{item}/vote"), headers=staff, json={**body, "candidates": ["张三"]}
        ),
        422,
    )
    assert "candidates" in equal["errors"]
    vote = _ok(client.post(url(f"/items/{item}/vote"), headers=staff, json=body), 201)
    a, b = (str(c["id"]) for c in vote["candidates"])
    assert vote["tally_status"] == "waiting" and vote["seats"] == 1
    tally = url(f"/votes/{vote['id']}/paper-tally")
    assert_error(client.post(tally, headers=staff, json={"ballots": 80}), 403)
    assert_error(client.post(url(f"/votes/{vote['id']}/close"), headers=staff), 409)
    counts = {"ballots": 80, "candidates": {a: 60, b: 20}}
    assert _ok(client.post(tally, headers=t1, json=counts))["tally_status"] == "waiting"
    mismatch = _ok(client.post(tally, headers=t2, json={"ballots": 80, "candidates": {a: 59}}))
    assert mismatch["tally_status"] == "mismatch" and mismatch["state"] == "open"
    assert_error(client.post(url(f"/votes/{vote['id']}/recount"), headers=t1), 403)
    recount = _ok(client.post(url(f"/votes/{vote['id']}/recount"), headers=scrutineer))
    assert recount["tally_status"] == "waiting"
    _ok(client.post(tally, headers=t1, json=counts))
    agreed = _ok(client.post(tally, headers=t2, json=counts))
    assert agreed["state"] == "closed" and agreed["tally_status"] == "agreed"
    assert [c["elected"] for c in agreed["candidates"]] == [True, False]
    result = _ok(client.get(url(f"/votes/{vote['id']}/result"), headers=ids.tokens[0]))
    assert result["elected"] == ["张三"] and result["passed"] is True
    assert result["ballots"] == 80 and result["candidates"] == {a: 60, b: 20}
    assert_error(client.post(tally, headers=t1, json=counts), 409, "vote_closed")


# --- resolutions and the report ------------------------------------------------------------------


def test_resolutions_and_the_report(app, client, clock, ids, url, staff, committee, world):
    lone = _item(client, url, ids, ids.tokens[4])
    _ok(
        client.post(
            url(f"/items/{lone['id']}/decision"),
            headers=committee,
            json={"accept": False, "reason": "属日常工作"},
        )
    )
    first, second = _opened(client, url, ids, staff, committee, clock, world)
    for item, yes in ((first, 70), (second, 30)):
        vote = _ok(
            client.post(url(f"/items/{item}/vote"), headers=staff, json={"method": "hands"}), 201
        )
        _ok(
            client.post(
                url(f"/votes/{vote['id']}/hands"),
                headers=staff,
                json={"yes": yes, "no": 80 - yes, "abstain": 0},
            )
        )
    path = url(f"/sessions/{ids.session}/resolutions")
    failed = assert_error(
        client.post(path, headers=staff, json={"item_id": second, "title": "x", "text": "y"}), 422
    )
    assert "item_id" in failed["errors"]
    body = {"item_id": first, "title": "关于年度工作的决议", "text": "会议同意……"}
    assert_error(client.post(path, headers=ids.tokens[0], json=body), 403)
    resolution = _ok(client.post(path, headers=staff, json=body), 201)
    assert resolution["published_at"] is None and resolution["item_id"] == first
    rid = resolution["id"]
    published = _ok(
        client.put(url(f"/resolutions/{rid}/published"), headers=staff, json={"published": True})
    )
    assert published["published_at"]
    assert_error(
        client.put(url(f"/resolutions/{rid}/published"), headers=staff, json={"published": "x"}),
        422,
    )
    assert_error(client.put(url(f"/resolutions/{rid}/implementation"), headers=staff, json={}), 422)
    done = _ok(
        client.put(
            url(f"/resolutions/{rid}/implementation"), headers=staff, json={"text": "已全部落实"}
        )
    )
    assert done["implementation"] == "已全部落实" and done["implementation_reported_at"]
    assert [r["id"] for r in _ok(client.get(path, headers=ids.tokens[0]))] == [rid]
    closed = _ok(client.post(url(f"/sessions/{ids.session}/close"), headers=staff))
    assert closed["state"] == "closed"
    report = _ok(client.get(url(f"/sessions/{ids.session}/report"), headers=staff))
    assert report["roll"]["present"] == 80 and report["session"]["state"] == "closed"
    assert [i["id"] for i in report["agenda"]] == [first, second]
    assert [(i["id"], i["decline_reason"]) for i in report["declined"]] == [
        (lone["id"], "属日常工作")
    ]
    assert [v["outcome"]["passed"] for v in report["votes"]] == [True, False]
    assert [v["item_title"] for v in report["votes"]] == ["议题0", "议题1"]
    assert [r["id"] for r in report["resolutions"]] == [rid] and report["previous"] == []
    assert "reception" not in report and "proposals" not in report


# --- bad bodies and access -----------------------------------------------------------------------


def test_bad_bodies_are_refused_field_by_field(app, client, clock, ids, url, staff):
    missing = assert_error(client.post(url("/sessions"), headers=staff, json={}), 422)
    assert {"title", "held_on", "place"} <= set(missing["errors"])
    bad_date = assert_error(
        client.post(
            url("/sessions"),
            headers=staff,
            json={"title": "会", "held_on": "明天", "place": "镇里"},
        ),
        422,
        "validation_error",
    )
    assert set(bad_date["errors"]) == {"held_on"}
    unknown = assert_error(
        client.post(
            url(f"/sessions/{ids.session}/items"),
            headers=ids.tokens[0],
            json={"title": "议题", "proposer": "mayor", "tenant_id": 1},
        ),
        422,
    )
    assert {"proposer", "tenant_id"} <= set(unknown["errors"])
    assert_error(
        client.post(
            url(f"/sessions/{ids.session}/items"),
            headers=ids.tokens[0],
            json={"title": "议题", "proposer": "representatives", "kind": "party"},
        ),
        422,
    )
    assert_error(
        client.post(url(f"/sessions/{ids.session}/leave"), headers=ids.tokens[0], json={}), 422
    )
    assert_error(
        client.post(url(f"/sessions/{ids.session}/check-in"), headers=ids.tokens[0], json={}), 422
    )
    assert_error(
        client.post(
            url(f"/sessions/{ids.session}/attendance/{ids.reps[0]}/leave-decision"),
            headers=staff,
            json={"approve": "perhaps"},
        ),
        422,
    )
    assert_error(client.get(url("/sessions/999999"), headers=staff), 404)
    assert_error(client.get(url("/votes/999999"), headers=staff), 404)


def test_no_token_other_townships_and_a_switched_off_module(app, client, clock, ids, url, world):
    staff = bearer(world.users["township_staff"])
    assert_error(client.get(url("/sessions")), 401, "unauthenticated")
    assert_error(client.get(url("/sessions", slug=world.other.slug), headers=staff), 404)
    assert client.get(url("/sessions"), headers=staff).status_code == 200
    tenants.set_module_enabled(
        actor(world.users["county_admin"]),
        world.county,
        world.township.id,
        "annual_sessions",
        False,
    )
    body = assert_error(client.get(url("/sessions"), headers=staff), 404, "module_disabled")
    assert "年会" in body["message"]
    assert_error(
        client.get(url(f"/sessions/{ids.session}"), headers=ids.tokens[0]), 404, "module_disabled"
    )
    assert_error(
        client.post(url(f"/items/{ids.session}/join"), headers=ids.tokens[0]),
        404,
        "module_disabled",
    )


def test_the_openapi_document_describes_the_module(app, client):
    spec = client.get("/api/openapi.json").get_json()
    base = "/api/v1/t/{township_slug}/annual_sessions"
    for path, methods in (
        ("/sessions", {"get", "post"}),
        ("/sessions/{session_id}", {"get"}),
        ("/sessions/{session_id}/fix-agenda", {"post"}),
        ("/sessions/{session_id}/open", {"post"}),
        ("/sessions/{session_id}/close", {"post"}),
        ("/sessions/{session_id}/roll", {"get"}),
        ("/sessions/{session_id}/documents", {"get", "post"}),
        ("/sessions/{session_id}/items", {"get", "post"}),
        ("/items/{item_id}/join", {"post"}),
        ("/items/{item_id}/join-group", {"post"}),
        ("/items/{item_id}/decision", {"post"}),
        ("/sessions/{session_id}/attendance", {"get"}),
        ("/sessions/{session_id}/leave", {"post"}),
        ("/sessions/{session_id}/attendance/{representative_id}/leave-decision", {"post"}),
        ("/sessions/{session_id}/attendance/{representative_id}/check-in", {"post"}),
        ("/sessions/{session_id}/check-in", {"post"}),
        ("/sessions/{session_id}/votes", {"get"}),
        ("/items/{item_id}/vote", {"get", "post"}),
        ("/votes/{vote_id}", {"get"}),
        ("/votes/{vote_id}/hands", {"post"}),
        ("/votes/{vote_id}/named", {"post"}),
        ("/votes/{vote_id}/ballot", {"post"}),
        ("/votes/{vote_id}/close", {"post"}),
        ("/votes/{vote_id}/paper-tally", {"post"}),
        ("/votes/{vote_id}/recount", {"post"}),
        ("/votes/{vote_id}/result", {"get"}),
        ("/sessions/{session_id}/resolutions", {"get", "post"}),
        ("/resolutions/{resolution_id}/published", {"put"}),
        ("/resolutions/{resolution_id}/implementation", {"put"}),
        ("/sessions/{session_id}/report", {"get"}),
        ("/sessions/{session_id}/proposal-window", {"post"}),
        ("/sessions/{session_id}/deliveries", {"get"}),
    ):
        assert methods <= set(spec["paths"][base + path]), path
    upload = spec["paths"][base + "/sessions/{session_id}/documents"]["post"]["requestBody"]
    props = upload["content"]["multipart/form-data"]["schema"]
    assert "multipart/form-data" in upload["content"], upload
    assert props


def test_lists_are_paged_and_stay_lists(app, client, ids, url, staff):
    """The roll of 100 in pages of 30: the fourth holds the last ten, the header the total; no
    page asked, the whole roll as before."""
    response = client.get(
        url(f"/sessions/{ids.session}/attendance?page=4&page_size=30"), headers=staff
    )
    rows = _ok(response)
    assert [r["representative_id"] for r in rows] == ids.reps[90:]
    assert '"total": 100' in response.headers["X-Pagination"]
    assert len(_ok(client.get(url(f"/sessions/{ids.session}/attendance"), headers=staff))) == 100
    sessions = client.get(url("/sessions?page=1&page_size=1"), headers=staff)
    assert len(_ok(sessions)) == 1 and '"total": 1' in sessions.headers["X-Pagination"]
    assert_error(client.get(url("/sessions?page_size=1001"), headers=staff), 422)
