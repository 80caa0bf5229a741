"""The workstations' lines on the to-do home (registry.TodoItem): the office's rosters to
publish and commitments past their deadline; a representative's next shift and open
commitments."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from lianxin.auth.actor import Actor
from lianxin.modules import kit
from lianxin.modules.registry import TodoItem
from lianxin.modules.waiting import day_label, item
from lianxin.modules.workstations import service
from lianxin.tenants.models import Township

SOON = timedelta(days=7)  # a commitment due within a week, a shift within three days: urgent
SHIFT_SOON = timedelta(days=3)


def items(actor: Actor, township: Township) -> list[TodoItem]:
    today = kit.today()
    index = url_for("workstations.index", township_slug=township.slug)

    def station(station_id: int) -> str:
        return url_for("workstations.station", township_slug=township.slug, station_id=station_id)

    out: list[TodoItem] = []
    shifts = service.unpublished_shifts(actor, township, today)
    if shifts.count:
        out.append(
            TodoItem(
                key="workstations.roster",
                label=_l("待公布的值班班次"),
                count=shifts.count,
                url=station(shifts.page_id) if shifts.page_id else index,
                latest=shifts.latest,
                # Inside the publication lead time it can no longer be published as planned.
                urgent=shifts.due_on is not None
                and shifts.due_on <= service.earliest_publishable(township.id, today),
                due_on=shifts.due_on,
                due_label=_l("最早的班次"),
            )
        )
    out += item(
        "workstations.commitments_overdue",
        _l("已过期限、未记录兑现情况的公开承诺"),
        service.commitments_overdue(actor, township, today),
        index,
        urgent=True,
    )
    shift = service.next_shift(actor, township, today)
    if shift is not None:
        out.append(
            TodoItem(
                key="workstations.next_shift",
                label=_l("我的工作站值班"),
                count=shift.count,
                url=station(shift.station_id),
                urgent=shift.day <= today + SHIFT_SOON,
                note=_l(
                    "下次：%(d)s %(a)s–%(b)s，%(s)s",
                    d=day_label(shift.day, today),
                    a=shift.starts_at.strftime("%H:%M"),
                    b=shift.ends_at.strftime("%H:%M"),
                    s=shift.station,
                ),
            )
        )
    mine = service.my_commitments(actor, township)
    if mine.count:
        out.append(
            TodoItem(
                key="workstations.my_commitments",
                label=_l("我的公开承诺（待兑现）"),
                count=mine.count,
                url=station(mine.page_id) if mine.page_id else index,
                latest=mine.latest,
                urgent=mine.due_on is not None and mine.due_on <= today + SOON,
                due_on=mine.due_on,
            )
        )
    return out
