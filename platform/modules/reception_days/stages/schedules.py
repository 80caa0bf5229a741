"""The year's schedule: drafting it from the township's rule, and publishing it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.reception_days.dates import RuleError, plan_year
from lianxin.modules.reception_days.errors import CalendarEstimated, PairingRuleBroken, ShortNotice
from lianxin.modules.reception_days.inputs import GenerateInput
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
)
from lianxin.modules.reception_days.stages.common import (
    CONFIRM_ESTIMATED,
    MODULE_KEY,
    _days_of,
    _read,
    _site,
    _write,
    notice_days,
    settings,
    short_notice_label,
)
from lianxin.modules.reception_days.stages.sites import (
    DayView,
    SiteView,
    _day_views,
    _liaison_user_ids,
)
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- schedules -----------------------------------------------------------------------------------


def list_schedules(actor: Actor, township: Township) -> list[Schedule]:
    _read(actor, township)
    return list(db.session.scalars(select(Schedule).order_by(Schedule.year.desc())))


def _schedule(township: Township, year: int) -> Schedule:
    schedule = db.session.scalar(select(Schedule).where(Schedule.year == year))
    if schedule is None:
        raise NotFound(_("未找到该年度的接待日安排"))
    return schedule


@dataclass
class ScheduleView:
    schedule: Schedule
    days: list[DayView]
    calendar_known: bool

    @property
    def problems(self) -> list[tuple[DayView, SiteView, str]]:
        return [(d, s, p) for d in self.days for s, p in d.problems]

    def coming_problems(self, today: date) -> list[tuple[DayView, SiteView, str]]:
        return [(d, s, p) for d, s, p in self.problems if d.day.day >= today]


def get_schedule(actor: Actor, township: Township, year: int) -> ScheduleView:
    _read(actor, township)
    schedule = _schedule(township, year)
    return ScheduleView(
        schedule,
        _day_views(township, _days_of(schedule)),
        deadlines.calendar_known(schedule.year),
    )


def _previous_teams(schedule_year: int) -> dict[int, list[int]]:
    """Site id → the representatives on duty there on the last day of the latest earlier year."""
    previous = db.session.scalar(
        select(Schedule).where(Schedule.year < schedule_year).order_by(Schedule.year.desc())
    )
    if previous is None:
        return {}
    teams: dict[int, list[int]] = {}
    for day in reversed(_days_of(previous)):
        on_duty: dict[int, list[int]] = defaultdict(list)
        for duty in db.session.scalars(
            select(Duty)
            .where(Duty.day_id == day.id, Duty.status == DutyStatus.ON_DUTY)
            .order_by(Duty.id)
        ):
            on_duty[duty.site_id].append(duty.representative_id)
        for site_id, rep_ids in on_duty.items():
            teams.setdefault(site_id, rep_ids)
    return teams


@use_case
def generate(
    actor: Actor, township: Township, data: GenerateInput, *, today: date | None = None
) -> ScheduleView:
    """Make (or remake, while still a draft) the year's schedule from the township's rule.

    Days already past are left out. With `copy_teams`, each site starts with the team it had on
    the last reception day of the previous year (only those still in office).
    """
    _write(actor, township)
    year = data.year
    today = kit.today(today)
    if year < today.year or year > today.year + 1:
        raise ValidationFailed(errors={"year": [_("只能安排今年或明年的接待日")]})
    sites = [_site(township, i) for i in dict.fromkeys(data.site_ids)]
    inactive = [s.name for s in sites if not s.is_active]
    if inactive:
        raise ValidationFailed(
            errors={"site_ids": [_("接待点已停用：%(n)s", n="、".join(inactive))]}
        )
    rule = settings(township.id)
    try:
        planned = [p for p in plan_year(rule, year) if p.day >= today]
    except RuleError as exc:
        raise ValidationFailed(exc.args[0], errors={"rule": [str(exc)]}) from exc
    if not planned:
        raise ValidationFailed(
            errors={"year": [_("按当前规则，%(y)d 年已没有尚未到来的接待日", y=year)]}
        )
    existing = db.session.scalar(select(Schedule).where(Schedule.year == year))
    if existing is not None and existing.status == ScheduleStatus.PUBLISHED:
        raise Conflict(_("%(y)d 年的接待日安排已发布，不能重新生成", y=year))
    clashes = db.session.scalars(
        select(ReceptionDay.day).where(
            ReceptionDay.day.in_([p.day for p in planned]),
            *([ReceptionDay.schedule_id != existing.id] if existing is not None else []),
        )
    ).all()
    if clashes:
        raise Conflict(_("%(d)s 已是其他年度安排中的接待日", d=clashes[0].isoformat()))
    teams = _previous_teams(year) if data.copy_teams else {}
    if existing is not None:
        _clear(existing, today)
        schedule = existing
        schedule.rule = dict(rule)
    else:
        schedule = Schedule(year=year, status=ScheduleStatus.DRAFT, rule=dict(rule))
        db.session.add(schedule)
        db.session.flush()
    starts, ends = time.fromisoformat(rule["starts_at"]), time.fromisoformat(rule["ends_at"])
    in_office = {
        r.id
        for r in db.session.scalars(
            select(Representative).where(
                Representative.id.in_({i for ids in teams.values() for i in ids} or {0})
            )
        )
        if r.in_office
    }
    for planned_day in planned:
        day = ReceptionDay(
            schedule_id=schedule.id,
            day=planned_day.day,
            rule_day=planned_day.rule_day,
            starts_at=starts,
            ends_at=ends,
        )
        db.session.add(day)
        db.session.flush()
        for site in sites:
            db.session.add(DaySite(day_id=day.id, site_id=site.id))
        db.session.flush()
        for site in sites:
            for rep_id in teams.get(site.id, []):
                if rep_id in in_office:
                    db.session.add(Duty(day_id=day.id, site_id=site.id, representative_id=rep_id))
    audit.record(
        "reception_day.schedule_generate",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_schedule",
        target_id=schedule.id,
        after={
            "year": year,
            "days": len(planned),
            "sites": [s.id for s in sites],
            "rule": {k: rule[k] for k in ("rule", "day_of_month", "holiday_shift")},
        },
    )
    return get_schedule(actor, township, year)


def _clear(schedule: Schedule, today: date) -> None:
    """Remove the draft's coming days (a day already past keeps what was recorded on it)."""
    day_ids = select(ReceptionDay.id).where(
        ReceptionDay.schedule_id == schedule.id, ReceptionDay.day >= today
    )
    db.session.execute(update(Duty).where(Duty.day_id.in_(day_ids)).values(substitute_for_id=None))
    db.session.execute(delete(Duty).where(Duty.day_id.in_(day_ids)))
    db.session.execute(delete(DaySite).where(DaySite.day_id.in_(day_ids)))
    db.session.execute(
        delete(ReceptionDay).where(
            ReceptionDay.schedule_id == schedule.id, ReceptionDay.day >= today
        )
    )
    db.session.flush()
    db.session.expire_all()


def _refuse_broken(problems: list[tuple[DayView, SiteView, str]]) -> None:
    if not problems:
        return
    lines = [
        _("%(d)s %(s)s：%(p)s", d=d.day.day.isoformat(), s=s.site.name, p=p) for d, s, p in problems
    ]
    raise PairingRuleBroken(
        _("有 %(n)d 处不符合接待点配备要求：%(first)s", n=len(lines), first=lines[0]),
        errors={"pairing": lines},
    )


def _refuse_estimated(year: int, confirmed: bool) -> bool:
    """Whether `year`'s dates are estimated (its official holidays not known); refused unless
    the office confirmed publishing them anyway."""
    if deadlines.calendar_known(year):
        return False
    if not confirmed:
        raise CalendarEstimated(
            _(
                "国务院尚未公布 %(y)d 年的节假日安排，日期按周一至周五预估；请确认后再发布",
                y=year,
            ),
            errors={"confirm_estimated_calendar": [str(CONFIRM_ESTIMATED)]},
        )
    return True


def _short_notice_message(lead: int, lines: list[str]) -> str:
    return _(
        "接待日须提前 %(n)d 天公告：%(days)s。确需如此安排的，请填写原因，公告将标明“%(flag)s”",
        n=lead,
        days="、".join(lines),
        flag=short_notice_label(lead),
    )


def days_short_of_notice(township: Township, view: ScheduleView, today: date) -> list[DayView]:
    """The coming days of a schedule that publishing today would announce too late."""
    lead = notice_days(township.id)
    return [d for d in view.days if 0 <= (d.day.day - today).days < lead]


@use_case
def publish(
    actor: Actor,
    township: Township,
    year: int,
    *,
    today: date | None = None,
    confirm_estimated_calendar: bool = False,
    short_notice_reason: str | None = None,
) -> Schedule:
    """Publish the year's schedule; refused while any coming day has a site breaking the rule,
    while the year's holidays are not known unless confirmed, and while a coming day is fewer
    than `notice_days` ahead unless a reason is given (those days are then flagged). The
    options are inputs.PublishInput's."""
    view = get_schedule(actor, township, year)
    _write(actor, township)
    schedule = view.schedule
    if schedule.status == ScheduleStatus.PUBLISHED:
        raise Conflict(_("该年度的接待日安排已发布"))
    today = kit.today(today)
    _refuse_broken(view.coming_problems(today))
    estimated = _refuse_estimated(schedule.year, confirm_estimated_calendar)
    lead = notice_days(township.id)
    short = days_short_of_notice(township, view, today)
    reason = short_notice_reason if short else None
    if short and reason is None:
        lines = [
            _("%(d)s 距今只有 %(m)d 天", d=d.day.day.isoformat(), m=(d.day.day - today).days)
            for d in short
        ]
        raise ShortNotice(_short_notice_message(lead, lines), errors={"short_notice_reason": lines})
    for d in short:
        d.day.short_notice_reason, d.day.short_notice_days = reason, lead
    schedule.status = ScheduleStatus.PUBLISHED
    schedule.published_at = utcnow()
    after: dict[str, Any] = {"year": schedule.year, "days": len(view.days)}
    if estimated:
        after["calendar_estimated"] = True
    if short:
        after["short_notice"] = {"days": [d.day.day.isoformat() for d in short], "reason": reason}
    audit.record(
        "reception_day.schedule_publish",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_schedule",
        target_id=schedule.id,
        after=after,
    )
    notify.notify(
        _liaison_user_ids(township, None),
        _("%(y)d 年党代表接待日安排已发布", y=schedule.year),
        _("请各支部联络员做好提醒和公告张贴。"),
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/{schedule.year}",
        dedupe_key=f"rd:{township.id}:schedule:{schedule.id}:published",
        kind="reception_day.schedule",
    )
    return schedule
