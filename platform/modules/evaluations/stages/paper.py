"""Paper forms (纸质《民主评议表》), keyed in by two tellers with the annual session's double
tally: a batch (a pile of forms of one rater category) names its two tellers; each keys in every
form of the pile; only when both entries agree do the forms count, and a mismatch is shown (which
form, which subject — not what was typed) until a teller corrects their entry or the group has
both keyed again.

Anonymity as online (ARCHITECTURE.md §6): a teller's entry is one sealed value under the
campaign's own key (no row per form, no time); on agreement the forms are shuffled and sealed
into the pool exactly as online answers are (`release._pool`, the batch's category in the clear),
and both entries are deleted in the same transaction. The worker then releases them with the
online answers, in batches of at least K per subject and category."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.db import anonymous, db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations.inputs import PaperBatchInput, PaperEntryInput
from lianxin.modules.evaluations.models import (
    Campaign,
    CampaignState,
    PaperBatch,
    PaperEntry,
    PaperState,
    Rater,
    Receipt,
    Shape,
)
from lianxin.modules.evaluations.stages.answering import _clean_answers
from lianxin.modules.evaluations.stages.common import (
    CATEGORY_LABELS,
    _audit,
    _get,
    _require_runner,
    _subjects,
    can_run,
    get_campaign,
)
from lianxin.modules.evaluations.stages.release import _pool
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

PAPER_SHAPES = (Shape.COMMITTEE, Shape.DEPARTMENTS)


def _paper_box(campaign: Campaign, batch: PaperBatch) -> anonymous.Box:
    """A batch entry's box: the campaign's salt, its own kind, one size for the batch."""
    if campaign.seal_salt is None:
        raise Conflict(_("评议未在进行中"))
    per_answer = 96 + 48 * len(campaign.dimensions)
    size = 64 + batch.forms * (16 + per_answer * max(len(_subjects(campaign)), 1))
    return anonymous.Box(
        "evaluation-paper", campaign.tenant_id, campaign.id, bytes(campaign.seal_salt), size
    )


def _member_user(township: Township, user_id: int) -> int:
    found = db.session.scalar(
        select(Membership.user_id).where(
            Membership.tenant_id == township.id, Membership.user_id == user_id
        )
    )
    if found is None:
        raise NotFound(_("未找到该人员"))
    return int(found)


def paper_available(campaign: Campaign, category: str) -> int:
    """Paper forms of a category still to be keyed: handed out, less those in batches."""
    handed = db.session.scalar(
        select(func.count())
        .select_from(Receipt)
        .join(Rater, (Rater.id == Receipt.rater_id) & (Rater.tenant_id == Receipt.tenant_id))
        .where(
            Receipt.campaign_id == campaign.id,
            Receipt.on_paper.is_(True),
            Rater.category == category,
        )
    )
    batched = db.session.scalar(
        select(func.coalesce(func.sum(PaperBatch.forms), 0)).where(
            PaperBatch.campaign_id == campaign.id, PaperBatch.category == category
        )
    )
    return int(handed or 0) - int(batched or 0)


def batches(actor: Actor, township: Township, campaign_id: int) -> list[PaperBatch]:
    """The campaign's paper batches: for the office, the group and the tellers."""
    campaign = get_campaign(actor, township, campaign_id)
    rows = list(
        db.session.scalars(
            select(PaperBatch).where(PaperBatch.campaign_id == campaign.id).order_by(PaperBatch.id)
        )
    )
    if can_run(actor, township, campaign):
        return rows
    return [b for b in rows if actor.user_id in (b.teller1_id, b.teller2_id)]


def get_batch(actor: Actor, township: Township, batch_id: int) -> PaperBatch:
    batch = _get(PaperBatch, township, batch_id, _("未找到该批评议表"))
    campaign = get_campaign(actor, township, batch.campaign_id)
    if not (can_run(actor, township, campaign) or is_teller(actor, batch)):
        raise PermissionDenied()
    return batch


def is_teller(actor: Actor, batch: PaperBatch) -> bool:
    return actor.user_id in (batch.teller1_id, batch.teller2_id)


@use_case
def create_batch(
    actor: Actor, township: Township, campaign_id: int, data: PaperBatchInput
) -> PaperBatch:
    """A pile of paper forms of one category and its two tellers (the office or the group),
    while the campaign is open; no more forms than the raters of that category handed one and
    not yet in a batch."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_runner(actor, township, campaign)
    if campaign.state != CampaignState.OPEN:
        raise Conflict(_("评议未在进行中"))
    if campaign.shape not in PAPER_SHAPES:
        raise Conflict(_("本类评议不使用纸质评议表"))
    errors: dict[str, list[str]] = {}
    if data.teller1_id == data.teller2_id:
        errors["teller2_id"] = [_("两名录入人须是不同的人")]
    available = paper_available(campaign, data.category)
    if data.forms > available:
        errors["forms"] = [
            _(
                "%(c)s已领取、尚未录入的纸质评议表只有 %(n)d 份",
                c=CATEGORY_LABELS.get(data.category, data.category),
                n=max(available, 0),
            )
        ]
    if db.session.scalar(
        select(PaperBatch.id).where(
            PaperBatch.campaign_id == campaign.id, PaperBatch.label == data.label
        )
    ):
        errors["label"] = [_("已有同名的一批评议表")]
    if errors:
        raise ValidationFailed(errors=errors)
    batch = PaperBatch(
        campaign_id=campaign.id,
        label=data.label,
        category=data.category,
        forms=data.forms,
        teller1_id=_member_user(township, data.teller1_id),
        teller2_id=_member_user(township, data.teller2_id),
        state=PaperState.ENTERING,
    )
    db.session.add(batch)
    db.session.flush()
    _audit(
        "paper_batch",
        actor,
        township,
        "evaluation_paper_batch",
        batch.id,
        category=data.category,
        forms=data.forms,
    )
    return batch


def _clean_forms(
    township: Township, campaign: Campaign, batch: PaperBatch, data: PaperEntryInput
) -> list[list[dict[str, Any]]]:
    """Every form as the online check would take it (scores in the scale, or “无法评价”), no
    comment keyed; as many forms as the batch has. Errors are named `<form>.<subject>.<field>`."""
    if len(data.forms) != batch.forms:
        raise ValidationFailed(
            errors={
                "forms": [_("这批共 %(n)d 份，录入了 %(m)d 份", n=batch.forms, m=len(data.forms))]
            }
        )
    subs = _subjects(campaign)
    known = {s.id for s in subs}
    errors: dict[str, list[str]] = {}
    out: list[list[dict[str, Any]]] = []
    for n, form in enumerate(data.forms, start=1):
        for answer in form.answers:
            if answer.subject_id not in known:
                errors[f"{n}.subject_id"] = [_("不是本次评议的评议对象")]
            if (answer.comment or "").strip():
                errors[f"{n}.{answer.subject_id}.comment"] = [_("纸质评议表不录入意见")]
        if errors:
            continue
        try:
            clean = _clean_answers(campaign, subs, form.answers)
        except ValidationFailed as exc:
            for key, messages in exc.errors.items():
                errors[f"{n}.{key}"] = [_("第 %(n)d 份：", n=n) + str(m) for m in messages]
            continue
        out.append(clean)
    if errors:
        raise ValidationFailed(_("请按纸质评议表核对后重新录入"), errors=errors)
    return out


@dataclass
class Mismatch:
    form: int  # the place in the pile, from 1
    subject: str


@dataclass
class TallyStatus:
    state: str  # "waiting" (fewer than two entries), "mismatch", "agreed"
    entered: list[int]  # the tellers (user ids) who have keyed in
    mismatches: list[Mismatch]


def _opened(campaign: Campaign, batch: PaperBatch) -> dict[int, list[Any]]:
    box = _paper_box(campaign, batch)
    return {
        e.teller_id: box.open(e.sealed, batch.id)["forms"]
        for e in db.session.scalars(select(PaperEntry).where(PaperEntry.batch_id == batch.id))
    }


def _differences(campaign: Campaign, a: list[Any], b: list[Any]) -> list[Mismatch]:
    names = {s.id: s.name for s in _subjects(campaign)}
    out = []
    for n, (form_a, form_b) in enumerate(zip(a, b, strict=True), start=1):
        by_subject_b = {x["subject_id"]: x for x in form_b}
        for answer in form_a:
            if by_subject_b.get(answer["subject_id"]) != answer:
                out.append(Mismatch(n, names.get(answer["subject_id"], "")))
    return out


@use_case
def enter_paper(
    actor: Actor, township: Township, batch_id: int, data: PaperEntryInput
) -> TallyStatus:
    """One teller keys in every form of the batch (again, to correct it). When both entries
    agree the forms are shuffled and sealed into the pool like online answers, the entries are
    deleted, and the batch counts; otherwise the mismatch is shown."""
    batch = _get(PaperBatch, township, batch_id, _("未找到该批评议表"))
    campaign = get_campaign(actor, township, batch.campaign_id)
    if not is_teller(actor, batch):
        raise PermissionDenied(_("只有指定的录入人可以录入"))
    if batch.state != PaperState.ENTERING:
        raise Conflict(_("这批评议表已经核对一致并计入"))
    if campaign.state != CampaignState.OPEN:
        raise Conflict(_("评议未在进行中"))
    forms = _clean_forms(township, campaign, batch, data)
    sealed = _paper_box(campaign, batch).seal({"forms": forms}, batch.id)
    mine = db.session.scalar(
        select(PaperEntry).where(
            PaperEntry.batch_id == batch.id, PaperEntry.teller_id == actor.user_id
        )
    )
    if mine is None:
        db.session.add(PaperEntry(batch_id=batch.id, teller_id=actor.user_id, sealed=sealed))
    else:
        mine.sealed = sealed
    db.session.flush()
    entries = _opened(campaign, batch)
    status = _status(campaign, batch, entries)
    if status.state == "agreed":
        chooser = random.SystemRandom()
        agreed = list(forms)
        chooser.shuffle(agreed)
        for form in agreed:
            _pool(campaign, [dict(a) for a in form], category=batch.category)
        db.session.execute(delete(PaperEntry).where(PaperEntry.batch_id == batch.id))
        batch.state = PaperState.AGREED
        _audit(
            "paper_agreed",
            actor,
            township,
            "evaluation_paper_batch",
            batch.id,
            forms=batch.forms,
        )
        return TallyStatus("agreed", [], [])
    _audit("paper_entry", actor, township, "evaluation_paper_batch", batch.id)
    return status


def _status(campaign: Campaign, batch: PaperBatch, entries: dict[int, list[Any]]) -> TallyStatus:
    if batch.state == PaperState.AGREED:
        return TallyStatus("agreed", [], [])
    tellers = sorted(entries)
    if len(entries) < 2:
        return TallyStatus("waiting", tellers, [])
    a, b = entries[batch.teller1_id], entries[batch.teller2_id]
    differences = _differences(campaign, a, b)
    if not differences:
        return TallyStatus("agreed", tellers, [])
    return TallyStatus("mismatch", tellers, differences)


def paper_status(actor: Actor, township: Township, batch_id: int) -> TallyStatus:
    """Whether both tellers have keyed the batch in and agree; a mismatch names the form (its
    place in the pile) and the subject, never what either teller typed."""
    batch = get_batch(actor, township, batch_id)
    campaign = _get(Campaign, township, batch.campaign_id, _("未找到该评议活动"))
    if batch.state == PaperState.AGREED:
        return TallyStatus("agreed", [], [])
    return _status(campaign, batch, _opened(campaign, batch))


@use_case
def reset_paper(actor: Actor, township: Township, batch_id: int) -> PaperBatch:
    """The group (or the office) has the batch keyed in again: both entries are cleared."""
    batch = _get(PaperBatch, township, batch_id, _("未找到该批评议表"))
    campaign = get_campaign(actor, township, batch.campaign_id)
    _require_runner(actor, township, campaign)
    if batch.state != PaperState.ENTERING:
        raise Conflict(_("这批评议表已经核对一致并计入"))
    db.session.execute(delete(PaperEntry).where(PaperEntry.batch_id == batch.id))
    _audit("paper_reset", actor, township, "evaluation_paper_batch", batch.id)
    return batch


def teller_choices(actor: Actor, township: Township) -> list[User]:
    """The township's people with an account (members): tellers are chosen among them."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.tenant_id == township.id)
            .distinct()
            .order_by(User.id)
        )
    )
