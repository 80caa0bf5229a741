"""The API of the seeds' steps: the group (PUT, then the group runs), the notice (409
`notice_missing` before it is N days old), named raters, paper forms handed out, a batch keyed in
by two tellers (a mismatch shown, then agreed), the committee as a body and a city
representative, the leader's opinion (409 `opinion_missing` before it), per-category results and
the report of 不称职. Bearer tokens, SQLite and PostgreSQL."""

from __future__ import annotations

from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from tests.factories import grant
from tests.helpers import assert_error, bearer
from tests.modules.evaluations import steps


def _ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return None if status == 204 else response.get_json()


def test_the_seeds_steps_through_the_api(app, client, clock, cast, world):
    with tenant_context(world.township.id):
        grant(cast.users[0], Role.GROUP_LEADER, township=world.township)
        steps.settings(world, world.township, notice_days=3, min_answers=3, answer_batch=3)
        db.session.commit()
        leader = bearer(cast.users[0])
        members = [u.id for u in cast.members]
        reps = [bearer(u) for u in cast.users]
        leader_id = cast.users[0].id
        tellers = (world.users["township_staff"], world.users["township_admin"])
        teller_ids = [u.id for u in tellers]
        teller_tokens = [bearer(u) for u in tellers]
    staff = bearer(world.users["township_staff"])
    committee = bearer(world.users["committee_member"])
    base = f"/api/v1/t/{world.township.slug}/evaluations"

    made = _ok(
        client.post(
            f"{base}/campaigns",
            headers=staff,
            json={
                "title": "两委评议",
                "shape": "committee",
                "opens_on": "2025-12-01",
                "closes_on": "2026-01-15",
            },
        ),
        201,
    )
    cid = made["id"]
    for body in (
        {"user_id": members[0]},
        {"kind": "committee"},
        {"kind": "city_rep", "name": "周市代"},
    ):
        _ok(client.post(f"{base}/campaigns/{cid}/subjects", headers=staff, json=body), 201)
    assert_error(
        client.post(f"{base}/campaigns/{cid}/subjects", headers=staff, json={"kind": "mayor"}),
        422,
    )
    group = {"leader_id": leader_id, "member1_id": members[0], "member2_id": members[1]}
    assert_error(client.put(f"{base}/campaigns/{cid}/group", headers=leader, json=group), 403)
    out = _ok(client.put(f"{base}/campaigns/{cid}/group", headers=staff, json=group))
    assert out["group_leader_id"] == leader_id
    listed = _ok(client.get(f"{base}/campaigns/{cid}/group", headers=staff))
    assert [m["role"] for m in listed] == ["组长", "成员", "成员"]
    guest = _ok(
        client.post(
            f"{base}/campaigns/{cid}/guests",
            headers=staff,
            json={"name": "李干部", "category": "agency_cadre"},
        ),
        201,
    )
    assert guest["category_label"] == "机关干部"
    assert_error(
        client.post(
            f"{base}/campaigns/{cid}/guests",
            headers=staff,
            json={"name": "某", "category": "representative"},
        ),
        422,
    )
    # The group sends the notice; the opening waits three days.
    sent = _ok(client.post(f"{base}/campaigns/{cid}/notice", headers=leader))
    assert sent["notice_sent_on"] == "2025-12-15"
    clock.today = clock.today.replace(day=17)
    assert_error(client.post(f"{base}/campaigns/{cid}/open", headers=leader), 409, "notice_missing")
    clock.today = clock.today.replace(day=18)
    links = _ok(client.post(f"{base}/campaigns/{cid}/open", headers=leader))
    assert len(links) == 31
    form = _ok(client.get(f"{base}/campaigns/{cid}/form", headers=reps[1]))

    def answers(score):
        return {
            "answers": [
                {"subject_id": s["id"], "scores": {d["key"]: score for d in form["dimensions"]}}
                for s in form["subjects"]
            ]
        }

    for token in reps[1:4]:
        _ok(client.post(f"{base}/campaigns/{cid}/answers", headers=token, json=answers(8)), 204)
    # Paper: three representatives handed a form; two tellers key the batch in.
    paper_raters = [
        link["rater_id"] for link in links if link["name"] in ("评议人10", "评议人11", "评议人12")
    ]
    handed = _ok(
        client.post(
            f"{base}/campaigns/{cid}/paper-hand-outs",
            headers=leader,
            json={"rater_ids": paper_raters},
        ),
        201,
    )
    assert handed == {"handed_out": 3}
    batch = _ok(
        client.post(
            f"{base}/campaigns/{cid}/paper-batches",
            headers=leader,
            json={
                "label": "第一票箱",
                "category": "representative",
                "forms": 3,
                "teller1_id": teller_ids[0],
                "teller2_id": teller_ids[1],
            },
        ),
        201,
    )
    entry = {"forms": [answers(6), answers(6), answers(6)]}
    typo = {"forms": [answers(6), answers(6), answers(5)]}
    first = _ok(
        client.put(
            f"{base}/paper-batches/{batch['id']}/entry", headers=teller_tokens[0], json=entry
        )
    )
    assert first["state"] == "waiting"
    status = _ok(
        client.put(f"{base}/paper-batches/{batch['id']}/entry", headers=teller_tokens[1], json=typo)
    )
    assert status["state"] == "mismatch" and {m["form"] for m in status["mismatches"]} == {3}
    assert_error(
        client.put(f"{base}/paper-batches/{batch['id']}/entry", headers=reps[5], json=entry), 403
    )
    agreed = _ok(
        client.put(
            f"{base}/paper-batches/{batch['id']}/entry", headers=teller_tokens[1], json=entry
        )
    )
    assert agreed["state"] == "agreed"
    assert (
        _ok(client.get(f"{base}/paper-batches/{batch['id']}", headers=leader))["state"] == "agreed"
    )
    _ok(client.post(f"{base}/campaigns/{cid}/close", headers=leader))

    results = _ok(client.get(f"{base}/campaigns/{cid}/results", headers=staff))
    body = next(r for r in results if r["subject"]["kind"] == "committee")
    assert body["count"] == 6 and body["weighted_mean"] == 7.0
    # One 机关干部 who did not answer: one category, nothing split.
    assert body["categories"] == []
    sid = results[0]["subject"]["id"]
    assert_error(
        client.post(f"{base}/subjects/{sid}/grade", headers=committee, json={"grade": "competent"}),
        409,
        "opinion_missing",
    )
    opinion = {"leader_name": "王分管", "opinion": "同意"}
    assert_error(
        client.put(f"{base}/subjects/{sid}/leader-opinion", headers=committee, json=opinion), 403
    )
    noted = _ok(client.put(f"{base}/subjects/{sid}/leader-opinion", headers=staff, json=opinion))
    assert noted["leader_opinion"] == "同意"
    graded = _ok(
        client.post(
            f"{base}/subjects/{sid}/grade",
            headers=committee,
            json={"grade": "incompetent", "reason": "群众反映强烈"},
        )
    )
    assert graded["grade"] == "incompetent" and graded["reported_at"]
