"""A committee member keeps a whole group for the year (包组, 001 宝应): the office names them
(naming another replaces them), the member is told and hears of the group's activities, the
group's page shows them, the committee page and the member's to-do list their groups'
activities; a member of the township who is no committee member, another township's group or
keeper is refused or not found."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied
from lianxin.modules.group_activities import service, todo
from lianxin.modules.group_activities.inputs import ActivityInput, KeeperInput
from lianxin.modules.group_activities.models import Keeper
from lianxin.notify.models import OutboxMessage
from tests.factories import actor
from tests.helpers import assert_error, bearer, login
from tests.modules.group_activities.conftest import TODAY

API = "/api/v1/t/jia-zhen/group_activities"


def _told(user_id, words):
    return [
        m
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "notify"))
        if user_id in m.payload.get("user_ids", []) and words in m.payload.get("title", "")
    ]


def test_the_office_names_a_keeper_who_follows_the_group(app, world, clock, office, people, tctx):
    _reps, users, (one, two) = people
    member = world.users["committee_member"]
    keeper = service.assign_keeper(office, tctx, one, KeeperInput(2026, member.id))
    assert service.keeper_of(one, 2026).member_user_id == member.id
    assert service.keeper_of(one, 2027) is None  # for the year
    assert _told(member.id, "包联代表小组")
    with pytest.raises(PermissionDenied):  # the office's to name
        service.assign_keeper(actor(users[0]), tctx, two, KeeperInput(2026, member.id))
    with pytest.raises(NotFound):  # a member of the township who is no committee member
        service.assign_keeper(office, tctx, two, KeeperInput(2026, users[0].id))
    assert service.kept_activities(actor(member), tctx, TODAY).count == 0
    activity = service.record_activity(
        actor(users[0]), tctx, one, ActivityInput("走访", TODAY), today=TODAY
    )
    assert _told(member.id, "活动已登记")
    kept = service.kept_groups(actor(member), tctx, TODAY)
    assert [(k.group.id, [a.id for a in k.activities]) for k in kept] == [(one, [activity.id])]
    waiting = service.kept_activities(actor(member), tctx, TODAY)
    assert (waiting.count, waiting.page_id) == (1, one)
    with app.test_request_context():
        lines = {i.key: i for i in todo.items(actor(member), tctx)}
        assert lines["group_activities.kept"].url.endswith(f"/groups/{one}")
        assert "group_activities.kept" not in {i.key for i in todo.items(office, tctx)}
    # A month on, the activity is no longer new.
    assert service.kept_activities(actor(member), tctx, date(2026, 6, 20)).count == 0
    # Naming another member replaces the first; removing leaves none.
    again = service.assign_keeper(office, tctx, one, KeeperInput(2026, member.id))
    assert again.id == keeper.id
    service.remove_keeper(office, tctx, keeper.id)
    assert service.keeper_of(one, 2026) is None


def test_pages_and_api(world, clock, office, people, client):
    _reps, users, (one, _two) = people
    member = world.users["committee_member"]
    login(client, world.users["township_staff"])
    page = client.get(f"/t/jia-zhen/group_activities/groups/{one}").get_data(as_text=True)
    assert "包组党委委员" in page and "未安排" in page
    client.post(
        f"/t/jia-zhen/group_activities/groups/{one}/keeper",
        data={"year": "2026", "member_user_id": member.id},
    )
    page = client.get(f"/t/jia-zhen/group_activities/groups/{one}").get_data(as_text=True)
    assert member.display_name in page
    bad = client.post(
        f"/t/jia-zhen/group_activities/groups/{one}/keeper",
        data={"year": "x", "member_user_id": member.id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "年份不正确" in bad
    rows = client.get(f"{API}/keepers?year=2026", headers=bearer(users[0])).get_json()
    assert [(r["group_id"], r["member_user_id"]) for r in rows] == [(one, member.id)]
    groups = {
        g["group_id"]: g for g in client.get(f"{API}/groups", headers=bearer(users[0])).get_json()
    }
    assert groups[one]["keeper_user_id"] == member.id
    login(client, member)
    client.post(  # a committee member does not name keepers: nothing changes (counted below)
        f"/t/jia-zhen/group_activities/groups/{one}/keeper",
        data={"year": "2026", "member_user_id": member.id},
    )
    page = client.get("/t/jia-zhen/group_activities/committee").get_data(as_text=True)
    assert "我包联的代表小组" in page and "一组" in page
    staff = bearer(world.users["township_staff"])
    changed = client.put(
        f"{API}/groups/{one}/keeper",
        json={"year": 2027, "member_user_id": member.id},
        headers=staff,
    )
    assert changed.status_code == 200 and changed.get_json()["year"] == 2027
    refused = client.put(
        f"{API}/groups/{one}/keeper",
        json={"year": 2027, "member_user_id": users[0].id},
        headers=staff,
    )
    assert_error(refused, 404)
    with tenant_context(world.township.id):
        assert len(db.session.scalars(select(Keeper)).all()) == 2
    gone = client.delete(f"{API}/keepers/{changed.get_json()['id']}", headers=staff)
    assert gone.status_code == 204


def _second_member(world):
    from lianxin.auth.roles import Role
    from tests.factories import grant, make_user

    second = make_user(name="乙委员")
    grant(second, Role.COMMITTEE_MEMBER, township=world.township)
    db.session.commit()
    return second


def _drop_committee_role(world, user):
    from sqlalchemy import delete

    from lianxin.auth.models import Membership
    from lianxin.auth.roles import Role

    db.session.execute(
        delete(Membership).where(
            Membership.user_id == user.id,
            Membership.tenant_id == world.township.id,
            Membership.role == Role.COMMITTEE_MEMBER.value,
        )
    )
    db.session.commit()


def test_a_former_committee_member_is_no_longer_told_and_is_marked(
    world, clock, office, people, client
):
    """The keeper's committee role is removed: a new activity of the group tells them nothing,
    the group's page, the committee page and the API mark the keeping as no longer held."""
    _reps, users, (one, _two) = people
    member = world.users["committee_member"]
    with tenant_context(world.township.id):
        service.assign_keeper(office, world.township, one, KeeperInput(2026, member.id))
        db.session.commit()
    _drop_committee_role(world, member)
    with tenant_context(world.township.id):
        service.record_activity(
            actor(users[0]), world.township, one, ActivityInput("座谈", TODAY), today=TODAY
        )
        db.session.commit()
        assert not _told(member.id, "活动已登记")
        assert _told(users[1].id, "活动已登记")  # the group's representatives still are
    login(client, world.users["township_staff"])
    page = client.get(f"/t/jia-zhen/group_activities/groups/{one}").get_data(as_text=True)
    assert "已不是党委委员" in page
    page = client.get("/t/jia-zhen/group_activities/committee").get_data(as_text=True)
    assert "已不是党委委员" in page
    rows = client.get(
        f"{API}/keepers?year=2026", headers=bearer(world.users["township_staff"])
    ).get_json()
    assert [(r["member_user_id"], r["committee"]) for r in rows] == [(member.id, False)]


def test_a_concurrent_assignment_replaces_the_first(
    world, clock, office, people, tctx, monkeypatch
):
    """Two assignments of the same group and year at once: the second read no keeper yet, the
    first's row is there when it writes. It replaces the first instead of hitting the unique
    key (no IntegrityError), and the new member is told."""
    from lianxin.modules.group_activities.stages import keepers as stage

    _reps, _users, (one, _two) = people
    member = world.users["committee_member"]
    second = _second_member(world)
    first = service.assign_keeper(office, tctx, one, KeeperInput(2026, member.id))
    db.session.commit()
    reads = iter([None])  # the racing request's read came before the first one's commit
    real = stage.keeper_of
    monkeypatch.setattr(stage, "keeper_of", lambda g, y: next(reads, real(g, y)))
    again = service.assign_keeper(office, tctx, one, KeeperInput(2026, second.id))
    db.session.commit()
    assert again.id == first.id
    rows = db.session.scalars(select(Keeper)).all()
    assert [(k.group_id, k.year, k.member_user_id) for k in rows] == [(one, 2026, second.id)]
    assert _told(second.id, "包联代表小组")
