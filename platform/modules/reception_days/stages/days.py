"""Changing a day of the schedule: its teams and its date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.reception_days.errors import ShortNotice
from lianxin.modules.reception_days.inputs import MoveInput
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
    ScheduleStatus,
    Site,
)
from lianxin.modules.reception_days.stages.common import (
    MODULE_KEY,
    _day,
    _day_site,
    _days_of,
    _not_past,
    _read,
    _representative,
    _write,
    notice_days,
    schedule_of,
)
from lianxin.modules.reception_days.stages.schedules import _refuse_broken, _short_notice_message
from lianxin.modules.reception_days.stages.sites import DayView, _day_views, _liaison_user_ids
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- days, teams, moves --------------------------------------------------------------------------


def get_day(actor: Actor, township: Township, day_id: int) -> DayView:
    _read(actor, township)
    return _day_views(township, [_day(township, day_id)])[0]


def _set_team_on(
    township: Township, day: ReceptionDay, site_id: int, wanted: dict[int, Representative]
) -> tuple[list[int], list[int]]:
    current = {
        d.representative_id: d
        for d in db.session.scalars(select(Duty).where(Duty.day_id == day.id))
    }
    for rep_id, rep in wanted.items():
        duty = current.get(rep_id)
        if duty is None:
            continue
        if duty.site_id != site_id:
            other = db.session.get(Site, (township.id, duty.site_id))
            raise Conflict(
                _(
                    "%(n)s 在 %(d)s 已安排在%(s)s接待",
                    n=rep.name,
                    d=day.day.isoformat(),
                    s=other.name if other else "",
                )
            )
        if duty.status == DutyStatus.ABSENT:
            raise Conflict(_("%(n)s 已报告 %(d)s 不能参加接待", n=rep.name, d=day.day.isoformat()))
    removed = [
        rep_id
        for rep_id, duty in current.items()
        if duty.site_id == site_id and duty.status == DutyStatus.ON_DUTY and rep_id not in wanted
    ]
    for rep_id in removed:
        db.session.execute(
            update(Duty)
            .where(Duty.substitute_for_id == current[rep_id].id)
            .values(substitute_for_id=None)
        )
        db.session.delete(current[rep_id])
    added = [rep_id for rep_id in wanted if rep_id not in current]
    for rep_id in added:
        db.session.add(Duty(day_id=day.id, site_id=site_id, representative_id=rep_id))
    db.session.flush()
    return added, removed


@use_case
def set_team(
    actor: Actor,
    township: Township,
    day_id: int,
    site_id: int,
    rep_ids: Iterable[int],
    *,
    apply_to_rest: bool = False,
    today: date | None = None,
) -> DayView:
    """Put exactly these representatives on duty at the site that day (and, with
    `apply_to_rest`, on every later day of the year that opens the site). A published schedule
    keeps the pairing rule: a change that would break it is refused as a whole."""
    day = _day(township, day_id)
    _read(actor, township)
    day_site = _day_site(day, site_id)
    _write(actor, township)
    _not_past(day, today)
    wanted = {r.id: r for r in (_representative(township, i) for i in rep_ids)}
    ended = [r.name for r in wanted.values() if not r.in_office]
    if ended:
        raise ValidationFailed(
            errors={"representative_ids": [_("代表资格已终止：%(n)s", n="、".join(ended))]}
        )
    schedule = schedule_of(day)
    targets = [day]
    if apply_to_rest:
        targets += [
            d
            for d in _days_of(schedule)
            if d.day > day.day
            and db.session.scalar(
                select(DaySite.id).where(
                    DaySite.day_id == d.id, DaySite.site_id == day_site.site_id
                )
            )
            is not None
        ]
    changes = {}
    for target in targets:
        changes[target.day.isoformat()] = _set_team_on(township, target, day_site.site_id, wanted)
    if schedule.status == ScheduleStatus.PUBLISHED:
        views = _day_views(township, targets)
        broken = [(d, s, p) for d in views for s, p in d.problems if s.site.id == day_site.site_id]
        if broken:
            _refuse_broken(broken)  # raises: the use case takes every day's change back
    audit.record(
        "reception_day.team",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        after={
            "site": day_site.site_id,
            "representatives": sorted(wanted),
            "days": sorted(changes),
        },
    )
    return get_day(actor, township, day.id)


@use_case
def move_day(
    actor: Actor, township: Township, day_id: int, data: MoveInput, *, today: date | None = None
) -> DayView:
    """Move a reception day to another date (audited). The notice follows at once; reminders
    already queued for the old date are dropped at delivery and the new date is reminded.

    A published day moves no closer than `notice_days` ahead, unless a reason is given: the
    day is then flagged as short notice on the public notice."""
    day = _day(township, day_id)
    _write(actor, township)
    today = kit.today(today)
    _not_past(day, today)
    target, text = data.day, data.reason
    wrong_day = None
    if target < today:
        wrong_day = _("不能调整到过去的日期")
    elif target.year != schedule_of(day).year:
        wrong_day = _("只能在本年度内调整")
    elif target != day.day and db.session.scalar(
        select(ReceptionDay.id).where(ReceptionDay.day == target)
    ):
        wrong_day = _("%(d)s 已是接待日", d=target.isoformat())
    if wrong_day is not None:
        raise ValidationFailed(errors={"day": [wrong_day]})
    if target == day.day:
        return get_day(actor, township, day.id)
    published = schedule_of(day).status == ScheduleStatus.PUBLISHED
    lead = notice_days(township.id)
    short = published and (target - today).days < lead
    short_reason = data.short_notice_reason if short else None
    if short and short_reason is None:
        line = _("改到 %(d)s 距今只有 %(m)d 天", d=target.isoformat(), m=(target - today).days)
        raise ShortNotice(
            _short_notice_message(lead, [line]), errors={"short_notice_reason": [line]}
        )
    before = day.day
    announced = day.notice_published_at is not None
    day.day, day.moved_reason = target, text
    day.short_notice_reason, day.short_notice_days = (short_reason, lead) if short else (None, None)
    day.notice_published_at = None  # announced again for the new date by the daily sweep
    audit.record(
        "reception_day.move",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        before={"day": before.isoformat()},
        after={"day": target.isoformat(), "reason": text, "short_notice_reason": short_reason},
    )
    if announced or published:
        notify.notify(
            _liaison_user_ids(township, day),
            _("接待日调整：%(a)s 改为 %(b)s", a=before.isoformat(), b=target.isoformat()),
            _("原因：%(r)s。请更新公告栏。", r=text),
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/days/{day.id}",
            dedupe_key=f"rd:{township.id}:day:{day.id}:moved:{target.isoformat()}",
            kind="reception_day.moved",
        )
    return get_day(actor, township, day.id)
