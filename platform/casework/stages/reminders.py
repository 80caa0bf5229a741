"""Deadline reminders, and the estimated deadlines recomputed when a year's calendar is loaded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lianxin import work_calendar
from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework.models import (
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseEvent,
)
from lianxin.casework.stages.common import (
    _office_user_ids,
    _unit_user_ids,
    case_link,
    rule_for,
)
from lianxin.casework.states import OPEN_STATES
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.notify import service as notify
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- estimated deadlines, recomputed when a year's official calendar is loaded -------------


def recompute_estimated(year: int, actor: Actor | None = None) -> int:
    """Recompute the open cases whose due date was estimated over a span reaching `year`, now
    that the operator has loaded `year` (lianxin.work_calendar calls this in the load's
    transaction). Each changed case is audited; the office and the units on it are told of a
    changed due date. Returns how many due dates changed.

    The stored count is replayed (received date, days, calendar or working), under the
    township's current maximum in calendar days. Never commits.
    """
    # Audited as the operator who loaded the year (as the command line's account when loaded
    # there); the calendar itself when called outside a load.
    actor = actor or work_calendar.current_loader() or Actor(None, _("节假日日历"))
    changed = 0
    townships = db.session.scalars(select(Township).order_by(Township.id)).all()
    for township in townships:
        with tenant_context(township.id):
            candidates = db.session.scalars(
                select(Case)
                .where(
                    Case.state.in_(list(OPEN_STATES)),
                    Case.due_estimated.is_(True),
                    Case.due_from <= date(year, 12, 31),
                    Case.due_days.is_not(None),
                    Case.due_count.is_not(None),
                )
                .order_by(Case.id)
            ).all()
            if not candidates:
                continue
            rule = rule_for(township.id)
            for case in candidates:
                changed += _recompute_case(township, case, rule, year, actor)
            db.session.flush()  # inside this township's context
    return changed


def _recompute_case(
    township: Township, case: Case, rule: deadlines.DeadlineRule, year: int, actor: Actor
) -> int:
    assert case.due_from is not None and case.due_days is not None and case.due_count
    replay = replace(rule, count=deadlines.DayCount(case.due_count))
    deadline = replay.deadline(case.due_from, days=case.due_days)
    if (deadline.due_on, deadline.estimated) == (case.due_on, case.due_estimated):
        return 0
    before = {"due_on": case.due_on, "due_estimated": case.due_estimated}
    case.due_on, case.due_estimated = deadline.due_on, deadline.estimated
    audit.record(
        "case.due_recomputed",
        actor=actor,
        tenant_id=township.id,
        target_type="case",
        target_id=case.id,
        before=before,
        after={"due_on": case.due_on, "due_estimated": case.due_estimated, "year": year},
    )
    if before["due_on"] == case.due_on:
        return 0
    db.session.add(
        CaseEvent(
            case_id=case.id,
            action="due_recomputed",
            from_state=case.state,
            to_state=case.state,
            actor_user_id=actor.user_id,
            actor_name=actor.name,
            note=_(
                "%(y)d年国家节假日安排公布，答复期限由 %(a)s 调整为 %(b)s",
                y=year,
                a=before["due_on"],
                b=case.due_on,
            ),
        )
    )
    case.reminded_due_soon = case.reminded_overdue = None
    notify.notify(
        _responsible_user_ids(township, case),
        _("答复期限已调整：%(t)s", t=case.title),
        _(
            "%(y)d年国家节假日安排已公布，按正式日历重新计算，答复期限由 %(a)s 调整为 %(b)s。",
            y=year,
            a=before["due_on"],
            b=case.due_on,
        ),
        tenant_id=township.id,
        link=case_link(township, case.id),
        dedupe_key=f"case:{township.id}:{case.id}:due_recomputed:{case.due_on}",
        kind="case.due_changed",
    )
    return 1


# --- reminders ------------------------------------------------------------------------------------


def _responsible_user_ids(township: Township, case: Case) -> list[int]:
    units = db.session.scalars(
        select(CaseAssignment.unit_id).where(
            CaseAssignment.case_id == case.id, CaseAssignment.status == AssignmentStatus.ACTIVE
        )
    )
    liaisons = (
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id,
                Membership.role == Role.BRANCH_LIAISON.value,
                Membership.branch_id == case.branch_id,
            )
        )
        if case.branch_id is not None
        else ()
    )  # the branch's liaison follows its cases
    return sorted({*_office_user_ids(township), *_unit_user_ids(township, units), *liaisons})


def _claim_reminder(case: Case, column: Any) -> bool:
    """Mark the reminder for this due date sent; True only for the one sweep that marks it."""
    from sqlalchemy import update

    claimed = db.session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.due_on == case.due_on,
            or_(column.is_(None), column != case.due_on),
        )
        .values({column.key: case.due_on})
        .returning(Case.id)
    ).first()
    return claimed is not None


@use_case
def send_reminders(township: Township, today: date | None = None) -> dict[str, int]:
    """Due-soon and overdue reminders to the office and the assigned units, once per due date.

    A sweep that runs twice sends each reminder once (conditional UPDATE … RETURNING); a due
    date moved by an approved extension gets its own reminders.
    """
    today = today or deadlines.shanghai_today()
    rule = rule_for(township.id)
    horizon = deadlines.add_days(today, rule.due_soon_days, rule.count, rule.county_id)
    candidates = db.session.scalars(
        select(Case).where(
            Case.state.in_(list(OPEN_STATES)), Case.due_on.is_not(None), Case.due_on <= horizon
        )
    ).all()
    sent = {"due_soon": 0, "overdue": 0}
    for case in candidates:
        assert case.due_on is not None
        if rule.is_overdue(today, case.due_on):
            kind, column, title = "overdue", Case.reminded_overdue, _("已逾期：%(t)s", t=case.title)
        elif rule.is_due_soon(today, case.due_on):
            kind, column, title = (
                "due_soon",
                Case.reminded_due_soon,
                _("即将到期：%(t)s", t=case.title),
            )
        else:
            continue
        if not _claim_reminder(case, column):
            continue
        notify.notify(
            _responsible_user_ids(township, case),
            title,
            _("答复期限：%(d)s", d=case.due_on),
            tenant_id=township.id,
            link=case_link(township, case.id),
            dedupe_key=f"case:{township.id}:{case.id}:{kind}:{case.due_on}",
            kind="reminder",
        )
        sent[kind] += 1
    return sent
