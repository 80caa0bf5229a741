"""The case register on paper and in Excel (issue 25): the filtered list, its `.xlsx`, the
printed reception log (接访登记簿) with one column per step, and the statistics sheet (接访统计表).

One typed filter (`CaseFilterSchema`) is loaded by the list page, the API's list, the export and
the print, so that what is printed is what was on screen. The ids it names (station,
representative, handling unit) are the township's own: another township's, like an unknown one,
is a bad value (422, "请选择有效的选项"), never a way to learn what exists elsewhere. Every query
reads the caller's township only and what the caller may see (`_visible`); the statistics are
GROUP BY queries, never a loop over the cases. Who raised a case (name, phone) is not decided
here: the pages and the export ask `people/privacy.py` per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import Select, case, func, literal, or_, select

from lianxin import spreadsheets
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import deadlines
from lianxin.casework import schemas as cw
from lianxin.casework.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseReply,
    CaseState,
    Channel,
)
from lianxin.casework.stages.common import CATEGORIES, _visible, rule_for
from lianxin.casework.stages.places import _providers, case_stations
from lianxin.casework.stages.records import CaseRow, flag
from lianxin.casework.states import OPEN_STATES, STATE_LABELS
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.people.models import HandlingUnit, Representative
from lianxin.tenants.models import Township
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import OptionalDate, OptionalId, Text

CHOOSE_VALID = _l("请选择有效的选项")
BAD_DATE = _l("请填写有效的日期（格式为 2026-01-31）")
# A date a register may name: wide enough for any record, narrow enough to add a day to.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_ID = 2**53  # ids are BIGINT; a larger number names nothing (and no JSON client sends one)
# The printed log: a fixed number of rows per A4 sheet (each row's height is fixed, its text
# clipped), so that a print's page count is known from its row count.
ROWS_PER_PAGE = 8
# A print of more rows than this asks for a narrower filter (the .xlsx has them all).
PRINT_LIMIT = 400
# The columns of the log, one per step of a case (000 第五篇: 登记 接待 处理 回复 反馈 归档).
STEPS = ("register", "receive", "handle", "reply", "feedback", "archive")
STEP_LABELS = {
    "register": _l("登记"),
    "receive": _l("接待"),
    "handle": _l("处理"),
    "reply": _l("回复"),
    "feedback": _l("反馈"),
    "archive": _l("归档"),
}
HANDLING_ACTIONS = frozenset(
    {"handle_on_spot", "refer", "reassign", "escalate", "mark_inadmissible"}
)
CHUNK = 500  # ids per IN (...) when a register reads the steps of its cases


def _choice(values: Iterable[str]) -> Text:
    # marshmallow's message in Chinese (usecases/chinese.py): 请从列表中选择.
    return Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([str(v) for v in values]),
    )


def _id(description: str) -> OptionalId:
    return OptionalId(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID, error=CHOOSE_VALID),
        error_messages={"invalid": CHOOSE_VALID},
        metadata={"description": description},
    )


def _day(description: str) -> OptionalDate:
    return OptionalDate(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=EARLIEST, max=LATEST, error=BAD_DATE),
        error_messages={"invalid": BAD_DATE},
        metadata={"description": description},
    )


class _BlankIsNotGiven:
    """A filter left empty on the form ("" or spaces) is not given: its default applies."""

    @pre_load
    def _blank_is_not_given(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (isinstance(value, str) and not value.strip())
        }


# --- the filter -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    """What the case list, its export and its print show: every field narrows; None is all."""

    state: str | None = None
    overdue: bool = False
    q: str | None = None
    station_id: int | None = None
    channel: str | None = None
    representative_id: int | None = None
    unit_id: int | None = None
    category: str | None = None
    registered_from: date | None = None  # Shanghai dates, both inclusive
    registered_to: date | None = None

    def query_args(self) -> dict[str, Any]:
        """The filter as the URL's query: the page's links (pages, export, print) carry it."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if value is None or value is False or value == "":
                continue
            out[key] = (
                "1" if value is True else (value.isoformat() if isinstance(value, date) else value)
            )
        return out

    @property
    def is_empty(self) -> bool:
        return not self.query_args()


class CaseFilterSchema(_BlankIsNotGiven, InputSchema[CaseFilter]):
    """The filter of the case register: the list page's query, the API's list, the `.xlsx` and
    the printed log. Dates are the Shanghai dates a case was registered, both inclusive."""

    input_type = CaseFilter

    state = _choice(list(CaseState))
    overdue = fields.Boolean(load_default=False, metadata={"description": "只看逾期"})
    q = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=validate.Length(max=100, error=_l("查找的文字过长")),
        metadata={"description": "标题或内容包含"},
    )
    station_id = _id("接待的工作站（工作站 id）")
    channel = _choice(list(Channel))
    representative_id = _id("首问代表（代表 id）")
    unit_id = _id("承办单位（单位 id）：主办或协办，退回的不算")
    category = _choice(CATEGORIES)
    registered_from = _day("登记日期起（含）")
    registered_to = _day("登记日期止（含）")

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("registered_from"), data.get("registered_to")
        if start is not None and end is not None and end < start:
            raise ValidationError(str(_l("结束日期不能早于开始日期")), "registered_to")


@dataclass(frozen=True)
class StatisticsInput:
    """The period of a statistics sheet: a year, or dates within at most twelve months."""

    year: int | None = None
    registered_from: date | None = None
    registered_to: date | None = None


class StatisticsInputSchema(_BlankIsNotGiven, InputSchema[StatisticsInput]):
    """接访统计表's period: `year` (this year if nothing is given), or a date range (Shanghai
    dates, inclusive) of at most twelve calendar months."""

    input_type = StatisticsInput

    year = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=EARLIEST.year, max=LATEST.year, error=_l("请选择有效的年份")),
        error_messages={"invalid": _l("请选择有效的年份")},
    )
    registered_from = _day("统计期间起（含）")
    registered_to = _day("统计期间止（含）")

    @validates_schema
    def _period(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("registered_from"), data.get("registered_to")
        if (start is None) != (end is None):
            raise ValidationError(str(_l("请同时填写开始和结束日期")), "registered_to")
        if start is not None and end is not None:
            if end < start:
                raise ValidationError(str(_l("结束日期不能早于开始日期")), "registered_to")
            if len(_months(start, end)) > 12:
                raise ValidationError(str(_l("统计期间最长12个月")), "registered_to")


# --- where the filter's ids point ----------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """What the filter form offers: the township's own stations, representatives, units."""

    stations: list[tuple[int, str]]
    representatives: list[tuple[int, str]]
    units: list[tuple[int, str]]
    channels: list[tuple[str, str]]
    categories: list[tuple[str, str]]
    states: list[tuple[str, str]]


def filter_options(actor: Actor, township: Township) -> FilterOptions:
    _require_member(actor, township)
    reps = db.session.execute(
        select(Representative.id, Representative.name).order_by(
            Representative.name, Representative.id
        )
    ).all()
    units = db.session.execute(
        select(HandlingUnit.id, HandlingUnit.name).order_by(
            HandlingUnit.is_active.desc(), HandlingUnit.name
        )
    ).all()
    return FilterOptions(
        stations=[(p.id, p.name) for p in case_stations(township)],
        representatives=[(r.id, r.name) for r in reps],
        units=[(u.id, u.name) for u in units],
        channels=list(cw.translated(cw.CHANNEL_LABELS).items()),
        categories=[(c, c) for c in CATEGORIES],
        states=list(cw.translated(STATE_LABELS).items()),
    )


def _require_member(actor: Actor, township: Township) -> None:
    if not permissions.can_enter_township(actor, township):
        raise NotFound()


def _station_source(township: Township, station_id: int) -> tuple[str, int] | None:
    for provider in _providers(township):
        place = provider.find(township, station_id)
        if place is not None:
            return place.source_type, place.id
    return None


def _check_ids(township: Township, f: CaseFilter) -> tuple[str, int] | None:
    """The filter's ids are this township's (else 422 on the field); the station's source."""
    errors: dict[str, list[str]] = {}
    station = None
    if f.station_id is not None:
        station = _station_source(township, f.station_id)
        if station is None:
            errors["station_id"] = [str(CHOOSE_VALID)]
    if (
        f.representative_id is not None
        and db.session.get(Representative, (township.id, f.representative_id)) is None
    ):
        errors["representative_id"] = [str(CHOOSE_VALID)]
    if f.unit_id is not None and db.session.get(HandlingUnit, (township.id, f.unit_id)) is None:
        errors["unit_id"] = [str(CHOOSE_VALID)]
    if errors:
        raise ValidationFailed(errors=errors)
    return station


def utc_start(day: date) -> datetime:
    """The UTC instant a Shanghai day starts (China keeps no daylight saving time)."""
    return datetime.combine(day, time(), deadlines.SHANGHAI).astimezone(UTC)


def case_query(actor: Actor, township: Township, f: CaseFilter) -> Select[tuple[Case]]:
    """The township's cases the actor may see that the filter keeps (unordered)."""
    _require_member(actor, township)
    station = _check_ids(township, f)
    query = select(Case).where(Case.tenant_id == township.id)
    visible = _visible(actor, township)
    if visible is not None:
        query = query.where(visible)
    if f.state:
        query = query.where(Case.state == f.state)
    if f.q:
        # autoescape: a typed % or _ is a character to find, not a LIKE wildcard.
        query = query.where(
            or_(
                Case.title.contains(f.q, autoescape=True),
                Case.body.contains(f.q, autoescape=True),
            )
        )
    if f.overdue:
        query = query.where(
            Case.state.in_(list(OPEN_STATES)), Case.due_on < deadlines.shanghai_today()
        )
    if station is not None:
        query = query.where(Case.source_type == station[0], Case.source_id == station[1])
    if f.channel:
        query = query.where(Case.channel == f.channel)
    if f.representative_id is not None:
        query = query.where(Case.received_by_id == f.representative_id)
    if f.unit_id is not None:
        # A unit that handled it, lead or co, in any round; one that sent it back did not.
        query = query.where(
            Case.id.in_(
                select(CaseAssignment.case_id).where(
                    CaseAssignment.tenant_id == township.id,
                    CaseAssignment.unit_id == f.unit_id,
                    CaseAssignment.status != AssignmentStatus.RETURNED,
                )
            )
        )
    if f.category:
        query = query.where(Case.category == f.category)
    if f.registered_from is not None:
        query = query.where(Case.created_at >= utc_start(f.registered_from))
    if f.registered_to is not None:
        query = query.where(Case.created_at < utc_start(f.registered_to + timedelta(days=1)))
    return query


def filtered_cases(
    actor: Actor,
    township: Township,
    f: CaseFilter,
    *,
    offset: int = 0,
    limit: int | None = 50,
) -> tuple[list[CaseRow], int]:
    """A page of the filtered list, newest first, with the deadline flags; and the total."""
    query = case_query(actor, township, f)
    rows, total = paged(query, Case.created_at.desc(), Case.id.desc(), offset=offset, limit=limit)
    rule, today = rule_for(township.id), deadlines.shanghai_today()
    return [flag(c, rule, today) for c in rows], total


def describe(f: CaseFilter, options: FilterOptions) -> list[str]:
    """The filter in words, for a print's title and an export's first lines."""
    names = {
        "station_id": dict(options.stations),
        "representative_id": dict(options.representatives),
        "unit_id": dict(options.units),
    }
    parts: list[str] = []
    if f.state:
        parts.append(_("状态：%(v)s", v=cw.label(STATE_LABELS, f.state)))
    if f.channel:
        parts.append(_("来源：%(v)s", v=cw.label(cw.CHANNEL_LABELS, f.channel)))
    if f.category:
        parts.append(_("类别：%(v)s", v=f.category))
    if f.station_id is not None:
        parts.append(_("工作站：%(v)s", v=names["station_id"].get(f.station_id, f.station_id)))
    if f.representative_id is not None:
        name = names["representative_id"].get(f.representative_id, f.representative_id)
        parts.append(_("首问代表：%(v)s", v=name))
    if f.unit_id is not None:
        parts.append(_("承办单位：%(v)s", v=names["unit_id"].get(f.unit_id, f.unit_id)))
    if f.overdue:
        parts.append(_("只看逾期"))
    if f.q:
        parts.append(_("包含：%(v)s", v=f.q))
    return parts


def period_words(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return _("全部")
    if start is None:
        return _("%(d)s 及以前", d=_cn(end))
    if end is None:
        return _("%(d)s 起", d=_cn(start))
    return _("%(a)s 至 %(b)s", a=_cn(start), b=_cn(end))


def _cn(day: date | None) -> str:
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


# --- the reception log: one column per step ------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a case as the log writes it: the day, who, and a short what."""

    on: date
    who: str
    what: str = ""


@dataclass(frozen=True)
class LogRow:
    row: CaseRow
    station: str
    receiver: str  # the representative who received it (首问代表)
    units: str  # the handling units of its latest round, lead first
    steps: dict[str, Step | None] = field(default_factory=dict)

    @property
    def case(self) -> Case:
        return self.row.case


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _local(moment: datetime) -> date:
    return deadlines.shanghai_today(moment)


def log_rows(township: Township, rows: Sequence[CaseRow]) -> list[LogRow]:
    """The steps of the given cases (already filtered and visible to the caller) from their
    history, in a fixed number of queries per 500 cases."""
    ids = [r.case.id for r in rows]
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    assignments: dict[int, list[CaseAssignment]] = defaultdict(list)
    replies: dict[int, list[CaseReply]] = defaultdict(list)
    for chunk in _chunks(ids):
        for event in db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.tenant_id == township.id, CaseEvent.case_id.in_(chunk))
            .order_by(CaseEvent.id)
        ):
            events[event.case_id].append(event)
        for assignment in db.session.scalars(
            select(CaseAssignment)
            .where(CaseAssignment.tenant_id == township.id, CaseAssignment.case_id.in_(chunk))
            .order_by(CaseAssignment.id)
        ):
            assignments[assignment.case_id].append(assignment)
        for reply in db.session.scalars(
            select(CaseReply)
            .where(CaseReply.tenant_id == township.id, CaseReply.case_id.in_(chunk))
            .order_by(CaseReply.id)
        ):
            replies[reply.case_id].append(reply)
    units = {i: n for i, n in db.session.execute(select(HandlingUnit.id, HandlingUnit.name))}
    rep_ids = sorted({r.case.received_by_id for r in rows if r.case.received_by_id})
    reps: dict[int, str] = {}
    for chunk in _chunks(rep_ids):
        for rep_id, name in db.session.execute(
            select(Representative.id, Representative.name).where(Representative.id.in_(chunk))
        ):
            reps[rep_id] = name
    stations = _station_names(township, rows)
    return [
        _log_row(
            r, events[r.case.id], assignments[r.case.id], replies[r.case.id], units, reps, stations
        )
        for r in rows
    ]


def _station_names(township: Township, rows: Sequence[CaseRow]) -> dict[tuple[str, int], str]:
    names = {(p.source_type, p.id): p.name for p in case_stations(township)}
    types = {p.source_type for p in case_stations(township)} or set()
    for r in rows:  # a closed station is not listed, but its cases still name it
        key = (r.case.source_type or "", r.case.source_id or 0)
        if key[0] in types and key not in names:
            for provider in _providers(township):
                place = provider.find(township, key[1])
                if place is not None:
                    names[key] = place.name
                    break
    return names


def _log_row(
    row: CaseRow,
    events: list[CaseEvent],
    assignments: list[CaseAssignment],
    replies: list[CaseReply],
    units: dict[int, str],
    reps: dict[int, str],
    stations: dict[tuple[str, int], str],
) -> LogRow:
    case = row.case
    receiver = reps.get(case.received_by_id or 0, "")
    station = stations.get((case.source_type or "", case.source_id or 0), "")
    latest_round = max((a.round for a in assignments), default=0)
    this_round = [
        a for a in assignments if a.round == latest_round and a.status != AssignmentStatus.RETURNED
    ]
    this_round.sort(key=lambda a: (a.role != AssignmentRole.LEAD, a.id))
    unit_names = "、".join(units.get(a.unit_id, "") for a in this_round if a.unit_id in units)

    def last(actions: Iterable[str]) -> CaseEvent | None:
        wanted = set(actions)
        return next((e for e in reversed(events) if e.action in wanted), None)

    steps: dict[str, Step | None] = dict.fromkeys(STEPS)
    registered = last({"register"})
    steps["register"] = Step(
        _local(case.created_at),  # the date the list filters on
        registered.actor_name if registered else "",
        cw.label(cw.CHANNEL_LABELS, case.channel),
    )
    received = last({"receive"})
    if received is not None:
        steps["receive"] = Step(_local(received.created_at), receiver or received.actor_name)
    handled = last(HANDLING_ACTIONS)
    if handled is not None:
        what = cw.label(cw.ACTION_LABELS, handled.action)
        if handled.action in {"refer", "reassign"} and unit_names:
            what = f"{what}：{unit_names}"
        steps["handle"] = Step(_local(handled.created_at), handled.actor_name, what)
    if replies:
        reply = replies[-1]
        who = units.get(reply.unit_id or 0) or reply.author_name
        steps["reply"] = Step(
            _local(reply.created_at), who, cw.label(cw.REPLY_SOURCE_LABELS, reply.source)
        )
    elif handled is not None and handled.action == "handle_on_spot":
        steps["reply"] = Step(
            _local(handled.created_at),
            handled.actor_name,
            cw.label(cw.ACTION_LABELS, "handle_on_spot"),
        )
    fed_back = last({"give_feedback"})
    rating = cw.label(cw.RATING_LABELS, case.rating) if case.rating else ""
    if fed_back is not None:
        steps["feedback"] = Step(_local(fed_back.created_at), fed_back.actor_name, rating)
    elif case.rated_at is not None:
        steps["feedback"] = Step(_local(case.rated_at), _("群众评价"), rating)
    archived = last({"archive"})
    if archived is not None:
        steps["archive"] = Step(_local(archived.created_at), archived.actor_name)
    return LogRow(row, station, receiver, unit_names, steps)


@dataclass(frozen=True)
class ReceptionLog:
    """The printed log: its rows, cut into sheets of ROWS_PER_PAGE."""

    rows: list[LogRow]
    total: int  # the filter's total; more than PRINT_LIMIT is not printed

    @property
    def too_many(self) -> bool:
        return self.total > PRINT_LIMIT

    @property
    def sheets(self) -> list[list[LogRow]]:
        if not self.rows:
            return [[]]
        return [self.rows[i : i + ROWS_PER_PAGE] for i in range(0, len(self.rows), ROWS_PER_PAGE)]


def reception_log(actor: Actor, township: Township, f: CaseFilter) -> ReceptionLog:
    """The filtered cases, oldest first as a paper log is written, with their steps."""
    query = case_query(actor, township, f)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if total > PRINT_LIMIT:
        return ReceptionLog([], total)
    cases = list(db.session.scalars(query.order_by(Case.created_at, Case.id)))
    rule, today = rule_for(township.id), deadlines.shanghai_today()
    return ReceptionLog(log_rows(township, [flag(c, rule, today) for c in cases]), total)


# --- the .xlsx ------------------------------------------------------------------------------------

EXPORT_HEADERS = (
    _l("编号"),
    _l("登记日期"),
    _l("标题"),
    _l("内容"),
    _l("类别"),
    _l("来源"),
    _l("工作站"),
    _l("首问代表"),
    _l("反映人"),
    _l("联系电话"),
    _l("状态"),
    _l("承办单位"),
    _l("答复期限"),
    _l("是否逾期"),
    *(_l("%(s)s环节日期", s=label) for label in STEP_LABELS.values()),
    *(_l("%(s)s环节情况", s=label) for label in STEP_LABELS.values()),
)
EXPORT_WIDTHS = (8, 12, 30, 50, 12, 14, 16, 10, 10, 14, 12, 24, 12, 8) + (12,) * 6 + (22,) * 6


def export_xlsx(
    actor: Actor,
    township: Township,
    f: CaseFilter,
    raiser: Any,
) -> bytes:
    """The filtered register as a workbook (every text cell is text, never a formula).
    `raiser(case, column)` is the privacy rule's value of the person's name or phone."""
    rows, _total = filtered_cases(actor, township, f, limit=None)
    rows.reverse()  # oldest first, as the log
    options = filter_options(actor, township)
    book = spreadsheets.Book()
    sheet = book.sheet(str(_l("诉求登记簿")))
    sheet.widths(EXPORT_WIDTHS)
    sheet.append([f"{township.name} {_('诉求登记簿')}"], bold=True)
    words = describe(f, options)
    sheet.append([_("登记日期：%(p)s", p=period_words(f.registered_from, f.registered_to)), *words])
    sheet.header(EXPORT_HEADERS)
    for log in log_rows(township, rows):
        case = log.case
        steps = [log.steps[key] for key in STEPS]
        sheet.append(
            [
                case.id,
                _local(case.created_at),
                case.title,
                case.body,
                case.category,
                cw.label(cw.CHANNEL_LABELS, case.channel),
                log.station,
                log.receiver,
                _("匿名") if case.anonymous else raiser(case, "name"),
                raiser(case, "phone") if case.raiser_phone else "",
                cw.label(STATE_LABELS, case.state),
                log.units,
                case.due_on,
                _("逾期") if log.row.overdue else "",
                *(s.on if s else None for s in steps),
                *(" ".join(p for p in (s.who, s.what) if p) if s else "" for s in steps),
            ]
        )
    return book.to_bytes()


# --- the statistics sheet (接访统计表) ---------------------------------------------------------


@dataclass(frozen=True)
class StatLine:
    key: str
    label: str
    counts: tuple[int, ...]  # one per month of the period

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Statistics:
    start: date
    end: date
    months: tuple[date, ...]  # the first day of each month of the period
    channels: tuple[StatLine, ...]
    categories: tuple[StatLine, ...]
    states: tuple[StatLine, ...]
    totals: StatLine
    # (month index, channel, category, state, count): the full cross, for the .xlsx
    cells: tuple[tuple[int, str, str, str, int], ...]

    @property
    def sections(self) -> list[tuple[str, tuple[StatLine, ...]]]:
        return [
            (_("按来源渠道"), self.channels),
            (_("按类别"), self.categories),
            (_("按办理状态"), self.states),
        ]

    @property
    def month_labels(self) -> list[str]:
        one_year = len({m.year for m in self.months}) == 1
        return [f"{m.month}月" if one_year else f"{m.year}.{m.month:02d}" for m in self.months]


def _months(start: date, end: date) -> list[date]:
    out, month = [], date(start.year, start.month, 1)
    while month <= end:
        out.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out


def statistics_period(data: StatisticsInput) -> tuple[date, date]:
    if data.registered_from is not None and data.registered_to is not None:
        return data.registered_from, data.registered_to
    year = data.year or deadlines.shanghai_today().year
    return date(year, 1, 1), date(year, 12, 31)


def statistics(actor: Actor, township: Township, data: StatisticsInput) -> Statistics:
    """Cases registered in the period, counted by month × channel × category × state in one
    GROUP BY (the month is a CASE over the months' Shanghai boundaries: the same SQL on both
    databases); what the actor may see of the township only."""
    _require_member(actor, township)
    start, end = statistics_period(data)
    months = _months(start, end)
    bounds = [utc_start(max(start, m)) for m in months] + [utc_start(end + timedelta(days=1))]
    if len(months) == 1:
        bucket: Any = literal(0)
    else:
        bucket = case(
            *((Case.created_at < bounds[i + 1], i) for i in range(len(months) - 1)),
            else_=len(months) - 1,
        )
    inner = select(bucket.label("month"), Case.channel, Case.category, Case.state).where(
        Case.tenant_id == township.id,
        Case.created_at >= bounds[0],
        Case.created_at < bounds[-1],
    )
    visible = _visible(actor, township)
    if visible is not None:
        inner = inner.where(visible)
    sub = inner.subquery()
    counted = db.session.execute(
        select(sub.c.month, sub.c.channel, sub.c.category, sub.c.state, func.count())
        .group_by(sub.c.month, sub.c.channel, sub.c.category, sub.c.state)
        .order_by(sub.c.month, sub.c.channel, sub.c.category, sub.c.state)
    ).all()
    cells = tuple((int(m), str(ch), str(ca), str(st), int(n)) for m, ch, ca, st, n in counted)
    n = len(months)

    def lines(
        position: int, known: Sequence[str], labels: Mapping[str, str]
    ) -> tuple[StatLine, ...]:
        sums: dict[str, list[int]] = {key: [0] * n for key in known}
        for cell in cells:
            sums.setdefault(str(cell[position]), [0] * n)[cell[0]] += cell[4]
        return tuple(StatLine(k, labels.get(k, k), tuple(v)) for k, v in sums.items())

    totals = [0] * n
    for cell in cells:
        totals[cell[0]] += cell[4]
    return Statistics(
        start=start,
        end=end,
        months=tuple(months),
        channels=lines(1, [str(c) for c in Channel], cw.translated(cw.CHANNEL_LABELS)),
        categories=lines(2, list(CATEGORIES), {}),
        states=lines(3, [str(s) for s in CaseState], cw.translated(STATE_LABELS)),
        totals=StatLine("total", _("合计"), tuple(totals)),
        cells=cells,
    )


def statistics_xlsx(township: Township, stats: Statistics) -> bytes:
    """The sheet as on screen, then every month × channel × category × state count."""
    book = spreadsheets.Book()
    sheet = book.sheet(str(_l("接访统计表")))
    sheet.widths((18, *(8,) * len(stats.months), 8))
    sheet.append([f"{township.name} {_('接访统计表')}"], bold=True)
    sheet.append([_("统计期间：%(p)s", p=period_words(stats.start, stats.end))])
    sheet.header([_("项目"), *stats.month_labels, _("合计")])
    for title, section in stats.sections:
        sheet.append([title], bold=True)
        for line in section:
            sheet.append([line.label, *line.counts, line.total])
    sheet.append([stats.totals.label, *stats.totals.counts, stats.totals.total], bold=True)
    detail = book.sheet(str(_l("明细")))
    detail.widths((12, 14, 12, 14, 8))
    detail.header([_("月份"), _("来源渠道"), _("类别"), _("办理状态"), _("件数")])
    labels = stats.month_labels
    for month, channel, category, state, count in stats.cells:
        detail.append(
            [
                labels[month],
                cw.label(cw.CHANNEL_LABELS, channel),
                category,
                cw.label(STATE_LABELS, state),
                count,
            ]
        )
    return book.to_bytes()
