"""The proposals REST API: drafting and co-signing, the threshold, windows, review, assignment,
answers, extensions, ratings and the unsatisfied → re-assign loop, publication, the dashboard and
the report — through Bearer tokens, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest

from lianxin.auth.models import User
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import assert_error, bearer
from tests.test_isolation_walk import PNG

BODY = {
    "kind": "proposal",
    "title": "关于修建东关村便民桥的提案",
    "body": "东关河两岸群众出行不便……",
    "category": "基础设施",
}


@pytest.fixture
def ids(cast, world):
    """The cast's ids and tokens, read once (rows are not visible outside the township's
    context after a request)."""
    with tenant_context(world.township.id):
        unit_users = {
            key: db.session.get(User, unit_actor.user_id)
            for key, (_unit, unit_actor) in cast.units.items()
        }
        return SimpleNamespace(
            reps=list(cast.reps),
            tokens=[bearer(u) for u in cast.users],
            units={key: unit for key, (unit, _a) in cast.units.items()},
            unit_tokens={key: bearer(u) for key, u in unit_users.items()},
            window=cast.window,
        )


@pytest.fixture
def staff(world):
    return bearer(world.users["township_staff"])


@pytest.fixture
def url(world):
    def build(path: str, slug: str | None = None) -> str:
        return f"/api/v1/t/{slug or world.township.slug}/proposals{path}"

    return build


def _ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_json()


def _draft(client, url, ids, author=0, **extra):
    return _ok(
        client.post(url("/proposals"), headers=ids.tokens[author], json={**BODY, **extra}), 201
    )


def _signed(client, url, ids, n, author=0):
    """A proposal draft with the author and n-1 co-signers signed."""
    draft = _draft(client, url, ids, author=author)
    others = [i for i in range(len(ids.reps)) if i != author][: n - 1]
    _ok(
        client.post(
            url(f"/proposals/{draft['id']}/invitations"),
            headers=ids.tokens[author],
            json={"representative_ids": [ids.reps[i] for i in others]},
        )
    )
    for i in others:
        _ok(client.post(url(f"/proposals/{draft['id']}/signature"), headers=ids.tokens[i]))
    return draft


def _submitted(client, url, ids):
    draft = _signed(client, url, ids, 10)
    return _ok(client.post(url(f"/proposals/{draft['id']}/submit"), headers=ids.tokens[0]))


def _accepted(client, url, ids, staff, complexity="simple"):
    proposal = _submitted(client, url, ids)
    return _ok(
        client.post(
            url(f"/proposals/{proposal['id']}/accept"),
            headers=staff,
            json={"complexity": complexity},
        )
    )


def _answered(client, url, ids, staff, unit="roads"):
    proposal = _accepted(client, url, ids, staff)
    pid = proposal["id"]
    _ok(
        client.post(
            url(f"/proposals/{pid}/assign"),
            headers=staff,
            json={"lead_unit_id": ids.units[unit]},
        )
    )
    token = ids.unit_tokens[unit]
    _ok(client.post(url(f"/proposals/{pid}/contact"), headers=token, json={"note": "电话联系"}))
    return _ok(client.post(url(f"/proposals/{pid}/answer"), headers=token, json={"text": "已办"}))


# --- drafting, co-signing and the threshold ------------------------------------------------------


def test_threshold_nine_refused_ten_submitted(app, client, clock, ids, url, staff):
    draft = _signed(client, url, ids, 9)
    pid = draft["id"]
    detail = _ok(client.get(url(f"/proposals/{pid}"), headers=ids.tokens[0]))
    assert detail["state"] == "draft" and detail["state_label"] == "草稿（征集联名）"
    assert detail["kind_label"] == "提案" and detail["author_name"] == "代表00"
    assert detail["threshold"] == {
        "needed": 10,
        "valid": 9,
        "ended": [],
        "group": False,
        "discussed": True,
        "signers_waived": False,
        "met": False,
    }
    assert len(detail["signers"]) == 9 and detail["signers"][0]["is_author"] is True
    assert {s["status"] for s in detail["signers"]} == {"signed"}
    assert not any(s["counted"] for s in detail["signers"])
    refused = assert_error(
        client.post(url(f"/proposals/{pid}/submit"), headers=ids.tokens[0]),
        409,
        "signers_threshold",
    )
    assert "需要 10 名" in refused["message"] and "signers" in refused["errors"]
    after = _ok(client.get(url(f"/proposals/{pid}"), headers=ids.tokens[0]))
    assert after["state"] == "draft" and after["submitted_at"] is None
    assert [
        e["action"]
        for e in _ok(client.get(url(f"/proposals/{pid}/history"), headers=ids.tokens[0]))
    ].count("submit") == 0
    # The 10th signer signs; submission goes through and freezes the list.
    signers = _ok(
        client.post(
            url(f"/proposals/{pid}/invitations"),
            headers=ids.tokens[0],
            json={"representative_ids": [ids.reps[10]]},
        )
    )
    assert signers[-1]["status"] == "invited" and signers[-1]["representative_id"] == ids.reps[10]
    signed = _ok(client.post(url(f"/proposals/{pid}/signature"), headers=ids.tokens[10]))
    assert signed["status"] == "signed" and signed["representative_id"] == ids.reps[10]
    assert _ok(client.get(url(f"/proposals/{pid}"), headers=ids.tokens[0]))["threshold"]["met"]
    submitted = _ok(client.post(url(f"/proposals/{pid}/submit"), headers=ids.tokens[0]))
    assert submitted["state"] == "submitted" and submitted["submitted_at"]
    assert submitted["threshold"] is None
    assert sum(s["counted"] for s in submitted["signers"]) == 10
    # A second submission is refused.
    assert_error(
        client.post(url(f"/proposals/{pid}/submit"), headers=ids.tokens[0]),
        409,
        "illegal_transition",
    )
    # The office now sees it in its list.
    listed = _ok(client.get(url("/proposals"), headers=staff))
    assert [p["id"] for p in listed] == [pid]


def test_signing_twice_declining_and_frozen(app, client, clock, ids, url):
    draft = _signed(client, url, ids, 3)
    pid = draft["id"]
    assert_error(
        client.post(url(f"/proposals/{pid}/signature"), headers=ids.tokens[1]),
        409,
        "already_signed",
    )
    # The author is not a co-signer; someone not invited does not even see the draft.
    assert_error(client.post(url(f"/proposals/{pid}/signature"), headers=ids.tokens[0]), 403)
    assert_error(client.post(url(f"/proposals/{pid}/signature"), headers=ids.tokens[5]), 404)
    _ok(
        client.post(
            url(f"/proposals/{pid}/invitations"),
            headers=ids.tokens[0],
            json={"representative_ids": [ids.reps[5]]},
        )
    )
    declined = _ok(client.delete(url(f"/proposals/{pid}/signature"), headers=ids.tokens[5]))
    assert declined["status"] == "declined" and declined["responded_at"]
    # A co-signer reads it but does not invite or change it.
    assert_error(
        client.post(
            url(f"/proposals/{pid}/invitations"),
            headers=ids.tokens[1],
            json={"representative_ids": [ids.reps[6]]},
        ),
        403,
    )
    assert_error(
        client.patch(url(f"/proposals/{pid}"), headers=ids.tokens[1], json={"title": "改"}), 403
    )


def test_editing_asks_cosigners_again_and_suggestions_need_none(app, client, clock, ids, url):
    draft = _signed(client, url, ids, 3)
    pid = draft["id"]
    patched = _ok(
        client.patch(
            url(f"/proposals/{pid}"), headers=ids.tokens[0], json={"title": "关于修桥的提案"}
        )
    )
    assert patched["title"] == "关于修桥的提案" and patched["body"] == BODY["body"]
    assert [s["status"] for s in patched["signers"]] == ["signed", "invited", "invited"]
    assert patched["threshold"]["valid"] == 1
    suggestion = _ok(
        client.patch(url(f"/proposals/{pid}"), headers=ids.tokens[0], json={"kind": "suggestion"})
    )
    assert suggestion["kind"] == "suggestion" and suggestion["threshold"]["needed"] == 1
    submitted = _ok(client.post(url(f"/proposals/{pid}/submit"), headers=ids.tokens[0]))
    assert submitted["state"] == "submitted"
    assert_error(
        client.patch(url(f"/proposals/{pid}"), headers=ids.tokens[0], json={"title": "再改"}),
        409,
        "illegal_transition",
    )
    mine = _ok(client.get(url("/proposals?mine=true&kind=suggestion"), headers=ids.tokens[0]))
    assert [p["id"] for p in mine] == [pid]
    assert _ok(client.get(url("/proposals?state=draft"), headers=ids.tokens[0])) == []


def test_a_signer_of_another_township_is_not_found(app, client, clock, ids, url, world):
    draft = _draft(client, url, ids)
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
    assert_error(
        client.post(
            url(f"/proposals/{draft['id']}/invitations"),
            headers=ids.tokens[0],
            json={"representative_ids": [ids.reps[1], theirs]},
        ),
        404,
        "not_found",
    )
    detail = _ok(client.get(url(f"/proposals/{draft['id']}"), headers=ids.tokens[0]))
    assert len(detail["signers"]) == 1  # nothing was added


def test_bad_bodies_are_refused_field_by_field(app, client, clock, ids, url, staff):
    body = assert_error(
        client.post(
            url("/proposals"),
            headers=ids.tokens[0],
            json={"kind": "petition", "title": "", "category": "天文", "tenant_id": 1},
        ),
        422,
        "validation_error",
    )
    assert set(body["errors"]) == {"kind", "title", "body", "category", "tenant_id"}
    draft = _draft(client, url, ids, kind="suggestion")
    pid = draft["id"]
    body = assert_error(
        client.patch(
            url(f"/proposals/{pid}"), headers=ids.tokens[0], json={"complexity": "hard", "x": 1}
        ),
        422,
    )
    assert set(body["errors"]) == {"complexity", "x"}
    body = assert_error(
        client.post(
            url(f"/proposals/{pid}/invitations"),
            headers=ids.tokens[0],
            json={"representative_ids": ["a"]},
        ),
        422,
    )
    assert "representative_ids" in body["errors"]
    # The service's own checks come back the same way: a suggestion has no co-signers.
    body = assert_error(
        client.post(
            url(f"/proposals/{pid}/invitations"),
            headers=ids.tokens[0],
            json={"representative_ids": [ids.reps[1]]},
        ),
        422,
    )
    assert "representative_ids" in body["errors"]
    body = assert_error(
        client.post(
            url("/windows"),
            headers=staff,
            json={"title": "秋季征集", "opens_on": "2026-09-30", "closes_on": "2026-09-01"},
        ),
        422,
    )
    assert set(body["errors"]) == {"closes_on"}
    body = assert_error(client.post(url("/windows"), headers=staff, json={"opens_on": "soon"}), 422)
    assert set(body["errors"]) == {"title", "opens_on", "closes_on"}
    assert_error(client.get(url("/proposals?state=lost"), headers=staff), 422)
    assert_error(client.get(url("/proposals/999999"), headers=staff), 404, "not_found")


# --- windows -------------------------------------------------------------------------------------


def test_windows_close_submission(app, client, clock, ids, url, staff, world):
    """With collection windows turned on, a proposal waits for an open window; a suggestion
    never does."""
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        tenants.update_township_settings(admin, world.township, "proposals", {"all_year": False})
    windows = _ok(client.get(url("/windows"), headers=ids.tokens[0]))
    assert [(w["id"], w["closes_on"]) for w in windows] == [(ids.window, "2026-03-31")]
    proposal = _signed(client, url, ids, 10)
    suggestion = _draft(client, url, ids, kind="suggestion")
    assert_error(
        client.delete(url(f"/windows/{ids.window}"), headers=ids.tokens[0]), 403
    )  # the office's
    assert client.delete(url(f"/windows/{ids.window}"), headers=staff).status_code == 204
    assert _ok(client.get(url("/windows"), headers=staff)) == []
    assert_error(
        client.post(url(f"/proposals/{proposal['id']}/submit"), headers=ids.tokens[0]),
        409,
        "submission_closed",
    )
    assert not _ok(client.get(url("/dashboard"), headers=staff))["submission_open"]
    assert _ok(client.post(url(f"/proposals/{suggestion['id']}/submit"), headers=ids.tokens[0]))
    created = _ok(
        client.post(
            url("/windows"),
            headers=staff,
            json={"title": "春季征集", "opens_on": "2026-03-01", "closes_on": "2026-03-15"},
        ),
        201,
    )
    assert created["title"] == "春季征集" and created["opens_on"] == "2026-03-01"
    assert _ok(client.post(url(f"/proposals/{proposal['id']}/submit"), headers=ids.tokens[0]))


# --- review, assignment, answers, ratings --------------------------------------------------------


def test_review_numbers_convert_merge_reject(app, client, clock, ids, url, staff, world):
    first = _accepted(client, url, ids, staff)
    assert first["number"] == "2026-001" and first["state"] == "accepted"
    assert first["complexity"] == "simple" and first["year"] == 2026
    committee = bearer(world.users["committee_member"])
    second = _submitted(client, url, ids)
    # The committee reads it but does not accept it.
    assert _ok(client.get(url(f"/proposals/{second['id']}"), headers=committee))
    assert_error(
        client.post(url(f"/proposals/{second['id']}/accept"), headers=committee, json={}), 403
    )
    assert_error(
        client.post(url(f"/proposals/{second['id']}/accept"), headers=ids.tokens[0], json={}),
        403,
    )
    merged = _ok(
        client.post(
            url(f"/proposals/{second['id']}/merge"),
            headers=staff,
            json={"into_id": first["id"], "note": "同一事项"},
        )
    )
    assert merged["state"] == "merged" and merged["merged_into_id"] == first["id"]
    assert merged["review_note"] == "同一事项"
    third = _submitted(client, url, ids)
    assert_error(
        client.post(url(f"/proposals/{third['id']}/reject"), headers=staff, json={"reason": ""}),
        422,
    )
    body = assert_error(
        client.post(
            url(f"/proposals/{third['id']}/merge"),
            headers=staff,
            json={"into_id": third["id"], "note": "自己"},
        ),
        422,
    )
    assert "into_id" in body["errors"]
    converted = _ok(
        client.post(
            url(f"/proposals/{third['id']}/convert"), headers=staff, json={"note": "涉及面较窄"}
        )
    )
    assert (converted["kind"], converted["state"], converted["number"]) == (
        "suggestion",
        "accepted",
        "建2026-001",
    )
    fourth = _submitted(client, url, ids)
    rejected = _ok(
        client.post(
            url(f"/proposals/{fourth['id']}/reject"),
            headers=staff,
            json={"reason": "属于个人诉求"},
        )
    )
    assert rejected["state"] == "not_accepted" and rejected["state_label"] == "不予立案"
    assert _ok(client.get(url(f"/proposals/{fourth['id']}"), headers=ids.tokens[0]))[
        "review_note"
    ] == ("属于个人诉求")
    assert_error(
        client.post(url(f"/proposals/{fourth['id']}/accept"), headers=staff, json={}),
        409,
        "illegal_transition",
    )


def test_the_full_loop_with_units(app, client, clock, ids, url, staff):
    proposal = _accepted(client, url, ids, staff)
    pid = proposal["id"]
    roads, farm = ids.unit_tokens["roads"], ids.unit_tokens["farm"]
    # Not yet assigned: the units do not see it.
    assert_error(client.get(url(f"/proposals/{pid}"), headers=roads), 404)
    assigned = _ok(
        client.post(
            url(f"/proposals/{pid}/assign"),
            headers=staff,
            json={"lead_unit_id": ids.units["roads"], "co_unit_ids": [ids.units["farm"]]},
        )
    )
    assert assigned["state"] == "assigned" and assigned["round"] == 1
    assert [(a["unit_name"], a["role"], a["due_on"]) for a in assigned["assignments"]] == [
        ("镇城建办", "lead", "2026-03-12"),
        ("镇农业农村办", "co", "2026-03-12"),
    ]
    assert assigned["lead_unit"] == "镇城建办"
    assert_error(
        client.post(url(f"/proposals/{pid}/answer"), headers=roads, json={"text": "已列入计划"}),
        409,
        "contact_first",
    )
    contacted = _ok(
        client.post(url(f"/proposals/{pid}/contact"), headers=roads, json={"note": "电话联系"})
    )
    assert contacted["contacted_at"] and contacted["contact_note"] == "电话联系"
    body = assert_error(
        client.post(url(f"/proposals/{pid}/answer"), headers=roads, json={"text": "   "}), 422
    )
    assert set(body["errors"]) == {"text"}
    uploaded = client.post(
        url(f"/proposals/{pid}/files"),
        headers=roads,
        data={"file": (io.BytesIO(PNG), "现场.png")},
    )
    assert _ok(uploaded, 201)["filename"] == "现场.png"
    assert [
        f["filename"] for f in _ok(client.get(url(f"/proposals/{pid}/files"), headers=staff))
    ] == ["现场.png"]
    _ok(client.post(url(f"/proposals/{pid}/contact"), headers=farm, json={}))
    co = _ok(client.post(url(f"/proposals/{pid}/answer"), headers=farm, json={"text": "配合"}))
    assert co["state"] == "assigned"
    answered = _ok(
        client.post(url(f"/proposals/{pid}/answer"), headers=roads, json={"text": "6月开工"})
    )
    assert answered["state"] == "answered" and answered["answer"] == "6月开工"
    # The rating is the author's alone; unsatisfied needs a comment.
    assert_error(
        client.post(
            url(f"/proposals/{pid}/rating"), headers=ids.tokens[1], json={"rating": "satisfied"}
        ),
        403,
    )
    body = assert_error(
        client.post(
            url(f"/proposals/{pid}/rating"), headers=ids.tokens[0], json={"rating": "unsatisfied"}
        ),
        422,
    )
    assert "comment" in body["errors"]
    assert (
        "rating"
        in assert_error(
            client.post(
                url(f"/proposals/{pid}/rating"), headers=ids.tokens[0], json={"rating": "5"}
            ),
            422,
        )["errors"]
    )
    unsatisfied = _ok(
        client.post(
            url(f"/proposals/{pid}/rating"),
            headers=ids.tokens[0],
            json={"rating": "unsatisfied", "comment": "没有时间表"},
        )
    )
    assert unsatisfied["state"] == "unsatisfied" and unsatisfied["rating_label"] == "不满意"
    # Assigned again, to the other unit; the first lead no longer answers.
    clock.today = date(2026, 3, 10)
    again = _ok(
        client.post(
            url(f"/proposals/{pid}/assign"),
            headers=staff,
            json={"lead_unit_id": ids.units["farm"], "complexity": "complex"},
        )
    )
    assert again["round"] == 2 and again["answer"] is None and again["rating"] is None
    assert [(a["round"], a["status"]) for a in again["assignments"]] == [
        (1, "superseded"),
        (1, "superseded"),
        (2, "active"),
    ]
    assert again["assignments"][-1]["due_on"] == "2026-04-09"
    assert_error(
        client.post(url(f"/proposals/{pid}/answer"), headers=roads, json={"text": "补充"}), 403
    )
    _ok(client.post(url(f"/proposals/{pid}/contact"), headers=farm, json={"note": "上门"}))
    _ok(client.post(url(f"/proposals/{pid}/answer"), headers=farm, json={"text": "4月开工"}))
    closed = _ok(
        client.post(
            url(f"/proposals/{pid}/rating"),
            headers=ids.tokens[0],
            json={"rating": "basically_satisfied"},
        )
    )
    assert closed["state"] == "closed" and closed["round"] == 2
    history = _ok(client.get(url(f"/proposals/{pid}/history"), headers=ids.tokens[0]))
    actions = [e["action"] for e in history]
    assert actions.count("assign") == 2 and actions.count("rated") == 2
    assert history[0]["action"] == "create" and history[0]["actor_name"]


def test_an_unassigned_unit_cannot_answer(app, client, clock, ids, url, staff, world):
    proposal = _accepted(client, url, ids, staff)
    pid = proposal["id"]
    _ok(
        client.post(
            url(f"/proposals/{pid}/assign"),
            headers=staff,
            json={"lead_unit_id": ids.units["roads"]},
        )
    )
    farm = ids.unit_tokens["farm"]
    for path, body in (
        ("/contact", {"note": "x"}),
        ("/answer", {"text": "不是我们的"}),
        ("/return", {"reason": "x"}),
        ("/extensions", {"days": 5, "reason": "x"}),
    ):
        assert_error(client.post(url(f"/proposals/{pid}{path}"), headers=farm, json=body), 404)
    # The office does not answer for a unit; an assigned unit does not assign.
    assert_error(
        client.post(url(f"/proposals/{pid}/contact"), headers=staff, json={"note": "x"}), 403
    )
    assert_error(
        client.post(
            url(f"/proposals/{pid}/assign"),
            headers=ids.unit_tokens["roads"],
            json={"lead_unit_id": ids.units["farm"]},
        ),
        403,
    )
    # Another township's unit is not found.
    with tenant_context(world.other.id):
        theirs = people.create_unit(
            actor(world.users["other_admin"]), world.other, people.UnitInput(name="乙镇城建办")
        ).id
    returned = _ok(
        client.post(
            url(f"/proposals/{pid}/return"),
            headers=ids.unit_tokens["roads"],
            json={"reason": "属于县交通局职责"},
        )
    )
    assert returned["state"] == "accepted"
    assert returned["assignments"][0]["return_reason"] == "属于县交通局职责"
    assert_error(
        client.post(url(f"/proposals/{pid}/assign"), headers=staff, json={"lead_unit_id": theirs}),
        404,
    )


def test_extension_approved_and_close(app, client, clock, ids, url, staff):
    proposal = _accepted(client, url, ids, staff, complexity="complex")
    pid = proposal["id"]
    _ok(
        client.post(
            url(f"/proposals/{pid}/assign"), headers=staff, json={"lead_unit_id": ids.units["farm"]}
        )
    )
    farm = ids.unit_tokens["farm"]
    body = assert_error(
        client.post(
            url(f"/proposals/{pid}/extensions"), headers=farm, json={"days": 60, "reason": "调研"}
        ),
        422,
    )
    assert "days" in body["errors"]  # more than the township's 30
    extension = _ok(
        client.post(
            url(f"/proposals/{pid}/extensions"),
            headers=farm,
            json={"days": 10, "reason": "需要实地调研"},
        ),
        201,
    )
    assert extension["status"] == "pending" and extension["days"] == 10
    assert_error(
        client.post(
            url(f"/proposals/{pid}/extensions"), headers=farm, json={"days": 5, "reason": "再延"}
        ),
        409,
    )
    assert_error(
        client.post(
            url(f"/extensions/{extension['id']}/decision"), headers=farm, json={"approve": True}
        ),
        403,
    )
    decided = _ok(
        client.post(
            url(f"/extensions/{extension['id']}/decision"), headers=staff, json={"approve": True}
        )
    )
    assert decided["status"] == "approved" and decided["decided_at"]
    detail = _ok(client.get(url(f"/proposals/{pid}"), headers=staff))
    assert detail["assignments"][0]["due_on"] == "2026-04-11"  # 1 April + 10
    assert [e["status"] for e in detail["extensions"]] == ["approved"]
    assert [
        e["id"] for e in _ok(client.get(url(f"/proposals/{pid}/extensions"), headers=farm))
    ] == [extension["id"]]
    assert_error(
        client.post(
            url(f"/extensions/{extension['id']}/decision"), headers=staff, json={"approve": False}
        ),
        409,
    )
    assert_error(
        client.post(url("/extensions/999999/decision"), headers=staff, json={"approve": True}), 404
    )
    closed = _ok(
        client.post(
            url(f"/proposals/{pid}/close"), headers=staff, json={"reason": "纳入县级项目统筹"}
        )
    )
    assert closed["state"] == "closed" and closed["closed_reason"] == "纳入县级项目统筹"
    assert closed["assignments"][0]["status"] == "superseded"


def test_inquiry_publication_dashboard_and_report(app, client, clock, ids, url, staff, world):
    inquiry = _draft(client, url, ids, kind="inquiry", title="关于镇卫生院人员配备的质询")
    iid = inquiry["id"]
    _ok(client.post(url(f"/proposals/{iid}/submit"), headers=ids.tokens[0]))
    _ok(client.post(url(f"/proposals/{iid}/accept"), headers=staff, json={}))
    committee = bearer(world.users["committee_member"])
    assert_error(
        client.post(
            url(f"/proposals/{iid}/inquiry-answer"), headers=ids.tokens[0], json={"text": "自答"}
        ),
        403,
    )
    public = _ok(
        client.post(
            url(f"/proposals/{iid}/inquiry-answer"),
            headers=committee,
            json={"text": "已增配两名医生", "public": True},
        )
    )
    assert public["answer_public"] is True and public["published_at"]
    proposal = _accepted(client, url, ids, staff)
    assert_error(
        client.put(
            url(f"/proposals/{proposal['id']}/published"), headers=staff, json={"published": True}
        ),
        409,
    )
    answered = _answered(client, url, ids, staff)
    published = _ok(
        client.put(
            url(f"/proposals/{answered['id']}/published"), headers=staff, json={"published": True}
        )
    )
    assert published["published_at"]
    body = assert_error(
        client.put(url(f"/proposals/{answered['id']}/published"), headers=staff, json={}), 422
    )
    assert "published" in body["errors"]
    withdrawn = _ok(
        client.put(
            url(f"/proposals/{answered['id']}/published"), headers=staff, json={"published": False}
        )
    )
    assert withdrawn["published_at"] is None
    # The dashboard: the office and the committee, not a representative.
    dash = _ok(client.get(url("/dashboard"), headers=staff))
    assert dash["by_state"] == {"answered": 2, "accepted": 1}
    assert dash["by_kind"] == {"inquiry": 1, "proposal": 2}
    assert dash["submission_open"] is True
    assert [(u["unit_name"], u["answered"]) for u in dash["units"]] == [("镇城建办", 1)]
    assert dash["rated"] == 0 and dash["satisfaction"] is None
    assert _ok(client.get(url("/dashboard"), headers=committee))["by_kind"]
    assert_error(client.get(url("/dashboard"), headers=ids.tokens[0]), 403)
    clock.today = date(2026, 4, 1)  # the remaining accepted one is assigned and falls overdue
    _ok(
        client.post(
            url(f"/proposals/{proposal['id']}/assign"),
            headers=staff,
            json={"lead_unit_id": ids.units["farm"]},
        )
    )
    clock.today = date(2026, 4, 20)
    dash = _ok(client.get(url("/dashboard"), headers=staff))
    assert [(o["proposal_id"], o["unit_name"]) for o in dash["overdue"]] == [
        (proposal["id"], "镇农业农村办")
    ]
    # The report: numbered proposals first, then inquiries.
    report = _ok(client.get(url("/reports/2026"), headers=staff))
    assert report["year"] == 2026
    rows = report["rows"]
    assert [r["number"] for r in rows] == ["2026-001", "2026-002", "质2026-001"]
    assert rows[1]["lead_unit"] == "镇城建办" and rows[1]["signers"] == 10
    assert rows[1]["author"] == "代表00" and rows[1]["answer"] == "已办"
    assert rows[2]["kind_label"] == "质询" and rows[2]["state"] == "answered"
    assert _ok(client.get(url("/reports/2031"), headers=staff))["rows"] == []  # none that year
    assert_error(client.get(url("/reports/1999"), headers=staff), 404, "not_found")
    assert_error(client.get(url("/reports/2026"), headers=ids.tokens[0]), 403)


def test_a_draft_from_a_case(app, client, clock, ids, url, cast, world, staff):
    with tenant_context(world.township.id):
        case = casework.register(
            cast.actors[0],
            world.township,
            casework.CaseInput(title="村口路灯不亮", body="晚上看不清", channel="regular_visit"),
        ).case.id
    draft = _ok(
        client.post(
            url(f"/cases/{case}/draft"), headers=ids.tokens[0], json={"kind": "suggestion"}
        ),
        201,
    )
    assert draft["title"] == "村口路灯不亮" and draft["case_ids"] == [case]
    assert draft["kind"] == "suggestion" and draft["state"] == "draft"
    # A representative who did not receive the case does not find it.
    assert_error(
        client.post(url(f"/cases/{case}/draft"), headers=ids.tokens[1], json={"kind": "proposal"}),
        404,
    )
    # The author's file on the draft.
    uploaded = client.post(
        url(f"/proposals/{draft['id']}/files"),
        headers=ids.tokens[0],
        data={"file": (io.BytesIO(PNG), "照片.png")},
    )
    assert _ok(uploaded, 201)["filename"] == "照片.png"
    assert_error(
        client.post(
            url(f"/proposals/{draft['id']}/files"),
            headers=ids.tokens[0],
            data={},
        ),
        422,
    )


# --- access --------------------------------------------------------------------------------------


def test_no_token_other_townships_and_a_switched_off_module(app, client, clock, ids, url, world):
    staff = bearer(world.users["township_staff"])
    assert_error(client.get(url("/proposals")), 401, "unauthenticated")
    assert_error(client.get(url("/proposals", slug=world.other.slug), headers=staff), 404)
    assert client.get(url("/proposals"), headers=staff).status_code == 200
    tenants.set_module_enabled(
        actor(world.users["county_admin"]), world.county, world.township.id, "proposals", False
    )
    body = assert_error(client.get(url("/proposals"), headers=staff), 404, "module_disabled")
    assert "提案" in body["message"]
    assert_error(
        client.post(url("/proposals"), headers=ids.tokens[0], json=BODY), 404, "module_disabled"
    )
    assert_error(client.get(url("/dashboard"), headers=staff), 404, "module_disabled")


def test_the_openapi_document_describes_the_module(app, client):
    spec = client.get("/api/openapi.json").get_json()
    base = "/api/v1/t/{township_slug}/proposals"
    for path, methods in (
        ("/proposals", {"get", "post"}),
        ("/proposals/{proposal_id}", {"get", "patch"}),
        ("/proposals/{proposal_id}/invitations", {"post"}),
        ("/proposals/{proposal_id}/signature", {"post", "delete"}),
        ("/proposals/{proposal_id}/submit", {"post"}),
        ("/proposals/{proposal_id}/files", {"get", "post"}),
        ("/proposals/{proposal_id}/accept", {"post"}),
        ("/proposals/{proposal_id}/convert", {"post"}),
        ("/proposals/{proposal_id}/merge", {"post"}),
        ("/proposals/{proposal_id}/reject", {"post"}),
        ("/proposals/{proposal_id}/assign", {"post"}),
        ("/proposals/{proposal_id}/contact", {"post"}),
        ("/proposals/{proposal_id}/answer", {"post"}),
        ("/proposals/{proposal_id}/return", {"post"}),
        ("/proposals/{proposal_id}/extensions", {"get", "post"}),
        ("/extensions/{extension_id}/decision", {"post"}),
        ("/proposals/{proposal_id}/inquiry-answer", {"post"}),
        ("/proposals/{proposal_id}/rating", {"post"}),
        ("/proposals/{proposal_id}/close", {"post"}),
        ("/proposals/{proposal_id}/published", {"put"}),
        ("/proposals/{proposal_id}/history", {"get"}),
        ("/windows", {"get", "post"}),
        ("/windows/{window_id}", {"delete"}),
        ("/dashboard", {"get"}),
        ("/reports/{year}", {"get"}),
        ("/cases/{case_id}/draft", {"post"}),
    ):
        assert methods <= set(spec["paths"][base + path]), path
    upload = spec["paths"][base + "/proposals/{proposal_id}/files"]["post"]["requestBody"]
    assert "multipart/form-data" in upload["content"]
