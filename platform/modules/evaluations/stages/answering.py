"""Answering: from an account, a one-time link or a public code; sealed with the receipt."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations.errors import (
    AlreadyAnswered,
    OutsidePeriod,
)
from lianxin.modules.evaluations.inputs import AnswerInput, CodesInput
from lianxin.modules.evaluations.models import (
    Campaign,
    CampaignState,
    Grade,
    PublicCode,
    Rater,
    Receipt,
    Shape,
    Subject,
)
from lianxin.modules.evaluations.stages.common import (
    COMMENT_MAX,
    _audit,
    _digest,
    _get,
    _require_office,
    _subjects,
    cannot_evaluate_offered,
    get_campaign,
)
from lianxin.modules.evaluations.stages.release import (
    _pool,
)
from lianxin.modules.kit import today as today_in_china
from lianxin.people.models import PartyMember, Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def rater_of(actor: Actor, township: Township, campaign: Campaign) -> Rater | None:
    rep = casework.representative_of(actor, township)
    if rep is None:
        return None
    return db.session.scalar(
        select(Rater).where(Rater.campaign_id == campaign.id, Rater.representative_id == rep.id)
    )


def rater_by_link(township: Township, token: str | None) -> tuple[Campaign, Rater]:
    rater = db.session.scalar(select(Rater).where(Rater.token_hash == _digest(token or "")))
    if rater is None:
        raise NotFound(_("链接无效或已失效"))
    campaign = _get(Campaign, township, rater.campaign_id, _("链接无效或已失效"))
    return campaign, rater


def form_subjects(township: Township, campaign: Campaign, rater: Rater | None) -> list[Subject]:
    """The subjects this rater answers about: a party member rates the representatives of their
    own branch; everyone else every subject."""
    subs = _subjects(campaign)
    if rater is not None and rater.party_member_id is not None:
        member = db.session.get(PartyMember, (township.id, rater.party_member_id))
        reps = {
            r.id
            for r in db.session.scalars(
                select(Representative).where(
                    Representative.branch_id == (member.branch_id if member else -1)
                )
            )
        }
        subs = [s for s in subs if s.representative_id in reps]
    return subs


def answered(township: Township, campaign: Campaign, rater: Rater) -> bool:
    return (
        db.session.scalar(
            select(Receipt.id).where(
                Receipt.campaign_id == campaign.id, Receipt.rater_id == rater.id
            )
        )
        is not None
    )


def _only_its_subjects(campaign: Campaign, answers: Sequence[AnswerInput]) -> None:
    """Every answer names a subject of the campaign (`answers.<n>.subject_id` otherwise)."""
    known = {s.id for s in _subjects(campaign)}
    errors = {
        f"answers.{n}.subject_id": [_("不是本次评议的评议对象")]
        for n, answer in enumerate(answers)
        if answer.subject_id not in known
    }
    if errors:
        raise ValidationFailed(errors=errors)


def _clean_answers(
    campaign: Campaign, subs: list[Subject], answers: Sequence[AnswerInput]
) -> list[dict[str, Any]]:
    """Each subject's answer: every dimension scored (an overall grade and a comment optional),
    or, where the form offers it, “无法评价” and nothing else. Every answer has the same keys,
    so that sealed they are all of one size. The scale and whether “无法评价” is offered are
    the campaign's, so these checks are here, each named by its subject."""
    errors: dict[str, list[str]] = {}
    out = []
    keys = [d["key"] for d in campaign.dimensions]
    offered = cannot_evaluate_offered(campaign)
    refused = False
    given_for = {a.subject_id: a for a in answers}
    for subject in subs:
        raw = given_for.get(subject.id) or AnswerInput(subject_id=subject.id)
        if raw.cannot_evaluate:
            given = any(v is not None for v in raw.scores.values())
            if not offered:
                refused = True
                errors[f"{subject.id}.cannot_evaluate"] = [
                    _("%(s)s：本次评议不设“无法评价”，请打分", s=subject.name)
                ]
            elif given or raw.overall or (raw.comment or "").strip():
                errors[f"{subject.id}.cannot_evaluate"] = [
                    _("%(s)s：选择“无法评价”后不再打分、评等或填写意见", s=subject.name)
                ]
            out.append(
                {
                    "subject_id": subject.id,
                    "cannot_evaluate": True,
                    "scores": {},
                    "overall": None,
                    "comment": None,
                }
            )
            continue
        scores: dict[str, int | None] = {}
        for key in keys:
            score = raw.scores.get(key)
            if score is None or not campaign.scale_min <= score <= campaign.scale_max:
                errors[f"{subject.id}.{key}"] = [
                    _(
                        "%(s)s：请打 %(a)d–%(b)d 分，或选择“无法评价”",
                        s=subject.name,
                        a=campaign.scale_min,
                        b=campaign.scale_max,
                    )
                    if offered
                    else _(
                        "%(s)s：请打 %(a)d–%(b)d 分",
                        s=subject.name,
                        a=campaign.scale_min,
                        b=campaign.scale_max,
                    )
                ]
            scores[key] = score
        overall = raw.overall or None
        if overall not in (None, *Grade):
            errors[f"{subject.id}.overall"] = [_("请选择优秀、称职或不称职")]
        comment = _printable(raw.comment or "").strip() or None
        if comment and len(comment) > COMMENT_MAX:
            errors[f"{subject.id}.comment"] = [_("意见过长（不超过500字）")]
        out.append(
            {
                "subject_id": subject.id,
                "cannot_evaluate": False,
                "scores": scores,
                "overall": overall,
                "comment": comment,
            }
        )
    if errors:
        if refused:
            raise ValidationFailed(_("本次评议不设“无法评价”，请为每个评议对象打分"), errors=errors)
        raise ValidationFailed(errors=errors)
    return out


def _check_period(campaign: Campaign, given: date | None) -> None:
    if campaign.state != CampaignState.OPEN:
        raise OutsidePeriod(_("评议未在进行中"))
    day = today_in_china(given)
    if not campaign.opens_on <= day <= campaign.closes_on:
        raise OutsidePeriod(
            _(
                "评议时间为 %(a)s 至 %(b)s",
                a=campaign.opens_on.isoformat(),
                b=campaign.closes_on.isoformat(),
            )
        )


def _printable(text: str) -> str:
    """Control characters out (a line break stays): each character then seals in 4 bytes."""
    return "".join(c for c in text if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127))


def _submit(
    township: Township,
    campaign: Campaign,
    rater: Rater,
    answers: Sequence[AnswerInput],
    today: date | None,
) -> None:
    _check_period(campaign, today)
    clean = _clean_answers(campaign, form_subjects(township, campaign, rater), answers)
    # That this rater has answered (unique: a second answer is refused), and what, sealed.
    _pool(campaign, clean, category=rater.category)
    db.session.add(Receipt(campaign_id=campaign.id, rater_id=rater.id))
    try:
        db.session.flush()
    except IntegrityError:
        raise AlreadyAnswered(_("您已经提交过评议")) from None  # @use_case rolls back


@use_case
def submit_by_account(
    actor: Actor,
    township: Township,
    campaign_id: int,
    answers: Sequence[AnswerInput],
    *,
    today: date | None = None,
) -> None:
    """An eligible representative answers from their account: one answer per subject of the
    form, once, in the period."""
    campaign = get_campaign(actor, township, campaign_id)
    _only_its_subjects(campaign, answers)
    rater = rater_of(actor, township, campaign)
    if rater is None:
        raise PermissionDenied(_("您不在本次评议的评议人之列"))
    _submit(township, campaign, rater, answers, today)


@use_case
def submit_by_link(
    township: Township,
    token: str | None,
    answers: Sequence[AnswerInput],
    *,
    today: date | None = None,
) -> None:
    """A rater answers through their one-time link (its secret from the signed session)."""
    campaign, rater = rater_by_link(township, token)
    _only_its_subjects(campaign, answers)
    _submit(township, campaign, rater, answers, today)


@use_case
def issue_codes(actor: Actor, township: Township, campaign_id: int, data: CodesInput) -> list[str]:
    """One-answer codes for public satisfaction (printed on station QR cards); shown once."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_office(actor, township)
    if campaign.shape != Shape.PUBLIC:
        raise Conflict(_("只有群众满意度测评使用测评码"))
    number = data.count
    codes = [secrets.token_urlsafe(9) for _n in range(number)]
    for code in codes:
        db.session.add(PublicCode(campaign_id=campaign.id, code_hash=_digest(code)))
    _audit("codes", actor, township, "evaluation_campaign", campaign.id, count=number)
    return codes


@use_case
def code_for_case(actor: Actor, township: Township, campaign_id: int, case_id: int) -> str:
    """A code for the person whose case was answered, to rate their satisfaction once."""
    campaign = get_campaign(actor, township, campaign_id)
    case = casework.get_case(actor, township, case_id)
    _require_office(actor, township)
    if campaign.shape != Shape.PUBLIC:
        raise Conflict(_("只有群众满意度测评使用测评码"))
    if db.session.scalar(
        select(PublicCode.id).where(
            PublicCode.campaign_id == campaign.id, PublicCode.case_id == case.id
        )
    ):
        raise Conflict(_("该诉求已发过测评码"))
    code = secrets.token_urlsafe(9)
    db.session.add(PublicCode(campaign_id=campaign.id, code_hash=_digest(code), case_id=case.id))
    return code


def public_campaign(township: Township, campaign_id: int) -> Campaign:
    campaign = _get(Campaign, township, campaign_id, _("未找到该测评"))
    if campaign.shape != Shape.PUBLIC or campaign.state == CampaignState.DRAFT:
        raise NotFound(_("未找到该测评"))
    return campaign


@use_case
def submit_public(
    township: Township,
    campaign_id: int,
    code: str | None,
    answers: Sequence[AnswerInput],
    *,
    today: date | None = None,
) -> None:
    """Anyone with an unused one-answer code answers a public satisfaction campaign."""
    campaign = public_campaign(township, campaign_id)
    _only_its_subjects(campaign, answers)
    _check_period(campaign, today)
    clean = _clean_answers(campaign, _subjects(campaign), answers)
    claimed = db.session.execute(
        update(PublicCode)
        .where(
            PublicCode.campaign_id == campaign.id,
            PublicCode.code_hash == _digest(code or ""),
            PublicCode.used.is_(False),
        )
        .values(used=True)
        .returning(PublicCode.id)
    ).first()
    if claimed is None:
        raise AlreadyAnswered(_("测评码无效或已使用"))
    _pool(campaign, clean)
