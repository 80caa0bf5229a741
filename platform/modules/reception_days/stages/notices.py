"""The public notice and the daily sweep: notices, reminders, vacancies, summaries."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db, utcnow
from lianxin.errors import NotFound
from lianxin.modules import kit
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
    REMINDER_TOPIC,
    _hhmm,
    _published_days,
    schedule_of,
    settings,
)
from lianxin.modules.reception_days.stages.on_the_day import _send_summary
from lianxin.modules.reception_days.stages.sites import (
    DayView,
    _branch_liaison_user_ids,
    _day_views,
    _liaison_user_ids,
)
from lianxin.notify import channels as notify_channels
from lianxin.notify import service as notify
from lianxin.notify.models import Notification, OutboxMessage
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants.models import Township
from lianxin.usecases import commit_on_its_own, use_case

log = logging.getLogger("lianxin.reception_days")


# --- the public notice ---------------------------------------------------------------------------


def public_notices(township: Township, today: date | None = None) -> list[DayView]:
    """The notices on show: published days from today up to `notice_days` ahead."""
    today = kit.today(today)
    lead = int(settings(township.id)["notice_days"])
    return _day_views(township, _published_days(township, today, today + timedelta(days=lead)))


def next_announcements(
    township: Township, today: date | None = None, limit: int = 3
) -> list[tuple[ReceptionDay, date]]:
    """The next published days not on show yet, with the date their notice goes up (the public
    page lists when, not who: names are announced `notice_days` before)."""
    today = kit.today(today)
    lead = timedelta(days=int(settings(township.id)["notice_days"]))
    later = _published_days(township, today + lead + timedelta(days=1))[:limit]
    return [(day, day.day - lead) for day in later]


def public_day(township: Township, day_id: int, today: date | None = None) -> DayView:
    """One notice (the A4 poster); only while it is on show."""
    for view in public_notices(township, today):
        if view.day.id == day_id:
            return view
    raise NotFound(_("未找到该接待日公告"))


# --- the daily sweep: notices, reminders, summaries ----------------------------------------------


@use_case
def run_daily(township: Township, today: date | None = None) -> dict[str, int]:
    """Announce the notices that fall due, remind the people on duty, send yesterday's summaries.

    Each step claims its rows with a conditional UPDATE … RETURNING, so a sweep that runs twice
    (or two workers at once) acts once.
    """
    today = kit.today(today)
    rule = settings(township.id)
    done = {"notices": 0, "reminders": 0, "summaries": 0}
    for day in _published_days(township, today, today + timedelta(days=int(rule["notice_days"]))):
        claimed = db.session.execute(
            update(ReceptionDay)
            .where(ReceptionDay.id == day.id, ReceptionDay.notice_published_at.is_(None))
            .values(notice_published_at=utcnow())
            .returning(ReceptionDay.id)
        ).first()
        if claimed is None:
            continue
        done["notices"] += 1
        audit.record(
            "reception_day.notice_published",
            actor=Actor(None, _("系统")),
            tenant_id=township.id,
            target_type="reception_day",
            target_id=day.id,
            after={"day": day.day.isoformat()},
        )
        notify.notify(
            _liaison_user_ids(township, day),
            _("%(d)s 接待日公告已发布", d=day.day.isoformat()),
            _("请在各选区公告栏张贴公告（可打印A4公告）。"),
            tenant_id=township.id,
            link=f"/p/{township.slug}/{MODULE_KEY}/{day.id}/poster",
            dedupe_key=f"rd:{township.id}:day:{day.id}:notice:{day.day.isoformat()}",
            kind="reception_day.notice",
        )
    horizon = today + timedelta(days=int(rule["reminder_days"]))
    # Only a representative still in office is reminded (nor is their liaison told to bring
    # them); the office is told to find a substitute for the others (_tell_office_of_vacancies).
    in_office = select(Representative.id).where(
        Representative.tenant_id == township.id, Representative.status == RepStatus.IN_OFFICE
    )
    reminders: list[tuple[dict[str, Any], str | None]] = []
    for day in _published_days(township, today, horizon):
        # One conditional UPDATE claims every duty of the day not yet reminded for it, so a
        # sweep that runs twice (or two at once) reminds each person once.
        claimed = db.session.execute(
            update(Duty)
            .where(
                Duty.day_id == day.id,
                Duty.status == DutyStatus.ON_DUTY,
                Duty.representative_id.in_(in_office),
                or_(Duty.reminded_for.is_(None), Duty.reminded_for != day.day),
            )
            .values(reminded_for=day.day)
            .returning(Duty.id, Duty.representative_id)
        ).all()
        for duty_id, representative_id in sorted(claimed):
            reminders.append(
                (
                    {
                        "duty_id": duty_id,
                        "representative_id": representative_id,
                        "day": day.day.isoformat(),
                    },
                    f"rd:{township.id}:reminder:{duty_id}:{representative_id}:"
                    f"{day.day.isoformat()}",
                )
            )
    notify.enqueue_many(REMINDER_TOPIC, reminders, tenant_id=township.id)
    done["reminders"] += len(reminders)
    _tell_office_of_vacancies(township, today)
    commit_on_its_own("the notices and reminders stand even if a day's summary fails")
    for day in _days_to_summarise(today):
        if _send_summary(township, day, actor=None):
            done["summaries"] += 1
            commit_on_its_own("each day's summary is sent up on its own, whatever the next does")
    return done


def _tell_office_of_vacancies(township: Township, today: date) -> int:
    """Tell the office, once per representative, of the coming published duties of someone
    whose qualification has ended and who has no substitute yet."""
    substituted = select(Duty.substitute_for_id).where(Duty.substitute_for_id.is_not(None))
    rows = db.session.execute(
        select(Duty, ReceptionDay, Representative)
        .join(
            ReceptionDay,
            and_(ReceptionDay.id == Duty.day_id, ReceptionDay.tenant_id == Duty.tenant_id),
        )
        .join(
            Schedule,
            and_(
                Schedule.id == ReceptionDay.schedule_id,
                Schedule.tenant_id == ReceptionDay.tenant_id,
            ),
        )
        .join(
            Representative,
            and_(
                Representative.id == Duty.representative_id,
                Representative.tenant_id == Duty.tenant_id,
            ),
        )
        .where(
            Schedule.status == ScheduleStatus.PUBLISHED,
            ReceptionDay.day >= today,
            Duty.status == DutyStatus.ON_DUTY,
            Representative.status != RepStatus.IN_OFFICE,
            Duty.id.not_in(substituted),
        )
        .order_by(ReceptionDay.day, Duty.id)
    ).all()
    by_rep: dict[int, tuple[Representative, list[ReceptionDay]]] = {}
    for _duty, day, rep in rows:
        by_rep.setdefault(rep.id, (rep, []))[1].append(day)
    office = casework._office_user_ids(township)
    for rep, days in by_rep.values():
        notify.notify(
            office,
            _("%(n)s 的代表资格已终止，需安排替补", n=rep.name),
            _(
                "%(n)s 仍排在以下接待日：%(d)s。"
                "请为其安排替补代表（替补后须仍符合接待点配备要求）。",
                n=rep.name,
                d="、".join(d.day.isoformat() for d in days),
            ),
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/days/{days[0].id}",
            dedupe_key=f"rd:{township.id}:rep:{rep.id}:ended:{rep.ended_on}",
            kind="reception_day.substitute_needed",
        )
    return len(by_rep)


def _days_to_summarise(today: date) -> list[ReceptionDay]:
    return list(
        db.session.scalars(
            select(ReceptionDay)
            .join(
                Schedule,
                and_(
                    Schedule.id == ReceptionDay.schedule_id,
                    Schedule.tenant_id == ReceptionDay.tenant_id,
                ),
            )
            .where(
                Schedule.status == ScheduleStatus.PUBLISHED,
                ReceptionDay.day < today,
                ReceptionDay.summary_sent_at.is_(None),
            )
            .order_by(ReceptionDay.day)
        )
    )


@notify.handler(REMINDER_TOPIC)
def _deliver_reminder(message: OutboxMessage) -> None:
    """Send a reminder only if it is still true: the same person, still in office, on duty on
    the same date."""
    payload = message.payload
    duty = db.session.get(Duty, (message.tenant_id, int(payload["duty_id"])))
    day = db.session.get(ReceptionDay, (message.tenant_id, duty.day_id)) if duty else None
    rep = (
        db.session.get(Representative, (message.tenant_id, duty.representative_id))
        if duty
        else None
    )
    if (
        duty is None
        or day is None
        or rep is None
        or not rep.in_office
        or duty.status != DutyStatus.ON_DUTY
        or duty.representative_id != int(payload["representative_id"])
        or day.day.isoformat() != payload["day"]
        or schedule_of(day).status != ScheduleStatus.PUBLISHED
    ):
        log.info("reception-day reminder %s is stale and was not sent", message.id)
        return
    site = db.session.get(Site, (message.tenant_id, duty.site_id))
    township = db.session.get(Township, message.tenant_id)
    assert site is not None and township is not None
    when = f"{day.day.isoformat()} {_hhmm(day.starts_at)}–{_hhmm(day.ends_at)}"
    title = _("接待日提醒：%(w)s，%(s)s", w=when, s=site.name)
    body = _(
        "请 %(n)s 代表按时到%(s)s（%(a)s）接待来访党员群众。",
        n=rep.name,
        s=site.name,
        a=site.address,
    )
    recipients = set()
    if rep.user_id is not None:
        recipients.add(rep.user_id)
    recipients |= _branch_liaison_user_ids(
        township, {rep.branch_id} if rep.branch_id is not None else set()
    )
    for user_id in sorted(recipients):
        db.session.add(
            Notification(
                user_id=user_id,
                tenant_id=message.tenant_id,
                outbox_id=message.id,
                title=title,
                body=body,
                # The representative's duties; their branch liaison, the day they remind of.
                link=f"/t/{township.slug}/{MODULE_KEY}/mine"
                if user_id == rep.user_id
                else f"/t/{township.slug}/{MODULE_KEY}/days/{day.id}",
            )
        )
    if rep.phone:
        notify_channels.sms_channel().send(rep.phone, f"{title} {body}")
