"""The year: how often each representative took part against the township's minimum, the
research month, and the register as a spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.inspections.models import (
    Brief,
    Form,
    Inspection,
    InspectionMember,
    InspectionUnit,
    Scale,
    State,
)
from lianxin.modules.inspections.stages.plans import (
    DONE,
    FORM_LABELS,
    SCALE_LABELS,
    STATE_LABELS,
    _read,
    _visible,
    group_name,
    settings,
)
from lianxin.people.models import HandlingUnit, Representative, RepStatus
from lianxin.tenants.models import Township


def research_month(township_id: int) -> int | None:
    """The township's research month (1–12), or None when it has none."""
    month = int(settings(township_id)["research_month"] or 0)
    return month or None


@dataclass(frozen=True)
class RepYear:
    representative_id: int
    name: str
    taken_part: int
    below_minimum: bool


@dataclass(frozen=True)
class YearFigures:
    year: int
    held: int
    yearly_minimum: int
    research_month: int | None
    held_in_research_month: int
    representatives: list[RepYear]

    @property
    def below(self) -> list[RepYear]:
        return [r for r in self.representatives if r.below_minimum]


def _year(year: int) -> tuple[date, date]:
    if not 1900 <= year <= 2999:
        raise NotFound()
    return date(year, 1, 1), date(year + 1, 1, 1)


def year_figures(actor: Actor, township: Township, year: int) -> YearFigures:
    """Visits held in the year, and each representative in office's count of visits taken
    part in against the yearly minimum."""
    _read(actor, township)
    start, end = _year(year)
    minimum = int(settings(township.id)["yearly_minimum"])
    month = research_month(township.id)
    done = and_(
        Inspection.state.in_(list(DONE)), Inspection.held_on >= start, Inspection.held_on < end
    )
    held = db.session.scalar(select(func.count()).select_from(Inspection).where(done)) or 0
    in_month = 0
    if month is not None:
        in_month = (
            db.session.scalar(
                select(func.count())
                .select_from(Inspection)
                .where(
                    done,
                    Inspection.held_on >= date(year, month, 1),
                    Inspection.held_on < (date(year, month + 1, 1) if month < 12 else end),
                )
            )
            or 0
        )
    taken = (
        select(InspectionMember.representative_id, func.count().label("n"))
        .join(
            Inspection,
            and_(
                Inspection.id == InspectionMember.inspection_id,
                Inspection.tenant_id == InspectionMember.tenant_id,
            ),
        )
        .where(done, InspectionMember.attended.is_(True))
        .group_by(InspectionMember.representative_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Representative.id, Representative.name, func.coalesce(taken.c.n, 0))
        .outerjoin(taken, taken.c.representative_id == Representative.id)
        .where(Representative.status == RepStatus.IN_OFFICE)
        .order_by(Representative.name_pinyin, Representative.id)
    ).all()
    reps = [RepYear(i, name, int(n), int(n) < minimum) for i, name, n in rows]
    return YearFigures(year, int(held), minimum, month, int(in_month), reps)


# --- the register ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    inspection: Inspection
    group: str | None
    units: list[str]
    team: list[str]
    attended: list[str]
    briefs: int


def register_rows(actor: Actor, township: Township, year: int) -> list[RegisterRow]:
    """Every visit of the year, oldest first, with its units, team and briefs (a few queries,
    not one per visit)."""
    _read(actor, township)
    start, end = _year(year)
    query = select(Inspection).where(Inspection.held_on >= start, Inspection.held_on < end)
    visible = _visible(actor, township)
    if visible is not None:
        query = query.where(visible)
    found = list(db.session.scalars(query.order_by(Inspection.held_on, Inspection.id)))
    ids = [i.id for i in found]
    if not ids:
        return []
    units: dict[int, list[str]] = {}
    for inspection_id, name in db.session.execute(
        select(InspectionUnit.inspection_id, HandlingUnit.name)
        .join(
            HandlingUnit,
            and_(
                HandlingUnit.id == InspectionUnit.unit_id,
                HandlingUnit.tenant_id == InspectionUnit.tenant_id,
            ),
        )
        .where(InspectionUnit.inspection_id.in_(ids))
        .order_by(InspectionUnit.id)
    ):
        units.setdefault(inspection_id, []).append(name)
    team: dict[int, list[str]] = {}
    attended: dict[int, list[str]] = {}
    for inspection_id, name, was_there in db.session.execute(
        select(InspectionMember.inspection_id, Representative.name, InspectionMember.attended)
        .join(
            Representative,
            and_(
                Representative.id == InspectionMember.representative_id,
                Representative.tenant_id == InspectionMember.tenant_id,
            ),
        )
        .where(InspectionMember.inspection_id.in_(ids))
        .order_by(Representative.name_pinyin)
    ):
        team.setdefault(inspection_id, []).append(name)
        if was_there:
            attended.setdefault(inspection_id, []).append(name)
    briefs = dict(
        db.session.execute(
            select(Brief.inspection_id, func.count())
            .where(Brief.inspection_id.in_(ids))
            .group_by(Brief.inspection_id)
        ).all()
    )
    return [
        RegisterRow(
            i,
            group_name(township, i.group_id),
            units.get(i.id, []),
            team.get(i.id, []),
            attended.get(i.id, []) if i.state in DONE else [],
            int(briefs.get(i.id, 0)),
        )
        for i in found
    ]


def register_xlsx(rows: list[RegisterRow], year: int) -> bytes:
    book = spreadsheets.Book()
    sheet = book.sheet(_("%(y)d年视察调研登记", y=year))
    sheet.widths((12, 14, 10, 36, 18, 30, 30, 30, 12, 12, 60, 10))
    sheet.header(
        [
            _("日期"),
            _("形式"),
            _("规模"),
            _("主题"),
            _("组织"),
            _("被视察单位"),
            _("视察组代表"),
            _("实际参加"),
            _("状态"),
            _("方案通报日期"),
            _("报告"),
            _("书面反映"),
        ]
    )
    for row in rows:
        i = row.inspection
        sheet.append(
            [
                i.held_on,
                str(FORM_LABELS[Form(i.form)]),
                str(SCALE_LABELS[Scale(i.scale)]),
                i.subject,
                row.group or _("联络办"),
                "、".join(row.units),
                "、".join(row.team),
                "、".join(row.attended),
                str(STATE_LABELS[State(i.state)]),
                i.notified_on,
                i.report or "",
                row.briefs,
            ],
            wrap=True,
        )
    return book.to_bytes()
