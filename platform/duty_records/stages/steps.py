"""The escalation of an inactive representative (003/6, 001 果园): 谈话提醒 → 批评 → 罢免建议.

Each step is a human act the office records, never automatic: the score only flags. A step
is recorded for a representative flagged in that year, in order (批评 only after 谈话提醒,
罢免建议 only after 批评), once each a year, dated no later than today and no earlier than the
step before; for a completed year only (in March everyone is short), except the last year of a
term, which the office may act on before it ends (the term, and with it the office, ends
then). Audited. The to-do line "履职不足的代表" lists the ones flagged in the last complete
year without any step for it yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.duty_records.errors import NotInactive, StepOutOfOrder
from lianxin.duty_records.inputs import StepInput
from lianxin.duty_records.models import STEP_ORDER, DutyStep
from lianxin.duty_records.stages.formula import get_formula
from lianxin.duty_records.stages.record import (
    DutyRecord,
    compute_records,
    find_representative,
    steps_by_representative,
    steps_of,
    this_year,
)
from lianxin.errors import ValidationFailed
from lianxin.modules import kit
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

STEP_LABELS: dict[str, Any] = {
    "talk": _l("谈话提醒"),
    "criticism": _l("批评"),
    "recall": _l("罢免建议"),
}


def list_steps(actor: Actor, township: Township, year: int | None = None) -> list[DutyStep]:
    """The office's steps of the year, oldest first."""
    permissions.require_office(actor, township)
    return list(
        db.session.scalars(
            select(DutyStep)
            .where(DutyStep.year == (year or this_year()))
            .order_by(DutyStep.taken_on, DutyStep.id)
        )
    )


@dataclass(frozen=True)
class RegisterRow:
    step: DutyStep
    name: str  # the representative's
    recorded_by: str  # the display name of who recorded it


def steps_register(actor: Actor, township: Township, year: int | None = None) -> list[RegisterRow]:
    """The office's register of the year's steps (for the .xlsx): each with the
    representative's and the recorder's names, oldest first."""
    steps = list_steps(actor, township, year)
    rep_ids = sorted({s.representative_id for s in steps})
    names = {
        r.id: r.name
        for r in db.session.scalars(select(Representative).where(Representative.id.in_(rep_ids)))
    }
    user_ids = sorted({s.recorded_by_id for s in steps if s.recorded_by_id is not None})
    users = {
        u.id: u.display_name for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
    }
    return [
        RegisterRow(s, names.get(s.representative_id, ""), users.get(s.recorded_by_id or 0, ""))
        for s in steps
    ]


def next_step(taken: list[DutyStep]) -> str | None:
    """The step that may come next, or None when all three are recorded."""
    done = {s.step for s in taken}
    for step in STEP_ORDER:
        if step not in done:
            return str(step)
    return None


def step_target(actor: Actor, township: Township, rep_id: int) -> None:
    """The office's check and the representative's lookup, before a form is read (a foreign
    id is a 404 whatever the form holds)."""
    permissions.require_office(actor, township)
    find_representative(township, rep_id)


@use_case
def record_step(actor: Actor, township: Township, data: StepInput) -> DutyStep:
    """The office records one escalation step, in order, for a flagged representative."""
    permissions.require_office(actor, township)
    rep = find_representative(township, data.representative_id)
    today = kit.today()
    if data.taken_on > today:
        raise ValidationFailed(errors={"taken_on": [_("日期不能晚于今天")]})
    if not 2000 <= data.year <= today.year:
        raise ValidationFailed(errors={"year": [_("年度不正确，不能晚于今年")]})
    if data.year == today.year and not _ends_a_term(township, data.year):
        raise ValidationFailed(
            errors={"year": [_("本年度尚未结束，只能为已结束的年度（或本届最后一年）记录处理步骤")]}
        )
    taken = steps_of(township, rep.id, data.year)
    expected = next_step(taken)
    if expected is None or data.step != expected:
        if any(s.step == data.step for s in taken):
            raise StepOutOfOrder(_("该步骤本年度已记录。"))
        raise StepOutOfOrder(
            _(
                "须先记录“%(before)s”，才能记录“%(step)s”。",
                before=STEP_LABELS[expected] if expected else "",
                step=STEP_LABELS[data.step],
            )
        )
    if taken and data.taken_on < taken[-1].taken_on:
        raise ValidationFailed(errors={"taken_on": [_("日期不能早于上一步骤的日期")]})
    record: DutyRecord = compute_records(township, data.year, [rep])[0]
    if not record.flagged:
        raise NotInactive(
            _(
                "该代表%(y)s年度得分%(s)s分，不低于履职不足线%(t)s分，无需处理。",
                y=data.year,
                s=record.score.total,
                t=record.threshold,
            )
        )
    step = DutyStep(
        representative_id=rep.id,
        year=data.year,
        step=data.step,
        taken_on=data.taken_on,
        note=data.note or "",
        recorded_by_id=actor.user_id,
    )
    db.session.add(step)
    db.session.flush()
    audit.record(
        "duty_records.step_recorded",
        actor=actor,
        tenant_id=township.id,
        target_type="duty_step",
        target_id=step.id,
        before={"steps": [s.step for s in taken]},
        after={
            "representative_id": rep.id,
            "year": data.year,
            "step": data.step,
            "taken_on": data.taken_on.isoformat(),
            "score": record.score.total,
        },
    )
    return step


def _ends_a_term(township: Township, year: int) -> bool:
    """Whether `year` is the last year of its term (by the formula in force that year)."""
    return get_formula(township.county_id, year).term_of(year)[1] == year


def inactive_without_step(
    actor: Actor, township: Township, year: int | None = None
) -> list[DutyRecord]:
    """The office's to-do: the representatives in office flagged in the last complete year
    (a year under way has no verdict yet: in March everyone is short) with no step recorded
    for that year."""
    if not permissions.can_work_in_office(actor, township.id):
        return []
    year = year or this_year() - 1
    stepped = set(steps_by_representative(year))
    return [
        r
        for r in compute_records(township, year)
        if r.flagged and r.in_office and r.representative_id not in stepped
    ]
