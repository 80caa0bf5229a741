"""Absence and substitutes, and the duties of a representative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.reception_days.errors import PairingRuleBroken
from lianxin.modules.reception_days.models import (
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
)
from lianxin.modules.reception_days.stages.common import (
    MODULE_KEY,
    _day,
    _duty,
    _hhmm,
    _not_past,
    _read,
    _representative,
    _site,
    _write,
    settings,
)
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- absence and substitutes ---------------------------------------------------------------------


def _is_own_duty(actor: Actor, township: Township, duty: Duty) -> bool:
    rep = casework.representative_of(actor, township)
    return rep is not None and rep.id == duty.representative_id


def get_duty(actor: Actor, township: Township, duty_id: int) -> Duty:
    _read(actor, township)
    return _duty(township, duty_id)


@use_case
def report_absence(
    actor: Actor, township: Township, duty_id: int, reason: str, *, today: date | None = None
) -> Duty:
    """The representative (or the office for them) reports they cannot come that day, and why
    (`reason`, as inputs.AbsenceInputSchema loads it)."""
    duty = get_duty(actor, township, duty_id)
    if not (
        _is_own_duty(actor, township, duty) or permissions.can_work_in_office(actor, township.id)
    ):
        raise PermissionDenied()
    day = _day(township, duty.day_id)
    _not_past(day, today)
    if duty.status == DutyStatus.ABSENT:
        raise Conflict(_("已报告过不能参加"))
    duty.status = DutyStatus.ABSENT
    duty.absence_reason = reason
    duty.absence_reported_at = utcnow()
    rep = _representative(township, duty.representative_id)
    audit.record(
        "reception_day.absence",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_duty",
        target_id=duty.id,
        before={"status": DutyStatus.ON_DUTY},
        after={"status": DutyStatus.ABSENT, "reason": reason},
    )
    notify.notify(
        casework._office_user_ids(township),
        _("%(n)s 不能参加 %(d)s 接待日", n=rep.name, d=day.day.isoformat()),
        _("原因：%(r)s。请安排替补代表。", r=reason),
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/days/{day.id}",
        dedupe_key=f"rd:{township.id}:duty:{duty.id}:absent",
        kind="reception_day.absence",
    )
    return duty


def _substitute_row(duty: Duty) -> Duty | None:
    return db.session.scalar(select(Duty).where(Duty.substitute_for_id == duty.id))


def substitute_candidates(actor: Actor, township: Township, duty_id: int) -> list[Representative]:
    """Who may stand in: in office, not on the day's schedule anywhere, and — when the site would
    otherwise have no basic-level leading cadre — a cadre."""
    duty = get_duty(actor, township, duty_id)
    _write(actor, township)
    return _candidates(township, duty)


def _candidates(township: Township, duty: Duty) -> list[Representative]:
    rule = settings(township.id)
    busy = set(db.session.scalars(select(Duty.representative_id).where(Duty.day_id == duty.day_id)))
    others = [
        r
        for r in db.session.scalars(
            select(Representative)
            .join(
                Duty,
                and_(
                    Duty.representative_id == Representative.id,
                    Duty.tenant_id == Representative.tenant_id,
                ),
            )
            .where(
                Duty.day_id == duty.day_id,
                Duty.site_id == duty.site_id,
                Duty.status == DutyStatus.ON_DUTY,
                Duty.id != duty.id,
            )
        )
        if r.in_office
    ]
    need_cadre = bool(rule["require_cadre"]) and not any(r.is_grassroots_cadre for r in others)
    query = select(Representative).order_by(
        Representative.is_grassroots_cadre.desc(), Representative.name_pinyin
    )
    if need_cadre:
        query = query.where(Representative.is_grassroots_cadre.is_(True))
    return [r for r in db.session.scalars(query) if r.in_office and r.id not in busy]


@use_case
def substitute(
    actor: Actor, township: Township, duty_id: int, rep_id: int, *, today: date | None = None
) -> Duty:
    """Put a substitute on duty for a representative who reported they cannot come, or whose
    qualification ended while on duty (their duty is then recorded as absent for that reason)."""
    duty = get_duty(actor, township, duty_id)
    _write(actor, township)
    rep = _representative(township, rep_id)
    day = _day(township, duty.day_id)
    _not_past(day, today)
    absent = _representative(township, duty.representative_id)
    ended = duty.status == DutyStatus.ON_DUTY and not absent.in_office
    if duty.status != DutyStatus.ABSENT and not ended:
        raise Conflict(_("请先登记该代表不能参加，再安排替补"))
    if _substitute_row(duty) is not None:
        raise Conflict(_("已为该代表安排了替补"))
    if not rep.in_office:
        raise ValidationFailed(
            errors={"representative_id": [_("%(n)s 的代表资格已终止", n=rep.name)]}
        )
    clash = db.session.scalar(
        select(Duty).where(Duty.day_id == day.id, Duty.representative_id == rep.id)
    )
    if clash is not None:
        if clash.status == DutyStatus.ABSENT:
            message = _("%(n)s 已报告 %(d)s 不能参加接待", n=rep.name, d=day.day.isoformat())
        else:
            site = db.session.get(Site, (township.id, clash.site_id))
            message = _(
                "%(n)s 在 %(d)s 已安排在%(s)s接待",
                n=rep.name,
                d=day.day.isoformat(),
                s=site.name if site else "",
            )
        raise Conflict(message, code="already_on_duty")
    if rep.id not in {r.id for r in _candidates(township, duty)}:
        raise PairingRuleBroken(
            _("替补后该接待点将没有基层领导干部代表，请选择基层领导干部代表"),
            errors={"representative_id": [_("请选择基层领导干部代表")]},
        )
    if ended:
        duty.status = DutyStatus.ABSENT
        duty.absence_reason = _("代表资格已终止")
        duty.absence_reported_at = utcnow()
    replacement = Duty(
        day_id=day.id,
        site_id=duty.site_id,
        representative_id=rep.id,
        substitute_for_id=duty.id,
    )
    db.session.add(replacement)
    db.session.flush()
    audit.record(
        "reception_day.substitute",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_duty",
        target_id=duty.id,
        before={"representative": absent.id},
        after={
            "representative": rep.id,
            "duty": replacement.id,
            **({"reason": "qualification_ended"} if ended else {}),
        },
    )
    site = _site(township, duty.site_id)
    if rep.user_id is not None:
        notify.notify(
            [rep.user_id],
            _("请您替补参加 %(d)s 接待日", d=day.day.isoformat()),
            _(
                "地点：%(s)s，%(a)s–%(b)s。",
                s=site.name,
                a=_hhmm(day.starts_at),
                b=_hhmm(day.ends_at),
            ),
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/mine",
            dedupe_key=f"rd:{township.id}:duty:{replacement.id}:assigned",
            kind="reception_day.substitute",
        )
    return replacement


# --- my duties -----------------------------------------------------------------------------------


@dataclass
class MyDuty:
    duty: Duty
    day: ReceptionDay
    site: Site
    published: bool


def my_duties(actor: Actor, township: Township) -> list[MyDuty]:
    _read(actor, township)
    rep = casework.representative_of(actor, township)
    if rep is None:
        return []
    rows = db.session.execute(
        select(Duty, ReceptionDay, Site, Schedule)
        .join(
            ReceptionDay,
            and_(ReceptionDay.id == Duty.day_id, ReceptionDay.tenant_id == Duty.tenant_id),
        )
        .join(Site, and_(Site.id == Duty.site_id, Site.tenant_id == Duty.tenant_id))
        .join(
            Schedule,
            and_(
                Schedule.id == ReceptionDay.schedule_id,
                Schedule.tenant_id == ReceptionDay.tenant_id,
            ),
        )
        .where(Duty.representative_id == rep.id)
        .order_by(ReceptionDay.day)
    ).all()
    return [
        MyDuty(duty, day, site, schedule.status == ScheduleStatus.PUBLISHED)
        for duty, day, site, schedule in rows
    ]
