"""Issue 23: the agenda's deadlines and listing rule as the seeds differ. The committee's items
close `agenda_days_before` days before the first day and the groups' and representatives'
`group_agenda_days_before` days before (10 and 10 by default, 001张家港; 20 and 15 in 001方案):
proposing N days before is in time, N−1 days before is late, on the Asia/Shanghai date. With
`mandatory_listing` off, items with 10+ co-proposers or 2+ groups are not listed by rule: the
committee decides every one (001方案). A setting moved in one township leaves the other alone;
the session page and the API say the deadlines."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import ItemInput, SessionInput
from lianxin.modules.annual_sessions.models import ItemStatus
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import bearer, login
from tests.modules.annual_sessions.conftest import SESSION_DAY  # 2026-03-20
from tests.modules.annual_sessions.test_session_days import _at_shanghai


def _item(tctx, session_id, who, proposer="representatives", **extra):
    data = {"title": f"议题{uuid.uuid4().hex[:6]}", "kind": "motion", "proposer": proposer, **extra}
    return service.propose_item(who, tctx, session_id, ItemInput(**data))


def _settings(world, township, **values):
    admin = "township_admin" if township.id == world.township.id else "other_admin"
    tenants.update_township_settings(actor(world.users[admin]), township, "annual_sessions", values)
    db.session.commit()


def _late(fn, *args, **kwargs) -> str:
    with pytest.raises(Conflict) as late:
        fn(*args, **kwargs)
    assert late.value.code == "agenda_closed"
    return str(late.value.message)


def test_by_default_both_deadlines_are_ten_days(clock, cast, tctx, world):
    committee = actor(world.users["committee_member"])
    rules = service.agenda_rules(tctx, service.get_session(committee, tctx, cast.session))
    assert (rules.committee_days, rules.group_days, rules.mandatory_listing) == (10, 10, True)
    assert rules.committee_deadline == rules.group_deadline == date(2026, 3, 10)
    clock.today = date(2026, 3, 10)  # N = 10 days before: in time for everyone
    _item(tctx, cast.session, committee, proposer="committee")
    joint = _item(tctx, cast.session, cast.actors[2])
    _item(tctx, cast.session, cast.actors[0], proposer="group", group_id=cast.groups[0])
    clock.today = date(2026, 3, 11)  # N−1 = 9 days before: late for everyone
    assert "2026-03-10" in _late(_item, tctx, cast.session, committee, proposer="committee")
    _late(_item, tctx, cast.session, cast.actors[3])
    _late(service.join_item, cast.actors[3], tctx, joint.id)


def test_the_committee_at_20_days_and_groups_at_15(clock, cast, tctx, world):
    """001方案: the committee sets its items 20 days before, groups propose 15 days before."""
    _settings(world, world.township, agenda_days_before=20, group_agenda_days_before=15)
    committee = actor(world.users["committee_member"])
    clock.today = date(2026, 2, 28)  # 20 days before
    _item(tctx, cast.session, committee, proposer="committee")
    clock.today = date(2026, 3, 1)  # 19 days before
    message = _late(_item, tctx, cast.session, committee, proposer="committee")
    assert "20" in message and "2026-02-28" in message
    # … while the groups and representatives still may, until 15 days before.
    joint = _item(tctx, cast.session, cast.actors[2])
    clock.today = date(2026, 3, 5)  # 15 days before
    group_item = _item(
        tctx, cast.session, cast.actors[0], proposer="group", group_id=cast.groups[0]
    )
    service.join_item(cast.actors[3], tctx, joint.id)
    clock.today = date(2026, 3, 6)  # 14 days before
    assert "15" in _late(_item, tctx, cast.session, cast.actors[4])
    _late(service.join_item, cast.actors[4], tctx, joint.id)
    _late(service.join_item_as_group, cast.actors[1], tctx, group_item.id, cast.groups[1])
    _late(_item, tctx, cast.session, cast.actors[1], proposer="group", group_id=cast.groups[1])


def test_groups_may_close_before_the_committee(clock, cast, tctx, world):
    _settings(world, world.township, agenda_days_before=5, group_agenda_days_before=12)
    committee = actor(world.users["committee_member"])
    clock.today = date(2026, 3, 9)  # 11 days before: late for a group, in time for the committee
    _late(_item, tctx, cast.session, cast.actors[2])
    clock.today = date(2026, 3, 15)  # 5 days before
    _item(tctx, cast.session, committee, proposer="committee")
    clock.today = date(2026, 3, 16)  # 4 days before
    _late(_item, tctx, cast.session, committee, proposer="committee")


def test_the_deadline_is_the_shanghai_date_near_midnight(cast, tctx, world, monkeypatch):
    _settings(world, world.township, agenda_days_before=20, group_agenda_days_before=15)
    committee = actor(world.users["committee_member"])
    # The committee's last day is 2026-02-28: 23:59 in Shanghai is 15:59 UTC that day.
    _at_shanghai(monkeypatch, datetime(2026, 2, 28, 15, 59, tzinfo=UTC))
    _item(tctx, cast.session, committee, proposer="committee")
    _at_shanghai(monkeypatch, datetime(2026, 2, 28, 16, 0, tzinfo=UTC))  # 00:00 of 03-01
    _late(_item, tctx, cast.session, committee, proposer="committee")
    # The representatives' last day is 2026-03-05.
    _at_shanghai(monkeypatch, datetime(2026, 3, 5, 15, 59, tzinfo=UTC))
    _item(tctx, cast.session, cast.actors[2])
    _at_shanghai(monkeypatch, datetime(2026, 3, 5, 16, 0, tzinfo=UTC))
    _late(_item, tctx, cast.session, cast.actors[3])


def test_a_setting_moved_in_one_township_leaves_the_other_alone(clock, cast, world):
    other_office = actor(world.users["other_admin"])
    with tenant_context(world.other.id):  # the module is on in every township (conftest)
        theirs = service.create_session(
            other_office,
            world.other,
            SessionInput(title="乙镇年会", held_on=SESSION_DAY, place="乙镇礼堂"),
        ).id
    with tenant_context(world.township.id):
        _settings(world, world.township, agenda_days_before=20, mandatory_listing=False)
        clock.today = date(2026, 3, 10)
        _late(
            _item,
            world.township,
            cast.session,
            actor(world.users["committee_member"]),
            proposer="committee",
        )
    with tenant_context(world.other.id):
        item = _item(world.other, theirs, other_office, proposer="committee")  # still 10 days
        assert item.status == ItemStatus.PROPOSED
        rules = service.agenda_rules(
            world.other, service.get_session(other_office, world.other, theirs)
        )
        assert (rules.committee_days, rules.group_days, rules.mandatory_listing) == (10, 10, True)


def test_without_mandatory_listing_the_committee_decides_every_item(
    clock, cast, tctx, world, office
):
    """001方案: ten co-proposers or two groups no longer put an item on the agenda by rule."""
    _settings(world, world.township, mandatory_listing=False)
    committee = actor(world.users["committee_member"])
    joint = _item(tctx, cast.session, cast.actors[2])
    for i in range(3, 12):  # ten in all
        service.join_item(cast.actors[i], tctx, joint.id)
    grouped = _item(tctx, cast.session, cast.actors[0], proposer="group", group_id=cast.groups[0])
    service.join_item_as_group(cast.actors[1], tctx, grouped.id, cast.groups[1])
    assert service.support_of(joint).representatives == 10
    assert service.support_of(grouped).groups == 2
    assert joint.status == grouped.status == ItemStatus.PROPOSED
    assert not joint.by_rule and not grouped.by_rule
    with pytest.raises(Conflict):  # the committee has still to decide them
        service.fix_agenda(office, tctx, cast.session)
    service.decide_item(committee, tctx, joint.id, accept=True)
    service.decide_item(committee, tctx, grouped.id, accept=False, reason="并入党委工作报告")
    assert (joint.status, grouped.status) == (ItemStatus.ON_AGENDA, ItemStatus.DECLINED)
    service.fix_agenda(office, tctx, cast.session)


def test_without_mandatory_listing_the_session_rule_still_stands(clock, cast, tctx, world, office):
    """During the session an item is listed only by rule (2+ groups or 1/10): the setting is
    about items before the session, which the committee may decide."""
    from tests.modules.annual_sessions.test_service import _opened

    _opened(clock, cast, tctx, office, world)
    _settings(world, world.township, mandatory_listing=False)
    grouped = _item(tctx, cast.session, cast.actors[0], proposer="group", group_id=cast.groups[0])
    service.join_item_as_group(cast.actors[1], tctx, grouped.id, cast.groups[1])
    assert grouped.during_session and grouped.status == ItemStatus.ON_AGENDA


def test_the_session_page_and_the_api_say_the_deadlines(app, clock, cast, world):
    with tenant_context(world.township.id):
        _settings(world, world.township, agenda_days_before=20, group_agenda_days_before=15)
    base = f"/t/{world.township.slug}/annual_sessions/{cast.session}"
    client = app.test_client()
    login(client, db.session.get(User, cast.users[2].id))
    clock.today = date(2026, 3, 1)  # the committee's deadline has passed, not the groups'
    page = client.get(base).get_data(as_text=True)
    committee_line = page.split('id="deadline-committee"')[1].split("</dd>")[0]
    groups_line = page.split('id="deadline-groups"')[1].split("</dd>")[0]
    assert "2026-02-28" in committee_line and "会前 20 天" in committee_line
    assert "2026-03-05" in groups_line and "会前 15 天" in groups_line
    assert "10 名以上代表联名或 2 个以上代表小组" in page.split('id="listing-rule"')[1]
    assert 'id="form-propose"' in page  # a representative may still propose
    staff = app.test_client()
    login(staff, db.session.get(User, world.users["township_staff"].id))
    page = staff.get(base).get_data(as_text=True)
    assert 'id="form-propose"' not in page  # the committee's way has closed (the office's)
    clock.today = date(2026, 2, 28)
    page = staff.get(base).get_data(as_text=True)
    assert 'value="committee"' in page.split('id="p-proposer"')[1].split("</select>")[0]
    clock.today = date(2026, 3, 1)
    with tenant_context(world.township.id):
        _settings(world, world.township, mandatory_listing=False)
    page = client.get(base).get_data(as_text=True)
    assert "所有议题均由党委决定是否列入" in page
    clock.today = date(2026, 3, 6)  # both closed: no form to propose with
    assert 'id="form-propose"' not in client.get(base).get_data(as_text=True)
    body = client.get(
        f"/api/v1/t/{world.township.slug}/annual_sessions/sessions/{cast.session}",
        headers=bearer(db.session.get(User, cast.users[2].id)),
    ).get_json()
    assert body["committee_agenda_deadline"] == "2026-02-28"
    assert body["group_agenda_deadline"] == "2026-03-05"
    assert body["agenda_deadline"] == "2026-03-05"  # the later of the two
    assert body["mandatory_listing"] is False
    assert "observers" not in body  # the office's
