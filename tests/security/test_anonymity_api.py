"""Attacks on anonymity through the API and pages (ARCHITECTURE.md §6), each shown to fail — the
liaison office with every call it may make, a subject who sits on the committee, a township
admin changing the settings mid-campaign, a voter whose input is refused — on SQLite and
PostgreSQL, with a fixed clock and Celery eager (the worker's count runs inside the close).

- Differencing: the office reads results before and after one more answer; there are none
  while the campaign runs (409 `not_counted`, the same body both times), only counts; no list
  says who has answered.
- The subject reads his own result: withheld in the list, refused alone, until published.
- Self-grading: the subject, the office staff and the committee each try what is not theirs.
- Settings lowered while a campaign runs: K stays as it was frozen when it opened.
- A secret vote: no tally while open; fewer than K ballots are never opened.
- Bad input: a refused second answer changes nothing; the worker's release runs twice and
  releases each answer once.

Campaigns and votes that were running or closed when K was first frozen (migration 0012) are
tested in tests/modules/evaluations/test_migration.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, update

from lianxin.auth.models import User
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions import service as sessions
from lianxin.modules.annual_sessions.inputs import ItemInput, SessionInput
from lianxin.modules.annual_sessions.models import Attendance, AttendanceStatus
from lianxin.modules.evaluations import service as evaluations
from lianxin.modules.evaluations.models import Answer, PooledAnswer
from lianxin.tenants.models import TownshipModule
from tests.factories import actor, grant, make_represented, make_user
from tests.helpers import Clock, assert_error, bearer, login

EVALUATION_DAY = date(2025, 12, 15)  # inside the campaigns' period
PLANNING_DAY = date(2026, 3, 2)  # items of the session may still be proposed
SESSION_DAY = date(2026, 3, 20)
REPS = 10  # representatives with accounts: raters of the campaigns, voters of the session
K = 5  # the defaults: min_answers and answer_batch of evaluations, ballot_batch of sessions


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.evaluations.module import MODULE as EVALUATIONS
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, EVALUATIONS, SESSIONS)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.township_id == built.township.id,
            TownshipModule.module_key.in_(("evaluations", "annual_sessions")),
        )
        .values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(EVALUATION_DAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@dataclass
class Cast:
    slug: str
    reps: list[int]
    rep_users: list[User]
    rep_tokens: list[dict[str, str]]
    members: list[User]  # two committee members with accounts: the subjects of a campaign
    member_tokens: list[dict[str, str]]
    staff: dict[str, str]  # township_staff: the office, not a committee member
    committee: dict[str, str]  # the world's committee member: a subject of nothing
    admin: User  # the township's administrator


@pytest.fixture
def cast(world, clock):
    township = world.township
    reps, users = make_represented(township, REPS, "sec.rep", name="攻防代表")
    with tenant_context(township.id):
        members = []
        for name in ("sec.member.a", "sec.member.b"):
            user = make_user(name)
            grant(user, Role.COMMITTEE_MEMBER, township=township)
            members.append(user)
        db.session.commit()
        return Cast(
            township.slug,
            [r.id for r in reps],
            users,
            [bearer(u) for u in users],
            members,
            [bearer(u) for u in members],
            bearer(world.users["township_staff"]),
            bearer(world.users["committee_member"]),
            world.users["township_admin"],
        )


def _page(app, user: User) -> Any:
    """A browser logged in as the user, for the pages."""
    client = app.test_client()
    login(client, db.session.get(User, user.id))
    return client


def _bearer(user: User, world) -> dict[str, str]:
    """A fresh API token (after a role was granted)."""
    with tenant_context(world.township.id):
        return bearer(db.session.get(User, user.id))


def _ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return None if status == 204 else response.get_json()


def _ev(cast: Cast, path: str) -> str:
    return f"/api/v1/t/{cast.slug}/evaluations{path}"


def _as(cast: Cast, path: str) -> str:
    return f"/api/v1/t/{cast.slug}/annual_sessions{path}"


def _campaign(client, cast: Cast, subjects: list[User] | None = None) -> tuple[int, list[int]]:
    """A committee campaign about the cast's two committee members (or the given ones), open."""
    body = {
        "title": f"评议{uuid.uuid4().hex[:6]}",
        "shape": "committee",
        "opens_on": "2025-12-01",
        "closes_on": "2026-01-15",
    }
    cid = _ok(client.post(_ev(cast, "/campaigns"), headers=cast.staff, json=body), 201)["id"]
    sids = [
        _ok(
            client.post(
                _ev(cast, f"/campaigns/{cid}/subjects"), headers=cast.staff, json={"user_id": u.id}
            ),
            201,
        )["id"]
        for u in (subjects or cast.members)
    ]
    _ok(client.post(_ev(cast, f"/campaigns/{cid}/open"), headers=cast.staff))
    return cid, sids


def _answers(form: dict[str, Any], score: int = 8, comment: str | None = None) -> dict[str, Any]:
    return {
        "answers": [
            {
                "subject_id": s["id"],
                "scores": {d["key"]: score for d in form["dimensions"]},
                "overall": "competent",
                "comment": comment,
            }
            for s in form["subjects"]
        ]
    }


def _answer(client, cast: Cast, cid: int, i: int, score: int = 8, comment: str | None = None):
    headers = cast.rep_tokens[i]
    form = _ok(client.get(_ev(cast, f"/campaigns/{cid}/form"), headers=headers))
    response = client.post(
        _ev(cast, f"/campaigns/{cid}/answers"), headers=headers, json=_answers(form, score, comment)
    )
    _ok(response, 204)


def _counted(client, cast: Cast, cid: int, answers: int) -> None:
    """`answers` raters answer, then the office closes (and the worker counts)."""
    for i in range(answers):
        _answer(client, cast, cid, i)
    closed = _ok(client.post(_ev(cast, f"/campaigns/{cid}/close"), headers=cast.staff))
    assert closed["state"] == "closed" and closed["counted_at"]
    # The responsible leader's opinion, which the committee's decision needs.
    for subject in _ok(client.get(_ev(cast, f"/campaigns/{cid}/subjects"), headers=cast.staff)):
        _ok(
            client.put(
                _ev(cast, f"/subjects/{subject['id']}/leader-opinion"),
                headers=cast.staff,
                json={"leader_name": "王分管", "opinion": "同意评议意见"},
            )
        )


# --- a. differencing ------------------------------------------------------------------------------


def test_differencing_results_before_and_after_one_more_answer_finds_nothing(
    app, client, cast, world
):
    cid, sids = _campaign(client, cast)
    for i in range(K):
        _answer(client, cast, cid, i, score=8)

    def look() -> dict[str, Any]:
        """Everything the office may read about the campaign while it runs."""
        campaign = _ok(client.get(_ev(cast, f"/campaigns/{cid}"), headers=cast.staff))
        return {
            "results": client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=cast.staff),
            "subject": [
                client.get(_ev(cast, f"/subjects/{sid}/result"), headers=cast.staff) for sid in sids
            ],
            "committee": client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=cast.committee),
            "participation": _ok(
                client.get(_ev(cast, f"/campaigns/{cid}/participation"), headers=cast.staff)
            ),
            "raters": _ok(client.get(_ev(cast, f"/campaigns/{cid}/raters"), headers=cast.staff)),
            "subjects": _ok(
                client.get(_ev(cast, f"/campaigns/{cid}/subjects"), headers=cast.staff)
            ),
            "campaign": {k: v for k, v in campaign.items() if k != "participation"},
        }

    before = look()
    _answer(client, cast, cid, K, score=1, comment="最后一份答卷")  # the one to single out
    after = look()

    # No results to subtract: the same refusal, word for word, before and after.
    for key in ("results", "committee"):
        assert_error(before[key], 409, "not_counted")
        assert before[key].get_json() == after[key].get_json()
    for old, new in zip(before["subject"], after["subject"], strict=True):
        assert_error(old, 409, "not_counted")
        assert old.get_json() == new.get_json()
    # Only how many have answered changes; who, and what, nobody reads.
    assert before["participation"] == {"eligible": REPS, "answered": K, "rate": K / REPS}
    assert after["participation"] == {"eligible": REPS, "answered": K + 1, "rate": (K + 1) / REPS}
    assert before["raters"] == after["raters"]
    assert all(set(r) == {"rater_id", "name"} for r in after["raters"])
    assert before["subjects"] == after["subjects"]
    assert all(s["proposed_grade"] is None and s["grade"] is None for s in after["subjects"])
    assert before["campaign"] == after["campaign"] and after["campaign"]["counted_at"] is None
    assert_error(
        client.get(_ev(cast, f"/campaigns/{cid}/non-respondents"), headers=cast.staff), 404
    )
    staff_page = _page(app, world.users["township_staff"])
    base = f"/t/{cast.slug}/evaluations/{cid}"
    assert staff_page.get(f"{base}/results").status_code == 409
    assert staff_page.get(f"{base}/results.xlsx").status_code == 409
    page = staff_page.get(base).get_data(as_text=True)
    assert "提醒未提交的评议人" in page and "未提交的评议人（" not in page
    assert 'id="results-link"' not in page

    # Closed and counted, the results exist, from every answer.
    _ok(client.post(_ev(cast, f"/campaigns/{cid}/close"), headers=cast.staff))
    rows = _ok(client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=cast.staff))
    assert [(r["shown"], r["count"]) for r in rows] == [(True, K + 1), (True, K + 1)]
    assert rows[0]["comments"] == ["最后一份答卷"]


# --- b. the subject reads his own result ---------------------------------------------------------


def test_a_subject_on_the_committee_reads_his_own_result_only_once_published(app, client, cast):
    cid, (other, own) = _campaign(client, cast)
    _counted(client, cast, cid, K)
    subject = cast.member_tokens[1]  # sec.member.b: a committee member, and the second subject

    rows = _ok(client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=subject))
    mine = next(r for r in rows if r["subject"]["id"] == own)
    theirs = next(r for r in rows if r["subject"]["id"] == other)
    assert {k: v for k, v in mine.items() if k != "subject"} == {
        "count": 0,
        "shown": False,
        "withheld": True,
    }
    assert mine["subject"]["grade"] is None and mine["subject"]["proposed_grade"] is None
    assert theirs["shown"] is True and theirs["count"] == K and "dimensions" in theirs
    assert_error(client.get(_ev(cast, f"/subjects/{own}/result"), headers=subject), 403)
    assert _ok(client.get(_ev(cast, f"/subjects/{other}/result"), headers=subject))["shown"]
    assert _ok(client.get(_ev(cast, "/feedback"), headers=subject)) == []

    # Decided by another committee member and published by the office: now he reads it.
    _ok(
        client.post(
            _ev(cast, f"/subjects/{own}/grade"), headers=cast.committee, json={"grade": "competent"}
        )
    )
    _ok(
        client.put(
            _ev(cast, f"/subjects/{own}/published"), headers=cast.staff, json={"published": True}
        )
    )
    single = _ok(client.get(_ev(cast, f"/subjects/{own}/result"), headers=subject))
    assert single["shown"] is True and single["count"] == K and single["grade"] == "competent"
    rows = _ok(client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=subject))
    assert not any(r["withheld"] for r in rows)
    (feedback,) = _ok(client.get(_ev(cast, "/feedback"), headers=subject))
    assert feedback["result"]["subject"]["id"] == own and feedback["result"]["count"] == K


def test_a_subject_on_the_committee_cannot_read_his_own_grade_from_the_subject_list(
    app, client, cast
):
    cid, (_other, own) = _campaign(client, cast)
    _counted(client, cast, cid, K)
    _ok(
        client.post(
            _ev(cast, f"/subjects/{own}/grade"), headers=cast.committee, json={"grade": "competent"}
        )
    )
    subject = cast.member_tokens[1]
    listed = _ok(client.get(_ev(cast, f"/campaigns/{cid}/subjects"), headers=subject))
    alone = _ok(client.get(_ev(cast, f"/subjects/{own}"), headers=subject))
    for row in (next(s for s in listed if s["id"] == own), alone):
        assert row["proposed_grade"] is None and row["grade"] is None, row


def test_a_subject_on_the_committee_cannot_read_his_own_grade_from_the_export(app, client, cast):
    """The committee may download results.xlsx; the subject's own row carries no grade."""
    from io import BytesIO

    from openpyxl import load_workbook

    cid, (_other, own) = _campaign(client, cast)
    _counted(client, cast, cid, K)
    _ok(
        client.post(
            _ev(cast, f"/subjects/{own}/proposal"),
            headers=cast.staff,
            json={"grade": "incompetent", "reason": "办公室的理由"},
        )
    )
    _ok(
        client.post(
            _ev(cast, f"/subjects/{own}/grade"),
            headers=cast.committee,
            json={"grade": "incompetent", "reason": "委员会的理由"},
        )
    )
    page = _page(app, cast.members[1])
    response = page.get(f"/t/{cast.slug}/evaluations/{cid}/results.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "不称职" not in cells and "委员会的理由" not in cells and "办公室的理由" not in cells
    assert "本人结果，公开后可见" in cells  # his own row says only that


# --- c. self-grading -----------------------------------------------------------------------------


def test_nobody_grades_himself_and_each_does_only_his_part(app, client, cast, world):
    cid, (first, second) = _campaign(client, cast)
    _counted(client, cast, cid, K)
    first_member, second_member = cast.member_tokens

    # The subject decides nothing about himself, nor proposes.
    for path in (f"/subjects/{second}/grade", f"/subjects/{second}/proposal"):
        refused = assert_error(
            client.post(
                _ev(cast, path), headers=second_member, json={"grade": "excellent", "reason": "好"}
            ),
            403,
        )
        if path.endswith("/grade"):
            assert "不能为自己提出或确定等次" in refused["message"]
    # The office staff (not a committee member) decides nothing; the committee proposes nothing.
    assert_error(
        client.post(
            _ev(cast, f"/subjects/{second}/grade"), headers=cast.staff, json={"grade": "competent"}
        ),
        403,
    )
    assert_error(
        client.post(
            _ev(cast, f"/subjects/{second}/proposal"),
            headers=cast.committee,
            json={"grade": "competent"},
        ),
        403,
    )
    # The office proposes; another committee member (himself a subject of this campaign) decides.
    proposal = _ok(
        client.post(
            _ev(cast, f"/subjects/{second}/proposal"),
            headers=cast.staff,
            json={"grade": "incompetent", "reason": "年内两次通报批评"},
        )
    )
    assert proposal["proposed_grade"] == "incompetent" and proposal["grade"] is None
    decided = _ok(
        client.post(
            _ev(cast, f"/subjects/{second}/grade"),
            headers=first_member,
            json={"grade": "incompetent"},
        )
    )
    assert decided["grade"] == "incompetent"
    decided = _ok(
        client.post(
            _ev(cast, f"/subjects/{first}/grade"),
            headers=cast.committee,
            json={"grade": "competent"},
        )
    )
    assert decided["grade"] == "competent"

    # A subject who also works in the office proposes nothing about himself either.
    with tenant_context(world.township.id):
        grant(
            db.session.get(User, cast.members[0].id), Role.TOWNSHIP_STAFF, township=world.township
        )
        db.session.commit()
    both = _bearer(cast.members[0], world)
    refused = assert_error(
        client.post(
            _ev(cast, f"/subjects/{first}/proposal"),
            headers=both,
            json={"grade": "excellent", "reason": "我觉得优秀"},
        ),
        403,
    )
    assert "不能为自己提出或确定等次" in refused["message"]
    assert_error(client.get(_ev(cast, f"/subjects/{first}/result"), headers=both), 403)
    # ... while he may propose about the other subject, as the office.
    _ok(
        client.post(
            _ev(cast, f"/subjects/{second}/proposal"),
            headers=both,
            json={"grade": "incompetent", "reason": "年内两次通报批评"},
        )
    )


# --- d. settings lowered during a campaign -------------------------------------------------------


@pytest.mark.parametrize(("answers", "shown"), [(K - 1, False), (K, True)])
def test_lowering_k_and_the_batch_mid_campaign_changes_nothing_for_it(
    app, client, cast, world, answers, shown
):
    cid, sids = _campaign(client, cast, subjects=cast.members[:1])
    opened = _ok(client.get(_ev(cast, f"/campaigns/{cid}"), headers=cast.staff))
    assert (opened["min_answers"], opened["answer_batch"]) == (K, K)

    # The township's administrator lowers both through the settings page.
    admin = _page(app, cast.admin)
    saved = admin.post(
        f"/t/{cast.slug}/settings/evaluations", data={"min_answers": "3", "answer_batch": "3"}
    )
    assert saved.status_code == 302
    with tenant_context(world.township.id):
        now = evaluations.settings(world.township.id)
    assert (now["min_answers"], now["answer_batch"]) == (3, 3)

    # The open campaign keeps what it opened with; a new one takes the new setting.
    still = _ok(client.get(_ev(cast, f"/campaigns/{cid}"), headers=cast.staff))
    assert (still["min_answers"], still["answer_batch"]) == (K, K)
    fresh, _sids = _campaign(client, cast, subjects=cast.members[1:])
    fresh_out = _ok(client.get(_ev(cast, f"/campaigns/{fresh}"), headers=cast.staff))
    assert (fresh_out["min_answers"], fresh_out["answer_batch"]) == (3, 3)

    _counted(client, cast, cid, answers)
    (row,) = _ok(client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=cast.staff))
    assert row["shown"] is shown
    if shown:
        assert row["count"] == K and row["dimensions"]
        assert _ok(client.get(_ev(cast, f"/subjects/{sids[0]}/result"), headers=cast.staff))
    else:
        assert row["count"] == 0 and "dimensions" not in row and "comments" not in row
        assert_error(
            client.get(_ev(cast, f"/subjects/{sids[0]}/result"), headers=cast.staff),
            409,
            "below_threshold",
        )
        assert_error(
            client.post(
                _ev(cast, f"/subjects/{sids[0]}/proposal"),
                headers=cast.staff,
                json={"grade": "competent"},
            ),
            409,
        )
    page = admin.get(f"/t/{cast.slug}/evaluations/{cid}/results").get_data(as_text=True)
    assert ("答卷不足 5 份，不显示" in page) is not shown


# --- e. a secret ballot --------------------------------------------------------------------------


def _secret_vote(client, cast: Cast, world, clock) -> int:
    """A personnel item on the fixed agenda, every representative present, the session open,
    a secret online vote on it."""
    township = world.township
    office = actor(world.users["township_staff"])
    committee = actor(world.users["committee_member"])
    clock.today = PLANNING_DAY
    with tenant_context(township.id):
        session = sessions.create_session(
            office, township, SessionInput(title="年会", held_on=SESSION_DAY, place="镇会议中心")
        )
        item = sessions.propose_item(
            committee,
            township,
            session.id,
            ItemInput(title="人事事项", kind="personnel", proposer="committee"),
        )
        sessions.decide_item(committee, township, item.id, accept=True)
        sessions.fix_agenda(office, township, session.id)
        clock.today = SESSION_DAY
        for rep in cast.reps:
            db.session.add(
                Attendance(
                    session_id=session.id, representative_id=rep, status=AttendanceStatus.PRESENT
                )
            )
        db.session.commit()
        sessions.open_session(office, township, session.id)
        item_id = item.id
    vote = _ok(
        client.post(
            _as(cast, f"/items/{item_id}/vote"),
            headers=cast.staff,
            json={"method": "secret", "channel": "online"},
        ),
        201,
    )
    return int(vote["id"])


@pytest.mark.parametrize(("ballots", "counted"), [(K - 1, False), (K, True)])
def test_a_secret_vote_shows_nothing_while_open_and_nothing_below_k(
    app, client, cast, world, clock, ballots, counted
):
    vote = _secret_vote(client, cast, world, clock)
    result = _as(cast, f"/votes/{vote}/result")
    choices = ["yes", "no", "yes", "abstain", "yes"][:ballots]
    for i, choice in enumerate(choices):
        cast_ = _ok(
            client.post(
                _as(cast, f"/votes/{vote}/ballot"),
                headers=cast.rep_tokens[i],
                json={"choice": choice},
            )
        )
        assert set(cast_) >= {"voted", "turnout"} and "choice" not in cast_
        # Between any two ballots, nothing to difference: the result is refused.
        for headers in (cast.staff, cast.rep_tokens[i]):
            assert_error(client.get(result, headers=headers), 409, "vote_open")
    detail = _ok(client.get(_as(cast, f"/votes/{vote}"), headers=cast.staff))
    assert detail["turnout"] == ballots and detail["passed"] is None
    closed = _ok(client.post(_as(cast, f"/votes/{vote}/close"), headers=cast.staff))
    assert closed["state"] == "closed"

    outcome = _ok(client.get(result, headers=cast.rep_tokens[0]))
    if counted:
        assert (outcome["yes"], outcome["no"], outcome["abstain"]) == (3, 1, 1)
    else:
        assert outcome["passed"] is False
        assert not {"yes", "no", "abstain", "candidates", "elected"} & set(outcome), outcome
    page = _page(app, cast.rep_users[0])
    with tenant_context(world.township.id):
        session_id = sessions.get_vote(actor(cast.rep_users[0]), world.township, vote).session_id
    text = page.get(f"/t/{cast.slug}/annual_sessions/{session_id}").get_data(as_text=True)
    assert ("不开封计票" in text) is not counted
    assert ("赞成 3" in text) is counted


def test_a_withheld_vote_says_so_through_the_api(app, client, cast, world, clock):
    vote = _secret_vote(client, cast, world, clock)
    for i in range(K - 1):
        _ok(
            client.post(
                _as(cast, f"/votes/{vote}/ballot"),
                headers=cast.rep_tokens[i],
                json={"choice": "yes"},
            )
        )
    _ok(client.post(_as(cast, f"/votes/{vote}/close"), headers=cast.staff))
    outcome = _ok(client.get(_as(cast, f"/votes/{vote}/result"), headers=cast.staff))
    assert outcome.get("withheld") is True and outcome.get("ballots") == K - 1, outcome


# --- f. bad input keeps answers; the release runs once -------------------------------------------


def _answers_in(world, cid: int) -> tuple[int, int]:
    with tenant_context(world.township.id):
        pooled = db.session.scalar(
            select(func.count()).select_from(PooledAnswer).where(PooledAnswer.campaign_id == cid)
        )
        released = db.session.scalar(
            select(func.count()).select_from(Answer).where(Answer.campaign_id == cid)
        )
        db.session.rollback()
    return pooled or 0, released or 0


def test_a_refused_second_answer_keeps_the_first_and_a_release_twice_releases_once(
    app, client, cast, world
):
    cid, sids = _campaign(client, cast)
    part = _ev(cast, f"/campaigns/{cid}/participation")
    _answer(client, cast, cid, 0, score=3, comment="第一份")
    form = _ok(client.get(_ev(cast, f"/campaigns/{cid}/form"), headers=cast.rep_tokens[0]))
    assert form["answered"] is True

    # The same rater again: a bad score, an unknown subject, an empty body, then a valid answer.
    answers = _ev(cast, f"/campaigns/{cid}/answers")
    bad_score = assert_error(
        client.post(answers, headers=cast.rep_tokens[0], json=_answers(form, score=11)), 422
    )
    assert f"{sids[0]}.{form['dimensions'][0]['key']}" in bad_score["errors"]
    stray = _answers(form)
    stray["answers"][0]["subject_id"] = 999_999
    assert_error(client.post(answers, headers=cast.rep_tokens[0], json=stray), 422)
    assert_error(client.post(answers, headers=cast.rep_tokens[0], json={}), 422)
    assert_error(
        client.post(answers, headers=cast.rep_tokens[0], json=_answers(form, score=10)),
        409,
        "already_answered",
    )
    assert _ok(client.get(part, headers=cast.staff))["answered"] == 1
    assert _answers_in(world, cid) == (2, 0)  # one sealed answer a subject, no more

    # Nine more raters: 10 pending a subject = K + batch, so the worker releases all but K.
    for i in range(1, 2 * K):
        _answer(client, cast, cid, i)
    assert _answers_in(world, cid) == (4 * K, 0)
    with tenant_context(world.township.id):
        township = world.township
        assert evaluations.release_answers(township, cid) == 2 * K
        assert evaluations.release_answers(township, cid) == 0  # the sweep again: nothing twice
        assert evaluations.release_open_campaigns(township) == 0
    assert _answers_in(world, cid) == (2 * K, 2 * K)
    # Still no results, and the office learns nothing from the release.
    assert_error(client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=cast.staff), 409)
    assert _ok(client.get(part, headers=cast.staff))["answered"] == 2 * K

    _ok(client.post(_ev(cast, f"/campaigns/{cid}/close"), headers=cast.staff))
    with tenant_context(world.township.id):
        assert evaluations.release_answers(world.township, cid) == 0  # closed: nothing more
    assert _answers_in(world, cid) == (0, 4 * K)  # each answer released exactly once
    rows = _ok(client.get(_ev(cast, f"/campaigns/{cid}/results"), headers=cast.staff))
    assert [r["count"] for r in rows] == [2 * K, 2 * K]
    assert all(r["comments"] == ["第一份"] for r in rows)  # the first answer counts
    assert rows[0]["dimensions"][0]["distribution"] == {"3": 1, "8": 2 * K - 1}
    assert _ok(client.get(part, headers=cast.staff))["answered"] == 2 * K
