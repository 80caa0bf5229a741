"""The leaders' summary: one A4 page for a county meeting, read from the rollups only.

For each figure the county has this period: the county's own figure, the best and the worst
township, and the change against the previous period of the same kind. The county's figure is
the sum of the townships' counts, the pooled rate of their rates (Σ value×n ÷ Σ n; the plain
mean when a township's denominator is unknown), and the median of their values for days and
other numbers. Best and worst follow the rankings' rule: a rate drawn from fewer cases than the
county's least number is not put forward (one case answered in a day must not top the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from flask_babel import gettext as _

from lianxin.auth.actor import Actor
from lianxin.county import periods as P
from lianxin.county.models import RollupStatus
from lianxin.county.stages.catalog import MetricInfo, parse_period
from lianxin.county.stages.comparison import (
    Cell,
    Comparison,
    _require_viewer,
    format_value,
    load_comparison,
)
from lianxin.county.stages.rankings import get_settings
from lianxin.tenants.models import County


@dataclass(frozen=True)
class Standing:
    """A township named on the summary with its figure."""

    name: str
    display: str
    colour: str


@dataclass(frozen=True)
class SummaryRow:
    info: MetricInfo
    value: float | None
    display: str
    basis: str  # how the county's figure is made: 合计 / 合并 / 中位数 / 平均
    previous_display: str
    change: float | None
    change_display: str
    better: bool | None  # the change is good (True), bad (False), none or level (None)
    best: Standing | None
    worst: Standing | None
    reporting: int  # townships with the figure this period
    level: bool = False  # every township put forward has the same figure: none leads


@dataclass
class Summary:
    county: County
    period: P.Period
    previous: P.Period
    rows: list[SummaryRow]
    without: list[str]  # figures no township has this period
    townships: int
    minimum: int
    refreshed_at: datetime | None


def previous_period(period: P.Period) -> P.Period:
    return P.containing(period.start - timedelta(days=1), period.kind)


def county_figure(info: MetricInfo, cells: list[Cell]) -> tuple[float | None, str]:
    """The county's figure from its townships' cells, and how it was made."""
    values = [c for c in cells if c.comparable and c.value is not None]
    kind = info.metric.kind
    if not values:
        return None, ""
    if kind == "count":
        return float(sum(c.value or 0.0 for c in values)), _("合计")
    if kind == "rate":
        if all(c.n is not None for c in values):
            total = sum(c.n or 0 for c in values)
            if total:
                return sum((c.value or 0.0) * (c.n or 0) for c in values) / total, _("合并")
        return sum(c.value or 0.0 for c in values) / len(values), _("平均")
    return float(median(c.value or 0.0 for c in values)), _("中位数")


def _change_text(info: MetricInfo, change: float) -> str:
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    size = abs(change)
    if info.metric.kind == "rate":
        return _("%(s)s%(v)s个百分点", s=sign, v=f"{size * 100:.1f}")
    if info.metric.kind == "days":
        return _("%(s)s%(v)s天", s=sign, v=f"{size:g}")
    text = str(int(size)) if float(size).is_integer() else f"{size:.2f}"
    return f"{sign}{text}"


def _standings(
    info: MetricInfo, result: Comparison, minimum: int
) -> tuple[Standing | None, Standing | None, bool]:
    """The leading and the trailing township, and whether they are level (all the same)."""
    weighed = info.metric.kind in ("rate", "days")
    eligible = [
        t
        for t in result.townships
        if result.cell(t.id, info.key).comparable
        and not (weighed and (result.cell(t.id, info.key).n or 0) < minimum)
    ]
    if not eligible:
        return None, None, False
    values = {result.cell(t.id, info.key).value for t in eligible}
    if len(eligible) > 1 and len(values) == 1:
        return None, None, True
    eligible.sort(
        key=lambda t: (result.cell(t.id, info.key).value or 0.0, t.name),
        reverse=not info.metric.lower_is_better,
    )

    def standing(township_id: int, name: str) -> Standing:
        cell = result.cell(township_id, info.key)
        return Standing(name, format_value(info, cell), result.colours.get(township_id, ""))

    best = standing(eligible[0].id, eligible[0].name)
    worst = standing(eligible[-1].id, eligible[-1].name) if len(eligible) > 1 else None
    return best, worst, False


def leaders_summary(actor: Actor, county: County, period_key: str) -> Summary:
    """The county's figures, the best and worst township per figure and the change against the
    previous period, for a printed page."""
    _require_viewer(actor, county)
    period = parse_period(period_key)
    previous = previous_period(period)
    now = load_comparison(county, period)
    before = load_comparison(county, previous)
    minimum = get_settings(county).min_count
    rows: list[SummaryRow] = []
    without: list[str] = []
    for info in now.metrics:
        cells = [now.cell(t.id, info.key) for t in now.townships]
        value, basis = county_figure(info, cells)
        if value is None:
            without.append(str(info.metric.label))
            continue
        earlier, _basis = county_figure(
            info, [before.cell(t.id, info.key) for t in before.townships]
        )
        change = None if earlier is None else value - earlier
        better = None
        if change:
            better = (change < 0) if info.metric.lower_is_better else (change > 0)
        best, worst, level = _standings(info, now, minimum)
        rows.append(
            SummaryRow(
                info=info,
                value=value,
                display=format_value(info, Cell(value, None, RollupStatus.OK)),
                basis=basis,
                previous_display=(
                    format_value(info, Cell(earlier, None, RollupStatus.OK))
                    if earlier is not None
                    else _("无数据")
                ),
                change=change,
                change_display="—" if change is None else _change_text(info, change),
                better=better,
                best=best,
                worst=worst,
                reporting=sum(1 for c in cells if c.comparable),
                level=level,
            )
        )
    return Summary(
        county=county,
        period=period,
        previous=previous,
        rows=rows,
        without=without,
        townships=len(now.townships),
        minimum=minimum,
        refreshed_at=now.refreshed_at,
    )
