"""Use cases of the evaluations module (评议, DOMAIN.md §5).

A campaign has a shape (representatives evaluate the 两委委员; party members their
representative's duty report; representatives the township departments; the public a station or
the township), a period, subjects with their duty reports, and a form: dimensions with weights
scored on a scale, an overall grade (优秀 / 称职 / 不称职) and an optional comment. The form is
fixed once the campaign opens; so are the eligible raters, who answer from their account or
through a one-time link (the public through one-answer codes).

Anonymity (ARCHITECTURE.md §6, lianxin.db.anonymous): the receipt (who answered) commits with
the answers sealed under the campaign's own key, which the database never holds; the worker
releases them into `ev_answers` with fresh random keys in shuffled batches of at least K per
subject (K and the batch frozen when the campaign opens). No audit entry, log line or task
argument names a rater next to an answer. While the campaign runs the office sees only how
many have answered; results, comments and grades exist once it has closed and the worker has
counted, only from K answers a subject, comments only as a sorted list, and every reading
before publication is audited. The subject of a campaign never reads his own result before it
is published and never decides his own grade: the office proposes, committee members decide.

“无法评价” (a township setting, on by default, frozen on the campaign when it opens): a rater who
does not know a subject answers that instead of scores, and still submits the rest; every
subject needs scores or “无法评价”. It is an answer like any other to the sealing: the same
padded size, the same pool, the same batches of at least K (all answers of a subject, whatever
they say), so the database cannot tell it from a grade. It counts neither for nor against: the
scores, grades, means and proposed grade come from the real grades only, and a subject's result
is shown only from K *real* grades — with K−1 grades and any number of “无法评价” nothing is
shown, not even the two numbers (they would tell how many graded). Shown, the number of
“无法评价” stands apart; a subject every released answer of which says “无法评价” reads
“无有效评价” (with that number), never a mean of 0.
"""

from __future__ import annotations

import hashlib
import secrets
import statistics
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lianxin import spreadsheets
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.db import anonymous, db, utcnow
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations.models import (
    Answer,
    Campaign,
    CampaignState,
    Grade,
    PooledAnswer,
    PublicCode,
    Rater,
    Receipt,
    Shape,
    Subject,
)
from lianxin.notify import service as notify
from lianxin.notify.models import OutboxMessage
from lianxin.people.models import HandlingUnit, PartyMember, Representative
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

MODULE_KEY = "evaluations"
T = TypeVar("T")

DEFAULT_DIMENSIONS = [
    {"key": key, "label": label, "weight": 1}
    for key, label in (
        ("morality", "思想品德"),
        ("leadership", "领导才能"),
        ("competence", "业务素质"),
        ("policy", "政策水平"),
        ("style", "工作作风"),
        ("integrity", "廉洁自律"),
        ("teamwork", "团结协作"),
        ("discipline", "遵纪守法"),
        ("dedication", "爱岗敬业"),
        ("results", "工作实绩"),
    )
]
SHAPE_LABELS = {
    Shape.COMMITTEE: "代表评议两委委员",
    Shape.DUTY: "党员评议代表述职",
    Shape.DEPARTMENTS: "代表评议乡镇部门",
    Shape.PUBLIC: "群众满意度测评",
}
GRADE_LABELS = {Grade.EXCELLENT: "优秀", Grade.COMPETENT: "称职", Grade.INCOMPETENT: "不称职"}


class FormLocked(Conflict):
    code = "form_locked"


class AlreadyAnswered(Conflict):
    code = "already_answered"


class OutsidePeriod(Conflict):
    code = "outside_period"


class BelowThreshold(Conflict):
    code = "below_threshold"


class NotYetCounted(Conflict):
    code = "not_counted"


COUNT_TOPIC = "evaluations.count"
COMMENT_MAX = 500


def settings(township_id: int) -> dict[str, Any]:
    return tenants.effective_settings(township_id, MODULE_KEY)


def _today(today: date | None = None) -> date:
    return today or deadlines.shanghai_today()


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def _require_office(actor: Actor, township: Township) -> None:
    permissions.require_office(actor, township)


def _require_reader(actor: Actor, township: Township) -> None:
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()


def _audit(
    action: str, actor: Actor, township: Township, target: str, target_id: Any, **after: Any
) -> None:
    audit.record(
        f"evaluation.{action}",
        actor=actor,
        tenant_id=township.id,
        target_type=target,
        target_id=target_id,
        after=after or None,
    )


# --- campaigns and their form --------------------------------------------------------------------


def list_campaigns(actor: Actor, township: Township) -> list[Campaign]:
    permissions.require_member(actor, township)
    return list(
        db.session.scalars(select(Campaign).order_by(Campaign.opens_on.desc(), Campaign.id.desc()))
    )


def get_campaign(actor: Actor, township: Township, campaign_id: Any) -> Campaign:
    permissions.require_member(actor, township)
    return _get(Campaign, township, campaign_id, _("未找到该评议活动"))


def _dates(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, date]:
    out: dict[str, date] = {}
    for name in ("opens_on", "closes_on"):
        raw = data.get(name)
        try:
            out[name] = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        except ValueError:
            errors[name] = [_("日期格式不正确")]
    if len(out) == 2 and out["closes_on"] < out["opens_on"]:
        errors["closes_on"] = [_("结束日期不能早于开始日期")]
    return out


def create_campaign(actor: Actor, township: Township, data: Mapping[str, Any]) -> Campaign:
    _require_office(actor, township)
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 100:
        errors["title"] = [_("请填写活动名称（不超过100字）")]
    shape = str(data.get("shape") or "")
    if shape not in set(Shape):
        errors["shape"] = [_("请选择评议类型")]
    dates = _dates(data, errors)
    if not errors and db.session.scalar(select(Campaign.id).where(Campaign.title == title)):
        errors["title"] = [_("已有同名的评议活动")]
    if errors:
        raise ValidationFailed(errors=errors)
    campaign = Campaign(
        title=title,
        shape=shape,
        state=CampaignState.DRAFT,
        dimensions=[dict(d) for d in DEFAULT_DIMENSIONS],
        scale_min=1,
        scale_max=10,
        **dates,
    )
    db.session.add(campaign)
    db.session.flush()
    _audit("create", actor, township, "evaluation_campaign", campaign.id, shape=shape)
    db.session.commit()
    return campaign


def _draft(actor: Actor, township: Township, campaign_id: Any) -> Campaign:
    campaign = get_campaign(actor, township, campaign_id)
    _require_office(actor, township)
    if campaign.state != CampaignState.DRAFT:
        raise FormLocked(_("评议已开始，表单和评议对象不能再改"))
    return campaign


def update_form(
    actor: Actor, township: Township, campaign_id: Any, data: Mapping[str, Any]
) -> Campaign:
    """Dimensions, weights, scale and period — while the campaign is a draft only."""
    campaign = _draft(actor, township, campaign_id)
    errors: dict[str, list[str]] = {}
    if "dimensions" in data:
        dims = []
        for n, raw in enumerate(data.get("dimensions") or [], start=1):
            label = str((raw or {}).get("label") or "").strip()
            try:
                weight = float((raw or {}).get("weight", 1))
            except (TypeError, ValueError):
                weight = -1
            if not label or len(label) > 30 or not 0 < weight <= 100:
                errors["dimensions"] = [
                    _("第 %(n)d 项：请填写名称（不超过30字）和大于0的权重", n=n)
                ]
                break
            key = str((raw or {}).get("key") or "") or f"d{uuid.uuid4().hex[:8]}"
            dims.append({"key": key, "label": label, "weight": weight})
        if not dims and "dimensions" not in errors:
            errors["dimensions"] = [_("至少需要一项评议内容")]
        if len({d["key"] for d in dims}) != len(dims):
            errors["dimensions"] = [_("评议内容重复")]
        if not errors:
            campaign.dimensions = dims
    for name in ("scale_min", "scale_max"):
        if name in data:
            try:
                setattr(campaign, name, int(data[name]))
            except (TypeError, ValueError):
                errors[name] = [_("请填写整数")]
    if (
        campaign.scale_min >= campaign.scale_max
        or campaign.scale_min < 0
        or campaign.scale_max > 100
    ):
        errors["scale_max"] = [_("分值范围不正确")]
    if "opens_on" in data or "closes_on" in data:
        dates = _dates(
            {
                "opens_on": data.get("opens_on", campaign.opens_on),
                "closes_on": data.get("closes_on", campaign.closes_on),
            },
            errors,
        )
        if not errors:
            campaign.opens_on, campaign.closes_on = dates["opens_on"], dates["closes_on"]
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors=errors)
    _audit(
        "form",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        dimensions=len(campaign.dimensions),
    )
    db.session.commit()
    return campaign


# --- subjects and duty reports -------------------------------------------------------------------


def subjects(actor: Actor, township: Township, campaign_id: Any) -> list[Subject]:
    campaign = get_campaign(actor, township, campaign_id)
    return _subjects(campaign)


def _subjects(campaign: Campaign) -> list[Subject]:
    return list(
        db.session.scalars(
            select(Subject).where(Subject.campaign_id == campaign.id).order_by(Subject.id)
        )
    )


def get_subject(actor: Actor, township: Township, subject_id: Any) -> Subject:
    permissions.require_member(actor, township)
    return _get(Subject, township, subject_id, _("未找到该评议对象"))


def _committee_users(township: Township) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.tenant_id == township.id, Membership.role == Role.COMMITTEE_MEMBER.value
            )
            .order_by(User.id)
        )
    )


def add_subject(
    actor: Actor, township: Township, campaign_id: Any, data: Mapping[str, Any]
) -> Subject:
    """One subject of the campaign's kind: a committee member (a user), a representative, a
    handling unit, or a named station / the township for public satisfaction."""
    campaign = _draft(actor, township, campaign_id)
    subject = Subject(campaign_id=campaign.id)
    if campaign.shape == Shape.COMMITTEE:
        users = {u.id: u for u in _committee_users(township)}
        try:
            user = users.get(int(data.get("user_id") or 0))
        except (TypeError, ValueError):
            user = None
        if user is None:
            raise NotFound(_("未找到该党委委员"))
        subject.user_id, subject.name = user.id, user.display_name or user.username
    elif campaign.shape == Shape.DUTY:
        rep = _get(Representative, township, data.get("representative_id"), _("未找到该代表"))
        subject.representative_id, subject.name = rep.id, rep.name
    elif campaign.shape == Shape.DEPARTMENTS:
        unit = _get(HandlingUnit, township, data.get("unit_id"), _("未找到该承办单位"))
        subject.unit_id, subject.name = unit.id, unit.name
    else:
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 100:
            raise ValidationFailed(errors={"name": [_("请填写测评对象名称")]})
        subject.name = name
    same = (
        Subject.user_id == subject.user_id
        if subject.user_id is not None
        else Subject.representative_id == subject.representative_id
        if subject.representative_id is not None
        else Subject.unit_id == subject.unit_id
        if subject.unit_id is not None
        else Subject.name == subject.name
    )
    duplicate = db.session.scalar(
        select(Subject.id).where(Subject.campaign_id == campaign.id, same)
    )
    if duplicate is not None:
        raise ValidationFailed(errors={"name": [_("已是评议对象")]})
    db.session.add(subject)
    db.session.flush()
    _audit("subject", actor, township, "evaluation_campaign", campaign.id, subject=subject.name)
    db.session.commit()
    return subject


def add_default_subjects(actor: Actor, township: Township, campaign_id: Any) -> list[Subject]:
    """Everyone the campaign's kind usually covers: every committee member, every representative
    in office, every active unit, or the township itself."""
    campaign = _draft(actor, township, campaign_id)
    added = []
    if campaign.shape == Shape.COMMITTEE:
        rows: list[dict[str, Any]] = [{"user_id": u.id} for u in _committee_users(township)]
    elif campaign.shape == Shape.DUTY:
        rows = [
            {"representative_id": r.id}
            for r in db.session.scalars(select(Representative).order_by(Representative.name_pinyin))
            if r.in_office
        ]
    elif campaign.shape == Shape.DEPARTMENTS:
        rows = [
            {"unit_id": u.id}
            for u in db.session.scalars(
                select(HandlingUnit).where(HandlingUnit.is_active.is_(True))
            )
        ]
    else:
        rows = [{"name": township.name}]
    for data in rows:
        try:
            added.append(add_subject(actor, township, campaign.id, data))
        except ValidationFailed:
            continue  # already a subject
    return added


def remove_subject(actor: Actor, township: Township, subject_id: Any) -> None:
    subject = get_subject(actor, township, subject_id)
    _draft(actor, township, subject.campaign_id)
    db.session.delete(subject)
    db.session.commit()


def is_subject_self(actor: Actor, township: Township, subject: Subject) -> bool:
    if subject.user_id is not None:
        return subject.user_id == actor.user_id
    if subject.representative_id is not None:
        rep = casework.representative_of(actor, township)
        return rep is not None and rep.id == subject.representative_id
    return False


def set_report(
    actor: Actor,
    township: Township,
    subject_id: Any,
    text: Any,
    *,
    stream: IO[bytes] | None = None,
    filename: str | None = None,
) -> Subject:
    """The subject's duty report (述职述廉): written, or uploaded, by them or by the office."""
    from lianxin.storage import service as files

    subject = get_subject(actor, township, subject_id)
    if not (is_subject_self(actor, township, subject) or is_office(actor, township)):
        raise PermissionDenied()
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    if campaign.state == CampaignState.CLOSED:
        raise Conflict(_("评议已结束"))
    body = str(text or "").strip()
    if len(body) > 20000:
        raise ValidationFailed(errors={"text": [_("内容过长")]})
    if not body and stream is None:
        raise ValidationFailed(errors={"text": [_("请填写或上传述职报告")]})
    if body:
        subject.report_text = body
    if stream is not None:
        stored = files.save_upload(
            actor, township, stream, filename or "report", purpose="evaluation"
        )
        subject.report_file_id = stored.id
    _audit("report", actor, township, "evaluation_subject", subject.id)
    db.session.commit()
    return subject


@storage_owners.reader("evaluation")
def _report_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A duty report's file is read by whoever may read its subject (`get_subject`), while the
    module is switched on; a replaced report's file is held by no subject."""
    subject_id = db.session.scalar(
        select(Subject.id).where(Subject.report_file_id == file_id).limit(1)
    )
    if subject_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_subject(actor, township, subject_id)
    return True


# --- opening, raters and links -------------------------------------------------------------------


@dataclass
class IssuedLink:
    rater: Rater
    name: str
    token: str  # shown once, to hand out


def _rater_name(rater: Rater) -> str:
    if rater.representative_id is not None:
        rep = db.session.get(Representative, (rater.tenant_id, rater.representative_id))
        return rep.name if rep else ""
    member = db.session.get(PartyMember, (rater.tenant_id, rater.party_member_id))
    return member.name if member else ""


def open_campaign(actor: Actor, township: Township, campaign_id: Any) -> list[IssuedLink]:
    """Fix the form, the subjects and the eligible raters; issue each rater a one-time link."""
    campaign = _draft(actor, township, campaign_id)
    subs = _subjects(campaign)
    if not subs:
        raise ValidationFailed(errors={"subjects": [_("请先添加评议对象")]})
    if not campaign.dimensions:
        raise ValidationFailed(errors={"dimensions": [_("至少需要一项评议内容")]})
    issued: list[IssuedLink] = []
    if campaign.shape in (Shape.COMMITTEE, Shape.DEPARTMENTS):
        for rep in db.session.scalars(select(Representative).order_by(Representative.name_pinyin)):
            if rep.in_office:
                issued.append(_new_rater(campaign, representative_id=rep.id, name=rep.name))
    elif campaign.shape == Shape.DUTY:
        branches = {
            r.branch_id
            for r in db.session.scalars(
                select(Representative).where(
                    Representative.id.in_(
                        [s.representative_id for s in subs if s.representative_id]
                    )
                )
            )
            if r.branch_id is not None
        }
        for member in db.session.scalars(
            select(PartyMember).where(
                PartyMember.branch_id.in_(branches), PartyMember.is_active.is_(True)
            )
        ):
            issued.append(_new_rater(campaign, party_member_id=member.id, name=member.name))
    rule = settings(township.id)
    campaign.min_answers = int(rule["min_answers"])
    campaign.answer_batch = max(int(rule["answer_batch"]), campaign.min_answers)
    campaign.cannot_evaluate = bool(rule["cannot_evaluate"])
    campaign.seal_salt = anonymous.new_salt()
    campaign.state, campaign.opened_at = CampaignState.OPEN, utcnow()
    _audit(
        "open",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        raters=len(issued),
        subjects=len(subs),
        min_answers=campaign.min_answers,
        answer_batch=campaign.answer_batch,
        cannot_evaluate=campaign.cannot_evaluate,
    )
    db.session.commit()
    return issued


def _new_rater(campaign: Campaign, *, name: str, **who: Any) -> IssuedLink:
    token = secrets.token_urlsafe(24)
    rater = Rater(campaign_id=campaign.id, token_hash=_digest(token), **who)
    db.session.add(rater)
    db.session.flush()
    return IssuedLink(rater, name, token)


def reissue_link(actor: Actor, township: Township, rater_id: Any) -> IssuedLink:
    rater = _get(Rater, township, rater_id, _("未找到该评议人"))
    _require_office(actor, township)
    token = secrets.token_urlsafe(24)
    rater.token_hash = _digest(token)
    _audit("link", actor, township, "evaluation_rater", rater.id)
    db.session.commit()
    return IssuedLink(rater, _rater_name(rater), token)


def close_campaign(actor: Actor, township: Township, campaign_id: Any) -> Campaign:
    """Close to answers; the worker then releases the last sealed answers and counts
    (`count_closed`), which proposes each subject's grade."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_office(actor, township)
    if campaign.state != CampaignState.OPEN:
        raise Conflict(_("评议未在进行中"))
    campaign.state, campaign.closed_at = CampaignState.CLOSED, utcnow()
    notify.enqueue(
        COUNT_TOPIC,
        {"campaign_id": campaign.id},
        tenant_id=township.id,
        dedupe_key=f"{COUNT_TOPIC}:{township.id}:{campaign.id}",
    )
    _audit("close", actor, township, "evaluation_campaign", campaign.id)
    db.session.commit()
    # The count may already have run (Celery eager, or a quick worker) in its own session.
    db.session.expire_all()
    return campaign


# --- answering -----------------------------------------------------------------------------------


def rater_of(actor: Actor, township: Township, campaign: Campaign) -> Rater | None:
    rep = casework.representative_of(actor, township)
    if rep is None:
        return None
    return db.session.scalar(
        select(Rater).where(Rater.campaign_id == campaign.id, Rater.representative_id == rep.id)
    )


def rater_by_link(township: Township, token: Any) -> tuple[Campaign, Rater]:
    rater = db.session.scalar(select(Rater).where(Rater.token_hash == _digest(str(token or ""))))
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


def _says_cannot(raw: Mapping[str, Any]) -> bool:
    value = raw.get("cannot_evaluate")
    return value is True or str(value).strip().lower() in {"1", "true", "on"}


def _clean_answers(
    campaign: Campaign, subs: list[Subject], data: Mapping[Any, Any]
) -> list[dict[str, Any]]:
    """Each subject's answer: every dimension scored (an overall grade and a comment optional),
    or, where the form offers it, “无法评价” and nothing else. Every answer has the same keys,
    so that sealed they are all of one size."""
    errors: dict[str, list[str]] = {}
    out = []
    keys = [d["key"] for d in campaign.dimensions]
    offered = cannot_evaluate_offered(campaign)
    refused = False
    for subject in subs:
        raw = data.get(subject.id) or data.get(str(subject.id)) or {}
        if _says_cannot(raw):
            given = any(v not in (None, "") for v in (raw.get("scores") or {}).values())
            if not offered:
                refused = True
                errors[f"{subject.id}.cannot_evaluate"] = [
                    _("%(s)s：本次评议不设“无法评价”，请打分", s=subject.name)
                ]
            elif given or raw.get("overall") or str(raw.get("comment") or "").strip():
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
            value = (raw.get("scores") or {}).get(key)
            try:
                score: int | None = int(value) if value is not None else None
            except (TypeError, ValueError):
                score = None
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
        overall = raw.get("overall") or None
        if overall not in (None, *Grade):
            errors[f"{subject.id}.overall"] = [_("请选择优秀、称职或不称职")]
        comment = _printable(str(raw.get("comment") or "")).strip() or None
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


def _check_period(campaign: Campaign, today: date | None) -> None:
    if campaign.state != CampaignState.OPEN:
        raise OutsidePeriod(_("评议未在进行中"))
    day = _today(today)
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


def _box(campaign: Campaign) -> anonymous.Box:
    """The campaign's sealing box: its own key; every answer pads to one size."""
    if campaign.seal_salt is None:
        raise Conflict(_("评议未在进行中"))
    size = 256 + 48 * len(campaign.dimensions) + 4 * COMMENT_MAX
    return anonymous.Box(
        "evaluation", campaign.tenant_id, campaign.id, bytes(campaign.seal_salt), size
    )


def _pool(campaign: Campaign, answers: list[dict[str, Any]]) -> None:
    """The answers, sealed, in the caller's transaction (the receipt's or the code's)."""
    box = _box(campaign)
    for answer in answers:
        subject_id = answer.pop("subject_id")
        db.session.add(
            PooledAnswer(
                campaign_id=campaign.id,
                subject_id=subject_id,
                sealed=box.seal(answer, subject_id),
            )
        )


def _release(campaign: Campaign, *, closing: bool) -> anonymous.Released:
    """Open what the rule lets out (lianxin.db.anonymous.release); the caller commits."""
    box = _box(campaign)
    return anonymous.release(
        PooledAnswer,
        [
            (s.id, (PooledAnswer.campaign_id == campaign.id) & (PooledAnswer.subject_id == s.id))
            for s in _subjects(campaign)
        ],
        minimum=_k(campaign),
        batch=campaign.answer_batch,
        closing=closing,
        open_row=lambda row: box.open(row.sealed, row.subject_id),
        final_row=lambda row, content: Answer(
            campaign_id=campaign.id,
            subject_id=row.subject_id,
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
    db.session.commit()
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
    for subject in _subjects(campaign):
        result = _result(township, campaign, subject)
        subject.proposed_grade = result.proposed_grade if result.shown else None


@notify.handler(COUNT_TOPIC)
def _count_on_close(message: Any) -> None:
    count_closed(int(message.payload["campaign_id"]))


def cannot_evaluate_offered(campaign: Campaign) -> bool:
    """Whether the form offers “无法评价”: frozen when it opened (a draft reads the setting)."""
    if campaign.cannot_evaluate is not None:
        return bool(campaign.cannot_evaluate)
    return bool(settings(campaign.tenant_id)["cannot_evaluate"])


def _k(campaign: Campaign) -> int:
    """K of the campaign: frozen when it opened (a draft reads today's setting)."""
    return int(campaign.min_answers or settings(campaign.tenant_id)["min_answers"])


def _submit(
    township: Township,
    campaign: Campaign,
    rater: Rater,
    data: Mapping[Any, Any],
    today: date | None,
) -> None:
    _check_period(campaign, today)
    answers = _clean_answers(campaign, form_subjects(township, campaign, rater), data)
    # That this rater has answered (unique: a second answer is refused), and what, sealed.
    _pool(campaign, answers)
    db.session.add(Receipt(campaign_id=campaign.id, rater_id=rater.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered(_("您已经提交过评议")) from None


def submit_by_account(
    actor: Actor,
    township: Township,
    campaign_id: Any,
    data: Mapping[Any, Any],
    *,
    today: date | None = None,
) -> None:
    campaign = get_campaign(actor, township, campaign_id)
    rater = rater_of(actor, township, campaign)
    if rater is None:
        raise PermissionDenied(_("您不在本次评议的评议人之列"))
    _submit(township, campaign, rater, data, today)


def submit_by_link(
    township: Township, token: Any, data: Mapping[Any, Any], *, today: date | None = None
) -> None:
    campaign, rater = rater_by_link(township, token)
    _submit(township, campaign, rater, data, today)


def issue_codes(actor: Actor, township: Township, campaign_id: Any, count: Any) -> list[str]:
    """One-answer codes for public satisfaction (printed on station QR cards); shown once."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_office(actor, township)
    if campaign.shape != Shape.PUBLIC:
        raise Conflict(_("只有群众满意度测评使用测评码"))
    try:
        number = int(count)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 500:
        raise ValidationFailed(errors={"count": [_("一次生成 1 到 500 个")]})
    codes = [secrets.token_urlsafe(9) for _n in range(number)]
    for code in codes:
        db.session.add(PublicCode(campaign_id=campaign.id, code_hash=_digest(code)))
    _audit("codes", actor, township, "evaluation_campaign", campaign.id, count=number)
    db.session.commit()
    return codes


def code_for_case(actor: Actor, township: Township, campaign_id: Any, case_id: Any) -> str:
    """A code for the person whose case was answered, to rate their satisfaction once."""
    campaign = get_campaign(actor, township, campaign_id)
    case = casework.get_case(actor, township, int(case_id))
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
    db.session.commit()
    return code


def public_campaign(township: Township, campaign_id: Any) -> Campaign:
    campaign = _get(Campaign, township, campaign_id, _("未找到该测评"))
    if campaign.shape != Shape.PUBLIC or campaign.state == CampaignState.DRAFT:
        raise NotFound(_("未找到该测评"))
    return campaign


def submit_public(
    township: Township,
    campaign_id: Any,
    code: Any,
    data: Mapping[Any, Any],
    *,
    today: date | None = None,
) -> None:
    campaign = public_campaign(township, campaign_id)
    _check_period(campaign, today)
    answers = _clean_answers(campaign, _subjects(campaign), data)
    claimed = db.session.execute(
        update(PublicCode)
        .where(
            PublicCode.campaign_id == campaign.id,
            PublicCode.code_hash == _digest(str(code or "")),
            PublicCode.used.is_(False),
        )
        .values(used=True)
        .returning(PublicCode.id)
    ).first()
    if claimed is None:
        db.session.rollback()
        raise AlreadyAnswered(_("测评码无效或已使用"))
    _pool(campaign, answers)
    db.session.commit()


# --- results ------------------------------------------------------------------------------------


@dataclass
class DimensionResult:
    key: str
    label: str
    mean: float
    distribution: dict[int, int]


@dataclass
class SubjectResult:
    subject: Subject
    count: int  # the real grades (0 while not shown)
    shown: bool  # from K real grades
    dimensions: list[DimensionResult] = field(default_factory=list)
    weighted_mean: float | None = None
    overall: dict[str, int] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)  # sorted: no order to read anything from
    proposed_grade: str | None = None
    withheld: bool = False  # the reader's own result, before publication
    cannot_evaluate: int = 0  # answers that said “无法评价”: apart, never in the figures
    no_valid: bool = False  # released answers, every one of them “无法评价” (无有效评价)


def _grade_for(township: Township, campaign: Campaign, mean: float) -> str:
    rule = settings(township.id)
    on_ten = (mean - campaign.scale_min) / (campaign.scale_max - campaign.scale_min) * 9 + 1
    if on_ten >= float(rule["excellent_min"]):
        return Grade.EXCELLENT
    if on_ten >= float(rule["competent_min"]):
        return Grade.COMPETENT
    return Grade.INCOMPETENT


def _result(township: Township, campaign: Campaign, subject: Subject) -> SubjectResult:
    """The figures from the real grades, shown from K of them; “无法评价” counted apart. Below
    K grades neither number is given (K−1 grades beside some “无法评价” would show a count
    under K); with no grade at all, released “无法评价” answers read as “无有效评价”."""
    answers = list(db.session.scalars(select(Answer).where(Answer.subject_id == subject.id)))
    rows = [r for r in answers if not r.cannot_evaluate]
    cannot = len(answers) - len(rows)
    if len(rows) < _k(campaign):
        if rows or not cannot:
            return SubjectResult(subject, 0, False)
        return SubjectResult(subject, 0, False, cannot_evaluate=cannot, no_valid=True)
    result = SubjectResult(subject, len(rows), True, cannot_evaluate=cannot)
    total_weight = sum(float(d["weight"]) for d in campaign.dimensions)
    weighted = 0.0
    for dim in campaign.dimensions:
        values = [int(r.scores[dim["key"]]) for r in rows if dim["key"] in r.scores]
        mean = statistics.fmean(values) if values else 0.0
        result.dimensions.append(
            DimensionResult(
                dim["key"], dim["label"], round(mean, 2), dict(sorted(Counter(values).items()))
            )
        )
        weighted += mean * float(dim["weight"])
    result.weighted_mean = round(weighted / total_weight, 2) if total_weight else None
    result.overall = dict(Counter(r.overall for r in rows if r.overall))
    result.comments = sorted(r.comment for r in rows if r.comment)
    if result.weighted_mean is not None:
        result.proposed_grade = _grade_for(township, campaign, result.weighted_mean)
    return result


def _require_counted(campaign: Campaign) -> None:
    """Results exist only once the campaign has closed and the worker has counted it: read
    while answers still come in, two readings would tell the answer given in between."""
    if campaign.state != CampaignState.CLOSED:
        raise NotYetCounted(_("评议结束后才能查看结果；进行中只显示已提交人数"))
    if campaign.counted_at is None:
        raise NotYetCounted(_("正在计票，请稍后再看"))


def results(actor: Actor, township: Township, campaign_id: Any) -> list[SubjectResult]:
    """Every subject's result (hidden below K answers), after the count. A reader who is one of
    the subjects does not see his own before it is published. Reading before publication is
    audited."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_reader(actor, township)
    _require_counted(campaign)
    subs = _subjects(campaign)
    if any(s.published_at is None for s in subs):
        _audit("results_read", actor, township, "evaluation_campaign", campaign.id)
        db.session.commit()
    out = []
    for subject in subs:
        if subject.published_at is None and is_subject_self(actor, township, subject):
            out.append(SubjectResult(subject, 0, False, withheld=True))
        else:
            out.append(_result(township, campaign, subject))
    return out


def subject_result(actor: Actor, township: Township, subject_id: Any) -> SubjectResult:
    """One subject's result: after the count; refused below K answers; the subject himself
    only once it is published; audited before publication."""
    subject = get_subject(actor, township, subject_id)
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    if is_subject_self(actor, township, subject):
        if subject.published_at is None:
            raise PermissionDenied(_("评议结果公开后，本人才能查看"))
    elif not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()
    _require_counted(campaign)
    result = _result(township, campaign, subject)
    if not result.shown and not result.no_valid:
        raise BelowThreshold(_("有效答卷不足 %(k)d 份，不显示结果", k=_k(campaign)))
    if subject.published_at is None:
        _audit("results_read", actor, township, "evaluation_subject", subject.id)
        db.session.commit()
    return result


def _gradable(actor: Actor, township: Township, subject_id: Any, grade: Any) -> tuple[Subject, str]:
    subject = get_subject(actor, township, subject_id)
    if is_subject_self(actor, township, subject):
        raise PermissionDenied(_("不能为自己提出或确定等次"))
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    if campaign.state != CampaignState.CLOSED:
        raise Conflict(_("评议结束后才能确定等次"))
    _require_counted(campaign)
    value = str(grade or "")
    if value not in set(Grade):
        raise ValidationFailed(errors={"grade": [_("请选择优秀、称职或不称职")]})
    if subject.published_at is not None:
        raise Conflict(_("结果已公开，请先取消公开再改等次"))
    return subject, value


def propose_grade(
    actor: Actor, township: Township, subject_id: Any, grade: Any, reason: Any = None
) -> Subject:
    """The office proposes the grade to the committee: the one the scores suggest (set at the
    count), or another with a recorded reason. Never for the office member himself."""
    _require_office(actor, township)
    subject, value = _gradable(actor, township, subject_id, grade)
    if subject.proposed_grade is None:
        raise BelowThreshold(_("有效答卷不足，没有建议等次"))
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    suggested = _result(township, campaign, subject).proposed_grade
    text = str(reason or "").strip() or None
    if value != suggested and not text:
        raise ValidationFailed(errors={"reason": [_("与按得分建议的等次不同，须写明理由")]})
    if text and len(text) > 500:
        raise ValidationFailed(errors={"reason": [_("理由过长（不超过500字）")]})
    subject.proposed_grade, subject.proposal_reason = value, text
    subject.grade = subject.grade_reason = subject.graded_at = None  # the committee decides anew
    _audit(
        "propose",
        actor,
        township,
        "evaluation_subject",
        subject.id,
        proposed=value,
        suggested=suggested,
        reason=text,
    )
    db.session.commit()
    return subject


def decide_grade(
    actor: Actor, township: Township, subject_id: Any, grade: Any, reason: Any = None
) -> Subject:
    """A committee member confirms the office's proposed grade, or changes it with a recorded
    reason. Only committee members decide, and never about themselves."""
    if not is_committee(actor, township):
        raise PermissionDenied(_("等次由党委委员会确定"))
    subject, value = _gradable(actor, township, subject_id, grade)
    if subject.proposed_grade is None:
        raise BelowThreshold(_("有效答卷不足，没有建议等次，不能确定"))
    text = str(reason or "").strip() or None
    if value != subject.proposed_grade and not text:
        raise ValidationFailed(errors={"reason": [_("改变建议等次须写明理由")]})
    subject.grade, subject.grade_reason, subject.graded_at = value, text, utcnow()
    _audit(
        "grade",
        actor,
        township,
        "evaluation_subject",
        subject.id,
        grade=value,
        proposed=subject.proposed_grade,
        reason=text,
    )
    db.session.commit()
    return subject


def set_published(actor: Actor, township: Township, subject_id: Any, published: bool) -> Subject:
    subject = get_subject(actor, township, subject_id)
    _require_office(actor, township)
    if published and subject.grade is None:
        raise Conflict(_("确定等次后才能公开"))
    subject.published_at = utcnow() if published else None
    _audit("publish", actor, township, "evaluation_subject", subject.id, published=published)
    db.session.commit()
    return subject


def my_feedback(actor: Actor, township: Township) -> list[tuple[Campaign, SubjectResult]]:
    """A subject's own results and grade, once they are published."""
    permissions.require_member(actor, township)
    rep = casework.representative_of(actor, township)
    query = select(Subject).where(Subject.published_at.is_not(None))
    mine = [
        s
        for s in db.session.scalars(query)
        if s.user_id == actor.user_id or (rep is not None and s.representative_id == rep.id)
    ]
    out = []
    for subject in mine:
        campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
        out.append((campaign, _result(township, campaign, subject)))
    return out


def public_results(township: Township) -> list[tuple[Campaign, SubjectResult]]:
    out = []
    for subject in db.session.scalars(
        select(Subject).where(Subject.published_at.is_not(None)).order_by(Subject.id)
    ):
        campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
        result = _result(township, campaign, subject)
        if result.shown:
            result.comments = []  # the public page shows grades and scores, not comments
            out.append((campaign, result))
    return out


# --- participation and chasing -------------------------------------------------------------------


@dataclass
class Participation:
    eligible: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.eligible if self.eligible else None


def participation(actor: Actor, township: Township, campaign_id: Any) -> Participation:
    campaign = get_campaign(actor, township, campaign_id)
    return campaign_participation(campaign)


def campaign_participation(campaign: Campaign) -> Participation:
    if campaign.shape == Shape.PUBLIC:
        issued = db.session.scalar(
            select(func.count())
            .select_from(PublicCode)
            .where(PublicCode.campaign_id == campaign.id)
        )
        used = db.session.scalar(
            select(func.count())
            .select_from(PublicCode)
            .where(PublicCode.campaign_id == campaign.id, PublicCode.used.is_(True))
        )
        return Participation(issued or 0, used or 0)
    eligible = db.session.scalar(
        select(func.count()).select_from(Rater).where(Rater.campaign_id == campaign.id)
    )
    done = db.session.scalar(
        select(func.count()).select_from(Receipt).where(Receipt.campaign_id == campaign.id)
    )
    return Participation(eligible or 0, done or 0)


def _pending_raters(campaign: Campaign) -> list[Rater]:
    done = select(Receipt.rater_id).where(Receipt.campaign_id == campaign.id)
    return list(
        db.session.scalars(
            select(Rater).where(Rater.campaign_id == campaign.id, Rater.id.not_in(done))
        )
    )


def remind_non_respondents(
    township: Township, campaign: Campaign, *, actor: Actor | None = None
) -> int:
    """The system reminds everyone who has not answered (inbox for an account, SMS for a phone
    without one); the office learns how many, never who. Once a day at most per campaign."""
    if campaign.state != CampaignState.OPEN:
        raise Conflict(_("评议未在进行中"))
    day = deadlines.shanghai_today().isoformat()
    key = f"evaluations.remind:{township.id}:{campaign.id}:{day}"
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        raise Conflict(_("今天已经提醒过了"), code="already_reminded")
    pending = _pending_raters(campaign)
    title = _("请参加评议：%(t)s", t=campaign.title)
    body = _("评议将于 %(d)s 结束，请按时提交。", d=campaign.closes_on.isoformat())
    users: list[int] = []
    for rater in pending:
        person: Any
        if rater.representative_id is not None:
            person = db.session.get(Representative, (township.id, rater.representative_id))
        else:
            person = db.session.get(PartyMember, (township.id, rater.party_member_id))
        if person is None:
            continue
        if getattr(person, "user_id", None):
            users.append(person.user_id)
        elif person.phone:
            notify.enqueue(
                "sms", {"phone": person.phone, "text": f"{title} {body}"}, tenant_id=township.id
            )
    notify.notify(
        users,
        title,
        body,
        tenant_id=township.id,
        link=f"/t/{township.slug}/evaluations/{campaign.id}",
        dedupe_key=key,
    )
    if actor is not None:
        _audit("remind", actor, township, "evaluation_campaign", campaign.id, count=len(pending))
    db.session.commit()
    return len(pending)


def remind(actor: Actor, township: Township, campaign_id: Any) -> int:
    """The office asks the system to remind those who have not answered yet."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_office(actor, township)
    return remind_non_respondents(township, campaign, actor=actor)


def remind_due(township: Township) -> int:
    """The beat's reminder: open campaigns closing within the township's reminder days."""
    lead = int(settings(township.id)["reminder_days"])
    today = deadlines.shanghai_today()
    sent = 0
    for campaign in db.session.scalars(
        select(Campaign).where(Campaign.state == CampaignState.OPEN)
    ).all():
        if 0 <= (campaign.closes_on - today).days <= lead:
            try:
                sent += remind_non_respondents(township, campaign)
            except Conflict:
                db.session.rollback()
    return sent


def export_xlsx(actor: Actor, township: Township, campaign_id: Any) -> bytes:
    campaign = get_campaign(actor, township, campaign_id)
    rows = results(actor, township, campaign.id)
    dims = [d["label"] for d in campaign.dimensions]
    book = spreadsheets.Book()
    sheet = book.sheet("评议结果")
    sheet.header(
        ["评议对象", "有效评价", "无法评价", *dims, "加权平均", "建议等次", "确定等次", "理由"]
    )
    for r in rows:
        if r.withheld:
            sheet.append([r.subject.name, "", "", *[""] * len(dims), "本人结果，公开后可见"])
            continue
        means: list[Any] = [d.mean for d in r.dimensions] if r.shown else ["—"] * len(dims)
        proposed = r.subject.proposed_grade or r.proposed_grade
        hidden = "无有效评价" if r.no_valid else "有效答卷不足"
        sheet.append(
            [
                r.subject.name,
                r.count,
                r.cannot_evaluate if (r.shown or r.no_valid) else "",
                *means,
                r.weighted_mean if r.shown else hidden,
                GRADE_LABELS.get(Grade(proposed), "") if proposed else "",
                GRADE_LABELS.get(Grade(r.subject.grade), "") if r.subject.grade else "",
                r.subject.grade_reason or "",
            ]
        )
    return book.to_bytes()


def committee_users(actor: Actor, township: Township) -> list[User]:
    permissions.require_member(actor, township)
    return _committee_users(township)


def raters(actor: Actor, township: Township, campaign_id: Any) -> list[tuple[Rater, str]]:
    """Every eligible rater, to hand out or reissue links. Whether one has answered is not
    shown to the office: only how many (`participation`); the system reminds the rest."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_office(actor, township)
    return [
        (r, _rater_name(r))
        for r in db.session.scalars(
            select(Rater).where(Rater.campaign_id == campaign.id).order_by(Rater.id)
        )
    ]


def shapes() -> Iterable[tuple[str, str]]:
    return [(s.value, SHAPE_LABELS[s]) for s in Shape]
