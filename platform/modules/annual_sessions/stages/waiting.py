"""What waits for whom (the to-do home): the items the committee (or the office) has to decide
for the agenda, the leave requests the office has to answer, a representative's next session.
One query each; only what the actor may see."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.modules.annual_sessions.models import (
    Attendance,
    AttendanceStatus,
    Item,
    ItemStatus,
    Session,
    SessionState,
)
from lianxin.modules.annual_sessions.stages.common import is_committee, is_office
from lianxin.modules.waiting import Waiting, in_one, paged, pile
from lianxin.tenants.models import Township


def _one_session(query: Select[tuple[object, ...]]) -> Waiting:
    """A pile and `in_one(Session.id)`: `page_id` is the session when there is only one."""
    return paged(db.session.execute(query).one())


def items_to_decide(actor: Actor, township: Township) -> Waiting:
    """Proposed items of sessions still planning, not yet put on the agenda or declined."""
    if not (is_office(actor, township) or is_committee(actor, township)):
        return Waiting()
    return _one_session(
        select(
            *pile(Item.id, Item.created_at, Session.held_on),
            *in_one(Session.id),
        )
        .join(Session, and_(Session.id == Item.session_id, Session.tenant_id == Item.tenant_id))
        .where(
            Session.state == SessionState.PLANNING,
            Item.status == ItemStatus.PROPOSED,
            Item.during_session.is_(False),
        )
    )


def leave_requests(actor: Actor, township: Township) -> Waiting:
    """Leave requests not answered yet, of sessions not closed: the office's."""
    if not is_office(actor, township):
        return Waiting()
    return _one_session(
        select(
            *pile(Attendance.id, None, Session.held_on),
            *in_one(Session.id),
        )
        .join(
            Session,
            and_(Session.id == Attendance.session_id, Session.tenant_id == Attendance.tenant_id),
        )
        .where(
            Session.state != SessionState.CLOSED,
            Attendance.status == AttendanceStatus.LEAVE_REQUESTED,
        )
    )


def next_session(actor: Actor, township: Township, today: date) -> Session | None:
    """The coming (or running) session, for a representative."""
    if casework.representative_of(actor, township) is None:
        return None
    return db.session.scalar(
        select(Session)
        .where(Session.state != SessionState.CLOSED, Session.ends_on >= today)
        .order_by(Session.held_on, Session.id)
        .limit(1)
    )
