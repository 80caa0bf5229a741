"""Triage and handling: receive, refer to units, their replies, extensions, feedback, ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework.errors import IllegalTransition
from lianxin.casework.inputs import ReferInput
from lianxin.casework.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseReply,
    DeadlineExtension,
    ExtensionStatus,
    Rating,
)
from lianxin.casework.stages.common import (
    _check_within_maximum,
    _move,
    _office_user_ids,
    _require_office,
    _require_office_or_liaison,
    _round,
    _set_deadline,
    _unit_user_ids,
    case_link,
    get_case,
    received_on,
    rule_for,
    unit_ids_of,
)
from lianxin.casework.stages.escalation import escalate
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.notify import service as notify
from lianxin.people.models import HandlingUnit, Representative
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- triage and handling --------------------------------------------------------------------------


@use_case
def receive(
    actor: Actor, township: Township, case_id: int, representative_id: int | None = None
) -> Case:
    """The representative who received it is responsible from now on (首问负责制)."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    if representative_id is not None:
        rep = db.session.get(Representative, (township.id, representative_id))
        if rep is None:
            raise NotFound(_("未找到该代表"))
        if case.received_by_id is None:
            case.received_by_id = rep.id
            case.branch_id = case.branch_id or rep.branch_id  # its liaison follows it now
    _move(case, "receive", actor)
    return case


@use_case
def mark_inadmissible(
    actor: Actor, township: Township, case_id: int, *, reason: str, referral_text: str
) -> Case:
    """Not for this channel (already in court, in the petition system …); the person is told
    where to go instead."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    _move(case, "mark_inadmissible", actor, reason)
    case.inadmissible_reason, case.referral_text = reason, referral_text
    case.answer, case.answered_at = referral_text, utcnow()
    return case


@use_case
def handle_on_spot(actor: Actor, township: Township, case_id: int, answer: str) -> Case:
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    _move(case, "handle_on_spot", actor)
    case.answer, case.answered_at = answer, utcnow()
    db.session.add(
        CaseReply(
            case_id=case.id,
            source="office",
            author_user_id=actor.user_id,
            author_name=actor.name,
            text=answer,
        )
    )
    return case


def _unit(township: Township, unit_id: int) -> HandlingUnit:
    unit = db.session.get(HandlingUnit, (township.id, unit_id))
    if unit is None or not unit.is_active:
        raise NotFound(_("未找到该承办单位"))
    return unit


@use_case
def refer(actor: Actor, township: Township, case_id: int, data: ReferInput) -> Case:
    """Refer to one lead unit (主办) and optional co-units (协办); re-routing replaces them. A
    complexity assessed now sets the due date again."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    units = [_unit(township, data.lead_unit_id)] + [_unit(township, u) for u in data.co_unit_ids]
    if len({u.id for u in units}) != len(units):
        raise ValidationFailed(errors={"co_unit_ids": [_("协办单位不能与主办单位重复")]})
    _move(case, "refer", actor, "、".join(u.name for u in units))
    current = db.session.scalars(
        select(CaseAssignment).where(
            CaseAssignment.case_id == case.id, CaseAssignment.status == AssignmentStatus.ACTIVE
        )
    )
    for old in current:
        old.status = AssignmentStatus.SUPERSEDED
    for i, unit in enumerate(units):
        db.session.add(
            CaseAssignment(
                case_id=case.id,
                unit_id=unit.id,
                round=_round(case),
                role=AssignmentRole.LEAD if i == 0 else AssignmentRole.CO,
                status=AssignmentStatus.ACTIVE,
            )
        )
    if data.complexity is not None and data.complexity != case.complexity:
        case.complexity = data.complexity
        _set_deadline(case, rule_for(township.id).deadline(received_on(case), data.complexity))
    notify.notify(
        _unit_user_ids(township, [u.id for u in units]),
        _("交办：%(t)s", t=case.title),
        _("请在 %(d)s 前书面答复。", d=case.due_on),
        tenant_id=township.id,
        link=case_link(township, case.id),
        dedupe_key=f"case:{township.id}:{case.id}:refer:{_round(case)}:"
        f"{'-'.join(str(u.id) for u in units)}",
        kind="case.referred",
    )
    return case


def _assignment_of(actor: Actor, township: Township, case: Case) -> CaseAssignment:
    units = unit_ids_of(actor, township)
    assignment = db.session.scalar(
        select(CaseAssignment).where(
            CaseAssignment.case_id == case.id,
            CaseAssignment.unit_id.in_(units),
            CaseAssignment.status == AssignmentStatus.ACTIVE,
        )
    )
    if assignment is None:
        raise PermissionDenied(_("该诉求未交办给您的单位"))
    return assignment


@use_case
def unit_reply(actor: Actor, township: Township, case_id: int, text: str) -> Case:
    """A unit answers in writing; the lead unit's answer is the case's reply."""
    case = get_case(actor, township, case_id)
    assignment = _assignment_of(actor, township, case)
    reply = CaseReply(
        case_id=case.id,
        unit_id=assignment.unit_id,
        source="unit",
        author_user_id=actor.user_id,
        author_name=actor.name,
        text=text,
    )
    db.session.add(reply)
    assignment.status = AssignmentStatus.ANSWERED
    if assignment.role == AssignmentRole.LEAD:
        _move(case, "reply", actor)
        case.answer, case.answered_at = text, utcnow()
        notify.notify(
            _office_user_ids(township),
            _("已答复：%(t)s", t=case.title),
            _("请向群众反馈。"),
            tenant_id=township.id,
            link=case_link(township, case.id),
            kind="case.answered",
        )
    else:
        _move(case, "attach", actor, _("协办单位答复"))
    return case


@use_case
def return_to_office(actor: Actor, township: Township, case_id: int, reason: str) -> Case:
    """Not this unit's business: it goes back to the office, which routes it again."""
    case = get_case(actor, township, case_id)
    assignment = _assignment_of(actor, township, case)
    _move(case, "return_to_office", actor, reason)
    assignment.status, assignment.return_reason = AssignmentStatus.RETURNED, reason
    notify.notify(
        _office_user_ids(township),
        _("退回：%(t)s", t=case.title),
        reason,
        tenant_id=township.id,
        link=case_link(township, case.id),
        kind="case.returned",
    )
    return case


@use_case
def request_extension(
    actor: Actor, township: Township, case_id: int, *, until: date, reason: str
) -> DeadlineExtension:
    case = get_case(actor, township, case_id)
    assignment = _assignment_of(actor, township, case)
    if case.due_on is not None and until <= case.due_on:
        raise ValidationFailed(errors={"until": [_("延期日期须晚于当前期限")]})
    _check_within_maximum(township, case, until)
    if db.session.scalar(
        select(DeadlineExtension.id).where(
            DeadlineExtension.case_id == case.id,
            DeadlineExtension.status == ExtensionStatus.PENDING,
        )
    ):
        raise Conflict(_("已有待审批的延期申请"))
    _move(case, "request_extension", actor, reason)
    extension = DeadlineExtension(
        case_id=case.id,
        unit_id=assignment.unit_id,
        requested_due_on=until,
        reason=reason,
        status=ExtensionStatus.PENDING,
    )
    db.session.add(extension)
    return extension


@use_case
def decide_extension(
    actor: Actor, township: Township, extension_id: int, *, approve: bool
) -> DeadlineExtension:
    extension = db.session.get(DeadlineExtension, (township.id, extension_id))
    if extension is None or not permissions.can_enter_township(actor, township):
        raise NotFound()  # the record first: another township's id is not found
    _require_office(actor, township)
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict(_("该申请已处理"))
    case = get_case(actor, township, extension.case_id)
    if approve:  # the maximum may have been lowered since the unit asked
        _check_within_maximum(township, case, extension.requested_due_on)
    _move(case, "decide_extension", actor, _("同意延期") if approve else _("不同意延期"))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by_id, extension.decided_at = actor.user_id, utcnow()
    if approve:
        # A date the office agreed to, not one counted: nothing to recompute later.
        case.due_on, case.due_estimated = extension.requested_due_on, False
        case.reminded_due_soon = case.reminded_overdue = None
    return extension


@use_case
def give_feedback(actor: Actor, township: Township, case_id: int, note: str | None = None) -> Case:
    """The liaison tells the person (and the representative) the answer: the office's, or
    the liaison of the case's branch."""
    case = get_case(actor, township, case_id)
    _require_office_or_liaison(actor, township, case)
    _move(case, "give_feedback", actor, note)
    rep = (
        db.session.get(Representative, (township.id, case.received_by_id))
        if case.received_by_id
        else None
    )
    if rep is not None and rep.user_id:  # 反馈 to the representative who received it, too
        notify.notify(
            [rep.user_id],
            _("办理情况反馈：%(t)s", t=case.title),
            case.answer or "",
            tenant_id=township.id,
            link=case_link(township, case.id),
            dedupe_key=f"case:{township.id}:{case.id}:feedback-rep:{_round(case)}",
        )
    if case.raiser_phone:
        notify.enqueue(
            "sms",
            {
                "phone": case.raiser_phone,
                "text": _("您反映的“%(t)s”已有答复，可凭查询码查看并评价。", t=case.title),
            },
            tenant_id=township.id,
            dedupe_key=f"case:{township.id}:{case.id}:feedback:{_round(case)}",
        )
    return case


@use_case
def rate(
    township: Township,
    case: Case,
    rating: str,
    comment: str | None = None,
    actor: Actor | None = None,
) -> Case:
    """The person's rating of the answer (one of `Rating`, as RatingInputSchema loads it)."""
    _move(case, "rate", actor, rating)
    case.rating, case.rating_comment, case.rated_at = rating, comment, utcnow()
    return case


@use_case
def record_rating(
    actor: Actor, township: Township, case_id: int, rating: str, comment: str | None = None
) -> Case:
    """The office, or the branch's liaison, records a rating the person gave by phone or in
    person."""
    case = get_case(actor, township, case_id)
    _require_office_or_liaison(actor, township, case)
    return rate(township, case, rating, comment, actor=actor)


@use_case
def reassign(
    actor: Actor,
    township: Township,
    case_id: int,
    *,
    lead_unit_id: int,
    co_unit_ids: Sequence[int] = (),
) -> Case:
    """再交办 after an unsatisfied rating; past the township's limit it goes to the county."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    if case.rating != Rating.UNSATISFIED:
        raise IllegalTransition(_("只有不满意的诉求才能再交办"))
    limit = tenants.effective_settings(township.id, "casework")["max_reassignments"]
    if case.reassign_count >= limit:
        return escalate(
            actor, township, case_id, reason=_("再交办已达 %(n)d 次，上报县级", n=limit)
        )
    _move(case, "reassign", actor)
    case.reassign_count += 1
    case.rating = None
    db.session.flush()
    return refer(actor, township, case_id, ReferInput(lead_unit_id, tuple(co_unit_ids)))


@use_case
def archive(actor: Actor, township: Township, case_id: int) -> Case:
    """归档: the office, or the liaison of the case's branch."""
    case = get_case(actor, township, case_id)
    _require_office_or_liaison(actor, township, case)
    _move(case, "archive", actor)
    return case
