"""The evaluations on the to-do home: a representative's evaluations to fill until they answer;
the committee's grades to decide (never a member's own); the office's campaigns due to open and
about to close. A representative never sees the office's or the committee's lines."""

from __future__ import annotations

from datetime import date

from lianxin.db.tenancy import tenant_context
from lianxin.modules.evaluations import service, todo
from lianxin.modules.evaluations.inputs import GradeInput, LeaderOpinionInput
from tests.factories import actor
from tests.modules.evaluations.test_service import _answers, _campaign, _opened


def _items(app, who, township):
    with app.test_request_context():
        return {i.key: i for i in todo.items(who, township)}


def test_a_representative_fills_in_then_the_committee_decides_the_grades(
    app, clock, cast, tctx, office, world
):
    campaign, _links = _opened(cast, tctx, office)
    rep = cast.actors[0]
    mine = _items(app, rep, tctx)
    assert set(mine) == {"evaluations.to_answer"}
    assert mine["evaluations.to_answer"].count == 1
    assert mine["evaluations.to_answer"].due_on == date(2026, 1, 15)
    assert mine["evaluations.to_answer"].url == f"/t/{tctx.slug}/evaluations/{campaign.id}/answer"
    assert not mine["evaluations.to_answer"].urgent

    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(5):
        service.submit_by_account(cast.actors[i], tctx, campaign.id, _answers(campaign, subjects))
    assert _items(app, rep, tctx) == {}  # answered: nothing left to fill
    assert set(_items(app, cast.actors[5], tctx)) == {"evaluations.to_answer"}
    committee = actor(world.users["committee_member"])
    assert _items(app, committee, tctx) == {}  # nothing to decide while it runs

    clock.today = date(2026, 1, 14)  # a day before the close: urgent for who has not answered
    assert _items(app, cast.actors[5], tctx)["evaluations.to_answer"].urgent
    assert _items(app, office, tctx)["evaluations.closing"].count == 1

    service.close_campaign(office, tctx, campaign.id)
    # The decisions wait for the leader's opinions (tests/.../test_leader_opinion.py).
    assert "evaluations.grades" not in _items(app, committee, tctx)
    for subject in subjects[:2]:
        service.record_leader_opinion(
            office, tctx, subject.id, LeaderOpinionInput("王分管", "同意")
        )
    grades = _items(app, committee, tctx)["evaluations.grades"]
    assert grades.count == 2
    assert grades.url == f"/t/{tctx.slug}/evaluations/{campaign.id}/results"
    # A member who is a subject decides only about the other one.
    assert _items(app, actor(cast.members[1]), tctx)["evaluations.grades"].count == 1
    service.decide_grade(committee, tctx, subjects[0].id, GradeInput("competent"))
    assert _items(app, committee, tctx)["evaluations.grades"].count == 1
    for who in (rep, office):
        assert "evaluations.grades" not in _items(app, who, tctx)
    with tenant_context(world.other.id):
        assert _items(app, actor(world.users["other_admin"]), world.other) == {}


def test_the_office_is_told_of_a_campaign_due_to_open(app, clock, cast, tctx, office):
    campaign = _campaign(cast, tctx, office)  # opens on 2025-12-01, the clock says the 15th
    waiting = _items(app, office, tctx)["evaluations.to_open"]
    assert waiting.count == 1 and waiting.urgent
    assert waiting.url == f"/t/{tctx.slug}/evaluations/{campaign.id}"
    assert _items(app, cast.actors[0], tctx) == {}
