"""Use cases of casework: register, triage, route, answer, feed back, rate, archive, escalate.

Every state change goes through `_move`, which checks the transition table (states.py),
records who and when in `case_events`, and audits; an illegal step raises IllegalTransition.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lianxin import work_calendar
from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseReply,
    CaseState,
    Channel,
    Complexity,
    CountyEscalation,
    DeadlineExtension,
    ExtensionStatus,
    Rating,
)
from lianxin.casework.states import OPEN_STATES, STATE_LABELS, TRANSITIONS
from lianxin.db import db, utcnow
from lianxin.db.paging import paged
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.notify import service as notify
from lianxin.people.models import HandlingUnit, Representative
from lianxin.people.service import clean_phone
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import County, Township

# Tracking codes: 16 characters of an alphabet without look-alikes (0/O, 1/I/L), 80 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16
CATEGORIES = (
    "民生保障",
    "基础设施",
    "农业农村",
    "社会治理",
    "生态环境",
    "教育医疗",
    "党的建设",
    "经济发展",
    "其他",
)


class IllegalTransition(Conflict):
    code = "illegal_transition"


# --- settings and codes -------------------------------------------------------------------------


class DeadlineBeyondMaximum(ValidationFailed):
    """A due date past the township's maximum in calendar days from registration: only
    escalation to the county remains."""

    code = "deadline_beyond_maximum"


def rule_for(township_id: int) -> deadlines.DeadlineRule:
    s = tenants.effective_settings(township_id, "casework")
    township = db.session.get(Township, township_id)
    return deadlines.DeadlineRule(
        count=deadlines.DayCount(s["day_count"]),
        max_days=s["max_days"],
        simple_complex=s["simple_complex"],
        simple_days=s["simple_days"],
        complex_days=s["complex_days"],
        due_soon_days=s["due_soon_days"],
        county_id=township.county_id if township is not None else None,
        max_calendar_days=s.get("max_calendar_days", 60),
    )


def received_on(case: Case) -> date:
    """The Shanghai date the case was received: its deadlines count from this day."""
    if case.due_from is not None:
        return case.due_from
    return deadlines.shanghai_today(case.created_at)  # registered before this was recorded


def _set_deadline(case: Case, deadline: deadlines.Deadline) -> None:
    case.due_on, case.due_estimated = deadline.due_on, deadline.estimated
    case.due_from, case.due_days, case.due_count = (
        deadline.received,
        deadline.days,
        deadline.count.value,
    )


def _check_within_maximum(township: Township, case: Case, until: date) -> None:
    rule = rule_for(township.id)
    latest = rule.latest_on(received_on(case))
    if until > latest:
        message = _(
            "办理时限自登记之日起最长%(n)d个自然日（最迟 %(d)s），不能再延期；"
            "如仍无法办结，请上报县级。",
            n=rule.max_calendar_days,
            d=latest.isoformat(),
        )
        raise DeadlineBeyondMaximum(message, errors={"until": [message]})


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_digest(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


# --- who may see and do what ---------------------------------------------------------------------


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def unit_ids_of(actor: Actor, township: Township) -> set[int]:
    return {
        g.unit_id
        for g in actor.grants
        if g.tenant_id == township.id and g.role is Role.HANDLING_UNIT and g.unit_id
    }


def representative_of(actor: Actor, township: Township) -> Representative | None:
    if actor.user_id is None:
        return None
    return db.session.scalar(select(Representative).where(Representative.user_id == actor.user_id))


def _visible(actor: Actor, township: Township) -> Any:
    """The cases an actor may see: the office all; a unit its assignments; a representative
    the cases they received."""
    if is_office(actor, township) or Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id):
        return None
    clauses = []
    units = unit_ids_of(actor, township)
    if units:
        clauses.append(
            Case.id.in_(select(CaseAssignment.case_id).where(CaseAssignment.unit_id.in_(units)))
        )
    rep = representative_of(actor, township)
    if rep is not None:
        clauses.append(Case.received_by_id == rep.id)
    return or_(*clauses) if clauses else Case.id.is_(None)


def get_case(actor: Actor, township: Township, case_id: int) -> Case:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    query = select(Case).where(Case.id == case_id)
    visible = _visible(actor, township)
    if visible is not None:
        query = query.where(visible)
    case = db.session.scalar(query)
    if case is None:
        raise NotFound(_("未找到该诉求"))
    return case


def _require_office(actor: Actor, township: Township) -> None:
    if not is_office(actor, township):
        raise PermissionDenied()


# --- the state machine ----------------------------------------------------------------------------


def _move(case: Case, action: str, actor: Actor | None, note: str | None = None) -> None:
    transition = TRANSITIONS[action]
    if case.state not in transition.sources:
        raise IllegalTransition(
            _("“%(state)s”的诉求不能执行此操作。", state=STATE_LABELS[CaseState(case.state)])
        )
    before = case.state
    if transition.target is not None:
        case.state = transition.target
        if transition.target is CaseState.ARCHIVED:
            case.closed_at = utcnow()
    db.session.add(
        CaseEvent(
            case_id=case.id,
            action=action,
            from_state=before,
            to_state=case.state,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else _("群众"),
            note=note,
        )
    )
    audit.record(
        f"case.{action}",
        actor=actor or _public_actor(),
        tenant_id=case.tenant_id,
        target_type="case",
        target_id=case.id,
        before={"state": before},
        after={"state": case.state},
    )


def _public_actor() -> Actor:
    return Actor(None, _("群众"))


def _office_user_ids(township: Township) -> list[int]:
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id,
                Membership.role.in_([Role.TOWNSHIP_ADMIN.value, Role.TOWNSHIP_STAFF.value]),
            )
        )
    )


def _unit_user_ids(township: Township, unit_ids: Iterable[int]) -> list[int]:
    return list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id, Membership.unit_id.in_(list(unit_ids))
            )
        )
    )


# --- registering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCase:
    case: Case
    tracking_code: str


# Besides the office and representatives, the people of the liaison chain (三联) write down what
# they were told: committee members and branch liaisons.
RECORDING_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.BRANCH_LIAISON})


def register(actor: Actor | None, township: Township, data: dict[str, Any]) -> NewCase:
    """Record a case. `actor` None means the person submitted it themselves (public web form).

    Staff recording for someone else (a walk-in, a call, a photographed paper form) are recorded
    as such. The reply clock starts now.
    """
    if actor is not None and not (
        is_office(actor, township)
        or representative_of(actor, township) is not None
        or actor.roles_in_township(township.id) & RECORDING_ROLES
    ):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    body = str(data.get("body") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("请填写标题（不超过200字）")]
    if not body or len(body) > 5000:
        errors["body"] = [_("请填写具体内容（不超过5000字）")]
    channel = str(data.get("channel") or (Channel.PUBLIC_WEB if actor is None else ""))
    public_channels = (Channel.PUBLIC_WEB, Channel.APPOINTED_VISIT)
    if channel not in set(Channel) or (actor is None and channel not in public_channels):
        errors["channel"] = [_("请选择来源渠道")]
    category = str(data.get("category") or "其他")
    if category not in CATEGORIES:
        errors["category"] = [_("请选择类别")]
    complexity = data.get("complexity") or None
    if complexity is not None and complexity not in set(Complexity):
        errors["complexity"] = [_("请选择简单或复杂")]
    anonymous = bool(data.get("anonymous"))
    name = str(data.get("raiser_name") or "").strip() or None
    if name and len(name) > 50:
        errors["raiser_name"] = [_("姓名过长")]
    try:
        phone = clean_phone(data.get("raiser_phone"))
    except ValueError:
        phone = None
        errors["raiser_phone"] = [_("手机号格式不正确")]
    if not anonymous and not phone and actor is None:
        errors["raiser_phone"] = [_("请留下手机号以便答复，或选择匿名")]
    received_by = data.get("received_by_id")
    if (
        received_by is not None
        and db.session.get(Representative, (township.id, int(received_by))) is None
    ):
        raise NotFound(_("未找到该代表"))
    if errors:
        raise ValidationFailed(errors=errors)
    if actor is not None and received_by is None:
        rep = representative_of(actor, township)
        received_by = rep.id if rep is not None else None
    code = new_tracking_code()
    now = utcnow()
    deadline = rule_for(township.id).deadline(deadlines.shanghai_today(now), complexity)
    case = Case(
        tracking_hash=code_digest(code),
        channel=channel,
        title=title,
        body=body,
        category=category,
        complexity=complexity,
        anonymous=anonymous,
        raiser_name=None if anonymous else name,
        raiser_phone=phone,
        source_type=data.get("source_type"),
        source_id=data.get("source_id"),
        recorded_by_id=actor.user_id if actor else None,
        on_behalf=actor is not None and bool(data.get("on_behalf", True)),
        received_by_id=received_by,
        state=CaseState.REGISTERED,
        created_at=now,
    )
    _set_deadline(case, deadline)
    db.session.add(case)
    db.session.flush()
    db.session.add(
        CaseEvent(
            case_id=case.id,
            action="register",
            from_state=None,
            to_state=case.state,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else _("群众"),
            note=_("代为登记") if case.on_behalf else None,
        )
    )
    audit.record(
        "case.register",
        actor=actor or _public_actor(),
        tenant_id=township.id,
        target_type="case",
        target_id=case.id,
        after={"channel": channel, "state": case.state},
    )
    notify.notify(
        _office_user_ids(township),
        _("新诉求：%(t)s", t=title),
        _("请及时登记办理。"),
        tenant_id=township.id,
        dedupe_key=f"case:{township.id}:{case.id}:registered",
    )
    db.session.commit()
    return NewCase(case, code)


# --- triage and handling --------------------------------------------------------------------------


def receive(
    actor: Actor, township: Township, case_id: int, representative_id: int | None = None
) -> Case:
    """The representative who received it is responsible from now on (首问负责制)."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    if representative_id is not None:
        if db.session.get(Representative, (township.id, representative_id)) is None:
            raise NotFound(_("未找到该代表"))
        case.received_by_id = case.received_by_id or representative_id
    _move(case, "receive", actor)
    db.session.commit()
    return case


def mark_inadmissible(
    actor: Actor, township: Township, case_id: int, *, reason: str, referral_text: str
) -> Case:
    """Not for this channel (already in court, in the petition system …); the person is told
    where to go instead."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    if not reason.strip() or not referral_text.strip():
        raise ValidationFailed(errors={"reason": [_("请填写不予受理的理由和告知内容")]})
    _move(case, "mark_inadmissible", actor, reason)
    case.inadmissible_reason, case.referral_text = reason.strip(), referral_text.strip()
    case.answer, case.answered_at = referral_text.strip(), utcnow()
    db.session.commit()
    return case


def handle_on_spot(actor: Actor, township: Township, case_id: int, answer: str) -> Case:
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    if not answer.strip():
        raise ValidationFailed(errors={"answer": [_("请填写当场答复的内容")]})
    _move(case, "handle_on_spot", actor)
    case.answer, case.answered_at = answer.strip(), utcnow()
    db.session.add(
        CaseReply(
            case_id=case.id,
            source="office",
            author_user_id=actor.user_id,
            author_name=actor.name,
            text=answer.strip(),
        )
    )
    db.session.commit()
    return case


def _round(case: Case) -> int:
    return case.reassign_count + 1


def _unit(township: Township, unit_id: int) -> HandlingUnit:
    unit = db.session.get(HandlingUnit, (township.id, unit_id))
    if unit is None or not unit.is_active:
        raise NotFound(_("未找到该承办单位"))
    return unit


def refer(
    actor: Actor,
    township: Township,
    case_id: int,
    *,
    lead_unit_id: int,
    co_unit_ids: Sequence[int] = (),
    complexity: str | None = None,
) -> Case:
    """Refer to one lead unit (主办) and optional co-units (协办); re-routing replaces them."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    units = [_unit(township, lead_unit_id)] + [_unit(township, u) for u in co_unit_ids]
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
    if complexity in set(Complexity) and complexity != case.complexity:
        case.complexity = complexity
        _set_deadline(case, rule_for(township.id).deadline(received_on(case), complexity))
    notify.notify(
        _unit_user_ids(township, [u.id for u in units]),
        _("交办：%(t)s", t=case.title),
        _("请在 %(d)s 前书面答复。", d=case.due_on),
        tenant_id=township.id,
        dedupe_key=f"case:{township.id}:{case.id}:refer:{_round(case)}:"
        f"{'-'.join(str(u.id) for u in units)}",
    )
    db.session.commit()
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


def unit_reply(actor: Actor, township: Township, case_id: int, text: str) -> Case:
    """A unit answers in writing; the lead unit's answer is the case's reply."""
    case = get_case(actor, township, case_id)
    assignment = _assignment_of(actor, township, case)
    if not text.strip():
        raise ValidationFailed(errors={"text": [_("请填写书面答复")]})
    reply = CaseReply(
        case_id=case.id,
        unit_id=assignment.unit_id,
        source="unit",
        author_user_id=actor.user_id,
        author_name=actor.name,
        text=text.strip(),
    )
    db.session.add(reply)
    assignment.status = AssignmentStatus.ANSWERED
    if assignment.role == AssignmentRole.LEAD:
        _move(case, "reply", actor)
        case.answer, case.answered_at = text.strip(), utcnow()
        notify.notify(
            _office_user_ids(township),
            _("已答复：%(t)s", t=case.title),
            _("请向群众反馈。"),
            tenant_id=township.id,
        )
    else:
        _move(case, "attach", actor, _("协办单位答复"))
    db.session.commit()
    return case


def return_to_office(actor: Actor, township: Township, case_id: int, reason: str) -> Case:
    """Not this unit's business: it goes back to the office, which routes it again."""
    case = get_case(actor, township, case_id)
    assignment = _assignment_of(actor, township, case)
    if not reason.strip():
        raise ValidationFailed(errors={"reason": [_("请说明退回理由")]})
    _move(case, "return_to_office", actor, reason.strip())
    assignment.status, assignment.return_reason = AssignmentStatus.RETURNED, reason.strip()
    notify.notify(
        _office_user_ids(township),
        _("退回：%(t)s", t=case.title),
        reason.strip(),
        tenant_id=township.id,
    )
    db.session.commit()
    return case


def request_extension(
    actor: Actor, township: Township, case_id: int, *, until: date, reason: str
) -> DeadlineExtension:
    case = get_case(actor, township, case_id)
    assignment = _assignment_of(actor, township, case)
    if case.due_on is not None and until <= case.due_on:
        raise ValidationFailed(errors={"until": [_("延期日期须晚于当前期限")]})
    _check_within_maximum(township, case, until)
    if not reason.strip():
        raise ValidationFailed(errors={"reason": [_("请说明延期理由")]})
    if db.session.scalar(
        select(DeadlineExtension.id).where(
            DeadlineExtension.case_id == case.id,
            DeadlineExtension.status == ExtensionStatus.PENDING,
        )
    ):
        raise Conflict(_("已有待审批的延期申请"))
    _move(case, "request_extension", actor, reason.strip())
    extension = DeadlineExtension(
        case_id=case.id,
        unit_id=assignment.unit_id,
        requested_due_on=until,
        reason=reason.strip(),
        status=ExtensionStatus.PENDING,
    )
    db.session.add(extension)
    db.session.commit()
    return extension


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
    db.session.commit()
    return extension


def give_feedback(actor: Actor, township: Township, case_id: int, note: str | None = None) -> Case:
    """The liaison tells the person (and the representative) the answer."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    _move(case, "give_feedback", actor, note)
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
    db.session.commit()
    return case


def rate(
    township: Township,
    case: Case,
    rating: str,
    comment: str | None = None,
    actor: Actor | None = None,
) -> Case:
    if rating not in set(Rating):
        raise ValidationFailed(errors={"rating": [_("请选择满意、基本满意或不满意")]})
    _move(case, "rate", actor, rating)
    case.rating, case.rating_comment, case.rated_at = (
        rating,
        (comment or "").strip() or None,
        utcnow(),
    )
    db.session.commit()
    return case


def record_rating(
    actor: Actor, township: Township, case_id: int, rating: str, comment: str | None = None
) -> Case:
    """The office records a rating the person gave by phone or in person."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    return rate(township, case, rating, comment, actor=actor)


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
    return refer(actor, township, case_id, lead_unit_id=lead_unit_id, co_unit_ids=co_unit_ids)


def escalate(actor: Actor, township: Township, case_id: int, *, reason: str) -> Case:
    """Beyond the township's authority: a copy goes to the county's queue."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    if not reason.strip():
        raise ValidationFailed(errors={"reason": [_("请说明上报理由")]})
    _move(case, "escalate", actor, reason.strip())
    db.session.add(
        CountyEscalation(
            county_id=township.county_id,
            tenant_id=township.id,
            case_id=case.id,
            round=_round(case),
            title=case.title,
            summary=case.body,
            reason=reason.strip(),
            status="open",
        )
    )
    db.session.commit()
    return case


def archive(actor: Actor, township: Township, case_id: int) -> Case:
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    _move(case, "archive", actor)
    db.session.commit()
    return case


# --- estimated deadlines, recomputed when a year's official calendar is loaded -------------


def recompute_estimated(year: int, actor: Actor | None = None) -> int:
    """Recompute the open cases whose due date was estimated over a span reaching `year`, now
    that the operator has loaded `year` (lianxin.work_calendar calls this in the load's
    transaction). Each changed case is audited; the office and the units on it are told of a
    changed due date. Returns how many due dates changed.

    The stored count is replayed (received date, days, calendar or working), under the
    township's current maximum in calendar days. Never commits.
    """
    # Audited as the operator who loaded the year (as the command line's account when loaded
    # there); the calendar itself when called outside a load.
    actor = actor or work_calendar.current_loader() or Actor(None, _("节假日日历"))
    changed = 0
    townships = db.session.scalars(select(Township).order_by(Township.id)).all()
    for township in townships:
        with tenant_context(township.id):
            candidates = db.session.scalars(
                select(Case)
                .where(
                    Case.state.in_(list(OPEN_STATES)),
                    Case.due_estimated.is_(True),
                    Case.due_from <= date(year, 12, 31),
                    Case.due_days.is_not(None),
                    Case.due_count.is_not(None),
                )
                .order_by(Case.id)
            ).all()
            if not candidates:
                continue
            rule = rule_for(township.id)
            for case in candidates:
                changed += _recompute_case(township, case, rule, year, actor)
            db.session.flush()  # inside this township's context
    return changed


def _recompute_case(
    township: Township, case: Case, rule: deadlines.DeadlineRule, year: int, actor: Actor
) -> int:
    assert case.due_from is not None and case.due_days is not None and case.due_count
    replay = replace(rule, count=deadlines.DayCount(case.due_count))
    deadline = replay.deadline(case.due_from, days=case.due_days)
    if (deadline.due_on, deadline.estimated) == (case.due_on, case.due_estimated):
        return 0
    before = {"due_on": case.due_on, "due_estimated": case.due_estimated}
    case.due_on, case.due_estimated = deadline.due_on, deadline.estimated
    audit.record(
        "case.due_recomputed",
        actor=actor,
        tenant_id=township.id,
        target_type="case",
        target_id=case.id,
        before=before,
        after={"due_on": case.due_on, "due_estimated": case.due_estimated, "year": year},
    )
    if before["due_on"] == case.due_on:
        return 0
    db.session.add(
        CaseEvent(
            case_id=case.id,
            action="due_recomputed",
            from_state=case.state,
            to_state=case.state,
            actor_user_id=actor.user_id,
            actor_name=actor.name,
            note=_(
                "%(y)d年国家节假日安排公布，答复期限由 %(a)s 调整为 %(b)s",
                y=year,
                a=before["due_on"],
                b=case.due_on,
            ),
        )
    )
    case.reminded_due_soon = case.reminded_overdue = None
    notify.notify(
        _responsible_user_ids(township, case),
        _("答复期限已调整：%(t)s", t=case.title),
        _(
            "%(y)d年国家节假日安排已公布，按正式日历重新计算，答复期限由 %(a)s 调整为 %(b)s。",
            y=year,
            a=before["due_on"],
            b=case.due_on,
        ),
        tenant_id=township.id,
        dedupe_key=f"case:{township.id}:{case.id}:due_recomputed:{case.due_on}",
    )
    return 1


# --- the county's queue ---------------------------------------------------------------------


def county_queue(
    actor: Actor, county: County, *, status: str | None = "open"
) -> list[CountyEscalation]:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    query = select(CountyEscalation).where(CountyEscalation.county_id == county.id)
    if status:
        query = query.where(CountyEscalation.status == status)
    return list(db.session.scalars(query.order_by(CountyEscalation.created_at)))


def get_escalation(actor: Actor, county: County, escalation_id: int) -> CountyEscalation:
    """One item of this county's queue; anything else is not found."""
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    item = db.session.get(CountyEscalation, escalation_id)
    if item is None or item.county_id != county.id:
        raise NotFound()
    return item


def county_answer(
    actor: Actor, county: County, escalation_id: int, answer: str
) -> CountyEscalation:
    """The county answers; the answer returns into the township's case as its reply."""
    if not permissions.can_administer_county(actor, county.id):
        raise (
            NotFound() if not permissions.can_view_county(actor, county.id) else PermissionDenied()
        )
    item = db.session.get(CountyEscalation, escalation_id)
    if item is None or item.county_id != county.id:
        raise NotFound()
    if item.status != "open":
        raise Conflict(_("已答复"))
    if not answer.strip():
        raise ValidationFailed(errors={"answer": [_("请填写答复")]})
    item.status, item.answer = "answered", answer.strip()
    item.answered_by_id, item.answered_at = actor.user_id, utcnow()
    audit.record(
        "escalation.answered",
        actor=actor,
        county_id=county.id,
        target_type="escalation",
        target_id=item.id,
    )
    with tenant_context(item.tenant_id):
        case = db.session.get(Case, (item.tenant_id, item.case_id))
        assert case is not None
        _move(case, "reply", actor, _("县级答复"))
        case.answer, case.answered_at = answer.strip(), utcnow()
        db.session.add(
            CaseReply(
                case_id=case.id,
                source="county",
                author_user_id=actor.user_id,
                author_name=actor.name,
                text=answer.strip(),
            )
        )
        township = db.session.get(Township, item.tenant_id)
        assert township is not None
        notify.notify(
            _office_user_ids(township), _("县级已答复：%(t)s", t=case.title), tenant_id=township.id
        )
        db.session.commit()
    return item


# --- lists, history, public lookup ---------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    overdue: bool
    due_soon: bool
    latest_due_on: date | None = None  # no extension goes past it


def flag(case: Case, rule: deadlines.DeadlineRule, today: date) -> CaseRow:
    due = case.due_on
    latest = rule.latest_on(received_on(case))
    if case.state not in OPEN_STATES or due is None:
        return CaseRow(case, False, False, latest)
    return CaseRow(case, rule.is_overdue(today, due), rule.is_due_soon(today, due), latest)


def list_cases(
    actor: Actor,
    township: Township,
    *,
    state: str | None = None,
    overdue_only: bool = False,
    q: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
) -> tuple[list[CaseRow], int]:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()
    query = select(Case)
    visible = _visible(actor, township)
    if visible is not None:
        query = query.where(visible)
    if state:
        query = query.where(Case.state == state)
    if q:
        # autoescape: a typed % or _ is a character to find, not a LIKE wildcard.
        query = query.where(
            or_(Case.title.contains(q, autoescape=True), Case.body.contains(q, autoescape=True))
        )
    rule, today = rule_for(township.id), deadlines.shanghai_today()
    if overdue_only:
        query = query.where(Case.state.in_(list(OPEN_STATES)), Case.due_on < today)
    rows, total = paged(query, Case.created_at.desc(), Case.id.desc(), offset=offset, limit=limit)
    return [flag(c, rule, today) for c in rows], total


def attach(actor: Actor, township: Township, case_id: int, stream: Any, filename: str) -> Any:
    """A supporting file on a case: the office's, or a unit's with its written answer.

    The file passes the storage checks (type by content, size); it is readable by whoever may
    see the case, within this township only.
    """
    from lianxin.casework.models import CaseAttachment
    from lianxin.storage import service as files

    case = get_case(actor, township, case_id)
    if not (is_office(actor, township) or unit_ids_of(actor, township)):
        raise PermissionDenied()
    if not is_office(actor, township):
        _assignment_of(actor, township, case)
    stored = files.save_upload(actor, township, stream, filename, purpose="case")
    _move(case, "attach", actor, stored.filename)
    db.session.add(CaseAttachment(case_id=case.id, file_id=stored.id))
    db.session.commit()
    return stored


def attachments(actor: Actor, township: Township, case_id: int) -> list[Any]:
    return attachments_of(get_case(actor, township, case_id))


def attachments_of(case: Case) -> list[Any]:
    """The files of a case the caller has already been given by `get_case`."""
    from lianxin.casework.models import CaseAttachment
    from lianxin.storage.models import StoredFile

    return list(
        db.session.scalars(
            select(StoredFile)
            .join(CaseAttachment, CaseAttachment.file_id == StoredFile.id)
            .where(CaseAttachment.case_id == case.id)
            .order_by(CaseAttachment.id)
        )
    )


@storage_owners.reader("case")
def _attachment_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A case's attachment is read by whoever may see the case (`get_case`)."""
    from lianxin.casework.models import CaseAttachment

    case_id = db.session.scalar(
        select(CaseAttachment.case_id).where(CaseAttachment.file_id == file_id).limit(1)
    )
    if case_id is None:
        return False
    get_case(actor, township, case_id)
    return True


def history(actor: Actor, township: Township, case_id: int) -> dict[str, Any]:
    return history_of(get_case(actor, township, case_id))


def history_of(case: Case) -> dict[str, Any]:
    """The history of a case the caller has already been given by `get_case`."""
    return {
        "events": list(
            db.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            )
        ),
        "assignments": list(
            db.session.scalars(
                select(CaseAssignment)
                .where(CaseAssignment.case_id == case.id)
                .order_by(CaseAssignment.id)
            )
        ),
        "replies": list(
            db.session.scalars(
                select(CaseReply).where(CaseReply.case_id == case.id).order_by(CaseReply.id)
            )
        ),
        "extensions": list(
            db.session.scalars(
                select(DeadlineExtension)
                .where(DeadlineExtension.case_id == case.id)
                .order_by(DeadlineExtension.id)
            )
        ),
    }


def find_by_code(township: Township, code: str) -> Case:
    """The public lookup: a wrong code is simply not found (and the caller rate-limits)."""
    case = db.session.scalar(select(Case).where(Case.tracking_hash == code_digest(code or "")))
    if case is None:
        raise NotFound(_("查询码不正确"))
    return case


def rate_by_code(township: Township, code: str, rating: str, comment: str | None) -> Case:
    return rate(township, find_by_code(township, code), rating, comment)


# --- reminders ------------------------------------------------------------------------------------


def _responsible_user_ids(township: Township, case: Case) -> list[int]:
    units = db.session.scalars(
        select(CaseAssignment.unit_id).where(
            CaseAssignment.case_id == case.id, CaseAssignment.status == AssignmentStatus.ACTIVE
        )
    )
    return sorted({*_office_user_ids(township), *_unit_user_ids(township, units)})


def _claim_reminder(case: Case, column: Any) -> bool:
    """Mark the reminder for this due date sent; True only for the one sweep that marks it."""
    from sqlalchemy import update

    claimed = db.session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.due_on == case.due_on,
            or_(column.is_(None), column != case.due_on),
        )
        .values({column.key: case.due_on})
        .returning(Case.id)
    ).first()
    return claimed is not None


def send_reminders(township: Township, today: date | None = None) -> dict[str, int]:
    """Due-soon and overdue reminders to the office and the assigned units, once per due date.

    A sweep that runs twice sends each reminder once (conditional UPDATE … RETURNING); a due
    date moved by an approved extension gets its own reminders.
    """
    today = today or deadlines.shanghai_today()
    rule = rule_for(township.id)
    horizon = deadlines.add_days(today, rule.due_soon_days, rule.count, rule.county_id)
    candidates = db.session.scalars(
        select(Case).where(
            Case.state.in_(list(OPEN_STATES)), Case.due_on.is_not(None), Case.due_on <= horizon
        )
    ).all()
    sent = {"due_soon": 0, "overdue": 0}
    for case in candidates:
        assert case.due_on is not None
        if rule.is_overdue(today, case.due_on):
            kind, column, title = "overdue", Case.reminded_overdue, _("已逾期：%(t)s", t=case.title)
        elif rule.is_due_soon(today, case.due_on):
            kind, column, title = (
                "due_soon",
                Case.reminded_due_soon,
                _("即将到期：%(t)s", t=case.title),
            )
        else:
            continue
        if not _claim_reminder(case, column):
            continue
        notify.notify(
            _responsible_user_ids(township, case),
            title,
            _("答复期限：%(d)s", d=case.due_on),
            tenant_id=township.id,
            dedupe_key=f"case:{township.id}:{case.id}:{kind}:{case.due_on}",
        )
        sent[kind] += 1
    db.session.commit()
    return sent
