"""What every stage uses: the categories and codes, the deadline rule, who may see what, the
state machine and who is told."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework.errors import DeadlineBeyondMaximum, IllegalTransition
from lianxin.casework.models import (
    Case,
    CaseAssignment,
    CaseEvent,
    CaseState,
)
from lianxin.casework.states import STATE_LABELS, TRANSITIONS
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

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


def liaison_branch_ids(actor: Actor, township: Township) -> frozenset[int]:
    """The branches of this township the actor is the liaison of (branch_liaison memberships)."""
    return frozenset(
        g.branch_id
        for g in actor.grants
        if g.tenant_id == township.id and g.role is Role.BRANCH_LIAISON and g.branch_id
    )


def is_liaison_of(actor: Actor, township: Township, case: Case) -> bool:
    """The actor is the liaison of the case's branch: they log, follow, feed back, archive it."""
    return case.branch_id is not None and case.branch_id in liaison_branch_ids(actor, township)


def _visible(actor: Actor, township: Township) -> Any:
    """The cases an actor may see: the office all; a unit its assignments; a representative
    the cases they received; a branch liaison their branch's."""
    if is_office(actor, township) or Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id):
        return None
    clauses = []
    branches = liaison_branch_ids(actor, township)
    if branches:
        clauses.append(Case.branch_id.in_(sorted(branches)))
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


def _require_office_or_liaison(actor: Actor, township: Township, case: Case) -> None:
    """Feedback, a rating told by phone, archiving: the office, or the liaison of the case's
    branch (000 第五篇: 反馈、归档 by the liaison)."""
    if not (is_office(actor, township) or is_liaison_of(actor, township, case)):
        raise PermissionDenied()


def case_link(township: Township, case_id: int) -> str:
    """The path of a case's page, for a notification (made absolute where it is delivered)."""
    return f"/t/{township.slug}/cases/{case_id}"


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


def _round(case: Case) -> int:
    """The round of handling a case is in: one more than its reassignments."""
    return case.reassign_count + 1


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
