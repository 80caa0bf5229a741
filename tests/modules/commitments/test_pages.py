"""The pages through the client: a representative writes on a phone, the office approves or
returns, enters one for a representative, closes it; the public board; bad input comes back
with what was typed and nothing saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.commitments.models import Commitment, Progress
from tests.helpers import login
from tests.modules.commitments.conftest import TODAY

BASE = "/t/jia-zhen/commitments"


def _count(township_id):
    with tenant_context(township_id):
        return db.session.scalar(select(func.count(Commitment.id)))


def test_the_representative_and_the_office(world, clock, people, client):
    reps, users = people
    with tenant_context(world.township.id):
        ids = [r.id for r in reps]
    login(client, users[1])
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "填写承诺" in page and "我的承诺" in page and "代为登记" not in page
    # A deadline in another year: the page comes back with the text typed, nothing saved.
    bad = client.post(
        f"{BASE}/", data={"year": "2026", "content": "修通村道", "due_on": "2027-01-05"}
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "修通村道" in text and "2026年内" in text
    assert _count(world.township.id) == 0
    made = client.post(
        f"{BASE}/", data={"year": "2026", "content": "修通村道", "due_on": TODAY.isoformat()}
    )
    assert made.status_code == 302
    commitment_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert "待审核" in client.get(f"{BASE}/{commitment_id}").get_data(as_text=True)
    refused = client.post(f"{BASE}/{commitment_id}/approve").get_data(as_text=True)
    assert "待审核" in refused  # flashed, still waiting
    with tenant_context(world.township.id):
        assert db.session.get(Commitment, (world.township.id, commitment_id)).status == "pending"
    assert client.get(f"{BASE}/register.xlsx").status_code == 403

    client.post("/logout")
    login(client, world.users["township_staff"])
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "待审核的承诺（1 项）" in page and "代为登记承诺" in page
    assert f'id="short-{ids[2]}"' in page and f'id="short-{ids[1]}"' not in page
    missing = client.post(f"{BASE}/{commitment_id}/return", data={"reason": ""})
    assert "请填写退回原因" in missing.get_data(as_text=True)
    client.post(f"{BASE}/{commitment_id}/approve")
    made = client.post(
        f"{BASE}/",
        data={
            "representative_id": str(ids[0]),
            "year": "2026",
            "content": "建电商服务点",
            "due_on": "2026-10-01",
        },
    )
    assert made.status_code == 302
    response = client.get(f"{BASE}/register.xlsx?year=2026")
    assert response.status_code == 200 and response.data[:2] == b"PK"

    client.post("/logout")
    login(client, users[1])
    future = client.post(
        f"{BASE}/{commitment_id}/progress",
        data={"note": "明天才做的事", "noted_on": (TODAY + timedelta(days=1)).isoformat()},
    )
    text = future.get_data(as_text=True)
    assert "进展日期不能晚于今天" in text and "明天才做的事" in text  # kept, nothing saved
    client.post(f"{BASE}/{commitment_id}/progress", data={"note": "已开工", "noted_on": ""})
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count(Progress.id))) == 1
    board = client.get(f"{BASE}/board").get_data(as_text=True)
    assert "修通村道" in board and "建电商服务点" in board and "公开单位甲" in board

    client.post("/logout")
    login(client, world.users["township_staff"])
    clock.today = TODAY + timedelta(days=1)
    assert "已逾期" in client.get(f"{BASE}/{commitment_id}").get_data(as_text=True)
    client.post(f"{BASE}/{commitment_id}/close", data={"kept": "true", "note": "已完成"})
    assert "已兑现" in client.get(f"{BASE}/{commitment_id}").get_data(as_text=True)


def test_the_public_board(world, clock, people, client):
    reps, users = people
    with tenant_context(world.township.id):
        ids = [r.id for r in reps]
    login(client, world.users["township_staff"])
    for rep_id, content in ((ids[0], "甲的公开承诺"), (ids[1], "乙的公开承诺")):
        client.post(
            f"{BASE}/",
            data={
                "representative_id": str(rep_id),
                "year": "2026",
                "content": content,
                "due_on": "2026-10-01",
            },
        )
    client.post("/logout")
    login(client, users[3])
    client.post(f"{BASE}/", data={"year": "2026", "content": "待审不公开", "due_on": "2026-10-01"})
    client.post("/logout")
    page = client.get("/p/jia-zhen/commitments/").get_data(as_text=True)
    assert "甲的公开承诺" in page and "乙的公开承诺" in page and "待审不公开" not in page
    assert "村党支部书记" in page and "村委委员" in page  # the post is public
    assert "公开单位甲" in page and "保密单位乙" not in page  # the workplace only if published
    assert "进行中" in page
    assert client.get("/p/jia-zhen/commitments/?year=2025").status_code == 200
