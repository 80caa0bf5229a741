"""The paper around a case (issue 25): the referral sheet (交办单) a unit receives with a case,
and who may print the blank opinion form (社情民意收集表) used for paper intake. The receipt's
new code is `intake.reissue_tracking_code`; keying a paper form in is `intake.register` with
`from_paper`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.casework.errors import IllegalTransition
from lianxin.casework.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseEvent,
    DeadlineExtension,
    ExtensionStatus,
)
from lianxin.casework.stages.branch import registers_at_branch
from lianxin.casework.stages.common import (
    _require_office,
    get_case,
    is_office,
    received_on,
    representative_of,
)
from lianxin.db import db
from lianxin.errors import PermissionDenied
from lianxin.people.models import HandlingUnit, Representative
from lianxin.tenants.models import Township

# The assignments a referral sheet names: the units handling the case now, or that answered it.
ON_THE_SHEET = (AssignmentStatus.ACTIVE, AssignmentStatus.ANSWERED)


@dataclass(frozen=True)
class ReferralSheet:
    """What a 交办单 says: the case, the round, its units, when it was referred and by when the
    written answer is due (the case's own rule: so many working or calendar days)."""

    case: Case
    round: int
    lead: str
    co: tuple[str, ...]
    referred_on: date | None
    received_on: date
    due_on: date | None
    due_days: int | None
    working_days: bool
    due_estimated: bool
    extended: bool
    received_by: str | None


def referral_sheet(actor: Actor, township: Township, case_id: int) -> ReferralSheet:
    """The office's referral sheet of a case: the case must be visible (another township's, 404)
    and the actor the office (403); a case not referred has none."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    assignments = list(
        db.session.scalars(
            select(CaseAssignment)
            .where(
                CaseAssignment.case_id == case.id,
                CaseAssignment.status.in_([s.value for s in ON_THE_SHEET]),
            )
            .order_by(CaseAssignment.round.desc(), CaseAssignment.id)
        )
    )
    if not assignments:
        raise IllegalTransition(_("该诉求尚未交办承办单位，没有交办单。"))
    latest = assignments[0].round
    current = [a for a in assignments if a.round == latest]
    names = {
        u.id: u.name
        for u in db.session.scalars(
            select(HandlingUnit).where(HandlingUnit.id.in_([a.unit_id for a in current]))
        )
    }
    lead = next((a for a in current if a.role == AssignmentRole.LEAD), current[0])
    referred_at = db.session.scalar(
        select(CaseEvent.created_at)
        .where(CaseEvent.case_id == case.id, CaseEvent.action.in_(["refer", "reassign"]))
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )
    extended = (
        db.session.scalar(
            select(DeadlineExtension.id)
            .where(
                DeadlineExtension.case_id == case.id,
                DeadlineExtension.status == ExtensionStatus.APPROVED,
            )
            .limit(1)
        )
        is not None
    )
    receiver = (
        db.session.get(Representative, (township.id, case.received_by_id))
        if case.received_by_id
        else None
    )
    return ReferralSheet(
        case=case,
        round=latest,
        lead=names.get(lead.unit_id, ""),
        co=tuple(names.get(a.unit_id, "") for a in current if a is not lead),
        referred_on=deadlines.shanghai_today(referred_at) if referred_at else None,
        received_on=received_on(case),
        due_on=case.due_on,
        due_days=case.due_days,
        working_days=case.due_count == deadlines.DayCount.WORKING.value,
        due_estimated=case.due_estimated,
        extended=extended,
        received_by=receiver.name if receiver is not None else None,
    )


def may_print_blank_forms(actor: Actor, township: Township) -> bool:
    """Who hands out the blank opinion form and keys it in later: those who register cases for
    people (the office, representatives, branch liaisons)."""
    return (
        is_office(actor, township)
        or representative_of(actor, township) is not None
        or registers_at_branch(actor, township)
    )


def require_blank_forms(actor: Actor, township: Township) -> None:
    if not may_print_blank_forms(actor, township):
        raise PermissionDenied()
