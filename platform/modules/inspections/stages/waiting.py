"""What waits for whom (the to-do home): a representative's coming visits; the plans to send
and the reports to write of those who manage visits; the briefs past their answer deadline for
the office. One query each; only what the actor may see."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.sql import ColumnElement

from lianxin.auth.actor import Actor
from lianxin.casework.models import Case
from lianxin.casework.states import OPEN_STATES
from lianxin.modules.inspections.models import Brief, Inspection, InspectionMember, State
from lianxin.modules.inspections.stages.plans import (
    OPEN,
    can_plan,
    is_office,
    led_group_ids,
    representative_of,
)
from lianxin.modules.waiting import Waiting, pile, waiting
from lianxin.tenants.models import Township


def my_upcoming(actor: Actor, township: Township, today: date) -> Waiting:
    """The visits ahead whose team the representative is on."""
    rep = representative_of(actor, township)
    if rep is None:
        return Waiting()
    return waiting(
        select(*pile(Inspection.id, Inspection.created_at, Inspection.held_on))
        .join(
            InspectionMember,
            and_(
                InspectionMember.inspection_id == Inspection.id,
                InspectionMember.tenant_id == Inspection.tenant_id,
            ),
        )
        .where(
            InspectionMember.representative_id == rep.id,
            Inspection.state.in_(list(OPEN)),
            Inspection.held_on >= today,
        )
    )


def _managed(actor: Actor, township: Township) -> ColumnElement[bool] | None:
    """The visits the actor manages, as a where clause (None: every one, the office)."""
    if is_office(actor, township):
        return None
    clauses = [Inspection.organiser_user_id == actor.user_id]
    groups = led_group_ids(actor, township)
    if groups:
        clauses.append(Inspection.group_id.in_(sorted(groups)))
    return or_(*clauses)


def plans_to_send(actor: Actor, township: Township, today: date) -> Waiting:
    """Plans not sent to the units yet whose visit is still ahead; `due_on` the first visit."""
    if not can_plan(actor, township):
        return Waiting()
    query = select(*pile(Inspection.id, Inspection.created_at, Inspection.held_on)).where(
        Inspection.state == State.PLANNED, Inspection.held_on >= today
    )
    managed = _managed(actor, township)
    if managed is not None:
        query = query.where(managed)
    return waiting(query)


def reports_to_write(actor: Actor, township: Township, today: date) -> Waiting:
    """Visits whose date has passed without a report: the findings or the report to write."""
    if not can_plan(actor, township):
        return Waiting()
    query = select(*pile(Inspection.id, Inspection.updated_at, Inspection.held_on)).where(
        or_(
            Inspection.state == State.HELD,
            and_(Inspection.state == State.NOTIFIED, Inspection.held_on < today),
        )
    )
    managed = _managed(actor, township)
    if managed is not None:
        query = query.where(managed)
    return waiting(query)


def briefs_overdue(actor: Actor, township: Township, today: date) -> Waiting:
    """Written briefs whose unit has not answered by the deadline (the case still open); for
    the office, and a group leader for the visits they manage."""
    if not can_plan(actor, township):
        return Waiting()
    query = (
        select(*pile(Brief.id, Brief.created_at, Case.due_on))
        .join(Case, and_(Case.id == Brief.case_id, Case.tenant_id == Brief.tenant_id))
        .join(
            Inspection,
            and_(Inspection.id == Brief.inspection_id, Inspection.tenant_id == Brief.tenant_id),
        )
        .where(Case.state.in_(list(OPEN_STATES)), Case.due_on < today)
    )
    managed = _managed(actor, township)
    if managed is not None:
        query = query.where(managed)
    return waiting(query)
