"""The release rule of sealed answers (lianxin.db.anonymous) at its boundaries: with K = 3 and a
batch of 3, a subject's answers stay sealed at K + batch − 1 pending and 3 come out at K + batch
(K held back); the close releases the rest, never fewer than K, and opens nothing of a subject
with fewer than K answers in all; a second release finds nothing; a setting lowered while the
campaign runs changes nothing for it. Sealing itself: one length whatever the answer, a key of
its own per campaign, bytes moved to another subject or campaign do not open."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.db import anonymous, db
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import AnswerInput, CampaignInput, SubjectInput
from lianxin.modules.evaluations.models import Answer, PooledAnswer
from lianxin.tenants import service as tenants
from tests.factories import actor


def _count(model, subject_id):
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.subject_id == subject_id)
    )


def _settings(world, tctx, **values):
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "evaluations", values)


def _open(cast, tctx, office):
    campaign = service.create_campaign(
        office,
        tctx,
        CampaignInput(
            title=f"评议{uuid.uuid4().hex[:6]}",
            shape="committee",
            opens_on=date(2025, 12, 1),
            closes_on=date(2026, 1, 15),
        ),
    )
    service.add_subject(office, tctx, campaign.id, SubjectInput(user_id=cast.members[0].id))
    service.open_campaign(office, tctx, campaign.id)
    (subject,) = service.subjects(office, tctx, campaign.id)
    return campaign, subject


def _answer(cast, tctx, campaign, subject, i, comment=None):
    service.submit_by_account(
        cast.actors[i],
        tctx,
        campaign.id,
        [
            AnswerInput(
                subject_id=subject.id,
                scores={d["key"]: 1 + i % 10 for d in campaign.dimensions},
                overall="competent",
                comment=comment,
            )
        ],
    )


def test_answers_stay_sealed_below_k_plus_batch_and_k_is_held_back(
    clock, cast, tctx, office, world
):
    _settings(world, tctx, min_answers=3, answer_batch=3)
    campaign, subject = _open(cast, tctx, office)
    assert (campaign.min_answers, campaign.answer_batch) == (3, 3)
    for i in range(5):
        _answer(cast, tctx, campaign, subject, i)
    assert service.release_answers(tctx, campaign.id) == 0  # 5 = K + batch − 1: nothing
    assert (_count(PooledAnswer, subject.id), _count(Answer, subject.id)) == (5, 0)
    _answer(cast, tctx, campaign, subject, 5)
    assert service.release_answers(tctx, campaign.id) == 3  # 6 = K + batch: all but K
    assert (_count(PooledAnswer, subject.id), _count(Answer, subject.id)) == (3, 3)
    assert service.release_answers(tctx, campaign.id) == 0  # run again: nothing twice
    _answer(cast, tctx, campaign, subject, 6)
    service.close_campaign(office, tctx, campaign.id)
    assert (_count(PooledAnswer, subject.id), _count(Answer, subject.id)) == (0, 7)
    assert service.release_answers(tctx, campaign.id) == 0  # closed: the count did it
    assert service.participation(office, tctx, campaign.id).answered == 7


@pytest.mark.parametrize(("answers", "shown"), [(2, False), (3, True)])
def test_a_subject_below_k_in_all_is_never_opened(clock, cast, tctx, office, world, answers, shown):
    _settings(world, tctx, min_answers=3, answer_batch=3)
    campaign, subject = _open(cast, tctx, office)
    for i in range(answers):
        _answer(cast, tctx, campaign, subject, i)
    service.close_campaign(office, tctx, campaign.id)
    assert _count(PooledAnswer, subject.id) == 0
    assert _count(Answer, subject.id) == (answers if shown else 0)
    (result,) = service.results(office, tctx, campaign.id)
    assert result.shown is shown
    assert service.participation(office, tctx, campaign.id).answered == answers


def test_k_and_batch_lowered_during_the_campaign_change_nothing_for_it(
    clock, cast, tctx, office, world
):
    _settings(world, tctx, min_answers=5, answer_batch=5)
    campaign, subject = _open(cast, tctx, office)
    _settings(world, tctx, min_answers=3, answer_batch=3)
    for i in range(9):
        _answer(cast, tctx, campaign, subject, i)
    assert service.release_answers(tctx, campaign.id) == 0  # 9 < 5 + 5 frozen
    _answer(cast, tctx, campaign, subject, 9)
    assert service.release_answers(tctx, campaign.id) == 5
    db.session.refresh(campaign)
    assert (campaign.min_answers, campaign.answer_batch) == (5, 5)


def test_every_sealed_answer_of_a_campaign_has_one_length(clock, cast, tctx, office, world):
    campaign, subject = _open(cast, tctx, office)
    _answer(cast, tctx, campaign, subject, 0, comment=None)
    _answer(cast, tctx, campaign, subject, 1, comment="好")
    _answer(cast, tctx, campaign, subject, 2, comment="𠀀" * 500)  # 4 bytes a character
    _answer(cast, tctx, campaign, subject, 3, comment='"\\\n' * 166)  # escaped in JSON
    lengths = set(db.session.scalars(select(func.length(PooledAnswer.sealed))))
    assert len(lengths) == 1
    sealed = db.session.scalars(select(PooledAnswer.sealed)).all()
    assert not any(b"competent" in bytes(s) or "好".encode() in bytes(s) for s in sealed)


def test_sealed_bytes_open_only_in_their_own_campaign_and_subject(app):
    box = anonymous.Box("evaluation", 1, 7, anonymous.new_salt(), 256)
    other = anonymous.Box("evaluation", 1, 8, box.salt, 256)
    fresh_salt = anonymous.Box("evaluation", 1, 7, anonymous.new_salt(), 256)
    sealed = box.seal({"choice": "no"}, 3)
    assert box.open(sealed, 3) == {"choice": "no"}
    assert len(sealed) == box.sealed_size == len(box.seal({"choice": "abstain"}, 3))
    for wrong, group in ((box, 4), (other, 3), (fresh_salt, 3)):
        with pytest.raises(anonymous.SealBroken):
            wrong.open(sealed, group)
    with pytest.raises(ValueError):
        box.seal({"comment": "x" * 300}, 3)


def test_the_beat_sweep_releases_through_the_worker(clock, cast, tctx, office, world):
    """The periodic release runs as a Celery task per township (eager here), not in a request."""
    from lianxin.modules.evaluations import tasks

    _settings(world, tctx, min_answers=3, answer_batch=3)
    campaign, subject = _open(cast, tctx, office)
    for i in range(6):
        _answer(cast, tctx, campaign, subject, i)
    assert tasks.release_sweep.delay().get() >= 1  # one task per active township
    db.session.expire_all()
    assert (_count(PooledAnswer, subject.id), _count(Answer, subject.id)) == (3, 3)
