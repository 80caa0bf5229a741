"""The worker's release of sealed answers and the count after the close (lianxin.db.anonymous)."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.db import anonymous, db, utcnow
from lianxin.errors import Conflict
from lianxin.modules.evaluations.models import (
    Answer,
    Campaign,
    CampaignState,
    PooledAnswer,
)
from lianxin.modules.evaluations.stages.common import (
    COMMENT_MAX,
    COUNT_TOPIC,
    _k,
    _subjects,
)
from lianxin.modules.evaluations.stages.grading import (
    _result,
    grade_limits,
)
from lianxin.notify import service as notify
from lianxin.tenants.models import Township
from lianxin.usecases import commit_on_its_own


def _box(campaign: Campaign) -> anonymous.Box:
    """The campaign's sealing box: its own key; every answer pads to one size."""
    if campaign.seal_salt is None:
        raise Conflict(_("评议未在进行中"))
    size = 256 + 48 * len(campaign.dimensions) + 4 * COMMENT_MAX
    return anonymous.Box(
        "evaluation", campaign.tenant_id, campaign.id, bytes(campaign.seal_salt), size
    )


def _pool(
    campaign: Campaign, answers: list[dict[str, Any]], *, category: str | None = None
) -> None:
    """The answers, sealed, in the caller's transaction (the receipt's, the code's, or the
    tellers' agreement's), with the rater's category in the clear (the receipt tells it)."""
    box = _box(campaign)
    for answer in answers:
        subject_id = answer.pop("subject_id")
        db.session.add(
            PooledAnswer(
                campaign_id=campaign.id,
                subject_id=subject_id,
                category=category,
                sealed=box.seal(answer, subject_id),
            )
        )


def _same_category(category: str | None) -> Any:
    if category is None:
        return PooledAnswer.category.is_(None)
    return PooledAnswer.category == category


def _groups(campaign: Campaign, *, closing: bool) -> tuple[list[tuple[Any, Any]], set[Any]]:
    """The release groups: each subject's answers of one rater category (so that a category's
    figures come from at least K of its own raters). At the close, the categories of a subject
    with fewer than K answers in all go together as one group, released without a category
    (合并) when together they are K; those groups' (subject, category) pairs are returned."""
    pending: dict[tuple[int, str | None], int] = {}
    for subject_id, category in db.session.execute(
        select(PooledAnswer.subject_id, PooledAnswer.category).where(
            PooledAnswer.campaign_id == campaign.id
        )
    ):
        pending[(subject_id, category)] = pending.get((subject_id, category), 0) + 1
    k = _k(campaign)
    groups: list[tuple[Any, Any]] = []
    merged: set[Any] = set()
    for subject in _subjects(campaign):
        base = (PooledAnswer.campaign_id == campaign.id) & (PooledAnswer.subject_id == subject.id)
        mine = sorted(
            ((c, n) for (s, c), n in pending.items() if s == subject.id),
            key=lambda pair: pair[0] or "",
        )
        if len(mine) <= 1 or not closing:
            groups += [((subject.id, c), base & _same_category(c)) for c, _n in mine]
            continue
        small = [c for c, n in mine if n < k]
        groups += [((subject.id, c), base & _same_category(c)) for c, n in mine if n >= k]
        if small:
            named = [c for c in small if c is not None]
            where = PooledAnswer.category.in_(named)
            if None in small:
                where = where | PooledAnswer.category.is_(None)
            groups.append(((subject.id, "merged"), base & where))
            merged |= {(subject.id, c) for c in small}
    return groups, merged


def _release(campaign: Campaign, *, closing: bool) -> anonymous.Released:
    """Open what the rule lets out (lianxin.db.anonymous.release); the caller commits."""
    box = _box(campaign)
    groups, merged = _groups(campaign, closing=closing)
    return anonymous.release(
        PooledAnswer,
        groups,
        minimum=_k(campaign),
        batch=campaign.answer_batch,
        closing=closing,
        open_row=lambda row: box.open(row.sealed, row.subject_id),
        final_row=lambda row, content: Answer(
            campaign_id=campaign.id,
            subject_id=row.subject_id,
            category=None if (row.subject_id, row.category) in merged else row.category,
            key=str(uuid.uuid4()),
            scores=content.get("scores") or {},
            overall=content.get("overall"),
            comment=content.get("comment"),
            # Sealed before this existed, an answer is a grade.
            cannot_evaluate=bool(content.get("cannot_evaluate")),
        ),
    )


def _locked(campaign_id: int) -> Campaign | None:
    """The campaign, locked against another release of it until this transaction ends."""
    return db.session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE
        .execution_options(populate_existing=True)
    )


def release_answers(township: Township, campaign_id: int) -> int:
    """The worker's periodic release of an open campaign; commits on its own, as the release
    must not share a transaction with anything a voter did. Returns how many were released."""
    campaign = _locked(campaign_id)
    if campaign is None or campaign.state != CampaignState.OPEN:
        db.session.rollback()
        return 0
    released = _release(campaign, closing=False).released
    commit_on_its_own("a release is a transaction of its own, never a voter's")
    return released


def release_open_campaigns(township: Township) -> int:
    """Every open campaign of the township, one release transaction each (the beat sweep)."""
    ids = list(db.session.scalars(select(Campaign.id).where(Campaign.state == CampaignState.OPEN)))
    db.session.rollback()
    return sum(release_answers(township, campaign_id) for campaign_id in ids)


def count_closed(campaign_id: int) -> None:
    """After the close: release what remains (never a batch under K; a subject with fewer than
    K answers in all keeps none) and propose each subject's grade. In the caller's transaction:
    the outbox delivery that runs it commits both at once, so it happens once."""
    campaign = _locked(campaign_id)
    if campaign is None or campaign.state != CampaignState.CLOSED or campaign.counted_at:
        return
    township = db.session.get(Township, campaign.tenant_id)
    assert township is not None
    _release(campaign, closing=True)
    campaign.counted_at = utcnow()
    subjects = _subjects(campaign)
    limits = grade_limits(township, campaign, subjects)  # training absences … (duty reports)
    for subject in subjects:
        result = _result(township, campaign, subject)
        limit = limits.get(subject.id)
        proposed = limit.bounded(result.proposed_grade) if limit else result.proposed_grade
        subject.proposed_grade = proposed if result.shown else None


@notify.handler(COUNT_TOPIC)
def _count_on_close(message: Any) -> None:
    count_closed(int(message.payload["campaign_id"]))
