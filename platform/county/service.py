"""The county's comparison of its townships (ARCHITECTURE.md §4): every rule lives here.

Two sides, kept apart:

- The refresh (system side, Celery) enters each township's context read-only, asks every part
  that declares figures (the registry's metrics hook, plus the roll of representatives) for each
  period, and writes the answers into the rollup tables. It is the only code that reads
  townships' rows for the county.
- The county side (pages, API, exports) reads only the rollup tables and platform tables
  (counties, townships, jobs). `tests/county` proves it by listening to every statement.

Statuses never turn into a wrong zero: a module that is off is 未开通 (value None), a period
that ended before the township was onboarded is 未接入, a rate with no denominator is 无数据.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from lianxin import jobs, spreadsheets
from lianxin.audit import service as audit
from lianxin.audit.models import AuditEntry
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.county import periods as P
from lianxin.county.models import (
    CountyEntityRollup,
    CountyJob,
    CountyRollup,
    CountySettings,
    RollupStatus,
)
from lianxin.db import db, utcnow
from lianxin.db.tenancy import county_context, tenant_context
from lianxin.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.registry import (
    SHANGHAI,
    Metric,
    MetricSet,
    Registry,
    as_figure,
    current_registry,
)
from lianxin.tenants.models import County, Township, TownshipModule
from lianxin.usecases import commit_on_its_own, use_case

log = logging.getLogger("lianxin.county")

DEFAULT_MIN_COUNT = 5
ENTITY_KINDS = {
    "station": _l("工作站"),
    "unit": _l("承办单位"),
    "representative": _l("党代表"),
}


class UnknownPeriod(DomainError):
    status = 422
    code = "unknown_period"


class UnknownMetric(DomainError):
    status = 422
    code = "unknown_metric"


# --- the catalog of figures ---------------------------------------------------------------


@dataclass(frozen=True)
class MetricInfo:
    module_key: str
    module_name: Any
    metric: Metric
    core: bool

    @property
    def key(self) -> str:
        return self.metric.key


def _parts(registry: Registry | None = None) -> list[tuple[str, Any, bool, MetricSet]]:
    """(module key, name, always on, its MetricSet): the roll of representatives first."""
    from lianxin.people.metrics import PEOPLE_METRICS

    registry = registry or current_registry()
    parts: list[tuple[str, Any, bool, MetricSet]] = [
        ("people", _l("代表名册"), True, PEOPLE_METRICS)
    ]
    for spec, metric_set in registry.metric_sets():
        parts.append((spec.key, spec.name, spec.core, metric_set))
    return parts


def catalog(registry: Registry | None = None) -> list[MetricInfo]:
    out: list[MetricInfo] = []
    seen: set[str] = set()
    for key, name, core, metric_set in _parts(registry):
        for metric in metric_set.metrics:
            if metric.key in seen:
                continue
            seen.add(metric.key)
            out.append(MetricInfo(key, name, metric, core))
    return out


def metric_info(key: str) -> MetricInfo:
    for info in catalog():
        if info.key == key:
            return info
    raise UnknownMetric(_("未知指标：%(k)s", k=key))


def parse_period(key: str) -> P.Period:
    period = P.parse(key)
    if period is None:
        raise UnknownPeriod(_("期间格式应为 2026、2026-Q1 或 2026-03。"))
    return period


# --- the refresh (system side) --------------------------------------------------------------


def _local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).date()


def module_spans(township: Township, key: str) -> list[tuple[date, date | None]]:
    """When a module was on in a township, as [from, until) Shanghai dates (until None: still on).

    Read from the switch's audit entries ("module.switched", in the township's chain): the
    state before the first switch is that switch's `before`; with no switch, today's state held
    since onboarding.
    """
    entries = db.session.execute(
        select(AuditEntry.created_at, AuditEntry.before, AuditEntry.after)
        .where(
            AuditEntry.tenant_id == township.id,
            AuditEntry.action == "module.switched",
            AuditEntry.target_id == f"{township.id}:{key}",
        )
        .order_by(AuditEntry.seq)
    ).all()
    onboarded = _local_date(township.created_at)
    if entries:
        state = bool((entries[0].before or {}).get("enabled"))
    else:
        row = db.session.get(TownshipModule, (township.id, key))
        state = bool(row and row.enabled)
    spans: list[tuple[date, date | None]] = []
    since: date | None = onboarded if state else None
    for created_at, _before, after in entries:
        on = bool((after or {}).get("enabled"))
        day = _local_date(created_at)
        if on and since is None:
            since = day
        elif not on and since is not None:
            spans.append((since, day))
            since = None
    if since is not None:
        spans.append((since, None))
    return spans


def _coverage(
    spans: list[tuple[date, date | None]], period: P.Period, onboarded: date
) -> tuple[bool, str | None]:
    """Whether the module was on at some time in the period, and a note when only for part."""
    overlapping = [(a, b) for a, b in spans if a < period.end and (b is None or b > period.start)]
    if not overlapping:
        return False, None
    first, last = overlapping[0][0], overlapping[-1][1]
    notes = []
    if first > max(period.start, onboarded):
        notes.append(_("%(d)s开通", d=_cn_date(first)))
    if last is not None and last < period.end:
        notes.append(_("%(d)s停用", d=_cn_date(last)))
    return True, "，".join(notes) or None


def _cn_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


@dataclass
class RefreshResult:
    townships: int = 0
    periods: int = 0
    rows: int = 0


def _periods_to_refresh(
    township: Township, today: date, full: bool, known: set[str]
) -> list[P.Period]:
    """Incremental: the open periods, the ones just closed (late edits), and any never
    computed; `full` recomputes every period since onboarding."""
    onboarded = _local_date(township.created_at)
    every = P.between(onboarded, today)
    if full:
        return every
    recent = set()
    for kind in P.KINDS:
        current = P.containing(today, kind)
        recent.add(current.key)
        recent.add(P.containing(date.fromordinal(current.start.toordinal() - 1), kind).key)
    return [p for p in every if p.key in recent or p.key not in known]


def refresh_township(
    township: Township, periods: Iterable[P.Period], registry: Registry | None = None
) -> int:
    """Recompute the rollups of one township for these periods; the caller commits."""
    parts = _parts(registry)
    onboarded = _local_date(township.created_at)
    spans = {key: module_spans(township, key) for key, _n, core, _m in parts if not core}
    rows: list[dict[str, Any]] = []
    entity_rows: list[dict[str, Any]] = []
    now = utcnow()
    keys = []
    with tenant_context(township.id, read_only=True):
        for period in periods:
            keys.append(period.key)
            base = {
                "county_id": township.county_id,
                "tenant_id": township.id,
                "period": period.key,
                "period_kind": period.kind,
                "period_start": period.start,
                "refreshed_at": now,
            }
            onboard_note = (
                _("%(d)s接入", d=_cn_date(onboarded)) if period.contains(onboarded) else None
            )
            for key, _name, core, metric_set in parts:
                if period.end <= onboarded:
                    status, note, figures = RollupStatus.NOT_ONBOARDED, None, {}
                else:
                    on, note = (True, None) if core else _coverage(spans[key], period, onboarded)
                    note = "，".join(x for x in (onboard_note, note) if x) or None
                    if on:
                        status = RollupStatus.OK
                        figures = dict(metric_set.compute(period.start, period.end))
                        if metric_set.entities is not None:
                            for figure in metric_set.entities(period.start, period.end):
                                entity_rows.append(
                                    {
                                        **{k: base[k] for k in ("county_id", "tenant_id")},
                                        "period": period.key,
                                        "kind": figure.kind,
                                        "entity_id": figure.entity_id,
                                        "metric": figure.metric,
                                        "name": (figure.name or "")[:100],
                                        "value": figure.value,
                                        "n": figure.n,
                                        "refreshed_at": now,
                                    }
                                )
                    else:
                        status, figures = RollupStatus.OFF, {}
                for metric in metric_set.metrics:
                    figure = as_figure(figures.get(metric.key))
                    rows.append(
                        {
                            **base,
                            "metric": metric.key,
                            "module_key": key,
                            "status": status,
                            "value": figure.value if status == RollupStatus.OK else None,
                            "n": figure.n if status == RollupStatus.OK else None,
                            "note": note,
                        }
                    )
        # Written inside the township's context: the rollups' policy lets a township write
        # only its own rows.
        for start in range(0, len(keys), 200):
            chunk = keys[start : start + 200]
            db.session.execute(
                delete(CountyRollup).where(
                    CountyRollup.tenant_id == township.id, CountyRollup.period.in_(chunk)
                )
            )
            db.session.execute(
                delete(CountyEntityRollup).where(
                    CountyEntityRollup.tenant_id == township.id,
                    CountyEntityRollup.period.in_(chunk),
                )
            )
        if rows:
            db.session.execute(CountyRollup.__table__.insert(), rows)
        if entity_rows:
            db.session.execute(CountyEntityRollup.__table__.insert(), entity_rows)
    return len(rows)


def _known_periods(township: Township) -> set[str]:
    with tenant_context(township.id, read_only=True):
        return set(
            db.session.scalars(
                select(CountyRollup.period).where(CountyRollup.tenant_id == township.id).distinct()
            )
        )


def refresh_county(
    county_id: int,
    *,
    full: bool = False,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RefreshResult:
    """Refresh every township of a county, committing after each township."""
    from lianxin.casework.deadlines import shanghai_today

    today = today or shanghai_today()
    townships = list(
        db.session.scalars(
            select(Township).where(Township.county_id == county_id).order_by(Township.id)
        )
    )
    result = RefreshResult()
    for index, township in enumerate(townships, start=1):
        todo = _periods_to_refresh(
            township, today, full, set() if full else _known_periods(township)
        )
        result.rows += refresh_township(township, todo)
        result.periods += len(todo)
        result.townships += 1
        commit_on_its_own("each township's rollups are committed once refreshed")
        if progress is not None:
            progress(index, len(townships))
    return result


def refresh_all(*, full: bool = False, today: date | None = None) -> int:
    """The nightly refresh of every county (beat)."""
    ids = list(db.session.scalars(select(County.id).order_by(County.id)))
    for county_id in ids:
        try:
            refresh_county(county_id, full=full, today=today)
        except Exception:
            db.session.rollback()
            log.exception("rollup refresh of county %s failed", county_id)
    return len(ids)


# --- the county side: reads rollups only ----------------------------------------------------


def _require_viewer(actor: Actor, county: County) -> None:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()


def townships_of(county: County) -> list[Township]:
    return list(
        db.session.scalars(
            select(Township).where(Township.county_id == county.id).order_by(Township.name)
        )
    )


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
    period = parse_period(period_key)
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
        if sort and sort != "name":
            result.townships = sort_townships(result, sort, descending)
        return result


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


# --- rankings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    key: str
    label: Any
    description: Any
    components: tuple[tuple[str, float], ...]  # (metric, weight)
    # A count normalised by another: numerator ÷ denominator × 100 (per hundred representatives).
    per_hundred: tuple[str, str] | None = None


FORMULAS: dict[str, Formula] = {
    f.key: f
    for f in (
        Formula(
            "handling",
            _l("办理综合（四十佳）"),
            _l(
                "综合分 = 按时答复率×40 + 满意率×40 + 提案办复率×20（满分100）；"
                "任一比率的件数少于最少件数时只列出、不排名；未开通提案的乡镇按前两项折算为百分制。"
            ),
            (
                ("cases_on_time", 40.0),
                ("cases_satisfaction", 40.0),
                ("proposals_handled_rate", 20.0),
            ),
        ),
        Formula(
            "on_time",
            _l("按时答复率"),
            _l("按时答复率 = 期内到期诉求中在期限内答复的件数 ÷ 期内到期诉求件数。"),
            (("cases_on_time", 100.0),),
        ),
        Formula(
            "satisfaction",
            _l("满意率"),
            _l("满意率 =（满意 + 基本满意）÷ 期内评价件数。"),
            (("cases_satisfaction", 100.0),),
        ),
        Formula(
            "cases_per_100_reps",
            _l("每百名代表收到诉求"),
            _l(
                "每百名代表收到诉求 = 期内收到诉求件数 ÷ 期末在任代表人数 × 100；"
                "诉求件数少于最少件数时只列出、不排名。"
            ),
            (("cases_received", 1.0), ("representatives", 0.0)),
            per_hundred=("cases_received", "representatives"),
        ),
        Formula(
            "engagement",
            _l("履职参与"),
            _l(
                "履职参与分 = 接待日代表到岗率×40 + 评议参与率×30 + 三联联系达标率×30；"
                "未开通的项不计，按其余各项折算为百分制。"
            ),
            (
                ("reception_attendance", 40.0),
                ("evaluations_participation", 30.0),
                ("liaison_links_kept", 30.0),
            ),
        ),
    )
}


@dataclass
class RankEntry:
    township: Township | None
    name: str
    score: float | None
    rank: int | None  # None: shown, not ranked
    reason: str | None  # why not ranked
    parts: dict[str, Cell] = field(default_factory=dict)
    township_name: str = ""


def _rank(entries: list[RankEntry], lower_is_better: bool = False) -> list[RankEntry]:
    ranked = [e for e in entries if e.rank is not None or (e.score is not None and not e.reason)]
    others = [e for e in entries if e not in ranked]
    ranked.sort(key=lambda e: e.score or 0.0, reverse=not lower_is_better)
    previous: float | None = None
    position = 0
    for index, entry in enumerate(ranked, start=1):
        if entry.score != previous:
            position = index  # ties share a rank: 1, 2, 2, 4
            previous = entry.score
        entry.rank = position
    others.sort(key=lambda e: (e.score is None, -(e.score or 0.0)))
    return ranked + others


def get_settings(county: County) -> CountySettings:
    row = db.session.get(CountySettings, county.id)
    return row or CountySettings(county_id=county.id, min_count=DEFAULT_MIN_COUNT)


@use_case
def set_min_count(actor: Actor, county: County, min_count: int) -> CountySettings:
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    if not 1 <= int(min_count) <= 1000:
        raise ValidationFailed(errors={"min_count": [_("最少件数应在1到1000之间。")]})
    row = db.session.get(CountySettings, county.id)
    before = row.min_count if row else DEFAULT_MIN_COUNT
    if row is None:
        row = CountySettings(county_id=county.id, min_count=int(min_count))
        db.session.add(row)
    row.min_count = int(min_count)
    audit.record(
        "county.comparison_settings_changed",
        actor=actor,
        county_id=county.id,
        target_type="county",
        target_id=county.id,
        before={"min_count": before},
        after={"min_count": row.min_count},
    )
    return row


def township_ranking(
    actor: Actor, county: County, period_key: str, formula_key: str, min_count: int | None = None
) -> tuple[Formula, list[RankEntry], int]:
    """Townships by a documented formula. Rates drawn from fewer than `min_count` cases are
    shown but not ranked (one case answered in a day must not top the list)."""
    formula = FORMULAS.get(formula_key)
    if formula is None:
        raise UnknownMetric(_("未知排名公式：%(k)s", k=formula_key))
    minimum = min_count if min_count is not None else get_settings(county).min_count
    result = comparison(actor, county, period_key)
    infos = {m.key: m for m in result.metrics}
    entries: list[RankEntry] = []
    for township in result.townships:
        parts = {key: result.cell(township.id, key) for key, _w in formula.components}
        if formula.per_hundred is not None:
            entries.append(_per_hundred(township, formula.per_hundred, parts, minimum))
            continue
        score = weight = 0.0
        reason = None
        for key, w in formula.components:
            cell = parts[key]
            info = infos.get(key)
            if cell.status == RollupStatus.OFF or info is None:
                continue  # a module not run is left out, and the weights re-scaled
            if cell.status != RollupStatus.OK or cell.value is None:
                reason = _("无数据")
                continue
            if info.metric.kind in ("rate", "days") and (cell.n or 0) < minimum:
                reason = _("件数不足%(n)s件", n=minimum)
            score += w * cell.value
            weight += w
        total = sum(w for _k, w in formula.components)
        value = round(score * total / weight, 2) if weight else None
        if value is None and reason is None:
            reason = _("未开通")
        entries.append(
            RankEntry(township, township.name, value, None, reason, parts, township.name)
        )
    return formula, _rank(entries), minimum


def _per_hundred(
    township: Township, keys: tuple[str, str], parts: dict[str, Cell], minimum: int
) -> RankEntry:
    top, bottom = parts[keys[0]], parts[keys[1]]
    value, reason = None, None
    if not (top.comparable and bottom.comparable) or not bottom.value:
        reason = _("无数据")
    else:
        value = round(100 * (top.value or 0.0) / bottom.value, 2)
        if (top.value or 0) < minimum:
            reason = _("件数不足%(n)s件", n=minimum)
    return RankEntry(township, township.name, value, None, reason, parts, township.name)


def entity_ranking(
    actor: Actor,
    county: County,
    period_key: str,
    kind: str,
    metric_key: str | None = None,
    min_count: int | None = None,
    limit: int = 10,
) -> tuple[str, list[RankEntry], int, list[str]]:
    """The best stations, handling units or representatives of the county (四十佳 in spirit)."""
    _require_viewer(actor, county)
    if kind not in ENTITY_KINDS:
        raise UnknownMetric(_("未知排名对象：%(k)s", k=kind))
    period = parse_period(period_key)
    minimum = min_count if min_count is not None else get_settings(county).min_count
    with county_context(county.id):  # a task's or a direct call's; a page's is open
        names = {t.id: t.name for t in townships_of(county)}
        available = sorted(
            set(
                db.session.scalars(
                    select(CountyEntityRollup.metric)
                    .where(
                        CountyEntityRollup.county_id == county.id,
                        CountyEntityRollup.period == period.key,
                        CountyEntityRollup.kind == kind,
                    )
                    .distinct()
                )
            )
        )
        metric_key = metric_key or (available[0] if available else "")
        info = next((m for m in catalog() if m.key == metric_key), None)
        rows = db.session.execute(
            select(CountyEntityRollup).where(
                CountyEntityRollup.county_id == county.id,
                CountyEntityRollup.period == period.key,
                CountyEntityRollup.kind == kind,
                CountyEntityRollup.metric == metric_key,
            )
        ).scalars()
        entries = []
        is_rate = info is not None and info.metric.kind in ("rate", "days")
        for row in rows:
            reason = None
            if row.value is None:
                reason = _("无数据")
            elif is_rate and (row.n or 0) < minimum:
                reason = _("件数不足%(n)s件", n=minimum)
            entry = RankEntry(None, row.name, row.value, None, reason)
            entry.township_name = names.get(row.tenant_id, "")
            entry.parts = {metric_key: Cell(row.value, row.n, RollupStatus.OK)}
            entries.append(entry)
        ranked = _rank(entries, lower_is_better=bool(info and info.metric.lower_is_better))
        shown = [e for e in ranked if e.rank is not None][:limit] + [
            e for e in ranked if e.rank is None
        ]
        return metric_key, shown, minimum, available


# --- jobs: refresh on demand and exports ----------------------------------------------------


def _job(county: County, job_id: int, kind: str | None = None) -> CountyJob:
    job = db.session.get(CountyJob, job_id)
    if job is None or job.county_id != county.id or (kind and job.kind != kind):
        raise NotFound()
    return job


def get_job(actor: Actor, county: County, job_id: int) -> CountyJob:
    _require_viewer(actor, county)
    return _job(county, job_id)


@use_case
def request_refresh(actor: Actor, county: County, *, full: bool = False) -> CountyJob:
    """Refresh on demand (county admin): a job with a progress bar, run by the worker."""
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
    job = CountyJob(
        county_id=county.id,
        kind="refresh",
        status="queued",
        params={"full": bool(full)},
        requested_by_id=actor.user_id,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "county.rollups_refresh_requested",
        actor=actor,
        county_id=county.id,
        target_type="county_job",
        target_id=job.id,
        after={"full": bool(full)},
    )
    commit_on_its_own("the job row is committed before it is queued")
    _dispatch(job.id)
    return job


@use_case
def request_export(actor: Actor, county: County, period_key: str) -> CountyJob:
    """The comparison as .xlsx, one sheet per figure, built by the worker."""
    _require_viewer(actor, county)
    period = parse_period(period_key)
    job = CountyJob(
        county_id=county.id,
        kind="export",
        status="queued",
        params={"period": period.key},
        requested_by_id=actor.user_id,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "county.comparison_exported",
        actor=actor,
        county_id=county.id,
        target_type="county_job",
        target_id=job.id,
        after={"period": period.key},
    )
    commit_on_its_own("the job row is committed before it is queued")
    _dispatch(job.id)
    return job


def _dispatch(job_id: int) -> None:
    """Hand a committed job to the worker. The job row is the durable record: if the broker is
    down it stays queued and the beat's job sweep sends it again (`queued_jobs`)."""
    try:
        jobs.task("county.run_job").delay(job_id=job_id)
    except Exception as exc:  # broker unreachable: the sweep picks it up
        log.warning("county job %s left for the sweep: %s", job_id, exc)


def queued_jobs(older_than_seconds: int = 120) -> list[int]:
    """Jobs still queued a while after they were asked for (their first send was lost)."""
    from datetime import timedelta

    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(CountyJob.id).where(CountyJob.status == "queued", CountyJob.created_at < cutoff)
        )
    )


def _progress(job_id: int, done: int, total: int, status: str = "running") -> None:
    job = db.session.get(CountyJob, job_id)
    if job is None:
        return
    job.done, job.total, job.status = done, total, status
    commit_on_its_own("the progress bar reads it while the job runs")


def run_job(job_id: int) -> None:
    """Run a queued job once: the conditional claim makes a second delivery do nothing."""
    claimed = db.session.execute(
        update(CountyJob)
        .where(CountyJob.id == job_id, CountyJob.status == "queued")
        .values(status="running")
    ).rowcount
    # A job is the task's own unit of work, in steps: claimed, progressed, done or failed.
    commit_on_its_own("the job is claimed once, before it runs")
    if not claimed:
        return
    job = db.session.get(CountyJob, job_id)
    assert job is not None
    try:
        if job.kind == "refresh":
            refresh_county(
                job.county_id,
                full=bool(job.params.get("full")),
                progress=lambda d, t: _progress(job_id, d, t),
            )
            job = db.session.get(CountyJob, job_id)
            assert job is not None
        else:
            with county_context(job.county_id):
                _build_export(job)
        job.status = "done"
        job.finished_at = utcnow()
        commit_on_its_own("the job is done")
    except Exception as exc:
        db.session.rollback()
        failed = db.session.get(CountyJob, job_id)
        if failed is not None:
            failed.status, failed.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
            failed.finished_at = utcnow()
            commit_on_its_own("the failure is recorded on the job, then raised")
        raise


def _build_export(job: CountyJob) -> None:
    from lianxin.storage.backends import storage

    county = db.session.get(County, job.county_id)
    assert county is not None
    period = parse_period(job.params["period"])
    metrics = catalog()
    townships = townships_of(county)
    rows = db.session.execute(
        select(*ROLLUP_COLUMNS).where(
            CountyRollup.county_id == county.id, CountyRollup.period == period.key
        )
    )
    cells: dict[tuple[int, str], Cell] = {
        (r.tenant_id, r.metric): Cell(r.value, r.n, r.status, r.note) for r in rows
    }
    book = spreadsheets.Book()
    about = book.sheet("说明")
    about.append([f"{county.name} 乡镇比较", period.label()], bold=True)
    about.header(["指标", "所属", "口径"])
    for info in metrics:
        about.append([str(info.metric.label), str(info.module_name), str(info.metric.description)])
    total = len(metrics)
    for index, info in enumerate(metrics, start=1):
        sheet = book.sheet(str(info.metric.label))
        sheet.widths([16, 16])
        unit = {"rate": "（%）", "days": "（天）"}.get(info.metric.kind, "")
        sheet.header(["乡镇", f"{info.metric.label}{unit}", "件数", "状态", "说明"])
        for township in townships:
            c = cells.get((township.id, info.key)) or absent(township, period)
            value: Any = None
            if c.comparable and c.value is not None:
                value = round(c.value * 100, 1) if info.metric.kind == "rate" else c.value
            sheet.append(
                [
                    township.name,
                    value if value is not None else format_value(info, c),
                    c.n,
                    format_value(info, c) if not c.comparable else "",
                    c.note or "",
                ]
            )
        if index % 5 == 0 or index == total:
            _progress(job.id, index, total)
            reloaded = db.session.get(CountyJob, job.id)
            assert reloaded is not None
            job = reloaded
    data = book.to_bytes()
    key = f"c/{county.id}/exports/{uuid.uuid4().hex}.xlsx"
    storage().put(key, io.BytesIO(data), XLSX)
    job.storage_key = key
    job.filename = f"{county.name}乡镇比较_{period.key}.xlsx"
    job.done = job.total = total


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_export(actor: Actor, county: County, job_id: int) -> tuple[bytes, str]:
    from lianxin.storage.backends import storage

    _require_viewer(actor, county)
    job = _job(county, job_id, "export")
    if job.status != "done" or not job.storage_key:
        raise NotFound()
    # The key is checked against the county again: a job row can only name its county's files.
    if not job.storage_key.startswith(f"c/{county.id}/"):
        raise NotFound()
    with storage().open(job.storage_key) as handle:
        return handle.read(), job.filename or "export.xlsx"


# --- drill-down -----------------------------------------------------------------------------


@use_case
def drill_down(actor: Actor, county: County, township_id: int) -> Township:
    """Enter one township read-only from the comparison; the entry is audited in both chains."""
    _require_viewer(actor, county)
    township = db.session.get(Township, township_id)
    if township is None or township.county_id != county.id:
        raise NotFound()
    for tenant_id, county_id in ((township.id, None), (None, county.id)):
        audit.record(
            "county.drill_down",
            actor=actor,
            tenant_id=tenant_id,
            county_id=county_id,
            target_type="township",
            target_id=township.id,
            after={"read_only": True, "township": township.name},
        )
    return township
