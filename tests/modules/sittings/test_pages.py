"""The pages through the client: the office plans, invites the proposed batch, records
attendance, suggestions and answers, and exports; a representative confirms on a phone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.sittings.models import Answer, Invitation, Meeting, Outcome, Suggestion
from tests.helpers import login
from tests.modules.sittings.conftest import TODAY

BASE = "/t/jia-zhen/sittings"


def _plan(client, held_on=TODAY):
    response = client.post(
        f"{BASE}/",
        data={
            "title": "镇党委扩大会议",
            "kind": "enlarged",
            "held_on": held_on.isoformat(),
            "starts_at": "09:30",
            "place": "镇会议室",
            "topics": "年度发展规划",
        },
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_office_runs_a_sitting_end_to_end(world, clock, people, client):
    reps, _users = people
    login(client, world.users["township_staff"])
    page = client.get(f"{BASE}/")
    assert page.status_code == 200 and "安排列席会议" in page.get_data(as_text=True)
    assert "本届列席情况" in page.get_data(as_text=True)
    meeting_id = _plan(client)
    page = client.get(f"{BASE}/{meeting_id}").get_data(as_text=True)
    assert "邀请下一批代表" in page and reps[1].name in page
    response = client.post(
        f"{BASE}/{meeting_id}/invite", data={"representative_ids": [reps[1].id, reps[2].id]}
    )
    assert response.status_code == 302
    client.post(f"{BASE}/{meeting_id}/attendance", data={"representative_ids": [reps[1].id]})
    client.post(
        f"{BASE}/{meeting_id}/suggestions",
        data={"representative_id": reps[1].id, "text": "建议修缮村道"},
    )
    with tenant_context(world.township.id):
        suggestion = db.session.scalar(select(Suggestion))
        assert suggestion is not None and suggestion.text == "建议修缮村道"
        suggestion_id = suggestion.id
    client.post(
        f"{BASE}/suggestions/{suggestion_id}/answer",
        data={"answer": "已列入年度计划", "answered_on": TODAY.isoformat()},
    )
    with tenant_context(world.township.id):
        assert db.session.get(Suggestion, (world.township.id, suggestion_id)).outcome == (
            Outcome.ANSWERED
        )
    page = client.get(f"{BASE}/{meeting_id}").get_data(as_text=True)
    assert "已列入年度计划" in page
    export = client.get(f"{BASE}/register.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"


def test_a_bad_form_is_flashed_and_nothing_is_made(world, clock, people, client):
    login(client, world.users["township_staff"])
    response = client.post(
        f"{BASE}/", data={"title": "", "kind": "enlarged"}, follow_redirects=True
    )
    assert response.status_code == 200 and "请填写会议名称" in response.get_data(as_text=True)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Meeting)) is None


def test_a_representative_confirms_on_a_phone(world, clock, people, client):
    reps, users = people
    login(client, world.users["township_staff"])
    meeting_id = _plan(client, TODAY + timedelta(days=3))
    client.post(f"{BASE}/{meeting_id}/invite", data={"representative_ids": [reps[1].id]})
    client.get("/logout")
    client.post("/logout")
    login(client, users[1])
    home = client.get(f"{BASE}/").get_data(as_text=True)
    assert "我的列席邀请" in home and "安排列席会议" not in home
    with tenant_context(world.township.id):
        invitation_id = db.session.scalar(select(Invitation.id))
    response = client.post(
        f"{BASE}/invitations/{invitation_id}/answer", data={"answer": "confirmed"}
    )
    assert response.status_code == 302
    with tenant_context(world.township.id):
        assert db.session.get(Invitation, (world.township.id, invitation_id)).answer == (
            Answer.CONFIRMED
        )
    page = client.get(f"{BASE}/{meeting_id}").get_data(as_text=True)
    assert "我的列席邀请" in page and "邀请下一批代表" not in page
