"""Raters beyond representatives (001 张家港: 不是党代表的机关干部、所辖村的党组织书记和村民委员会
主任、直属单位负责人): named by the office, each answering through a one-time link, released and
counted per category. A category with fewer than K answers is not shown apart: at the close the
small categories of a subject go together (合并) when together they reach K, and are withheld,
unopened, when they do not — so no released answer is one of fewer than K of its category."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import GuestRaterInput
from lianxin.modules.evaluations.models import Answer, PooledAnswer, Rater
from tests.modules.evaluations import steps

K = 3


@pytest.fixture
def k3(world, tctx):
    steps.settings(world, tctx, min_answers=K, answer_batch=K)


def _run(cast, tctx, office, guests: dict[str, int], reps: int):
    """A committee campaign; `guests` raters of each category named; `reps` representatives
    and every guest answer; closed and counted. Returns the campaign and its first subject."""
    campaign = steps.campaign(cast, tctx, office)
    for category, n in guests.items():
        for i in range(n):
            service.add_guest(
                office, tctx, campaign.id, GuestRaterInput(name=f"{category}{i}", category=category)
            )
    links = service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(reps):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, steps.answers(campaign, subjects, 9)
        )
    guest_links = [link for link in links if link.rater.guest_name is not None]
    assert len(guest_links) == sum(guests.values())
    for link in guest_links:
        service.submit_by_link(tctx, link.token, steps.answers(campaign, subjects, 3))
    db.session.commit()
    pooled = set(db.session.scalars(select(PooledAnswer.category)))
    assert pooled == {"representative", *guests}  # the category rides along, in the clear
    service.close_campaign(office, tctx, campaign.id)
    return campaign, subjects[0]


def test_guests_are_named_on_a_draft_of_a_representatives_campaign(clock, cast, tctx, office):
    duty = steps.campaign(cast, tctx, office, shape="duty")
    with pytest.raises(Conflict):
        service.add_guest(office, tctx, duty.id, GuestRaterInput("李干部", "agency_cadre"))
    campaign = steps.campaign(cast, tctx, office)
    guest = service.add_guest(office, tctx, campaign.id, GuestRaterInput("李干部", "agency_cadre"))
    with pytest.raises(ValidationFailed):
        service.add_guest(office, tctx, campaign.id, GuestRaterInput("李干部", "agency_cadre"))
    assert guest.category == "agency_cadre" and guest.representative_id is None
    service.remove_guest(office, tctx, guest.id)
    service.add_guest(office, tctx, campaign.id, GuestRaterInput("赵书记", "village_head"))
    links = service.open_campaign(office, tctx, campaign.id)
    assert [link.name for link in links if link.rater.guest_name] == ["赵书记"]
    assert service.category_counts(campaign) == {"representative": 30, "village_head": 1}
    assert db.session.scalar(select(Rater.category).where(Rater.guest_name == "赵书记")) == (
        "village_head"
    )


def test_a_category_of_k_is_shown_apart_and_one_of_k_minus_1_is_not(clock, cast, tctx, office, k3):
    # 党代表 3, 机关干部 3 (K), 村书记/主任 2 (K−1, alone below K): withheld unopened.
    _campaign, subject = _run(
        cast, tctx, office, {"agency_cadre": K, "village_head": K - 1}, reps=K
    )
    result = service.subject_result(office, tctx, subject.id)
    assert result.shown and result.count == 2 * K  # the two K-groups; the K−1 never opened
    by = {c.category: c for c in result.categories}
    assert set(by) == {"representative", "agency_cadre"}
    assert by["representative"].shown and by["representative"].weighted_mean == 9.0
    assert by["agency_cadre"].shown and by["agency_cadre"].count == K
    assert by["agency_cadre"].weighted_mean == 3.0
    categories = set(
        db.session.scalars(select(Answer.category).where(Answer.subject_id == subject.id))
    )
    assert categories == {"representative", "agency_cadre"}


def test_small_categories_go_together_when_together_they_reach_k(clock, cast, tctx, office, k3):
    # 机关干部 2 and 单位负责人 1: neither is K, together they are — released as 合并, no label.
    _campaign, subject = _run(cast, tctx, office, {"agency_cadre": 2, "unit_head": 1}, reps=K)
    result = service.subject_result(office, tctx, subject.id)
    assert result.count == K + 3
    by = {c.category: c for c in result.categories}
    assert set(by) == {"representative", None}
    assert by[None].label == service.MERGED_LABEL and by[None].shown and by[None].count == 3
    rows = db.session.scalars(select(Answer.category).where(Answer.subject_id == subject.id)).all()
    assert "agency_cadre" not in rows and "unit_head" not in rows


def test_a_category_with_cannot_evaluate_below_k_grades_is_not_shown_apart(
    clock, cast, tctx, office, k3
):
    from lianxin.modules.evaluations.inputs import AnswerInput

    campaign = steps.campaign(cast, tctx, office)
    for i in range(K):
        service.add_guest(office, tctx, campaign.id, GuestRaterInput(f"干部{i}", "agency_cadre"))
    links = service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(K):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, steps.answers(campaign, subjects)
        )
    for n, link in enumerate(link for link in links if link.rater.guest_name):
        answers = steps.answers(campaign, subjects, 5)
        if n == 0:  # one of the K says 无法评价 about the first subject: K−1 real grades
            answers[0] = AnswerInput(subject_id=subjects[0].id, cannot_evaluate=True)
        service.submit_by_link(tctx, link.token, answers)
    service.close_campaign(office, tctx, campaign.id)
    first = {c.category: c for c in service.subject_result(office, tctx, subjects[0].id).categories}
    assert not first["agency_cadre"].shown and first["agency_cadre"].count == 0
    assert first["agency_cadre"].weighted_mean is None
    second = {
        c.category: c for c in service.subject_result(office, tctx, subjects[1].id).categories
    }
    assert second["agency_cadre"].shown and second["agency_cadre"].count == K
