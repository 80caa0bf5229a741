"""The monthly report of each station: its figures from the cases it fed, shown on a page and
stored as .xlsx on the 1st of the next month by the beat task."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.casework.models import Case, CaseState, Rating
from lianxin.casework.states import STATE_LABELS
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules import kit
from lianxin.modules.workstations.models import MonthlyReport, Station
from lianxin.modules.workstations.stages.stations import (
    MODULE_KEY,
    SOURCE_TYPE,
    find_station,
    get_station,
)
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class MonthFigures:
    station: Station
    month: date
    receptions: int = 0
    people: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    answered_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in Shanghai time, as UTC instants [start, end)."""
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time(), SHANGHAI).astimezone(UTC)
    end = datetime.combine(nxt, time(), SHANGHAI).astimezone(UTC)
    return start, end


def _figures(township: Township, station: Station, month: date) -> MonthFigures:
    start, end = month_bounds(month)
    cases = list(
        db.session.scalars(
            select(Case).where(
                Case.source_type == SOURCE_TYPE,
                Case.source_id == station.id,
                Case.created_at >= start,
                Case.created_at < end,
            )
        )
    )
    figures = MonthFigures(station, month.replace(day=1), receptions=len(cases))
    people: set[str] = set()
    anonymous = 0
    for case in cases:
        if case.raiser_phone or case.raiser_name:
            people.add(case.raiser_phone or f"name:{case.raiser_name}")
        else:
            anonymous += 1
    figures.people = len(people) + anonymous
    figures.by_state = dict(Counter(c.state for c in cases))
    figures.by_channel = dict(Counter(c.channel for c in cases))
    for case in cases:
        if case.answered_at is not None:
            figures.answered += 1
            answered_on = case.answered_at
            if answered_on.tzinfo is None:
                answered_on = answered_on.replace(tzinfo=UTC)
            if case.due_on is None or answered_on.astimezone(SHANGHAI).date() <= case.due_on:
                figures.answered_on_time += 1
        if case.rating:
            figures.rated += 1
            if case.rating in (Rating.SATISFIED, Rating.BASICALLY_SATISFIED):
                figures.satisfied += 1
    return figures


def monthly_figures(actor: Actor, township: Township, station_id: int, month: date) -> MonthFigures:
    station = get_station(actor, township, station_id)
    return _figures(township, station, month)


def state_label(state: str) -> str:
    try:
        return str(STATE_LABELS[CaseState(state)])
    except ValueError:
        return state


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def report_xlsx(township: Township, figures: MonthFigures) -> bytes:
    book = spreadsheets.Book()
    sheet = book.sheet("月度报告")
    sheet.widths([28])
    month = figures.month.strftime("%Y年%m月")
    sheet.append([f"{township.name} {figures.station.name} {month} 活动情况"], bold=True)
    sheet.append([])
    sheet.append(["接待人次（登记诉求）", figures.receptions])
    sheet.append(["接待群众（人）", figures.people])
    sheet.append(["已答复", figures.answered])
    sheet.append(["按时答复率", percent(figures.on_time_rate)])
    sheet.append(["已评价", figures.rated])
    sheet.append(["满意率（满意+基本满意）", percent(figures.satisfaction)])
    sheet.append([])
    sheet.header(["办理状态", "件数"])
    for state, count in sorted(figures.by_state.items()):
        sheet.append([state_label(state), count])
    return book.to_bytes()


@use_case
def generate_monthly_report(township: Township, station_id: int, month: date) -> MonthlyReport:
    """Build and store one station's .xlsx for `month` (the beat task's work; no actor).

    A report already stored for that month is replaced."""
    from lianxin.storage import service as files

    station = find_station(township, station_id)
    first = month.replace(day=1)
    record = files.store_generated(
        township,
        report_xlsx(township, _figures(township, station, first)),
        f"{station.name}-{first.strftime('%Y-%m')}-月度报告.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        purpose="workstation-report",
    )
    report = db.session.scalar(
        select(MonthlyReport).where(
            MonthlyReport.station_id == station.id, MonthlyReport.month == first
        )
    )
    if report is None:
        report = MonthlyReport(station_id=station.id, month=first, file_id=record.id)
        db.session.add(report)
    else:
        report.file_id = record.id
    return report


def previous_month(today: date | None = None) -> date:
    today = kit.today(today)
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def generate_all_reports(township: Township, month: date | None = None) -> int:
    month = month or previous_month()
    ids = list(db.session.scalars(select(Station.id).where(Station.is_active.is_(True))))
    for station_id in ids:
        generate_monthly_report(township, station_id, month)
    return len(ids)


def list_reports(actor: Actor, township: Township, station_id: int) -> list[MonthlyReport]:
    station = get_station(actor, township, station_id)
    return list(
        db.session.scalars(
            select(MonthlyReport)
            .where(MonthlyReport.station_id == station.id)
            .order_by(MonthlyReport.month.desc())
        )
    )


@storage_owners.reader("workstation-report")
def _report_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A monthly report is read by whoever may read its station, while the module is on; a
    replaced month's old file is held by no report."""
    station_id = db.session.scalar(
        select(MonthlyReport.station_id).where(MonthlyReport.file_id == file_id).limit(1)
    )
    if station_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_station(actor, township, station_id)
    return True
