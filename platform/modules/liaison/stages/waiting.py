"""What waits for whom (the to-do home): the branches whose part of the year's chain is not
confirmed (their liaison's, or the office's); a person's pairs not yet contacted enough this
quarter, their quarterly report, a committee member's meetings. One query each; only what the
actor may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.liaison.models import BranchReview, Contact, Link, Meeting, Report
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import (
    is_committee,
    is_office,
    liaison_branches,
    own_representative,
    settings,
)
from lianxin.modules.waiting import Waiting, pile, waiting
from lianxin.tenants.models import Branch, Township


def branches_to_confirm(actor: Actor, township: Township, year: int) -> Waiting:
    """Active branches with pairs this year whose part is not confirmed: the office's all, a
    branch liaison's own."""
    mine = liaison_branches(actor, township)
    office = is_office(actor, township)
    if not (office or mine):
        return Waiting()
    confirmed = select(BranchReview.branch_id).where(BranchReview.year == year)
    query = (
        select(*pile(Branch.id, Link.created_at, distinct=True))
        .join(Link, and_(Link.branch_id == Branch.id, Link.tenant_id == Branch.tenant_id))
        .where(
            Branch.is_active.is_(True),
            Link.year == year,
            Link.ended_on.is_(None),
            Branch.id.not_in(confirmed),
        )
    )
    if not office:
        query = query.where(Branch.id.in_(sorted(mine)))
    return waiting(query)


@dataclass(frozen=True)
class QuarterDuty:
    quarter: Quarter
    contacts: Waiting = field(default_factory=Waiting)  # pairs short of contacts
    report_due: bool = False
    meetings_short: int = 0  # meetings still to hold


def my_quarter(actor: Actor, township: Township, today: date) -> QuarterDuty:
    """The actor's own duty this quarter, as committee member or representative: the pairs
    they are the upper end of and have not contacted enough, their report, their meetings."""
    quarter = Quarter.of(today)
    conf = settings(township.id)
    committee = is_committee(actor, township) and actor.user_id is not None
    rep = own_representative(actor, township)
    ends = []
    if committee:
        ends.append(Link.upper_user_id == actor.user_id)
    if rep is not None:
        ends.append(Link.upper_rep_id == rep.id)
    if not ends:
        return QuarterDuty(quarter)
    contacted = (
        select(func.count(Contact.id))
        .where(
            Contact.link_id == Link.id,
            Contact.tenant_id == Link.tenant_id,
            Contact.contacted_on >= quarter.starts_on,
            Contact.contacted_on <= quarter.ends_on,
        )
        .scalar_subquery()
    )
    contacts = waiting(
        select(*pile(Link.id, Link.created_at)).where(
            or_(*ends),
            Link.year == quarter.year,
            Link.started_on <= quarter.ends_on,
            or_(Link.ended_on.is_(None), Link.ended_on > quarter.ends_on),
            contacted < int(conf["contacts_per_quarter"]),
        )
    )
    report_due = False
    if rep is not None and conf["reports_per_quarter"] and rep.in_office:
        report_due = (
            db.session.scalar(
                select(Report.id).where(
                    Report.representative_id == rep.id,
                    Report.year == quarter.year,
                    Report.quarter == quarter.number,
                )
            )
            is None
        )
    short = 0
    need = int(conf["meetings_per_quarter"])
    if committee and need:
        held = db.session.scalar(
            select(func.count(Meeting.id)).where(
                Meeting.committee_user_id == actor.user_id,
                Meeting.held_on.between(quarter.starts_on, quarter.ends_on),
            )
        )
        short = max(0, need - int(held or 0))
    return QuarterDuty(quarter, contacts, report_due, short)
