"""The county side of the comparison: every township side by side for one period, and one
figure over time. It reads only the rollup tables and platform tables (counties, townships);
`tests/county` proves it by listening to every statement. Also the access rule and the cells
the rankings and the exports share (`_require_viewer`, `Cell`, `absent`, `format_value`).

A figure without a value says why: 未开通, 未接入, 未统计, or 无数据 (a rate with no denominator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.county import periods as P
from lianxin.county.errors import UnknownMetric
from lianxin.county.models import CountyRollup, RollupStatus
from lianxin.county.stages.catalog import MetricInfo, catalog, metric_info, parse_period
from lianxin.county.stages.refresh import _local_date
from lianxin.db import db
from lianxin.db.tenancy import county_context
from lianxin.errors import NotFound
from lianxin.modules.registry import Metric
from lianxin.tenants.models import County, Township


def _require_viewer(actor: Actor, county: County) -> None:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()


def townships_of(county: County) -> list[Township]:
    return list(
        db.session.scalars(
            select(Township).where(Township.county_id == county.id).order_by(Township.name)
        )
    )


# Twelve colours told apart on screen and on paper; a county with more townships goes on with
# colours spread around the wheel (golden angle), so each township keeps one colour everywhere.
PALETTE = (
    "#b71c1c",
    "#1565c0",
    "#2e7d32",
    "#ef6c00",
    "#6a1b9a",
    "#00838f",
    "#5d4037",
    "#ad1457",
    "#827717",
    "#283593",
    "#00695c",
    "#4e342e",
)


def colour_at(index: int) -> str:
    if index < len(PALETTE):
        return PALETTE[index]
    hue = (index * 137.508) % 360
    return f"hsl({hue:.0f}, 60%, 38%)"


def township_colours(townships: list[Township]) -> dict[int, str]:
    """Each township's colour, by its position in the county (`townships_of`'s order by name):
    the same in the bar chart, the trend lines and any page that sorts them differently."""
    ordered = sorted(townships, key=lambda t: (t.name, t.id))
    return {t.id: colour_at(i) for i, t in enumerate(ordered)}


def list_metrics(actor: Actor, county: County) -> list[MetricInfo]:
    """The figures the county compares, for one who may view the county."""
    _require_viewer(actor, county)
    return catalog()


@dataclass(frozen=True)
class Cell:
    value: float | None
    n: int | None
    status: str  # ok / off / not_onboarded / missing
    note: str | None = None

    @property
    def comparable(self) -> bool:
        return self.status == RollupStatus.OK and self.value is not None


MISSING = Cell(None, None, "missing")
# Plain rows, not ORM objects: a county's period has hundreds of figures.
ROLLUP_COLUMNS = (
    CountyRollup.tenant_id,
    CountyRollup.metric,
    CountyRollup.value,
    CountyRollup.n,
    CountyRollup.status,
    CountyRollup.note,
)
NOT_ONBOARDED = Cell(None, None, RollupStatus.NOT_ONBOARDED)


def absent(township: Township, period: P.Period) -> Cell:
    """A figure with no rollup row: 未接入 before onboarding, else not computed yet."""
    return NOT_ONBOARDED if period.end <= _local_date(township.created_at) else MISSING


_NO_FIGURE = {
    RollupStatus.OFF: _l("未开通"),
    RollupStatus.NOT_ONBOARDED: _l("未接入"),
    "missing": _l("未统计"),
    "no_data": _l("无数据"),
}


@cache
def _no_figure(status: str) -> str:
    """The word for a cell without a figure, translated once: a comparison shows hundreds (the
    app's locale is fixed, app.py)."""
    return str(_NO_FIGURE[status])


def format_value(info: MetricInfo | Metric, cell: Cell) -> str:
    metric = info.metric if isinstance(info, MetricInfo) else info
    if cell.status in (RollupStatus.OFF, RollupStatus.NOT_ONBOARDED, "missing"):
        return _no_figure(str(cell.status))
    if cell.value is None:
        return _no_figure("no_data")
    if metric.kind == "rate":
        return f"{cell.value * 100:.1f}%"
    if metric.kind == "days":
        return _("%(d)s天", d=f"{cell.value:g}")
    if float(cell.value).is_integer():
        return str(int(cell.value))
    return f"{cell.value:.2f}"


@dataclass
class Comparison:
    county: County
    period: P.Period
    metrics: list[MetricInfo]
    townships: list[Township]
    cells: dict[int, dict[str, Cell]]
    refreshed_at: datetime | None
    sort: str | None = None
    descending: bool = True
    # Each township's colour in every chart: by its place in the county, not in this sort.
    colours: dict[int, str] = field(default_factory=dict)

    def cell(self, township_id: int, key: str) -> Cell:
        return self.cells.get(township_id, {}).get(key, MISSING)

    def notes(self, township_id: int) -> list[str]:
        seen: list[str] = []
        for cell in self.cells.get(township_id, {}).values():
            if cell.note and cell.note not in seen:
                seen.append(cell.note)
        return seen


def comparison(
    actor: Actor,
    county: County,
    period_key: str,
    *,
    sort: str | None = None,
    descending: bool = True,
) -> Comparison:
    """Every township side by side for one period, from the rollups; sortable by any figure."""
    _require_viewer(actor, county)
    return load_comparison(county, parse_period(period_key), sort=sort, descending=descending)


def load_comparison(
    county: County, period: P.Period, *, sort: str | None = None, descending: bool = True
) -> Comparison:
    """The comparison itself, for one already allowed to see it (a page, or the export task):
    the screen's table and the workbook's 汇总 sheet are both this, in the same order."""
    metrics = catalog()
    if sort is not None and sort != "name" and sort not in {m.key for m in metrics}:
        raise UnknownMetric(_("未知指标：%(k)s", k=sort))
    with county_context(county.id):  # a task's or a direct call's; a page's is open
        townships = townships_of(county)
        rows = db.session.execute(
            select(*ROLLUP_COLUMNS, CountyRollup.refreshed_at).where(
                CountyRollup.county_id == county.id, CountyRollup.period == period.key
            )
        )
        cells: dict[int, dict[str, Cell]] = {}
        refreshed: datetime | None = None
        for row in rows:
            cells.setdefault(row.tenant_id, {})[row.metric] = Cell(
                row.value, row.n, row.status, row.note
            )
            if refreshed is None or row.refreshed_at > refreshed:
                refreshed = row.refreshed_at
        for township in townships:
            row = cells.setdefault(township.id, {})
            for info in metrics:
                if info.key not in row:
                    row[info.key] = absent(township, period)
        result = Comparison(county, period, metrics, townships, cells, refreshed, sort, descending)
        result.colours = township_colours(townships)
        if sort and sort != "name":
            result.townships = sort_townships(result, sort, descending)
        return result


def default_metric(result: Comparison, preferred: str = "cases_on_time") -> str:
    """The figure a page draws when none is asked for: `preferred` if some township has it for
    the period, else the first figure of the catalogue that has one (an empty chart helps no
    one), else `preferred` when the period has no figures at all."""
    keys = [m.key for m in result.metrics]
    candidates = ([preferred] if preferred in keys else []) + keys
    for key in candidates:
        if any(result.cell(t.id, key).comparable for t in result.townships):
            return key
    return preferred if preferred in keys else (keys[0] if keys else preferred)


def sort_townships(result: Comparison, key: str, descending: bool = True) -> list[Township]:
    """Townships by a figure; those without one (未开通, 无数据) always come last, by name."""
    with_value = [t for t in result.townships if result.cell(t.id, key).comparable]
    without = [t for t in result.townships if not result.cell(t.id, key).comparable]
    with_value.sort(key=lambda t: result.cell(t.id, key).value or 0.0, reverse=descending)
    return with_value + without


@dataclass(frozen=True)
class Point:
    period: P.Period
    cell: Cell


def trend(
    actor: Actor, county: County, metric_key: str, last_key: str, count: int = 12
) -> tuple[MetricInfo, list[P.Period], dict[int, list[Cell]], list[Township]]:
    """One figure of every township over the `count` periods of `last`'s kind ending with it."""
    _require_viewer(actor, county)
    info = metric_info(metric_key)
    last = parse_period(last_key)
    series = P.series(last, max(1, min(count, 60)))
    with county_context(county.id):  # a task's or a direct call's; a page's is open
        townships = townships_of(county)
        rows = db.session.execute(
            select(*ROLLUP_COLUMNS, CountyRollup.period).where(
                CountyRollup.county_id == county.id,
                CountyRollup.metric == metric_key,
                CountyRollup.period.in_([p.key for p in series]),
            )
        )
        found = {(r.tenant_id, r.period): Cell(r.value, r.n, r.status, r.note) for r in rows}
        lines = {
            t.id: [found.get((t.id, p.key)) or absent(t, p) for p in series] for t in townships
        }
        return info, series, lines, townships
