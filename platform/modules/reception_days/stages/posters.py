"""The A4 poster of a reception day (接待日公告): the public one while the notice is on show,
and the office's preview at any time once the day is scheduled.

The public rule does not change: the poster is public from the notice date (the day minus
`notice_days`, Shanghai calendar) to the day itself, when the schedule is published
(`notices.public_day`); before and after it is a 404. The office may open the same poster
earlier (to check it, to print it ahead) as a preview: the page and the print carry a
"预览（未公布）" watermark until the public can see it. Both carry the issue date (发布日期):
the notice date, or for a day set at short notice the day it was announced (`issued_on`).

The people on the poster are shown as the public sees them (`privacy.PUBLIC`): the name and
the post, the phone and workplace only where the representative agreed to publish them; the
office's preview shows no more than the public poster will.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.reception_days.models import ScheduleStatus
from lianxin.modules.reception_days.stages.common import _day, _write, schedule_of
from lianxin.modules.reception_days.stages.notices import public_day
from lianxin.modules.reception_days.stages.sites import DayView, _day_views
from lianxin.people import privacy
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class PosterPerson:
    """A person on the poster: what the public may read of them."""

    name: str
    post: str
    workplace: str
    phone: str


@dataclass(frozen=True)
class Poster:
    view: DayView
    issued_on: date  # 发布日期 (`issued_on()`)
    # None while the public sees the poster; otherwise why it is only a preview.
    preview: str | None = None
    mark: str = ""  # the watermark of a preview: 预览（未公布）

    def people(self, site_view: object) -> list[PosterPerson]:
        """The people on duty at one site and still in office, as the public sees them."""
        duties = getattr(site_view, "duties", [])
        return [_person(d.rep) for d in duties if d.on_duty and d.rep.in_office]


def _person(rep: Representative) -> PosterPerson:
    public = privacy.PUBLIC
    return PosterPerson(
        name=rep.name,
        post=rep.post or "",
        workplace=(rep.workplace or "") if public.can_see(rep, "workplace") else "",
        phone=(rep.phone or "") if public.can_see(rep, "phone") else "",
    )


def issued_on(view: DayView, today: date) -> date:
    """The poster's 发布日期: the notice date; for a day moved or published at short notice
    (its notice date passed before it was set), the day the daily sweep announced it, or
    today while it has not yet."""
    if not view.day.short_notice_reason:
        return view.notice_on
    announced = view.day.notice_published_at
    if announced is None:
        return max(view.notice_on, today)
    return max(view.notice_on, announced.astimezone(SHANGHAI).date())


def public_poster(township: Township, day_id: int, today: date | None = None) -> Poster:
    """The poster the public sees: only while its notice is on show (else NotFound)."""
    view = public_day(township, day_id, today)
    return Poster(view, issued_on(view, kit.today(today)))


def poster_preview(
    actor: Actor, township: Township, day_id: int, today: date | None = None
) -> Poster:
    """The office's poster of any scheduled day (another township's id: 404). `preview` says
    why the public cannot see it yet (or any more); None when it is on show."""
    _write(actor, township)
    day = _day(township, day_id)
    view = _day_views(township, [day])[0]
    now = kit.today(today)
    if schedule_of(day).status != ScheduleStatus.PUBLISHED:
        reason: str | None = _("预览（未公布）：日程尚未发布")
    elif now < view.notice_on:
        reason = _("预览（未公布）：%(d)s 起公开", d=view.notice_on.isoformat())
    elif now > day.day:
        reason = _("预览：接待日已过，公告已撤下")
    else:
        return Poster(view, issued_on(view, now))
    mark = _("预览（已撤下）") if now > day.day else _("预览（未公布）")
    return Poster(view, issued_on(view, now), reason, mark)
