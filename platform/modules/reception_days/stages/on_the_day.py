"""On the day and after: cases and people received, summaries, the year's report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.models import Case, Channel
from lianxin.casework.states import STATE_LABELS
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.reception_days.inputs import DayCaseInput
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
)
from lianxin.modules.reception_days.stages.common import (
    MODULE_KEY,
    SOURCE_TYPE,
    _day,
    _day_site,
    _read,
    _representative,
    _write,
)
from lianxin.modules.reception_days.stages.schedules import get_schedule
from lianxin.modules.reception_days.stages.sites import _day_views
from lianxin.notify import service as notify
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- on the day: cases and people received -------------------------------------------------------


def _on_duty_at(day: ReceptionDay, site_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Duty.representative_id).where(
                Duty.day_id == day.id, Duty.site_id == site_id, Duty.status == DutyStatus.ON_DUTY
            )
        )
    )


@use_case
def record_case(
    actor: Actor,
    township: Township,
    day_id: int,
    data: DayCaseInput,
    *,
    today: date | None = None,
) -> casework.NewCase:
    """A person's issue raised on a reception day: a case on the reception-day channel, received
    by one of the representatives on duty at that site (首问负责制)."""
    day = _day(township, day_id)
    _read(actor, township)
    day_site = _day_site(day, data.site_id)
    on_duty = _on_duty_at(day, day_site.site_id)
    own = casework.representative_of(actor, township)
    if not permissions.can_work_in_office(actor, township.id) and (
        own is None or own.id not in on_duty
    ):
        raise PermissionDenied()
    if day.day > kit.today(today):
        raise Conflict(_("接待日还没到，不能登记"))
    received = data.received_by_id
    if received is None and own is not None and own.id in on_duty:
        received = own.id
    if received is None:
        raise ValidationFailed(errors={"received_by_id": [_("请选择接待的代表")]})
    rep = _representative(township, received)
    if rep.id not in on_duty:
        raise ValidationFailed(errors={"received_by_id": [_("请选择当天在该接待点接待的代表")]})
    case = casework.CaseInput(
        title=data.title,
        body=data.body,
        category=data.category,
        anonymous=data.anonymous,
        raiser_name=data.raiser_name,
        raiser_phone=data.raiser_phone,
        channel=Channel.RECEPTION_DAY,
        received_by_id=rep.id,
        source_type=SOURCE_TYPE,
        source_id=day.id,
    )
    return casework.register(actor, township, case)


def day_cases(actor: Actor, township: Township, day_id: int) -> list[Case]:
    """The day's cases this actor may see under casework's rules (the office all of them)."""
    day = _day(township, day_id)
    _read(actor, township)
    visible = casework._visible(actor, township)
    return _cases_of(day, visible)


def _cases_of(day: ReceptionDay, visible: Any = None) -> list[Case]:
    query = select(Case).where(Case.source_type == SOURCE_TYPE, Case.source_id == day.id)
    if visible is not None:
        query = query.where(visible)
    return list(db.session.scalars(query.order_by(Case.id)))


@use_case
def set_people_received(
    actor: Actor,
    township: Township,
    day_id: int,
    site_id: int,
    count: int,
    note: str | None = None,
    *,
    today: date | None = None,
) -> DaySite:
    """How many people the site received that day, and a note (inputs.PeopleReceivedInput)."""
    day = _day(township, day_id)
    _read(actor, township)
    day_site = _day_site(day, site_id)
    _write(actor, township)
    if day.day > kit.today(today):
        raise Conflict(_("接待日还没到，不能登记接待人数"))
    before = day_site.people_received
    day_site.people_received = count
    day_site.note = note
    audit.record(
        "reception_day.people_received",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        before={"site": day_site.site_id, "people": before},
        after={"site": day_site.site_id, "people": count},
    )
    return day_site


# --- summaries -----------------------------------------------------------------------------------


def compute_summary(township: Township, day: ReceptionDay) -> dict[str, Any]:
    """People received, cases and their states, per site and in all."""
    view = _day_views(township, [day])[0]
    cases = _cases_of(day)
    # Whoever received a case was on duty at its site then (absent or not since).
    site_of_rep = {d.rep.id: s.site.id for s in view.sites for d in s.duties}
    by_state = Counter(str(c.state) for c in cases)
    per_site = []
    for s in view.sites:
        site_cases = [c for c in cases if site_of_rep.get(c.received_by_id or 0) == s.site.id]
        per_site.append(
            {
                "site_id": s.site.id,
                "site": s.site.name,
                "representatives": [d.rep.name for d in s.on_duty],
                "people_received": s.day_site.people_received,
                "cases": len(site_cases),
            }
        )
    return {
        "day": day.day.isoformat(),
        "sites": len(view.sites),
        "representatives": sum(len(s.on_duty) for s in view.sites),
        "people_received": sum(s.day_site.people_received or 0 for s in view.sites),
        "cases": len(cases),
        "by_state": dict(sorted(by_state.items())),
        "per_site": per_site,
    }


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def _send_summary(township: Township, day: ReceptionDay, *, actor: Actor | None) -> bool:
    """Store the summary on the day and send it to the office. The sweep sends each day once
    (claimed by a conditional UPDATE); staff may send it again after correcting the figures."""
    summary = compute_summary(township, day)
    now = utcnow()
    query = update(ReceptionDay).where(ReceptionDay.id == day.id)
    if actor is None:
        query = query.where(ReceptionDay.summary_sent_at.is_(None))
    claimed = db.session.execute(
        query.values(summary=summary, summary_sent_at=now).returning(ReceptionDay.id)
    ).first()
    if claimed is None:  # the UPDATE changed nothing: already sent
        return False
    db.session.expire(day)
    audit.record(
        "reception_day.summary",
        actor=actor or Actor(None, _("系统")),
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        after={k: summary[k] for k in ("people_received", "cases", "by_state")},
    )
    notify.notify(
        casework._office_user_ids(township),
        _("%(d)s 接待日汇总", d=summary["day"]),
        _(
            "接待点 %(s)d 个，代表 %(r)d 人次，接待群众 %(p)d 人，登记诉求 %(c)d 件。",
            s=summary["sites"],
            r=summary["representatives"],
            p=summary["people_received"],
            c=summary["cases"],
        ),
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/days/{day.id}",
        dedupe_key=f"rd:{township.id}:day:{day.id}:summary:{now.isoformat()}",
        kind="reception_day.summary",
    )
    return True


@use_case
def send_summary(
    actor: Actor, township: Township, day_id: int, *, today: date | None = None
) -> ReceptionDay:
    day = _day(township, day_id)
    _write(actor, township)
    if day.day > kit.today(today):
        raise Conflict(_("接待日还没到，不能汇总"))
    _send_summary(township, day, actor=actor)
    return _day(township, day.id)


@dataclass
class YearReport:
    year: int
    days: list[tuple[ReceptionDay, dict[str, Any]]]
    totals: dict[str, Any]


def year_report(
    actor: Actor, township: Township, year: int, *, today: date | None = None
) -> YearReport:
    """The year's reception days for the annual session's report (通报): each day's summary as
    sent up (or as it stands, for a day not summarised yet) and the totals."""
    view = get_schedule(actor, township, year)
    today = kit.today(today)
    rows = []
    for d in view.days:
        if d.day.day > today:
            continue
        rows.append((d.day, d.day.summary or compute_summary(township, d.day)))
    by_state: Counter[str] = Counter()
    for _day_row, summary in rows:
        by_state.update(summary["by_state"])
    totals = {
        "days": len(rows),
        "representatives": sum(s["representatives"] for _d, s in rows),
        "people_received": sum(s["people_received"] for _d, s in rows),
        "cases": sum(s["cases"] for _d, s in rows),
        "by_state": dict(sorted(by_state.items())),
    }
    return YearReport(view.schedule.year, rows, totals)
