"""The consultations' API: open (201, with the links that could not go by SMS), list in pages,
answer, close, feedback; errors in the platform's shape."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import assert_error, bearer
from tests.modules.consultations.conftest import TODAY


def _base(world) -> str:
    return f"/api/v1/t/{world.township.slug}/consultations"


def test_open_answer_close_feedback(world, reps, client, clock):
    base = _base(world)
    staff = bearer(world.users["township_staff"])
    body = {
        "title": "关于干部任职的征求意见",
        "kind": "appointment",
        "deadline": (TODAY + timedelta(days=3)).isoformat(),
        "representative_ids": [*reps.ids(9)],
    }
    assert_error(
        client.post(f"{base}/consultations", json=body, headers=staff),
        409,
        "consultation_below_minimum",
    )
    body["representative_ids"] = [*reps.ids(9), reps.unreachable.id]
    created = client.post(f"{base}/consultations", json=body, headers=staff)
    assert created.status_code == 201, created.get_data(as_text=True)
    out = created.get_json()
    cid = out["consultation"]["id"]
    assert [link["name"] for link in out["links"]] == ["无电话代表"]
    assert_error(
        client.post(f"{base}/consultations", json={**body, "extra": 1}, headers=staff), 422
    )

    rep = bearer(reps.users[0])
    answered = client.post(
        f"{base}/consultations/{cid}/answer", json={"stance": "agree"}, headers=rep
    )
    assert answered.status_code == 200 and answered.get_json()["answered"] is True
    assert answered.get_json()["tally"] is None  # a representative sees no tally
    assert_error(
        client.post(f"{base}/consultations/{cid}/answer", json={"stance": "agree"}, headers=rep),
        409,
        "consultation_answered",
    )
    listed = client.get(f"{base}/consultations?page=1&page_size=1", headers=staff)
    assert listed.status_code == 200 and len(listed.get_json()) == 1
    assert "X-Pagination" in listed.headers
    tally = client.get(f"{base}/consultations/{cid}/tally", headers=staff).get_json()
    assert tally["invited"] == 10 and tally["counts"] == {"agree": 1}
    assert client.get(f"{base}/consultations/{cid}/answers", headers=rep).status_code == 403
    assert client.post(f"{base}/consultations/{cid}/close", headers=staff).status_code == 200
    fed = client.post(
        f"{base}/consultations/{cid}/feedback",
        json={"outcome": "not_adopted", "feedback": "人选已调整"},
        headers=staff,
    )
    assert fed.status_code == 200 and fed.get_json()["state"] == "replied"


def test_api_docs_list_the_routes(world, client):
    spec = client.get("/api/openapi.json")
    if spec.status_code == 200:
        paths = spec.get_json()["paths"]
        assert any("/consultations/{consultation_id}/feedback" in p for p in paths)
