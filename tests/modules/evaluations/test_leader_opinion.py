"""The responsible leader's opinion (001 张家港: 在征求分管领导的意见后，提出评议等第的初步意见，
报镇党委审定): recorded by the office on a subject after the count; the committee's decision
without it is refused (a township setting, on by default, off in one township only)."""

from __future__ import annotations

import pytest

from lianxin.errors import Conflict, PermissionDenied
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.errors import OpinionMissing
from lianxin.modules.evaluations.inputs import GradeInput, LeaderOpinionInput
from tests.factories import actor
from tests.modules.evaluations import steps


def _counted(cast, tctx, office):
    campaign = steps.campaign(cast, tctx, office)
    service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(5):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, steps.answers(campaign, subjects, 7)
        )
    return campaign, subjects


def test_no_grade_without_the_leaders_opinion(clock, cast, tctx, office, world):
    campaign, subjects = _counted(cast, tctx, office)
    opinion = LeaderOpinionInput("王分管", "工作扎实，同意称职")
    with pytest.raises(Conflict):  # not before the count
        service.record_leader_opinion(office, tctx, subjects[0].id, opinion)
    service.close_campaign(office, tctx, campaign.id)
    committee = actor(world.users["committee_member"])
    with pytest.raises(PermissionDenied):  # the office records it
        service.record_leader_opinion(committee, tctx, subjects[0].id, opinion)
    with pytest.raises(OpinionMissing) as missing:
        service.decide_grade(committee, tctx, subjects[0].id, GradeInput("competent"))
    assert missing.value.code == "opinion_missing"
    recorded = service.record_leader_opinion(office, tctx, subjects[0].id, opinion)
    assert (recorded.leader_name, recorded.leader_opinion) == ("王分管", "工作扎实，同意称职")
    assert service.decide_grade(committee, tctx, subjects[0].id, GradeInput("competent")).grade
    with pytest.raises(OpinionMissing):  # the other subject still has none
        service.decide_grade(committee, tctx, subjects[1].id, GradeInput("competent"))


def test_a_township_may_go_without_it(clock, cast, tctx, office, world):
    steps.settings(world, tctx, leader_opinion=False)
    assert service.settings(world.other.id)["leader_opinion"] is True
    campaign, subjects = _counted(cast, tctx, office)
    service.close_campaign(office, tctx, campaign.id)
    committee = actor(world.users["committee_member"])
    assert service.decide_grade(committee, tctx, subjects[0].id, GradeInput("competent")).grade


def test_the_office_is_told_which_opinions_wait(app, clock, cast, tctx, office, world):
    from lianxin.modules.evaluations import todo

    def items(who):
        with app.test_request_context():
            return {i.key: i for i in todo.items(who, tctx)}

    campaign, subjects = _counted(cast, tctx, office)
    assert "evaluations.opinions" not in items(office)  # not before the count
    service.close_campaign(office, tctx, campaign.id)
    waiting = items(office)["evaluations.opinions"]
    assert waiting.count == 2
    assert waiting.url == f"/t/{tctx.slug}/evaluations/{campaign.id}/results"
    assert "evaluations.opinions" not in items(actor(world.users["committee_member"]))
    service.record_leader_opinion(
        office, tctx, subjects[0].id, LeaderOpinionInput("王分管", "同意")
    )
    assert items(office)["evaluations.opinions"].count == 1
    steps.settings(world, tctx, leader_opinion=False)
    assert "evaluations.opinions" not in items(office)


def test_the_committee_is_asked_only_for_grades_it_may_decide(
    app, clock, cast, tctx, office, world
):
    """A grade waits for the leader's opinion: until it is recorded the subject is not among the
    committee's grades to decide (the decision would be refused); without the setting it is."""
    from lianxin.modules.evaluations import todo

    committee = actor(world.users["committee_member"])

    def grades():
        with app.test_request_context():
            found = {i.key: i for i in todo.items(committee, tctx)}
        return found["evaluations.grades"].count if "evaluations.grades" in found else 0

    campaign, subjects = _counted(cast, tctx, office)
    service.close_campaign(office, tctx, campaign.id)
    assert grades() == 0
    service.record_leader_opinion(
        office, tctx, subjects[0].id, LeaderOpinionInput("王分管", "同意")
    )
    assert grades() == 1
    steps.settings(world, tctx, leader_opinion=False)
    assert grades() == 2
