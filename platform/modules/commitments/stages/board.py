"""The lists: the commitments one may see, the board (亮诺: approved and closed ones of a year
with their status, and of the representative only what the viewer may see of them, by
`people/privacy.py`: name, post and group for everyone, the workplace where the representative
agreed to publish it or the viewer's duty reaches it), the representatives below the township's
yearly minimum, and the year's register as a spreadsheet."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, or_, select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.modules.commitments.models import PUBLIC, Commitment, Progress, Status
from lianxin.modules.commitments.stages.common import (
    STATE_LABELS,
    STATUS_LABELS,
    _read,
    _write,
    is_office,
    representative_of,
    settings,
    state_of,
)
from lianxin.modules.kit import today as kit_today
from lianxin.people.models import Representative, RepresentativeGroup
from lianxin.people.privacy import Viewer
from lianxin.tenants.models import Township

ORDER = (Commitment.due_on, Commitment.id)


def _visible(actor: Actor, township: Township) -> list[ColumnElement[bool]]:
    """The condition on what the actor may list: everything for the office, else the public
    ones and one's own."""
    if is_office(actor, township):
        return []
    own = representative_of(actor)
    public = Commitment.status.in_([str(s) for s in PUBLIC])
    if own is None:
        return [public]
    return [or_(public, Commitment.representative_id == own.id)]


def page_commitments(
    actor: Actor,
    township: Township,
    *,
    year: int | None = None,
    status: str | None = None,
    representative_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Commitment], int]:
    """(one page of the commitments the actor may see, by deadline; how many there are)."""
    _read(actor, township)
    query = select(Commitment).where(*_visible(actor, township))
    if year is not None:
        query = query.where(Commitment.year == year)
    if status:
        query = query.where(Commitment.status == status)
    if representative_id is not None:
        query = query.where(Commitment.representative_id == representative_id)
    return paged(query, *ORDER, offset=offset, limit=limit)


def list_commitments(actor: Actor, township: Township, **filters: object) -> list[Commitment]:
    return page_commitments(actor, township, **filters)[0]  # type: ignore[arg-type]


def my_commitments(actor: Actor, township: Township) -> list[Commitment]:
    """The representative's own, newest year first."""
    _read(actor, township)
    own = representative_of(actor)
    if own is None:
        return []
    return list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.representative_id == own.id)
            .order_by(Commitment.year.desc(), *ORDER)
        )
    )


@dataclass(frozen=True)
class BoardRow:
    id: int
    representative_id: int
    name: str
    post: str | None
    group: str | None
    workplace: str | None  # None: hidden from this viewer (or empty)
    content: str
    due_on: date
    state: str


def board(
    township: Township, viewer: Viewer, year: int, *, today: date | None = None
) -> list[BoardRow]:
    """The year's approved and closed commitments, by representative then deadline. Public:
    the caller passes the public viewer (privacy.PUBLIC) or the member's own."""
    day = kit_today(today)
    rows = db.session.execute(
        select(Commitment, Representative, RepresentativeGroup.name)
        .join(
            Representative,
            (Representative.id == Commitment.representative_id)
            & (Representative.tenant_id == Commitment.tenant_id),
        )
        .outerjoin(
            RepresentativeGroup,
            (RepresentativeGroup.id == Representative.group_id)
            & (RepresentativeGroup.tenant_id == Representative.tenant_id),
        )
        .where(Commitment.year == year, Commitment.status.in_([str(s) for s in PUBLIC]))
        .order_by(Representative.name_pinyin, Representative.id, *ORDER)
    ).all()
    return [
        BoardRow(
            id=c.id,
            representative_id=rep.id,
            name=rep.name,
            post=rep.post,
            group=group,
            workplace=rep.workplace if viewer.can_see(rep, "workplace") else None,
            content=c.content,
            due_on=c.due_on,
            state=state_of(c, day),
        )
        for c, rep, group in rows
    ]


def board_for(
    actor: Actor, township: Township, viewer: Viewer, year: int, *, today: date | None = None
) -> list[BoardRow]:
    """The board as a member of the township sees it."""
    _read(actor, township)
    return board(township, viewer, year, today=today)


def tally(rows: list[BoardRow]) -> dict[str, int]:
    """How many of the board's lines are in each state."""
    return dict(Counter(r.state for r in rows))


@dataclass(frozen=True)
class Shortfall:
    representative_id: int
    name: str
    count: int
    needed: int


def shortfalls(actor: Actor, township: Township, year: int) -> list[Shortfall]:
    """For the office: the representatives in office with fewer commitments in the year than
    the township's minimum (a returned one does not count until it is revised)."""
    _write(actor, township)
    needed = int(settings(township.id)["min_per_year"])
    if needed <= 0:
        return []
    made = (
        select(Commitment.representative_id, func.count(Commitment.id).label("n"))
        .where(Commitment.year == year, Commitment.status != Status.RETURNED)
        .group_by(Commitment.representative_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Representative, func.coalesce(made.c.n, 0))
        .outerjoin(made, made.c.representative_id == Representative.id)
        .order_by(Representative.name_pinyin, Representative.id)
    ).all()
    return [
        Shortfall(rep.id, rep.name, int(n), needed)
        for rep, n in rows
        if rep.in_office and int(n) < needed
    ]


def register_xlsx(
    actor: Actor, township: Township, year: int, *, today: date | None = None
) -> bytes:
    """The year's commitments, every status, with their progress and close (the office's)."""
    _write(actor, township)
    day = kit_today(today)
    rows = db.session.execute(
        select(Commitment, Representative, RepresentativeGroup.name)
        .join(
            Representative,
            (Representative.id == Commitment.representative_id)
            & (Representative.tenant_id == Commitment.tenant_id),
        )
        .outerjoin(
            RepresentativeGroup,
            (RepresentativeGroup.id == Representative.group_id)
            & (RepresentativeGroup.tenant_id == Representative.tenant_id),
        )
        .where(Commitment.year == year)
        .order_by(Representative.name_pinyin, Representative.id, *ORDER)
    ).all()
    notes: dict[int, list[Progress]] = {}
    ids = [c.id for c, _rep, _g in rows]
    if ids:
        for p in db.session.scalars(
            select(Progress)
            .where(Progress.commitment_id.in_(ids))
            .order_by(Progress.noted_on, Progress.id)
        ):
            notes.setdefault(p.commitment_id, []).append(p)
    book = spreadsheets.Book()
    sheet = book.sheet(_("%(y)s年公开承诺", y=year))
    sheet.widths([10, 16, 14, 20, 40, 12, 8, 8, 6, 40, 12, 30])
    sheet.header(
        [
            "代表",
            "职务",
            "代表小组",
            "工作单位",
            "承诺内容",
            "完成期限",
            "状态",
            "代为登记",
            "进展次数",
            "最近进展",
            "结项日期",
            "评诺意见",
        ]
    )
    for c, rep, group in rows:
        label = STATE_LABELS.get(state_of(c, day), STATUS_LABELS.get(c.status, c.status))
        progress = notes.get(c.id, [])
        last = progress[-1] if progress else None
        sheet.append(
            [
                rep.name,
                rep.post or "",
                group or "",
                rep.workplace or "",
                c.content,
                c.due_on,
                str(label or c.status),
                "是" if c.by_office else "否",
                len(progress),
                f"{last.noted_on.isoformat()} {last.note}" if last else "",
                c.closed_on,
                c.close_note or "",
            ],
            wrap=True,
        )
    return book.to_bytes()
