"""The pages of a change, a cancellation and half a day: the office edits before the start and
cancels with a reason, a representative asks for half a day's leave, the roll checks in half a
day; bad input is a Chinese message and nothing changes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.trainings.models import TrainingCheckIn, TrainingInvitation, TrainingSession
from tests.helpers import login
from tests.modules.trainings.conftest import TODAY

BASE = "/t/jia-zhen/trainings"


def _schedule(client, starts_on, ends_on, **extra):
    response = client.post(
        f"{BASE}/",
        data={
            "title": "学习党章",
            "kind": "study",
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "place": "镇党校",
            "audience": "all",
            **extra,
        },
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _row(world, session_id):
    with tenant_context(world.township.id):
        return db.session.get(TrainingSession, (world.township.id, session_id))


def test_edit_and_cancel_pages(world, clock, people, client):
    login(client, world.users["township_staff"])
    sid = _schedule(client, TODAY + timedelta(days=2), TODAY + timedelta(days=3))
    page = client.get(f"{BASE}/{sid}").get_data(as_text=True)
    assert "修改" in page and "取消该培训" in page
    form = client.get(f"{BASE}/{sid}/edit").get_data(as_text=True)
    assert 'value="镇党校"' in form
    bad = client.post(
        f"{BASE}/{sid}/edit",
        data={"title": "学习党章", "ends_on": TODAY.isoformat()},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "结束日期不能早于开始日期" in bad
    assert _row(world, sid).ends_on == TODAY + timedelta(days=3)  # nothing saved
    done = client.post(f"{BASE}/{sid}/edit", data={"place": "村活动室"})
    assert done.status_code == 302
    assert _row(world, sid).place == "村活动室"

    empty = client.post(f"{BASE}/{sid}/cancel", data={"reason": ""}, follow_redirects=True)
    assert "请填写取消原因" in empty.get_data(as_text=True)
    assert not _row(world, sid).cancelled
    client.post(f"{BASE}/{sid}/cancel", data={"reason": "台风停课"})
    page = client.get(f"{BASE}/{sid}").get_data(as_text=True)
    assert "该培训已取消" in page and "台风停课" in page
    assert "确认取消并通知代表" not in page
    assert "已取消" in client.get(f"{BASE}/").get_data(as_text=True)
    # a representative may not open the edit page
    client.post("/logout")
    login(client, world.users["representative"])
    assert client.get(f"{BASE}/{sid}/edit").status_code == 403


def test_half_day_leave_and_check_in_pages(world, clock, people, client):
    reps, users = people
    with tenant_context(world.township.id):
        rep_id = reps[1].id
    login(client, world.users["township_staff"])
    sid = _schedule(client, TODAY, TODAY + timedelta(days=1))
    client.post("/logout")
    login(client, users[1])
    with tenant_context(world.township.id):
        inv = db.session.scalar(
            select(TrainingInvitation).where(
                TrainingInvitation.session_id == sid,
                TrainingInvitation.representative_id == rep_id,
            )
        )
    assert "只请半天假" in client.get(f"{BASE}/{sid}").get_data(as_text=True)
    bad = client.post(
        f"{BASE}/invitations/{inv.id}/answer",
        data={"answer": "leave", "reason": "看病", "leave_half": "morning"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "请选择请假半天的日期" in bad
    client.post(
        f"{BASE}/invitations/{inv.id}/answer",
        data={
            "answer": "leave",
            "reason": "看病",
            "leave_day": TODAY.isoformat(),
            "leave_half": "morning",
        },
    )
    page = client.get(f"{BASE}/{sid}").get_data(as_text=True)
    assert "请假半天" in page and "上午" in page
    client.post("/logout")
    login(client, world.users["township_staff"])
    roll = client.get(f"{BASE}/{sid}/attendance").get_data(as_text=True)
    assert "签到（下午）" in roll
    client.post(f"{BASE}/{sid}/attendance/{rep_id}/check-in", data={"day": TODAY.isoformat()})
    with tenant_context(world.township.id):
        row = db.session.scalar(
            select(TrainingCheckIn).where(
                TrainingCheckIn.session_id == sid, TrainingCheckIn.representative_id == rep_id
            )
        )
        assert row.half == "afternoon"
    other = reps[2]
    with tenant_context(world.township.id):
        other_id = other.id
    client.post(
        f"{BASE}/{sid}/attendance/{other_id}/check-in",
        data={"day": TODAY.isoformat(), "half": "morning"},
    )
    roll = client.get(f"{BASE}/{sid}/attendance").get_data(as_text=True)
    assert "已签到（上午）" in roll
