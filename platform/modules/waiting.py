"""What waits for someone: the figures a part's to-do items are made of (registry.TodoItem).

A part's stage reads a pile of work in one query, `select(*pile(Case.id, Case.updated_at,
Case.due_on)).where(...)`, and gets a `Waiting`: how many, the newest, the earliest due date
and, when there is only one, its id (so the home can open the item itself, not a list of one);
`in_one` reads two more columns to say whether they all wait on one page (one session …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, func, null
from sqlalchemy.sql import ColumnElement

from lianxin.db import db
from lianxin.modules.registry import TodoItem


@dataclass(frozen=True)
class Waiting:
    count: int = 0
    latest: datetime | None = None
    due_on: date | None = None  # the earliest due date among them
    first_id: int | None = None  # the smallest id: the one, when count is 1
    # The page that shows them all, when there is one (they all wait in one session, one
    # campaign, at one station …): the home opens it rather than the list.
    page_id: int | None = None

    @property
    def only_id(self) -> int | None:
        return self.first_id if self.count == 1 else None


def pile(
    id_column: Any, latest: Any = None, due: Any = None, *, distinct: bool = False
) -> tuple[ColumnElement[Any], ...]:
    """The four columns of a `Waiting`, for one `select()`: count, newest, earliest due, first
    id (`distinct`: counted by id, when a join may repeat a row)."""
    return (
        func.count(id_column.distinct()) if distinct else func.count(id_column),
        func.max(latest) if latest is not None else null(),
        func.min(due) if due is not None else null(),
        func.min(id_column),
    )


def waiting(query: Any) -> Waiting:
    """Run a `select(*pile(...))` and read its one row."""
    return as_waiting(db.session.execute(query).one())


def as_waiting(row: Row[Any] | tuple[Any, ...]) -> Waiting:
    count, latest, due_on, first_id = tuple(row)[:4]
    return Waiting(int(count or 0), latest, due_on, first_id)


def in_one(page_column: Any) -> tuple[ColumnElement[Any], ...]:
    """Two columns after a `pile(...)`: the first page (session, campaign, station, day) the
    pile's rows are on, and on how many pages they are; read by `paged`."""
    return (func.min(page_column), func.count(page_column.distinct()))


def paged(row: Row[Any] | tuple[Any, ...]) -> Waiting:
    """A row of `pile(...) + in_one(...)`: a `Waiting` whose `page_id` is the one page, if one."""
    found = as_waiting(row)
    values = tuple(row)
    page_id = values[4] if values[5] == 1 else None
    return Waiting(found.count, found.latest, found.due_on, found.first_id, page_id)


WEEKDAYS = (_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日"))


def day_label(day: date, today: date | None = None) -> str:
    """A date as people say it: 3月9日（周一）, with the year when it is not this year."""
    text = _("%(m)d月%(d)d日（%(w)s）", m=day.month, d=day.day, w=WEEKDAYS[day.weekday()])
    if today is not None and day.year != today.year:
        return _("%(y)d年", y=day.year) + text
    return text


def item(
    key: str,
    label: Any,
    found: Waiting,
    list_url: str,
    one_url: Callable[[int], str] | None = None,
    *,
    urgent: bool = False,
    due_label: Any = "",
    note: Any = "",
) -> list[TodoItem]:
    """The to-do line of a pile, or none when it is empty: one tap to the list, or to the
    item itself when there is only one."""
    if found.count <= 0:
        return []
    target = found.page_id if found.page_id is not None else found.only_id
    url = one_url(target) if one_url is not None and target is not None else list_url
    return [
        TodoItem(
            key=key,
            label=label,
            count=found.count,
            url=url,
            latest=found.latest,
            urgent=urgent,
            due_on=found.due_on,
            due_label=due_label,
            note=note,
        )
    ]
