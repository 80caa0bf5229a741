"""The pages through the client: the office schedules, decides leave, checks in on a phone and
sees the standing; a representative confirms or asks for leave."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.trainings.models import TrainingCheckIn, TrainingInvitation
from tests.helpers import login
from tests.modules.trainings.conftest import TODAY

BASE = "/t/jia-zhen/trainings"


def _schedule(client, **extra):
    response = client.post(
        f"{BASE}/",
        data={
            "title": "学习党章",
            "kind": "study",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=1)).isoformat(),
            "place": "镇党校",
            "audience": "all",
            **extra,
        },
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_office_and_a_representative(world, clock, people, client):
    reps, users = people
    with tenant_context(world.township.id):
        ids = [r.id for r in reps]
        names = [r.name for r in reps]
    login(client, world.users["township_staff"])
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "安排学习培训" in page
    session_id = _schedule(client)
    assert "学习党章" in client.get(f"{BASE}/{session_id}").get_data(as_text=True)

    client.post("/logout")
    login(client, users[1])
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "我的参训通知" in page
    with tenant_context(world.township.id):
        inv = db.session.scalar(
            select(TrainingInvitation).where(
                TrainingInvitation.session_id == session_id,
                TrainingInvitation.representative_id == ids[1],
            )
        )
    response = client.post(
        f"{BASE}/invitations/{inv.id}/answer", data={"answer": "leave", "reason": "外出务工"}
    )
    assert response.status_code == 302
    assert "我的参训情况" in client.get(f"{BASE}/").get_data(as_text=True)
    assert client.get(f"{BASE}/standing").status_code == 200
    assert client.get(f"{BASE}/{session_id}/attendance").status_code == 403

    client.post("/logout")
    login(client, world.users["township_staff"])
    assert "请假待审批" in client.get(f"{BASE}/{session_id}").get_data(as_text=True)
    client.post(f"{BASE}/invitations/{inv.id}/leave", data={"approve": "true"})
    roll = client.get(f"{BASE}/{session_id}/attendance?q={names[2]}").get_data(as_text=True)
    assert names[2] in roll and names[3] not in roll
    response = client.post(
        f"{BASE}/{session_id}/attendance/{ids[2]}/check-in",
        data={"day": TODAY.isoformat(), "q": names[2]},
    )
    assert response.status_code == 302 and f"#rep-{ids[2]}" in response.headers["Location"]
    with tenant_context(world.township.id):
        assert db.session.scalar(
            select(TrainingCheckIn).where(TrainingCheckIn.representative_id == ids[2])
        )
    # tomorrow has not come: flashed, nothing recorded
    client.post(
        f"{BASE}/{session_id}/attendance/{ids[3]}/check-in",
        data={"day": (TODAY + timedelta(days=1)).isoformat()},
    )
    with tenant_context(world.township.id):
        assert not db.session.scalar(
            select(TrainingCheckIn).where(TrainingCheckIn.representative_id == ids[3])
        )
    page = client.get(f"{BASE}/standing").get_data(as_text=True)
    assert "参训情况" in page and names[2] in page
    for url in (f"{BASE}/register.xlsx", f"{BASE}/standing.xlsx?year=2026"):
        response = client.get(url)
        assert response.status_code == 200 and response.data[:2] == b"PK"
