"""The committee pages through the client: the office lays out the reception days and drafts,
fills and publishes a visiting schedule; a committee member records the minutes on a phone;
bad input is a Chinese message and nothing is saved; another township's ids are 404."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.group_activities.models import Reception, Visit, VisitPlan
from tests.helpers import login

BASE = "/t/jia-zhen/group_activities"


def test_office_and_committee_member_pages(world, clock, people, client):
    _reps, _users, (one, _two) = people
    member = world.users["committee_member"]
    login(client, world.users["township_staff"])
    assert "党委委员接待与走访" in client.get(f"{BASE}/").get_data(as_text=True)
    page = client.get(f"{BASE}/committee").get_data(as_text=True)
    assert "按委员轮流安排本年接待日" in page
    client.post(f"{BASE}/committee", data={"what": "receptions", "year": "2026", "place": "联络办"})
    with tenant_context(world.township.id):
        days = db.session.scalars(select(Reception.day).order_by(Reception.day)).all()
    assert days[0] == date(2026, 6, 15) and len(days) == 7
    bad = client.post(
        f"{BASE}/committee",
        data={"what": "visits", "year": "2026", "month": "6"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "走访工作月为每年" in bad
    made = client.post(f"{BASE}/committee", data={"what": "visits", "year": "2026", "month": "11"})
    plan_id = int(made.headers["Location"].rsplit("/", 1)[1])
    bad = client.post(
        f"{BASE}/visits/{plan_id}/add",
        data={"member_user_id": member.id, "group_id": one, "day": "2026-12-01"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "走访日期须在2026年11月内" in bad
    client.post(
        f"{BASE}/visits/{plan_id}/add",
        data={"member_user_id": member.id, "group_id": one, "day": "2026-11-05"},
    )
    clock.today = date(2026, 10, 2)
    client.post(f"{BASE}/visits/{plan_id}/publish")
    with tenant_context(world.township.id):
        assert db.session.get(VisitPlan, (world.township.id, plan_id)).published_on
        visit_id = db.session.scalar(select(Visit.id))
    client.post("/logout")

    clock.today = date(2026, 11, 5)
    login(client, member)
    page = client.get(f"{BASE}/visits/{plan_id}").get_data(as_text=True)
    assert "纪要待记录" in page and "保存并发送" in page
    empty = client.post(
        f"{BASE}/visit/{visit_id}/minutes", data={"text": ""}, follow_redirects=True
    )
    assert "请填写记录内容" in empty.get_data(as_text=True)
    client.post(f"{BASE}/visit/{visit_id}/minutes", data={"text": "听取意见三条"})
    assert "纪要已发" in client.get(f"{BASE}/visits/{plan_id}").get_data(as_text=True)


def test_foreign_ids_are_not_found(world, clock, people, client):
    with tenant_context(world.other.id):
        plan = VisitPlan(year=2026, month=11)
        db.session.add(plan)
        db.session.commit()
        foreign = plan.id
    login(client, world.users["township_staff"])
    assert client.get(f"{BASE}/visits/{foreign}").status_code == 404
    assert client.post(f"{BASE}/visits/{foreign}/publish").status_code == 404
