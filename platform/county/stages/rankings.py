"""Rankings: townships by a documented formula, and the best stations, handling units or
representatives of the county (四十佳 in spirit), read from the rollups; the county's least
number of cases for a rate to be ranked (`set_min_count`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.county.errors import UnknownMetric
from lianxin.county.models import CountyEntityRollup, CountySettings, RollupStatus
from lianxin.county.stages.catalog import catalog, parse_period
from lianxin.county.stages.comparison import Cell, _require_viewer, comparison, townships_of
from lianxin.db import db
from lianxin.db.tenancy import county_context
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.tenants.models import County, Township
from lianxin.usecases import use_case

DEFAULT_MIN_COUNT = 5
ENTITY_KINDS = {
    "station": _l("工作站"),
    "unit": _l("承办单位"),
    "representative": _l("党代表"),
}


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
