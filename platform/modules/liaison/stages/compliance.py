"""Who kept the quarter's duty: per person and branch, one's own, and the county's figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import PermissionDenied
from lianxin.modules import kit
from lianxin.modules.liaison.models import (
    Link,
    Meeting,
    Report,
)
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import (
    Person,
    _People,
    _quarter,
    committee_members,
    is_committee,
    liaison_branches,
    own_representative,
    person_of,
    sees_whole_chain,
    settings,
)
from lianxin.modules.liaison.stages.links import _contact_counts
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township

# --- compliance ----------------------------------------------------------------------------------


@dataclass
class PersonDuty:
    """One person's quarterly duty: their pairs kept, their report, their meetings."""

    person: Person
    links_due: int = 0
    links_kept: int = 0
    not_kept: list[str] = field(default_factory=list)  # names of the pairs' lower ends
    report_due: bool = False
    report_in: bool = False
    meetings_due: int = 0
    meetings_held: int = 0

    @property
    def behind(self) -> bool:
        return (
            self.links_kept < self.links_due
            or (self.report_due and not self.report_in)
            or self.meetings_held < self.meetings_due
        )

    def missing(self) -> list[str]:
        out = []
        if self.links_kept < self.links_due:
            out.append(
                _("未联系：%(names)s", names="、".join(self.not_kept))
                if self.not_kept
                else _("联系未达要求")
            )
        if self.report_due and not self.report_in:
            out.append(_("本季度未报告履职情况"))
        if self.meetings_held < self.meetings_due:
            out.append(
                _(
                    "联系代表座谈会 %(held)s/%(due)s 次",
                    held=self.meetings_held,
                    due=self.meetings_due,
                )
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.person.kind,
            "id": self.person.id,
            "name": self.person.name,
            "branch_id": self.person.branch_id,
            "links_due": self.links_due,
            "links_kept": self.links_kept,
            "not_kept": self.not_kept,
            "report_due": self.report_due,
            "report_in": self.report_in,
            "meetings_due": self.meetings_due,
            "meetings_held": self.meetings_held,
            "behind": self.behind,
            "missing": [str(m) for m in self.missing()],
        }


@dataclass
class BranchFigures:
    branch_id: int | None
    name: str
    links_due: int = 0
    links_kept: int = 0
    reports_due: int = 0
    reports_in: int = 0

    @property
    def kept_share(self) -> float | None:
        return round(self.links_kept / self.links_due, 4) if self.links_due else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "branch_id": self.branch_id,
            "name": self.name,
            "links_due": self.links_due,
            "links_kept": self.links_kept,
            "kept_share": self.kept_share,
            "reports_due": self.reports_due,
            "reports_in": self.reports_in,
        }


@dataclass
class Compliance:
    quarter: Quarter
    people: list[PersonDuty]
    branches: list[BranchFigures]
    links_due: int
    links_kept: int
    reports_due: int
    reports_in: int
    meetings_due: int
    meetings_held: int

    @property
    def kept_share(self) -> float | None:
        return round(self.links_kept / self.links_due, 4) if self.links_due else None

    @property
    def behind(self) -> list[PersonDuty]:
        return [p for p in self.people if p.behind]


def links_due_in(quarter: Quarter) -> list[Link]:
    """The pairs that owe contacts in a quarter: of its year, started by its last day and not
    ended before then (a pair ended during the quarter owes nothing for it)."""
    return list(
        db.session.scalars(
            select(Link).where(
                Link.year == quarter.year,
                Link.started_on <= quarter.ends_on,
                (Link.ended_on.is_(None)) | (Link.ended_on > quarter.ends_on),
            )
        )
    )


def _reps_due(quarter: Quarter) -> list[Representative]:
    """Representatives who owe the quarter's report: in office at its end."""
    reps = db.session.scalars(select(Representative).order_by(Representative.id))
    return [
        r for r in reps if r.in_office or (r.ended_on is not None and r.ended_on > quarter.ends_on)
    ]


def compute_compliance(township: Township, quarter: Quarter) -> Compliance:
    """Everyone's duty in a quarter, from the pairs due, the contacts, reports and meetings."""
    conf = settings(township.id)
    need = int(conf["contacts_per_quarter"])
    links = links_due_in(quarter)
    counts = _contact_counts(quarter, [lk.id for lk in links])
    people = _People(links)
    duties: dict[str, PersonDuty] = {}

    def duty_of(person: Person) -> PersonDuty:
        if person.key not in duties:
            duties[person.key] = PersonDuty(person)
        return duties[person.key]

    branch_names = {b.id: b.name for b in db.session.scalars(select(Branch))}
    branches: dict[int | None, BranchFigures] = {}

    def branch(branch_id: int | None) -> BranchFigures:
        if branch_id not in branches:
            name = branch_names.get(branch_id or 0) or str(_("未划分支部"))
            branches[branch_id] = BranchFigures(branch_id, name)
        return branches[branch_id]

    kept_total = 0
    for link in links:
        kept = counts.get(link.id, 0) >= need
        duty = duty_of(people.upper(link))
        duty.links_due += 1
        figures = branch(link.branch_id)
        figures.links_due += 1
        if kept:
            duty.links_kept += 1
            figures.links_kept += 1
            kept_total += 1
        else:
            duty.not_kept.append(people.lower(link).name)
    reports_due = reports_in = 0
    if conf["reports_per_quarter"]:
        submitted = set(
            db.session.scalars(
                select(Report.representative_id).where(
                    Report.year == quarter.year, Report.quarter == quarter.number
                )
            )
        )
        for rep in _reps_due(quarter):
            duty = duty_of(person_of(rep))
            duty.report_due = True
            duty.report_in = rep.id in submitted
            figures = branch(rep.branch_id)
            figures.reports_due += 1
            reports_due += 1
            if duty.report_in:
                figures.reports_in += 1
                reports_in += 1
    meetings_due = meetings_held = 0
    per_quarter = int(conf["meetings_per_quarter"])
    if per_quarter:
        held = Counter(
            db.session.scalars(
                select(Meeting.committee_user_id).where(
                    Meeting.held_on.between(quarter.starts_on, quarter.ends_on)
                )
            )
        )
        for user in committee_members(township):
            duty = duty_of(person_of(user))
            duty.meetings_due = per_quarter
            duty.meetings_held = held[user.id]
            meetings_due += 1
            if held[user.id] >= per_quarter:
                meetings_held += 1
    order = {"committee": 0, "representative": 1, "party_member": 2}
    ordered = sorted(duties.values(), key=lambda d: (order[d.person.kind], d.person.name))
    return Compliance(
        quarter,
        ordered,
        sorted(branches.values(), key=lambda b: (b.branch_id is None, b.branch_id or 0)),
        len(links),
        kept_total,
        reports_due,
        reports_in,
        meetings_due,
        meetings_held,
    )


def can_read_compliance(actor: Actor, township: Township) -> bool:
    """Who may open the quarter's compliance: the office and the committee (the whole
    township), a branch liaison (their branches' people). The menu asks this too."""
    return sees_whole_chain(actor, township) or bool(liaison_branches(actor, township))


def compliance(
    actor: Actor,
    township: Township,
    year: int | None = None,
    quarter: int | None = None,
    *,
    today: date | None = None,
) -> Compliance:
    """The quarter's compliance (default: this quarter; a year alone: its first quarter): the
    whole township for the office and committee; a branch liaison sees their branches'
    people; anyone else is refused (`can_read_compliance`)."""
    permissions.require_member(actor, township)
    if not can_read_compliance(actor, township):
        raise PermissionDenied()
    q = Quarter.of(kit.today(today)) if year is None else _quarter(year, quarter or 1)
    result = compute_compliance(township, q)
    if sees_whole_chain(actor, township):
        return result
    mine = liaison_branches(actor, township)
    result.people = [p for p in result.people if p.person.branch_id in mine]
    result.branches = [b for b in result.branches if b.branch_id in mine]
    return result


def my_duty(
    actor: Actor, township: Township, *, today: date | None = None
) -> tuple[Quarter, PersonDuty | None]:
    """The actor's own duty this quarter (as committee member or representative)."""
    permissions.require_member(actor, township)
    q = Quarter.of(kit.today(today))
    keys = set()
    if is_committee(actor, township) and actor.user_id is not None:
        keys.add(f"committee:{actor.user_id}")
    rep = own_representative(actor, township)
    if rep is not None:
        keys.add(f"representative:{rep.id}")
    if not keys:
        return q, None
    rows = [p for p in compute_compliance(township, q).people if p.person.key in keys]
    if not rows:
        return q, None
    if len(rows) == 1:
        return q, rows[0]
    merged = PersonDuty(rows[0].person)
    for row in rows:
        merged.links_due += row.links_due
        merged.links_kept += row.links_kept
        merged.not_kept += row.not_kept
        merged.report_due = merged.report_due or row.report_due
        merged.report_in = merged.report_in or row.report_in
        merged.meetings_due += row.meetings_due
        merged.meetings_held += row.meetings_held
    return q, merged
