"""The county's figures of the liaison chain (三联): pairs kept, contacts per representative,
issues raised along the chain and what became of them.

- Pairs kept: for each quarter the period overlaps (up to today), the pairs that owed contacts
  that quarter (service.links_due_in) and those with at least the township's required number of
  contacts inside the overlap. A quarter period is the quarterly duty itself; a year adds up its
  quarters; a month asks the month alone for the required contacts.
- Contacts per representative: contacts dated in the period over representatives in office.
- Issues: cases raised from contacts or meetings of the period; closed (handled on the spot,
  inadmissible, rated or archived) and answered (replied, awaiting rating) among them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.casework.models import Case, CaseState
from lianxin.db import db
from lianxin.db.tenancy import require_tenant_id
from lianxin.errors import PermissionDenied
from lianxin.modules import kit
from lianxin.modules.liaison import service
from lianxin.modules.liaison.models import Contact, Meeting
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import _quarter, sees_whole_chain
from lianxin.modules.registry import Figure, Metric, MetricSet, rate
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

CLOSED = {
    CaseState.HANDLED_ON_SPOT.value,
    CaseState.INADMISSIBLE.value,
    CaseState.RATED.value,
    CaseState.ARCHIVED.value,
}

METRICS = (
    Metric(
        "liaison_links_kept",
        _l("三联联系达标率"),
        kind="rate",
        description=_l("期内各季度应联系的联系对象中，联系次数达到要求的比例"),
    ),
    Metric("liaison_contacts", _l("三联联系次数"), description=_l("期内登记的联系记录条数")),
    Metric(
        "liaison_contacts_per_rep",
        _l("人均联系次数"),
        kind="number",
        description=_l("期内联系记录条数 ÷ 在任代表人数"),
    ),
    Metric(
        "liaison_issues_raised",
        _l("三联反映问题"),
        description=_l("期内联系记录和委员座谈会转为诉求的问题数"),
    ),
    Metric(
        "liaison_issues_closed",
        _l("三联问题办结率"),
        kind="rate",
        description=_l("期内三联反映的问题中已办结（含现场解决、不予受理、已评价、已归档）的比例"),
    ),
)


def _kept(start: date, last: date, need: int) -> tuple[int, int]:
    """(kept, due) over the quarters that [start, last] overlaps."""
    kept = due = 0
    quarter = Quarter.of(start)
    while quarter.starts_on <= last:
        window_start, window_end = max(start, quarter.starts_on), min(last, quarter.ends_on)
        links = service.links_due_in(quarter)
        if links:
            counts = dict(
                db.session.execute(
                    select(Contact.link_id, func.count())
                    .where(
                        Contact.link_id.in_([lk.id for lk in links]),
                        Contact.contacted_on.between(window_start, window_end),
                    )
                    .group_by(Contact.link_id)
                ).all()
            )
            due += len(links)
            kept += sum(1 for lk in links if counts.get(lk.id, 0) >= need)
        quarter = quarter.next()
    return kept, due


def figures(start: date, end: date) -> dict[str, Figure]:
    last = min(end - timedelta(days=1), deadlines.shanghai_today())
    if last < start:
        return {m.key: Figure(None, 0) for m in METRICS}
    need = int(service.settings(require_tenant_id())["contacts_per_quarter"])
    kept, due = _kept(start, last, need)
    contacts = (
        db.session.scalar(select(func.count()).where(Contact.contacted_on.between(start, last)))
        or 0
    )
    reps = sum(1 for r in db.session.scalars(select(Representative)) if r.in_office)
    contact_ids = select(Contact.id).where(Contact.contacted_on.between(start, last))
    meeting_ids = select(Meeting.id).where(Meeting.held_on.between(start, last))
    states = list(
        db.session.scalars(
            select(Case.state).where(
                ((Case.source_type == service.CONTACT_SOURCE) & Case.source_id.in_(contact_ids))
                | ((Case.source_type == service.MEETING_SOURCE) & Case.source_id.in_(meeting_ids))
            )
        )
    )
    closed = sum(1 for s in states if s in CLOSED)
    return {
        "liaison_links_kept": rate(kept, due),
        "liaison_contacts": Figure(contacts),
        "liaison_contacts_per_rep": Figure(round(contacts / reps, 2) if reps else None, reps),
        "liaison_issues_raised": Figure(len(states)),
        "liaison_issues_closed": rate(closed, len(states)),
    }


LIAISON_METRICS = MetricSet(METRICS, figures)


# --- the county's figures as the township reads them ----------------------------------------------


def township_figures(
    actor: Actor, township: Township, year: int | None = None, quarter: int | None = None
) -> dict[str, Any]:
    """A quarter's figures as the county's rollup computes them (office and committee)."""
    permissions.require_member(actor, township)
    if not sees_whole_chain(actor, township):
        raise PermissionDenied()
    q = Quarter.of(kit.today()) if year is None else _quarter(year, quarter or 1)
    values = figures(q.starts_on, q.ends_on + timedelta(days=1))
    return {
        "year": q.year,
        "quarter": q.number,
        "figures": {key: {"value": f.value, "n": f.n} for key, f in values.items()},
    }
