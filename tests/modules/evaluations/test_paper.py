"""Paper forms (纸质《民主评议表》) with the annual session's double tally: raters handed a form
answer on paper only; a batch of forms of one category names two tellers, each keys in every
form; only when both entries agree do the forms count; a mismatch is shown (which form, which
subject, never what was typed) until corrected or reset. An entry is sealed (no row per form,
no time); on agreement the forms are shuffled into the same sealed pool as online answers and
the entries are deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from lianxin.db import db
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import (
    AnswerInput,
    PaperBatchInput,
    PaperEntryInput,
    PaperFormInput,
    PaperHandOutInput,
)
from lianxin.modules.evaluations.models import PaperEntry, PooledAnswer, Receipt
from tests.factories import actor
from tests.modules.evaluations import steps


def _forms(campaign, subjects, scores: list[int]) -> PaperEntryInput:
    return PaperEntryInput(
        forms=tuple(
            PaperFormInput(answers=tuple(steps.answers(campaign, subjects, score)))
            for score in scores
        )
    )


@pytest.fixture
def opened(clock, cast, tctx, office, world):
    campaign = steps.campaign(cast, tctx, office)
    links = service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    db.session.commit()
    return campaign, links, subjects


def _tellers(world):
    return world.users["township_staff"], world.users["township_admin"]


def test_a_rater_answers_online_or_on_paper_never_both(opened, cast, tctx, office):
    campaign, links, subjects = opened
    service.submit_by_account(cast.actors[0], tctx, campaign.id, steps.answers(campaign, subjects))
    first, second = links[0].rater.id, links[1].rater.id
    # The office probing one rater learns nothing: who answered online is never told (the same
    # answer as for a rater who has not), and no second receipt is written for him.
    answered = service.hand_out_paper(office, tctx, campaign.id, PaperHandOutInput((first,)))
    assert answered == 1
    assert service.paper_available(campaign, "representative") == 0
    assert service.hand_out_paper(office, tctx, campaign.id, PaperHandOutInput((second,))) == 1
    assert service.paper_available(campaign, "representative") == 1
    with pytest.raises(service.AlreadyAnswered):  # has a paper form: not online as well
        service.submit_by_account(
            cast.actors[1], tctx, campaign.id, steps.answers(campaign, subjects)
        )
    receipts = {r.rater_id: r.on_paper for r in db.session.scalars(select(Receipt))}
    assert receipts == {first: False, second: True}
    assert service.participation(office, tctx, campaign.id).answered == 2


def test_a_batch_has_no_more_forms_than_handed_out(opened, tctx, office, world):
    campaign, links, _subjects = opened
    ids = tuple(link.rater.id for link in links[:4])
    service.hand_out_paper(office, tctx, campaign.id, PaperHandOutInput(ids))
    one, two = (u.id for u in _tellers(world))
    with pytest.raises(ValidationFailed) as same:
        service.create_batch(
            office, tctx, campaign.id, PaperBatchInput("甲", "representative", 1, one, one)
        )
    assert "teller2_id" in same.value.errors
    with pytest.raises(ValidationFailed) as over:  # N+1
        service.create_batch(
            office, tctx, campaign.id, PaperBatchInput("甲", "representative", 5, one, two)
        )
    assert "forms" in over.value.errors
    with pytest.raises(ValidationFailed):  # no 机关干部 was handed a form
        service.create_batch(
            office, tctx, campaign.id, PaperBatchInput("乙", "agency_cadre", 1, one, two)
        )
    service.create_batch(
        office, tctx, campaign.id, PaperBatchInput("甲", "representative", 3, one, two)
    )
    with pytest.raises(ValidationFailed):  # 4 handed, 3 in a batch: 2 more is one too many
        service.create_batch(
            office, tctx, campaign.id, PaperBatchInput("乙", "representative", 2, one, two)
        )
    service.create_batch(
        office, tctx, campaign.id, PaperBatchInput("乙", "representative", 1, one, two)
    )


def test_two_tellers_must_agree_before_the_forms_count(opened, cast, tctx, office, world):
    campaign, links, subjects = opened
    service.hand_out_paper(
        office, tctx, campaign.id, PaperHandOutInput(tuple(link.rater.id for link in links[:5]))
    )
    first, second = _tellers(world)
    batch = service.create_batch(
        office,
        tctx,
        campaign.id,
        PaperBatchInput("第一票箱", "representative", 5, first.id, second.id),
    )
    db.session.commit()
    # Only the named tellers key in; every form of the batch, no comment.
    with pytest.raises(PermissionDenied):
        service.enter_paper(cast.actors[3], tctx, batch.id, _forms(campaign, subjects, [8] * 5))
    with pytest.raises(ValidationFailed) as short:
        service.enter_paper(actor(first), tctx, batch.id, _forms(campaign, subjects, [8] * 4))
    assert "forms" in short.value.errors
    commented = _forms(campaign, subjects, [8] * 5)
    bad = PaperEntryInput(
        forms=(
            PaperFormInput(
                answers=(
                    AnswerInput(
                        subject_id=subjects[0].id,
                        scores={d["key"]: 8 for d in campaign.dimensions},
                        comment="意见",
                    ),
                    *steps.answers(campaign, subjects[1:]),
                )
            ),
            *commented.forms[1:],
        )
    )
    with pytest.raises(ValidationFailed):
        service.enter_paper(actor(first), tctx, batch.id, bad)
    scores = [9, 8, 7, 6, 5]
    assert (
        service.enter_paper(actor(first), tctx, batch.id, _forms(campaign, subjects, scores)).state
        == "waiting"
    )
    typo = [9, 8, 7, 6, 4]  # the fifth form misread
    status = service.enter_paper(actor(second), tctx, batch.id, _forms(campaign, subjects, typo))
    assert status.state == "mismatch"
    assert [(m.form, m.subject) for m in status.mismatches] == [(5, s.name) for s in subjects]
    assert db.session.scalar(select(PooledAnswer.id)) is None  # nothing counts yet
    # The group has both key in again: the entries go.
    service.reset_paper(office, tctx, batch.id)
    assert service.paper_status(office, tctx, batch.id).state == "waiting"
    assert db.session.scalar(select(PaperEntry.id)) is None
    service.enter_paper(actor(first), tctx, batch.id, _forms(campaign, subjects, scores))
    status = service.enter_paper(actor(second), tctx, batch.id, _forms(campaign, subjects, scores))
    assert status.state == "agreed"
    db.session.commit()
    with pytest.raises(Conflict):
        service.enter_paper(actor(first), tctx, batch.id, _forms(campaign, subjects, scores))
    # Sealed into the pool like online answers (one size), the entries gone.
    pooled = db.session.scalars(select(PooledAnswer)).all()
    assert len(pooled) == 5 * len(subjects) and {p.category for p in pooled} == {"representative"}
    assert len({len(bytes(p.sealed)) for p in pooled}) == 1
    assert db.session.scalar(select(PaperEntry.id)) is None
    service.close_campaign(office, tctx, campaign.id)
    result = service.subject_result(office, tctx, subjects[0].id)
    assert result.count == 5 and result.weighted_mean == 7.0


def test_an_entry_is_sealed_with_no_row_per_form_and_no_time(opened, tctx, office, world):
    campaign, links, subjects = opened
    service.hand_out_paper(
        office, tctx, campaign.id, PaperHandOutInput(tuple(link.rater.id for link in links[:3]))
    )
    first, second = _tellers(world)
    batch = service.create_batch(
        office, tctx, campaign.id, PaperBatchInput("甲", "representative", 3, first.id, second.id)
    )
    service.enter_paper(actor(first), tctx, batch.id, _forms(campaign, subjects, [10, 2, 6]))
    db.session.commit()
    columns = {c.name for c in inspect(PaperEntry).local_table.columns}
    assert columns == {"tenant_id", "id", "batch_id", "teller_id", "sealed"}
    (sealed,) = db.session.scalars(select(PaperEntry.sealed)).all()
    for needle in (b'"scores"', b'"overall"', b"competent", b'"subject_id"'):
        assert needle not in bytes(sealed)
    # A mismatch names the form and the subject, never what either teller typed.
    status = service.enter_paper(
        actor(second), tctx, batch.id, _forms(campaign, subjects, [10, 3, 6])
    )
    assert status.state == "mismatch"
    assert all(set(vars(m)) == {"form", "subject"} for m in status.mismatches)
