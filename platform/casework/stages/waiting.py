"""What waits for whom (the to-do home): the office's piles by state and a unit's assigned
cases (a branch liaison's piles are the branch stage's: `branch_cases_waiting`). One query a
pile; only what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select

from lianxin.auth.actor import Actor
from lianxin.casework.models import (
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseState,
    DeadlineExtension,
    ExtensionStatus,
)
from lianxin.casework.stages.common import is_office, unit_ids_of
from lianxin.casework.states import OPEN_STATES
from lianxin.db import db
from lianxin.modules.waiting import Waiting, as_waiting, pile, waiting
from lianxin.tenants.models import Township

# The office's piles, by the state a case waits in for it.
OFFICE_STATES = (CaseState.REGISTERED, CaseState.RECEIVED, CaseState.REPLIED)


@dataclass(frozen=True)
class OfficeWaiting:
    by_state: dict[str, Waiting] = field(default_factory=dict)
    overdue: Waiting = field(default_factory=Waiting)
    extensions: Waiting = field(default_factory=Waiting)


def office_waiting(actor: Actor, township: Township, today: date) -> OfficeWaiting:
    """The office's cases to receive, to route, to feed back; the overdue; extension requests."""
    if not is_office(actor, township):
        return OfficeWaiting()
    rows = db.session.execute(
        select(Case.state, *pile(Case.id, Case.updated_at, Case.due_on))
        .where(Case.state.in_([s.value for s in OFFICE_STATES]))
        .group_by(Case.state)
    ).all()
    by_state = {row[0]: as_waiting(row[1:]) for row in rows}
    overdue = waiting(
        select(*pile(Case.id, Case.updated_at, Case.due_on)).where(
            Case.state.in_([s.value for s in OPEN_STATES]), Case.due_on < today
        )
    )
    extensions = waiting(
        select(*pile(DeadlineExtension.case_id, DeadlineExtension.created_at, distinct=True)).where(
            DeadlineExtension.status == ExtensionStatus.PENDING
        )
    )
    return OfficeWaiting(by_state, overdue, extensions)


@dataclass(frozen=True)
class UnitWaiting:
    assigned: Waiting = field(default_factory=Waiting)
    overdue: int = 0


def unit_waiting(actor: Actor, township: Township, today: date) -> UnitWaiting:
    """The cases referred to the actor's units and not answered yet, and how many are late."""
    units = unit_ids_of(actor, township)
    if not units:
        return UnitWaiting()
    row = db.session.execute(
        select(
            *pile(Case.id, CaseAssignment.created_at, Case.due_on, distinct=True),
            func.count(case((Case.due_on < today, Case.id)).distinct()),
        )
        .join(
            CaseAssignment,
            and_(CaseAssignment.case_id == Case.id, CaseAssignment.tenant_id == Case.tenant_id),
        )
        .where(
            CaseAssignment.unit_id.in_(units),
            CaseAssignment.status == AssignmentStatus.ACTIVE,
            Case.state == CaseState.REFERRED,
        )
    ).one()
    return UnitWaiting(as_waiting(row), int(row[4] or 0))
