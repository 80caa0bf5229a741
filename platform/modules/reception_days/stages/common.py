"""Shared by the stages of the reception-days service: constants, settings, lookups."""

from __future__ import annotations

from datetime import date, time
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.auth import permissions
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, NotFound
from lianxin.modules import kit
from lianxin.modules.kit import module_settings
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
    SiteKind,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

T = TypeVar("T")


MODULE_KEY = "reception_days"
SOURCE_TYPE = "reception_day"
REMINDER_TOPIC = "reception_days.reminder"

SITE_KIND_LABELS = {
    SiteKind.TOWNSHIP_ROOM: _l("乡镇接待室"),
    SiteKind.BRANCH_CENTRE: _l("支部党群服务中心"),
    SiteKind.STATION: _l("代表工作站"),
}


SITE_ORDER = {SiteKind.TOWNSHIP_ROOM: 0, SiteKind.STATION: 1, SiteKind.BRANCH_CENTRE: 2}


def site_order(site: Site) -> tuple[int, int]:
    """The township room first, then workstations, then branch centres; by creation within."""
    return (SITE_ORDER.get(SiteKind(site.kind), 9), site.id)


CONFIRM_ESTIMATED = _l("该年度国家节假日尚未公布，日期按周一至周五预估，确认发布")


_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township (the rule, notice and reminder days)."""
    return module_settings(township_id, MODULE_KEY)


def notice_days(township_id: int) -> int:
    return int(settings(township_id)["notice_days"])


def short_notice_label(days: int) -> str:
    return _("临时调整（不足%(n)d天公告）", n=days)


def _get(model: type[T], township: Township, row_id: int, message: str) -> T:
    return tenant_get(model, township.id, row_id, message)


def _site(township: Township, site_id: int) -> Site:
    return _get(Site, township, site_id, _("未找到该接待点"))


def _days_of(schedule: Schedule) -> list[ReceptionDay]:
    return list(
        db.session.scalars(
            select(ReceptionDay)
            .where(ReceptionDay.schedule_id == schedule.id)
            .order_by(ReceptionDay.day)
        )
    )


def _day(township: Township, day_id: int) -> ReceptionDay:
    return _get(ReceptionDay, township, day_id, _("未找到该接待日"))


def schedule_of(day: ReceptionDay) -> Schedule:
    schedule = db.session.get(Schedule, (day.tenant_id, day.schedule_id))
    assert schedule is not None
    return schedule


def _representative(township: Township, rep_id: int) -> Representative:
    return _get(Representative, township, rep_id, _("未找到该代表"))


def _day_site(day: ReceptionDay, site_id: int) -> DaySite:
    found = db.session.scalar(
        select(DaySite).where(DaySite.day_id == day.id, DaySite.site_id == site_id)
    )
    if found is None:
        raise NotFound(_("这一天没有安排该接待点"))
    return found


def _not_past(day: ReceptionDay, today: date | None = None) -> None:
    if day.day < kit.today(today):
        raise Conflict(_("%(d)s 的接待日已过，不能再调整安排", d=day.day.isoformat()))


def _duty(township: Township, duty_id: int) -> Duty:
    return _get(Duty, township, duty_id, _("未找到该值班安排"))


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _published_days(township: Township, start: date, end: date | None = None) -> list[ReceptionDay]:
    query = (
        select(ReceptionDay)
        .join(
            Schedule,
            and_(
                Schedule.id == ReceptionDay.schedule_id,
                Schedule.tenant_id == ReceptionDay.tenant_id,
            ),
        )
        .where(Schedule.status == ScheduleStatus.PUBLISHED, ReceptionDay.day >= start)
        .order_by(ReceptionDay.day)
    )
    if end is not None:
        query = query.where(ReceptionDay.day <= end)
    return list(db.session.scalars(query))
