"""Resolutions (sent to every representative, published, their implementation reported) and the
session's report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions.inputs import ResolutionInput
from lianxin.modules.annual_sessions.models import (
    Item,
    ItemStatus,
    NoticeKind,
    Resolution,
    Session,
    Vote,
    VoteState,
)
from lianxin.modules.annual_sessions.stages.agenda import _items_of, _tell_representatives
from lianxin.modules.annual_sessions.stages.attendance import Roll, roll
from lianxin.modules.annual_sessions.stages.common import _audit, _get, _require_office
from lianxin.modules.annual_sessions.stages.planning import get_session
from lianxin.modules.annual_sessions.stages.votes import candidates
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- resolutions ---------------------------------------------------------------------------------


@use_case
def create_resolution(
    actor: Actor,
    township: Township,
    session_id: int,
    data: ResolutionInput,
) -> Resolution:
    """A resolution written from a passed item; it goes to every representative."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    title, text = data.title, data.text
    item = None
    if data.item_id is not None:
        item = _get(Item, township, data.item_id, _("未找到该议题"))
        vote = db.session.scalar(select(Vote).where(Vote.item_id == item.id))
        if item.session_id != session.id or vote is None or not vote.passed:
            raise ValidationFailed(
                errors={"item_id": [_("只能根据本次会议表决通过的议题形成决议")]}
            )
    resolution = Resolution(
        session_id=session.id, item_id=item.id if item else None, title=title, text=text
    )
    db.session.add(resolution)
    db.session.flush()
    _tell_representatives(
        township,
        session,
        NoticeKind.RESOLUTION,
        resolution.id,
        _("会议决议：%(t)s", t=title),
        text[:200],
        dedupe_key=f"as:{township.id}:resolution:{resolution.id}",
    )
    _audit("resolution", actor, township, "annual_session", session.id, resolution=resolution.id)
    return resolution


def resolutions(actor: Actor, township: Township, session_id: int) -> list[Resolution]:
    session = get_session(actor, township, session_id)
    return list(
        db.session.scalars(
            select(Resolution).where(Resolution.session_id == session.id).order_by(Resolution.id)
        )
    )


@use_case
def set_resolution_published(
    actor: Actor, township: Township, resolution_id: int, published: bool
) -> Resolution:
    permissions.require_member(actor, township)
    resolution = _get(Resolution, township, resolution_id, _("未找到该决议"))
    _require_office(actor, township)
    resolution.published_at = utcnow() if published else None
    _audit(
        "resolution_publish",
        actor,
        township,
        "annual_session_resolution",
        resolution.id,
        published=published,
    )
    return resolution


@use_case
def report_implementation(
    actor: Actor, township: Township, resolution_id: int, text: str
) -> Resolution:
    """How a resolution was carried out, reported at the next session."""
    permissions.require_member(actor, township)
    resolution = _get(Resolution, township, resolution_id, _("未找到该决议"))
    _require_office(actor, township)
    resolution.implementation = text
    resolution.implementation_reported_at = utcnow()
    _audit("resolution_implementation", actor, township, "annual_session_resolution", resolution.id)
    return resolution


def public_resolutions(township: Township) -> list[tuple[Resolution, Session]]:
    rows = db.session.execute(
        select(Resolution, Session)
        .join(
            Session,
            and_(Session.id == Resolution.session_id, Session.tenant_id == Resolution.tenant_id),
        )
        .where(Resolution.published_at.is_not(None))
        .order_by(Session.held_on.desc(), Resolution.id)
    ).all()
    return [(r, s) for r, s in rows]


# --- the session's report ------------------------------------------------------------------------


@dataclass
class SessionReport:
    session: Session
    roll: Roll
    agenda: list[Item]
    declined: list[Item]
    votes: list[tuple[Vote, Item, dict[str, Any] | None]]
    resolutions: list[Resolution]
    previous: list[Resolution]  # the last session's resolutions and how they were carried out
    reception: Any = None  # reception_days.service.YearReport when that module is on
    proposals: Any = None  # proposals.service.handling_report rows when that module is on


def session_report(actor: Actor, township: Township, session_id: int) -> SessionReport:
    session = get_session(actor, township, session_id)
    all_items = _items_of(session)
    by_item = {i.id: i for i in all_items}
    vote_rows = []
    for v in db.session.scalars(
        select(Vote).where(Vote.session_id == session.id).order_by(Vote.id)
    ):
        outcome = None
        if v.state == VoteState.CLOSED and v.result is not None:
            outcome = {"passed": v.passed, **v.result}
            if v.seats is not None:
                outcome["elected"] = [c.name for c in candidates(v) if c.elected]
        vote_rows.append((v, by_item[v.item_id], outcome))
    # The last session actually held (opened): one planned and never held has no resolutions.
    earlier = db.session.scalar(
        select(Session)
        .where(Session.held_on < session.held_on, Session.opened_at.is_not(None))
        .order_by(Session.held_on.desc(), Session.id.desc())
        .limit(1)
    )
    previous = (
        list(db.session.scalars(select(Resolution).where(Resolution.session_id == earlier.id)))
        if earlier
        else []
    )
    report = SessionReport(
        session,
        roll(township, session),
        [i for i in all_items if i.status == ItemStatus.ON_AGENDA],
        [i for i in all_items if i.status == ItemStatus.DECLINED],
        vote_rows,
        list(db.session.scalars(select(Resolution).where(Resolution.session_id == session.id))),
        previous,
    )
    year = session.held_on.year - 1  # the session reports on the year before it
    if tenants.module_enabled(township.id, "reception_days"):
        from lianxin.modules.reception_days import service as reception

        try:
            report.reception = reception.year_report(actor, township, year)
        except NotFound:
            report.reception = None
    if tenants.module_enabled(township.id, "proposals"):
        from lianxin.modules.proposals import service as proposals

        try:
            report.proposals = proposals.handling_report(actor, township, year)
        except (NotFound, PermissionDenied):
            report.proposals = None
    return report
