"""The evaluations REST API: a committee evaluation created, its form edited, subjects added, the
campaign opened (links once, to the office), answers from several representatives' accounts
(once each, in the period, scores in range, eligible raters only), the office seeing only how
many have answered and reminding the rest through the system, no results before the close and
the count, results hidden below K and shown from K, grades proposed by the office and decided by
committee members (never about themselves), the subject's own result and feedback only once
published — through Bearer tokens, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest

from lianxin.db.tenancy import tenant_context
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import assert_error, bearer
from tests.modules.evaluations.conftest import TODAY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ids(cast, world):
    """The cast's ids and tokens, read once (rows are not visible outside the township's
    context after a request)."""
    with tenant_context(world.township.id):
        return SimpleNamespace(
            reps=list(cast.reps),
            tokens=[bearer(u) for u in cast.users],
            members=[u.id for u in cast.members],
            member_tokens=[bearer(u) for u in cast.members],
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
        return f"/api/v1/t/{slug or world.township.slug}/evaluations{path}"

    return build


def _ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return None if status == 204 else response.get_json()


def _campaign(client, url, staff, title="2025年度两委委员评议", shape="committee"):
    body = {"title": title, "shape": shape, "opens_on": "2025-12-01", "closes_on": "2026-01-15"}
    return _ok(client.post(url("/campaigns"), headers=staff, json=body), 201)


def _answers(form, score=8, overall="competent", comment=None):
    return {
        "answers": [
            {
                "subject_id": s["id"],
                "scores": {d["key"]: score for d in form["dimensions"]},
                "overall": overall,
                "comment": comment,
            }
            for s in form["subjects"]
        ]
    }


def _opened(client, url, ids, staff):
    """A committee campaign with two dimensions and the two cast members as subjects, open."""
    made = _campaign(client, url, staff)
    dims = [{"key": "results", "label": "工作实绩", "weight": 2}, {"label": "廉洁自律"}]
    _ok(
        client.patch(url(f"/campaigns/{made['id']}/form"), headers=staff, json={"dimensions": dims})
    )
    subjects = [
        _ok(
            client.post(
                url(f"/campaigns/{made['id']}/subjects"), headers=staff, json={"user_id": uid}
            ),
            201,
        )
        for uid in ids.members
    ]
    links = _ok(client.post(url(f"/campaigns/{made['id']}/open"), headers=staff))
    return made["id"], [s["id"] for s in subjects], links


# --- the whole campaign --------------------------------------------------------------------------


def test_a_committee_evaluation_from_creation_to_publication(
    app, client, clock, ids, url, staff, committee, world
):
    # Created by the office only, with the default form; the title is unique.
    body = {
        "title": "评议",
        "shape": "committee",
        "opens_on": "2025-12-01",
        "closes_on": "2026-01-15",
    }
    assert_error(client.post(url("/campaigns"), headers=ids.tokens[0], json=body), 403)
    made = _campaign(client, url, staff)
    assert made["state"] == "draft" and made["shape_label"] == "代表评议两委委员"
    assert len(made["dimensions"]) == 10 and (made["scale_min"], made["scale_max"]) == (1, 10)
    assert made["participation"] == {"eligible": 0, "answered": 0, "rate": None}
    again = assert_error(client.post(url("/campaigns"), headers=staff, json=made), 422)
    assert again["code"] == "validation_error"
    dup = assert_error(
        client.post(url("/campaigns"), headers=staff, json={**body, "title": made["title"]}), 422
    )
    assert "title" in dup["errors"]
    cid = made["id"]
    listed = _ok(client.get(url("/campaigns"), headers=ids.tokens[0]))
    assert [c["id"] for c in listed] == [cid]

    # The form: dimensions and weights, scale, period — the office only, while a draft.
    dims = [{"key": "results", "label": "工作实绩", "weight": 2}, {"label": "廉洁自律"}]
    assert_error(
        client.patch(
            url(f"/campaigns/{cid}/form"), headers=ids.tokens[0], json={"dimensions": dims}
        ),
        403,
    )
    form = _ok(
        client.patch(
            url(f"/campaigns/{cid}/form"),
            headers=staff,
            json={"dimensions": dims, "scale_min": 1, "scale_max": 10},
        )
    )
    (kept, added) = form["dimensions"]
    assert (kept["key"], kept["weight"]) == ("results", 2.0)
    # A new dimension gets a key of its own, never one derived from its position.
    assert added["key"].startswith("d") and len(added["key"]) == 9 and added["weight"] == 1.0
    bad = assert_error(
        client.patch(
            url(f"/campaigns/{cid}/form"), headers=staff, json={"scale_min": 9, "scale_max": 3}
        ),
        422,
    )
    assert "scale_max" in bad["errors"]
    late = assert_error(
        client.patch(
            url(f"/campaigns/{cid}/form"),
            headers=staff,
            json={"opens_on": "2026-02-01", "closes_on": "2026-01-01"},
        ),
        422,
    )
    assert "closes_on" in late["errors"]
    assert_error(
        client.patch(url(f"/campaigns/{cid}/form"), headers=staff, json={"dimensions": []}), 422
    )

    # Subjects: committee members only; a duplicate refused; removable while a draft.
    subjects = [
        _ok(
            client.post(url(f"/campaigns/{cid}/subjects"), headers=staff, json={"user_id": uid}),
            201,
        )
        for uid in ids.members
    ]
    sids = [s["id"] for s in subjects]
    assert [s["user_id"] for s in subjects] == ids.members
    assert_error(
        client.post(
            url(f"/campaigns/{cid}/subjects"), headers=staff, json={"user_id": ids.members[0]}
        ),
        422,
    )
    assert_error(
        client.post(url(f"/campaigns/{cid}/subjects"), headers=staff, json={"user_id": 999_999}),
        404,
    )
    extra = _ok(
        client.post(
            url(f"/campaigns/{cid}/subjects"),
            headers=staff,
            json={"user_id": world.users["committee_member"].id},
        ),
        201,
    )
    assert client.delete(url(f"/subjects/{extra['id']}"), headers=staff).status_code == 204
    assert [
        s["id"] for s in _ok(client.get(url(f"/campaigns/{cid}/subjects"), headers=staff))
    ] == sids

    # The duty report: by the subject themself (or the office), not by anyone else.
    assert_error(
        client.put(
            url(f"/subjects/{sids[0]}/report"), headers=ids.tokens[0], json={"text": "述职"}
        ),
        403,
    )
    report = _ok(
        client.put(
            url(f"/subjects/{sids[0]}/report"),
            headers=ids.member_tokens[0],
            json={"text": "一年来…"},
        )
    )
    assert report["report_text"] == "一年来…"
    assert_error(client.put(url(f"/subjects/{sids[0]}/report"), headers=staff, json={}), 422)

    # Opening: the links come back once, to the office; others are refused.
    assert_error(client.post(url(f"/campaigns/{cid}/open"), headers=ids.tokens[0]), 403)
    links = _ok(client.post(url(f"/campaigns/{cid}/open"), headers=staff))
    assert len(links) == 30 and all(link["token"] and link["name"] for link in links)
    assert {link["name"] for link in links} == {f"评议人{i:02d}" for i in range(30)}
    detail = _ok(client.get(url(f"/campaigns/{cid}"), headers=ids.tokens[0]))
    assert detail["state"] == "open" and "token" not in str(detail)
    assert detail["participation"] == {"eligible": 30, "answered": 0, "rate": 0.0}
    reissued = _ok(client.post(url(f"/raters/{links[3]['rater_id']}/link"), headers=staff))
    assert reissued["token"] and reissued["token"] != links[3]["token"]
    assert_error(
        client.post(url(f"/raters/{links[3]['rater_id']}/link"), headers=ids.tokens[0]), 403
    )

    # The form is fixed now.
    for response in (
        client.patch(url(f"/campaigns/{cid}/form"), headers=staff, json={"scale_max": 5}),
        client.post(
            url(f"/campaigns/{cid}/subjects"), headers=staff, json={"user_id": ids.members[0]}
        ),
        client.post(url(f"/campaigns/{cid}/subjects/defaults"), headers=staff),
        client.delete(url(f"/subjects/{sids[0]}"), headers=staff),
        client.post(url(f"/campaigns/{cid}/open"), headers=staff),
    ):
        assert_error(response, 409, "form_locked")

    # The rater's form: every subject with the report, and whether they have answered.
    form = _ok(client.get(url(f"/campaigns/{cid}/form"), headers=ids.tokens[0]))
    assert [s["id"] for s in form["subjects"]] == sids and form["answered"] is False
    assert form["subjects"][0]["report_text"] == "一年来…"
    assert_error(client.get(url(f"/campaigns/{cid}/form"), headers=committee), 403)

    # Answers: scores in range, once each, eligible raters only, in the period.
    out_of_range = assert_error(
        client.post(
            url(f"/campaigns/{cid}/answers"), headers=ids.tokens[0], json=_answers(form, 11)
        ),
        422,
    )
    assert f"{sids[0]}.results" in out_of_range["errors"]
    missing = {"answers": _answers(form)["answers"][:1]}
    assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[0], json=missing), 422
    )
    for i in range(3):
        answered = client.post(
            url(f"/campaigns/{cid}/answers"), headers=ids.tokens[i], json=_answers(form)
        )
        assert answered.status_code == 204 and answered.get_data() == b""
    assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[0], json=_answers(form)),
        409,
        "already_answered",
    )
    assert _ok(client.get(url(f"/campaigns/{cid}/form"), headers=ids.tokens[0]))["answered"] is True
    assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=committee, json=_answers(form)), 403
    )
    clock.today = date(2026, 1, 16)
    assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[3], json=_answers(form)),
        409,
        "outside_period",
    )
    clock.today = TODAY
    part = _ok(client.get(url(f"/campaigns/{cid}/participation"), headers=staff))
    assert part == {"eligible": 30, "answered": 3, "rate": 0.1}
    # Who has answered is nobody's to read: no list of non-respondents, raters without a flag.
    assert_error(client.get(url(f"/campaigns/{cid}/non-respondents"), headers=staff), 404)
    raters = _ok(client.get(url(f"/campaigns/{cid}/raters"), headers=staff))
    assert len(raters) == 30 and all(set(r) == {"rater_id", "name"} for r in raters)
    assert_error(client.get(url(f"/campaigns/{cid}/raters"), headers=ids.tokens[5]), 403)
    # The system reminds the 27 who have not answered, once a day; the office learns how many.
    assert_error(client.post(url(f"/campaigns/{cid}/reminders"), headers=ids.tokens[5]), 403)
    assert _ok(client.post(url(f"/campaigns/{cid}/reminders"), headers=staff), 201) == {
        "reminded": 27
    }
    assert_error(
        client.post(url(f"/campaigns/{cid}/reminders"), headers=staff), 409, "already_reminded"
    )

    # While open: no results at all, for anyone (409 before the count; 403 to a representative).
    assert_error(
        client.get(url(f"/campaigns/{cid}/results"), headers=committee), 409, "not_counted"
    )
    assert_error(client.get(url(f"/subjects/{sids[0]}/result"), headers=staff), 409, "not_counted")
    assert_error(client.get(url(f"/campaigns/{cid}/results"), headers=ids.tokens[5]), 403)
    assert_error(client.get(url(f"/subjects/{sids[0]}/result"), headers=ids.tokens[5]), 403)

    # Two more (five in all), one of them scoring 10 and commenting; then closed.
    _ok(
        client.post(
            url(f"/campaigns/{cid}/answers"),
            headers=ids.tokens[3],
            json=_answers(form, 10, "excellent", "很好"),
        ),
        204,
    )
    _ok(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[4], json=_answers(form)),
        204,
    )
    assert_error(
        client.post(
            url(f"/subjects/{sids[0]}/grade"), headers=committee, json={"grade": "competent"}
        ),
        409,
    )
    assert_error(
        client.post(
            url(f"/subjects/{sids[0]}/proposal"), headers=staff, json={"grade": "competent"}
        ),
        409,
    )
    assert_error(client.post(url(f"/campaigns/{cid}/close"), headers=ids.tokens[0]), 403)
    closed = _ok(client.post(url(f"/campaigns/{cid}/close"), headers=staff))
    assert closed["state"] == "closed" and closed["participation"]["answered"] == 5
    assert closed["counted_at"] and (closed["min_answers"], closed["answer_batch"]) == (5, 5)
    assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[5], json=_answers(form)),
        409,
        "outside_period",
    )
    assert_error(client.post(url(f"/campaigns/{cid}/reminders"), headers=staff), 409)

    rows = _ok(client.get(url(f"/campaigns/{cid}/results"), headers=committee))
    first = rows[0]
    assert first["shown"] is True and first["count"] == 5 and first["withheld"] is False
    assert [d["mean"] for d in first["dimensions"]] == [8.4, 8.4]
    assert first["dimensions"][0]["distribution"] == {"8": 4, "10": 1}
    assert first["weighted_mean"] == 8.4 and first["proposed_grade"] == "competent"
    assert first["overall"] == {"competent": 4, "excellent": 1}
    assert first["comments"] == ["很好"] and first["grade"] is None
    single = _ok(client.get(url(f"/subjects/{sids[1]}/result"), headers=staff))
    assert single["subject"]["id"] == sids[1] and single["shown"] is True
    assert_error(client.get(url(f"/campaigns/{cid}/results"), headers=ids.tokens[0]), 403)

    # The subject (a committee member) reads the others' results, never his own before it is
    # published; no feedback either.
    own_rows = _ok(client.get(url(f"/campaigns/{cid}/results"), headers=ids.member_tokens[1]))
    assert own_rows[1] == {
        "subject": own_rows[1]["subject"],
        "count": 0,
        "shown": False,
        "withheld": True,
    }
    assert own_rows[0]["shown"] is True and own_rows[0]["count"] == 5
    assert_error(client.get(url(f"/subjects/{sids[1]}/result"), headers=ids.member_tokens[1]), 403)
    assert _ok(client.get(url("/feedback"), headers=ids.member_tokens[1])) == []

    # Grades: the office proposes (another grade than the scores' only with a reason) ...
    assert_error(
        client.post(
            url(f"/subjects/{sids[1]}/proposal"), headers=committee, json={"grade": "competent"}
        ),
        403,
    )
    no_reason = assert_error(
        client.post(
            url(f"/subjects/{sids[1]}/proposal"), headers=staff, json={"grade": "excellent"}
        ),
        422,
    )
    assert "reason" in no_reason["errors"]
    proposed = _ok(
        client.post(
            url(f"/subjects/{sids[0]}/proposal"), headers=staff, json={"grade": "competent"}
        )
    )
    assert proposed["proposed_grade"] == "competent" and proposed["proposal_reason"] is None
    # ... committee members decide: not a representative, not the office, not the subject.
    for headers in (ids.tokens[0], staff, ids.member_tokens[1]):
        assert_error(
            client.post(
                url(f"/subjects/{sids[1]}/grade"), headers=headers, json={"grade": "competent"}
            ),
            403,
        )
    no_reason = assert_error(
        client.post(
            url(f"/subjects/{sids[1]}/grade"), headers=committee, json={"grade": "excellent"}
        ),
        422,
    )
    assert "reason" in no_reason["errors"]
    assert_error(
        client.post(url(f"/subjects/{sids[1]}/grade"), headers=committee, json={"grade": "best"}),
        422,
    )
    for sid in sids[:2]:  # the responsible leader's opinion first (test_leader_opinion.py)
        _ok(
            client.put(
                url(f"/subjects/{sid}/leader-opinion"),
                headers=staff,
                json={"leader_name": "王分管", "opinion": "同意评议意见"},
            )
        )
    graded = _ok(
        client.post(
            url(f"/subjects/{sids[1]}/grade"),
            headers=committee,
            json={"grade": "excellent", "reason": "全年工作突出"},
        )
    )
    assert graded["grade"] == "excellent" and graded["grade_reason"] == "全年工作突出"
    plain = _ok(
        client.post(
            url(f"/subjects/{sids[0]}/grade"),
            headers=ids.member_tokens[1],  # a committee member deciding about another
            json={"grade": "competent"},
        )
    )
    assert plain["grade"] == "competent" and plain["grade_reason"] is None

    # Grades are not for representatives to read before publication.
    listed = _ok(client.get(url(f"/campaigns/{cid}/subjects"), headers=ids.tokens[0]))
    assert all(s["grade"] is None and s["proposed_grade"] is None for s in listed)

    # Publication: the office, once graded.
    assert_error(
        client.put(
            url(f"/subjects/{sids[1]}/published"), headers=committee, json={"published": True}
        ),
        403,
    )
    published = _ok(
        client.put(url(f"/subjects/{sids[1]}/published"), headers=staff, json={"published": True})
    )
    assert published["published_at"]
    listed = _ok(client.get(url(f"/campaigns/{cid}/subjects"), headers=ids.tokens[0]))
    assert [s["grade"] for s in listed] == [None, "excellent"]

    # The subject's feedback, once published: their own result and grade.
    feedback = _ok(client.get(url("/feedback"), headers=ids.member_tokens[1]))
    assert len(feedback) == 1 and feedback[0]["campaign"]["id"] == cid
    assert feedback[0]["result"]["subject"]["id"] == sids[1]
    assert feedback[0]["result"]["grade"] == "excellent" and feedback[0]["result"]["count"] == 5
    assert _ok(client.get(url(f"/subjects/{sids[1]}/result"), headers=ids.member_tokens[1]))[
        "shown"
    ]
    assert _ok(client.get(url("/feedback"), headers=ids.tokens[0])) == []

    withdrawn = _ok(
        client.put(url(f"/subjects/{sids[1]}/published"), headers=staff, json={"published": False})
    )
    assert withdrawn["published_at"] is None
    assert _ok(client.get(url("/feedback"), headers=ids.member_tokens[1])) == []
    assert_error(client.put(url(f"/subjects/{sids[1]}/published"), headers=staff, json={}), 422)


# --- other shapes, codes, uploads ----------------------------------------------------------------


def test_default_subjects_codes_and_a_report_file(app, client, clock, ids, url, staff, world):
    committee = _campaign(client, url, staff, title="委员评议")
    added = _ok(client.post(url(f"/campaigns/{committee['id']}/subjects/defaults"), headers=staff))
    assert {s["user_id"] for s in added} == {*ids.members, world.users["committee_member"].id}
    assert (
        _ok(client.post(url(f"/campaigns/{committee['id']}/subjects/defaults"), headers=staff))
        == []
    )
    assert_error(
        client.post(url(f"/campaigns/{committee['id']}/codes"), headers=staff, json={"count": 3}),
        409,
    )

    duty = _campaign(client, url, staff, title="代表述职评议", shape="duty")
    rep = _ok(
        client.post(
            url(f"/campaigns/{duty['id']}/subjects"),
            headers=staff,
            json={"representative_id": ids.reps[0]},
        ),
        201,
    )
    assert rep["name"] == "评议人00" and rep["representative_id"] == ids.reps[0]
    uploaded = _ok(
        client.post(
            url(f"/subjects/{rep['id']}/report-file"),
            headers=ids.tokens[0],
            data={"file": (io.BytesIO(PDF), "述职报告.pdf"), "text": "见附件"},
        )
    )
    assert uploaded["report_file_id"] and uploaded["report_text"] == "见附件"
    assert_error(
        client.post(
            url(f"/subjects/{rep['id']}/report-file"),
            headers=ids.tokens[1],
            data={"file": (io.BytesIO(PDF), "述职报告.pdf")},
        ),
        403,
    )

    public = _campaign(client, url, staff, title="群众满意度", shape="public")
    station = _ok(
        client.post(
            url(f"/campaigns/{public['id']}/subjects"), headers=staff, json={"name": "联络站"}
        ),
        201,
    )
    assert station["name"] == "联络站"
    assert_error(
        client.post(url(f"/campaigns/{public['id']}/subjects"), headers=staff, json={}), 422
    )
    assert _ok(client.post(url(f"/campaigns/{public['id']}/open"), headers=staff)) == []
    assert_error(
        client.post(
            url(f"/campaigns/{public['id']}/codes"), headers=ids.tokens[0], json={"count": 3}
        ),
        403,
    )
    for count in (0, 501, "many"):
        assert_error(
            client.post(
                url(f"/campaigns/{public['id']}/codes"), headers=staff, json={"count": count}
            ),
            422,
        )
    codes = _ok(
        client.post(url(f"/campaigns/{public['id']}/codes"), headers=staff, json={"count": 3}), 201
    )
    assert len(set(codes["codes"])) == 3
    part = _ok(client.get(url(f"/campaigns/{public['id']}/participation"), headers=staff))
    assert part == {"eligible": 3, "answered": 0, "rate": 0.0}


# --- bad bodies, other townships, a switched-off module ------------------------------------------


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        (
            "/campaigns",
            "post",
            {"title": "x", "shape": "poll", "opens_on": "2025-12-01", "closes_on": "2026-01-01"},
        ),
        (
            "/campaigns",
            "post",
            {"title": "x", "shape": "duty", "opens_on": "soon", "closes_on": "2026-01-01"},
        ),
        ("/campaigns", "post", {"title": "x", "shape": "duty"}),
        (
            "/campaigns",
            "post",
            {
                "title": "x",
                "shape": "duty",
                "opens_on": "2025-12-01",
                "closes_on": "2026-01-01",
                "extra": 1,
            },
        ),
        ("/campaigns/{cid}/form", "patch", {"dimensions": [{"weight": 1}]}),
        ("/campaigns/{cid}/form", "patch", {"dimensions": [{"label": "实绩", "weight": 0}]}),
        ("/campaigns/{cid}/form", "patch", {"scale_max": "ten"}),
        ("/campaigns/{cid}/subjects", "post", {"user_id": "me"}),
        ("/campaigns/{cid}/answers", "post", {}),
        ("/campaigns/{cid}/answers", "post", {"answers": [{"subject_id": 1}]}),
        (
            "/campaigns/{cid}/answers",
            "post",
            {"answers": [{"subject_id": 1, "scores": {"a": "high"}}]},
        ),
        (
            "/campaigns/{cid}/answers",
            "post",
            {"answers": [{"subject_id": 1, "scores": {}, "overall": "good"}]},
        ),
        ("/campaigns/{cid}/codes", "post", {}),
    ],
)
def test_bad_bodies_are_422(app, client, clock, ids, url, staff, path, method, body):
    cid = _campaign(client, url, staff)["id"]
    headers = ids.tokens[0] if path.endswith("/answers") else staff
    response = getattr(client, method)(url(path.format(cid=cid)), headers=headers, json=body)
    assert_error(response, 422, "validation_error")


def test_answers_name_the_form_s_subjects_only(app, client, clock, ids, url, staff):
    cid, sids, _links = _opened(client, url, ids, staff)
    form = _ok(client.get(url(f"/campaigns/{cid}/form"), headers=ids.tokens[0]))
    body = _answers(form)
    body["answers"].append({**body["answers"][0], "subject_id": 999_999})
    stray = assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[0], json=body), 422
    )
    assert "answers.2.subject_id" in stray["errors"]
    twice = _answers(form)
    twice["answers"].append(twice["answers"][0])
    assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[0], json=twice), 422
    )
    # Nothing was recorded: the same representative can still answer.
    _ok(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[0], json=_answers(form)),
        204,
    )
    assert sids


def test_no_token_other_townships_and_a_switched_off_module(
    app, client, clock, ids, url, world, staff
):
    cid = _campaign(client, url, staff)["id"]
    assert_error(client.get(url("/campaigns")), 401, "unauthenticated")
    assert_error(client.get(url("/campaigns", slug=world.other.slug), headers=staff), 404)
    assert_error(client.get(url("/campaigns/999999"), headers=staff), 404)
    tenants.set_module_enabled(
        actor(world.users["county_admin"]), world.county, world.township.id, "evaluations", False
    )
    body = assert_error(client.get(url("/campaigns"), headers=staff), 404, "module_disabled")
    assert "评议" in body["message"]
    assert_error(
        client.get(url(f"/campaigns/{cid}"), headers=ids.tokens[0]), 404, "module_disabled"
    )
    assert_error(client.get(url("/feedback"), headers=ids.tokens[0]), 404, "module_disabled")
    assert_error(
        client.post(url(f"/campaigns/{cid}/answers"), headers=ids.tokens[0], json={"answers": []}),
        404,
        "module_disabled",
    )


def test_the_openapi_document_describes_the_module(app, client, recwarn):
    spec = client.get("/api/openapi.json").get_json()
    assert not [w for w in recwarn if "schema" in str(w.message).lower()]
    base = "/api/v1/t/{township_slug}/evaluations"
    for path, methods in (
        ("/campaigns", {"get", "post"}),
        ("/campaigns/{campaign_id}", {"get"}),
        ("/campaigns/{campaign_id}/form", {"get", "patch"}),
        ("/campaigns/{campaign_id}/subjects", {"get", "post"}),
        ("/campaigns/{campaign_id}/subjects/defaults", {"post"}),
        ("/subjects/{subject_id}", {"get", "delete"}),
        ("/subjects/{subject_id}/report", {"put"}),
        ("/subjects/{subject_id}/report-file", {"post"}),
        ("/campaigns/{campaign_id}/open", {"post"}),
        ("/campaigns/{campaign_id}/close", {"post"}),
        ("/raters/{rater_id}/link", {"post"}),
        ("/campaigns/{campaign_id}/raters", {"get"}),
        ("/campaigns/{campaign_id}/reminders", {"post"}),
        ("/campaigns/{campaign_id}/participation", {"get"}),
        ("/campaigns/{campaign_id}/answers", {"post"}),
        ("/campaigns/{campaign_id}/codes", {"post"}),
        ("/campaigns/{campaign_id}/cases/{case_id}/code", {"post"}),
        ("/campaigns/{campaign_id}/results", {"get"}),
        ("/subjects/{subject_id}/result", {"get"}),
        ("/subjects/{subject_id}/proposal", {"post"}),
        ("/subjects/{subject_id}/grade", {"post"}),
        ("/subjects/{subject_id}/published", {"put"}),
        ("/feedback", {"get"}),
    ):
        assert methods <= set(spec["paths"][base + path]), path
    names = set(spec["components"]["schemas"])
    assert {"EvaluationCampaignDetail", "EvaluationAnswers", "EvaluationResult"} <= names
    assert base + "/campaigns/{campaign_id}/non-respondents" not in spec["paths"]
    upload = spec["paths"][base + "/subjects/{subject_id}/report-file"]["post"]["requestBody"]
    assert "multipart/form-data" in upload["content"], upload
