"""The evaluation group (评议小组, 001 张家港 第六节: 组长1人、副组长2人, from the group leaders):
set by the office on a draft, three different people who are group leaders or committee
members; its members then do the campaign's running steps (notice, open, links, paper, reminders,
close) and nothing else — not the form, the subjects, the results or the grades."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import GroupInput, PaperHandOutInput, SubjectInput
from tests.factories import actor, grant
from tests.modules.evaluations import steps


@pytest.fixture
def leader(cast, tctx):
    """A representative who leads a representative group (代表小组组长): a user with the role."""
    user = cast.users[0]
    grant(user, Role.GROUP_LEADER, township=tctx)
    db.session.commit()
    return user


def test_the_office_sets_a_group_of_three_group_leaders_or_committee_members(
    clock, cast, tctx, office, leader
):
    campaign = steps.campaign(cast, tctx, office)
    a, b = cast.members
    with pytest.raises(PermissionDenied):  # the office's step, not a committee member's
        service.set_group(actor(a), tctx, campaign.id, GroupInput(leader.id, a.id, b.id))
    with pytest.raises(ValidationFailed) as twice:  # three different people
        service.set_group(office, tctx, campaign.id, GroupInput(leader.id, a.id, a.id))
    assert "member2_id" in twice.value.errors
    plain = cast.users[1]  # a representative who leads no group
    with pytest.raises(ValidationFailed) as outsider:
        service.set_group(office, tctx, campaign.id, GroupInput(leader.id, a.id, plain.id))
    assert list(outsider.value.errors) == ["member2_id"]
    service.set_group(office, tctx, campaign.id, GroupInput(leader.id, a.id, b.id))
    db.session.commit()
    assert [(role, u.id) for role, u in service.group_of(campaign)] == [
        ("组长", leader.id),
        ("成员", a.id),
        ("成员", b.id),
    ]
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "evaluation.group")
        .order_by(AuditEntry.id.desc())
    )
    assert entry is not None and entry.after["group_leader"] == leader.id


def test_the_group_runs_the_campaign_and_does_nothing_else(clock, cast, tctx, office, leader):
    campaign = steps.campaign(cast, tctx, office)
    a, b = cast.members
    service.set_group(office, tctx, campaign.id, GroupInput(leader.id, a.id, b.id))
    runner, outsider = actor(leader), cast.actors[2]
    # The form and the subjects stay the office's.
    with pytest.raises(PermissionDenied):
        service.add_subject(runner, tctx, campaign.id, SubjectInput(kind="committee"))
    # A representative outside the group runs nothing.
    for step in (service.send_notice, service.open_campaign):
        with pytest.raises(PermissionDenied):
            step(outsider, tctx, campaign.id)
    service.send_notice(runner, tctx, campaign.id)
    links = service.open_campaign(runner, tctx, campaign.id)
    assert len(links) == 30
    assert len(service.raters(runner, tctx, campaign.id)) == 30
    service.reissue_link(runner, tctx, links[5].rater.id)
    assert service.remind(runner, tctx, campaign.id) == 30
    rater_id = links[7].rater.id
    with pytest.raises(PermissionDenied):
        service.hand_out_paper(outsider, tctx, campaign.id, PaperHandOutInput((rater_id,)))
    assert service.hand_out_paper(runner, tctx, campaign.id, PaperHandOutInput((rater_id,))) == 1
    with pytest.raises(PermissionDenied):
        service.close_campaign(outsider, tctx, campaign.id)
    service.close_campaign(runner, tctx, campaign.id)
    # Results and grades are not the group's (the leader is no committee member here).
    with pytest.raises(PermissionDenied):
        service.results(runner, tctx, campaign.id)
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.actor_user_id == leader.id, AuditEntry.action.like("evaluation.%")
            )
        )
    )
    assert {"evaluation.notice", "evaluation.open", "evaluation.close"} <= actions
