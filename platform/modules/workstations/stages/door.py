"""The duty roster for the station door (值班表，挂在工作室门外; 002 海安 "姓名、职务…"): one
A4 page of a station's month, who is on duty when, with names and posts.

What the door shows is public: the published shifts only (an unpublished one is the office's
draft), the representatives attached to the station and in office, and of each person the name
and the post (职务: the office the person holds, not personal data, lianxin.people.privacy);
a phone only where the representative agreed to publish it (`privacy.PUBLIC`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import ValidationFailed
from lianxin.modules import kit
from lianxin.modules.workstations.models import Shift, Station
from lianxin.modules.workstations.stages.roster import SHIFT_ORDER
from lianxin.modules.workstations.stages.stations import get_station, station_representatives
from lianxin.people import privacy
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(raw: str | None, today: date | None = None) -> date:
    """The first day of "YYYY-MM"; nothing given is this month (Shanghai). A bad value is a
    ValidationFailed with a Chinese message (a page shows it, the API answers 422)."""
    text = (raw or "").strip()
    if not text:
        return kit.today(today).replace(day=1)
    found = _MONTH.match(text)
    if found is not None:
        year, month = int(found.group(1)), int(found.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    raise ValidationFailed(
        _(
            "月份无效：%(v)s（格式为 2026-03，%(a)d–%(b)d 年）",
            v=text[:20],
            a=FIRST_YEAR,
            b=LAST_YEAR,
        ),
        errors={"month": [_("月份格式为 2026-03")]},
    )


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class DoorPerson:
    """A person as the door shows them: the name, the post, a phone only if published."""

    id: int
    name: str
    post: str
    phone: str


@dataclass(frozen=True)
class DoorShift:
    day: date
    starts_at: str
    ends_at: str
    person: DoorPerson
    substitute: bool


@dataclass(frozen=True)
class DoorRoster:
    station: Station
    month: date
    people: list[DoorPerson]
    shifts: list[DoorShift]
    unpublished: int  # shifts of the month not published yet (the office's note, never printed)
    days: list[tuple[date, list[DoorShift]]] = field(default_factory=list)

    @property
    def next_month(self) -> date:
        return next_month(self.month)

    @property
    def previous_month(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)


def _person(rep: Representative) -> DoorPerson:
    public = privacy.PUBLIC
    return DoorPerson(
        rep.id,
        rep.name,
        rep.post or "",
        (rep.phone or "") if public.can_see(rep, "phone") else "",
    )


def door_roster(actor: Actor, township: Township, station_id: int, month: date) -> DoorRoster:
    """The station's published duty of `month` and its representatives in office, for the
    door. Another township's station is not found (404)."""
    station = get_station(actor, township, station_id)
    end = next_month(month)
    shifts = list(
        db.session.scalars(
            select(Shift)
            .where(
                Shift.station_id == station.id,
                Shift.published.is_(True),
                Shift.day >= month,
                Shift.day < end,
            )
            .order_by(*SHIFT_ORDER)
        )
    )
    unpublished = (
        db.session.scalar(
            select(func.count())
            .select_from(Shift)
            .where(
                Shift.station_id == station.id,
                Shift.published.is_(False),
                Shift.day >= month,
                Shift.day < end,
            )
        )
        or 0
    )
    attached = [r for r in station_representatives(township, station) if r.in_office]
    ids = {s.representative_id for s in shifts} - {r.id for r in attached}
    others = (
        {
            r.id: r
            for r in db.session.scalars(select(Representative).where(Representative.id.in_(ids)))
            if r.in_office  # one whose qualification ended is on no door (nor poster)
        }
        if ids
        else {}
    )
    people = {r.id: _person(r) for r in attached}
    on_duty = {**{i: _person(r) for i, r in others.items()}, **people}
    rows = [
        DoorShift(
            s.day,
            s.starts_at.strftime("%H:%M"),
            s.ends_at.strftime("%H:%M"),
            on_duty[s.representative_id],
            s.replaced_representative_id is not None,
        )
        for s in shifts
        if s.representative_id in on_duty
    ]
    by_day: dict[date, list[DoorShift]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    return DoorRoster(
        station=station,
        month=month,
        people=list(people.values()),
        shifts=rows,
        unpublished=int(unpublished),
        days=sorted(by_day.items()),
    )
