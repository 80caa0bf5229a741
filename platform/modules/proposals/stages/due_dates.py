"""Due dates: counted as the township counts days, reminded, recounted when a year's calendar
is loaded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from lianxin import work_calendar
from lianxin.audit import service as audit
from lianxin.auth.actor import SYSTEM
from lianxin.casework import deadlines
from lianxin.casework.models import Complexity
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules import kit
from lianxin.modules.proposals.models import (
    Assignment,
    AssignmentStatus,
    Extension,
    ExtensionStatus,
    Proposal,
)
from lianxin.modules.proposals.stages.common import (
    MODULE_KEY,
    _event,
    _office_user_ids,
    _tell,
    _unit_user_ids,
    settings,
)
from lianxin.notify import service as notify
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- due dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A due date and what it was counted from (kept on the assignment)."""

    start: date
    days: int
    count: str
    due_on: date
    estimated: bool  # working days counted over a year without the official calendar


def _counted(
    township: Township, start: date, days: int, count: str, extensions: Iterable[int] = ()
) -> Due:
    """`days` from `start` as the township counts them (its county's local holidays included),
    then each approved extension's days from the due date before it."""
    due = deadlines.add_days(start, days, count, township.county_id)
    for extra in extensions:
        due = deadlines.add_days(due, extra, count, township.county_id)
    estimated = count == deadlines.DayCount.WORKING and deadlines.is_estimated(start, due)
    return Due(start, days, count, due, estimated)


def _due(township: Township, complexity: str, start: date) -> Due:
    rule = settings(township.id)
    days = int(rule["simple_days"] if complexity == Complexity.SIMPLE else rule["complex_days"])
    return _counted(township, start, days, str(rule["day_count"]))


def _approved_days(assignment: Assignment) -> list[int]:
    return list(
        db.session.scalars(
            select(Extension.days)
            .where(
                Extension.assignment_id == assignment.id,
                Extension.status == ExtensionStatus.APPROVED,
            )
            .order_by(Extension.id)
        )
    )


def _due_text(day: date, estimated: bool) -> str:
    if estimated:
        return _("%(d)s（预计期限：该年国家节假日安排尚未公布，公布后重新计算）", d=day.isoformat())
    return day.isoformat()


@dataclass(frozen=True)
class ListedDue:
    """What a list shows of a proposal's deadline: the earliest due date of the units still at
    work on it, and whether it has passed or is within the reminder days."""

    due_on: date
    estimated: bool
    overdue: bool
    due_soon: bool


def due_of(
    township: Township, proposals: Iterable[Proposal], today: date | None = None
) -> dict[int, ListedDue]:
    """The deadline of each of `proposals` (already read by the caller, so already visible to
    it) that has a unit at work on it; one query for the whole list."""
    ids = [p.id for p in proposals]
    if not ids:
        return {}
    today = kit.today(today)
    earliest: dict[int, Assignment] = {}
    for assignment in db.session.scalars(
        select(Assignment).where(
            Assignment.proposal_id.in_(ids), Assignment.status == AssignmentStatus.ACTIVE
        )
    ):
        known = earliest.get(assignment.proposal_id)
        if known is None or assignment.due_on < known.due_on:
            earliest[assignment.proposal_id] = assignment
    rule = settings(township.id)
    horizon = deadlines.add_days(
        today, int(rule["due_soon_days"]), str(rule["day_count"]), township.county_id
    )
    return {
        proposal_id: ListedDue(
            a.due_on, a.due_estimated, a.due_on < today, today <= a.due_on <= horizon
        )
        for proposal_id, a in earliest.items()
    }


# --- reminders -----------------------------------------------------------------------------------


@use_case
def send_reminders(township: Township, today: date | None = None) -> dict[str, int]:
    """Due-soon and overdue reminders to each active assignment's unit (and the office), once
    per due date: an approved extension's new due date is reminded again."""
    today = kit.today(today)
    rule = settings(township.id)
    horizon = deadlines.add_days(today, int(rule["due_soon_days"]), rule["day_count"])
    rows = db.session.scalars(
        select(Assignment).where(
            Assignment.status == AssignmentStatus.ACTIVE, Assignment.due_on <= horizon
        )
    ).all()
    sent = {"due_soon": 0, "overdue": 0}
    for assignment in rows:
        kind, column = (
            ("overdue", Assignment.reminded_overdue)
            if today > assignment.due_on
            else ("due_soon", Assignment.reminded_due_soon)
        )
        claimed = db.session.execute(
            update(Assignment)
            .where(
                Assignment.id == assignment.id,
                Assignment.due_on == assignment.due_on,
                or_(column.is_(None), column != assignment.due_on),
            )
            .values({column.key: assignment.due_on})
            .returning(Assignment.id)
        ).first()
        if claimed is None:
            continue
        proposal = db.session.get(Proposal, (township.id, assignment.proposal_id))
        assert proposal is not None
        title = (
            _("提案办理已逾期：%(t)s", t=proposal.title)
            if kind == "overdue"
            else _("提案办理即将到期：%(t)s", t=proposal.title)
        )
        notify.notify(
            sorted({*_unit_user_ids(township, [assignment.unit_id]), *_office_user_ids(township)}),
            title,
            _("办理期限：%(d)s", d=assignment.due_on.isoformat()),
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/{proposal.id}",
            dedupe_key=f"pr:{township.id}:assignment:{assignment.id}:{kind}:{assignment.due_on}",
            kind="reminder",
        )
        sent[kind] += 1
    return sent


# --- estimated due dates, once a year's official calendar is loaded ------------------------------


def recompute_estimated(year: int) -> int:
    """Count again, with the calendar as it now stands, every open assignment whose due date was
    estimated over `year`; each change is audited (as the operator who loaded the year) and the
    unit and the office are told of a moved due date. Returns how many due dates moved.

    Registered with `lianxin.work_calendar`, which calls it in the load's transaction: nothing
    here commits. It runs outside any township, so it visits each one in its own context."""
    changed = 0
    for township in db.session.scalars(select(Township).order_by(Township.id)).all():
        with tenant_context(township.id):
            changed += _recompute_township(township, year)
    return changed


def _recompute_township(township: Township, year: int) -> int:
    loader = work_calendar.current_loader()
    who = loader or SYSTEM
    rows = db.session.scalars(
        select(Assignment)
        .where(
            Assignment.status == AssignmentStatus.ACTIVE,
            Assignment.due_estimated.is_(True),
            Assignment.due_from.is_not(None),
            Assignment.due_from <= date(year, 12, 31),
            Assignment.due_on >= date(year, 1, 1),
        )
        .order_by(Assignment.id)
    ).all()
    moved = 0
    for assignment in rows:
        assert assignment.due_from is not None and assignment.due_days is not None
        due = _counted(
            township,
            assignment.due_from,
            assignment.due_days,
            assignment.due_count or deadlines.DayCount.WORKING,
            _approved_days(assignment),
        )
        before = {"due_on": assignment.due_on.isoformat(), "due_estimated": True}
        if due.due_on == assignment.due_on and due.estimated:
            continue
        assignment.due_on, assignment.due_estimated = due.due_on, due.estimated
        proposal = db.session.get(Proposal, (township.id, assignment.proposal_id))
        assert proposal is not None
        note = _(
            "%(y)d年国家节假日安排已公布，办理期限重新计算：%(a)s → %(b)s",
            y=year,
            a=before["due_on"],
            b=_due_text(due.due_on, due.estimated),
        )
        _event(proposal, "due_recomputed", loader, proposal.state, proposal.state, note)
        audit.record(
            "proposal.due_recomputed",
            actor=who,
            tenant_id=township.id,
            target_type="proposal_assignment",
            target_id=assignment.id,
            before=before,
            after={
                "due_on": due.due_on.isoformat(),
                "due_estimated": due.estimated,
                "proposal": proposal.id,
                "calendar_year": year,
            },
        )
        if due.due_on != date.fromisoformat(before["due_on"]):
            moved += 1
            _tell(
                [
                    *_unit_user_ids(township, [assignment.unit_id]),
                    *_office_user_ids(township),
                ],
                township,
                proposal,
                _("办理期限已调整：%(t)s", t=proposal.title),
                note,
                f"due:{assignment.id}:{due.due_on.isoformat()}",
            )
    db.session.flush()  # inside this township's context, before the next one's queries
    return moved


work_calendar.register_recompute(MODULE_KEY, recompute_estimated)
