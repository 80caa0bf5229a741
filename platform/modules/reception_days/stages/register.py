"""A year's reception days as a spreadsheet: who was on duty where, and who came or missed.

A duty is 在岗 once its day is held (on a published schedule and not after today), as the duty
record counts it (`duty.py`); before that it is 已排班. An absence is reported as 缺岗 without
its reason, which stays the representative's (as on the duty record)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.reception_days.models import ScheduleStatus
from lianxin.modules.reception_days.stages.schedules import get_schedule
from lianxin.modules.reception_days.stages.sites import DutyView
from lianxin.people.privacy import viewer_for
from lianxin.tenants.models import Township

WEEKDAYS = "一二三四五六日"


def _attendance(view: DutyView, held: bool) -> str:
    if not view.on_duty:
        return _("缺岗（报告不能到岗）")
    return _("在岗") if held else _("已排班")


def schedule_xlsx(
    actor: Actor, township: Township, year: int, *, today: date | None = None
) -> bytes:
    """The year's schedule: one row a duty (排班与到岗), then one row a day and site (接待点)."""
    schedule = get_schedule(actor, township, year)
    today = kit.today(today)
    published = schedule.schedule.status == ScheduleStatus.PUBLISHED
    viewer = viewer_for(actor, township.id)
    book = spreadsheets.Book()
    duties = book.sheet(_("%(y)d年排班与到岗", y=year))
    duties.widths((12, 6, 14, 20, 10, 14, 18, 20))
    duties.header(
        [
            _("日期"),
            _("星期"),
            _("时间"),
            _("接待点"),
            _("代表"),
            _("安排"),
            _("到岗情况"),
            _("备注"),
        ]
    )
    sites = book.sheet(_("各接待点"))
    sites.widths((12, 20, 12, 12, 14))
    sites.header([_("日期"), _("接待点"), _("在岗代表"), _("缺岗"), _("接待群众（人）")])
    for day_view in schedule.days:
        day = day_view.day
        held = published and day.day <= today
        hours = f"{day.starts_at:%H:%M}–{day.ends_at:%H:%M}"
        # A substitute may stand in at another site of the day.
        names = {
            d.duty.id: str(viewer.shown(d.rep, "name")) for s in day_view.sites for d in s.duties
        }
        for site_view in day_view.sites:
            for view in site_view.duties:
                replaced = view.duty.substitute_for_id
                arrangement = (
                    _("替班（替 %(n)s）", n=names.get(replaced, "—"))
                    if replaced is not None
                    else _("排班")
                )
                duties.append(
                    [
                        day.day,
                        WEEKDAYS[day.day.weekday()],
                        hours,
                        site_view.site.name,
                        viewer.shown(view.rep, "name"),
                        arrangement,
                        _attendance(view, held),
                        _("基层领导干部") if view.rep.is_grassroots_cadre else "",
                    ]
                )
            sites.append(
                [
                    day.day,
                    site_view.site.name,
                    len(site_view.on_duty),
                    len(site_view.absent),
                    site_view.day_site.people_received,
                ]
            )
    return book.to_bytes()
