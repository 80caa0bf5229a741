"""The county's view of the scores: the distribution per township and the townships ranked by
their median score, read only from the rollups (through the county's comparison, which reads
`county_rollups`), never from a township's rows. A township is ranked only when at least the
formula's minimum sample of representatives were scored; fewer are listed, not ranked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from lianxin.auth.actor import Actor
from lianxin.county import service as county_service
from lianxin.duty_records.metrics import BANDS
from lianxin.duty_records.stages.formula import Formula, read_formula
from lianxin.tenants.models import County, Township


@dataclass
class TownshipScores:
    township: Township
    median: float | None
    mean: float | None
    inactive_share: float | None
    n: int
    bands: dict[str, float | None] = field(default_factory=dict)
    rank: int | None = None
    reason: str | None = None  # why not ranked
    status: str = "ok"


@dataclass
class Distribution:
    year: int
    formula: Formula
    rows: list[TownshipScores]
    bands: tuple[tuple[str, Any], ...]


def distribution(actor: Actor, county: County, year: int) -> Distribution:
    formula = read_formula(actor, county, year)
    result = county_service.comparison(actor, county, str(year))
    rows: list[TownshipScores] = []
    for township in result.townships:
        med = result.cell(township.id, "duty_score_median")
        row = TownshipScores(
            township=township,
            median=med.value if med.comparable else None,
            mean=_value(result.cell(township.id, "duty_score_mean")),
            inactive_share=_value(result.cell(township.id, "duty_inactive_share")),
            n=int(med.n or 0) if med.comparable else 0,
            bands={key: _value(result.cell(township.id, key)) for key, *_r in BANDS},
            status=str(med.status),
        )
        if row.median is None:
            row.reason = _("无数据")
        elif row.n < formula.min_sample:
            row.reason = _("计分代表不足%(n)s人", n=formula.min_sample)
        rows.append(row)
    ranked = sorted((r for r in rows if r.reason is None), key=lambda r: -(r.median or 0.0))
    previous, position = None, 0
    for index, row in enumerate(ranked, start=1):
        if row.median != previous:
            position, previous = index, row.median
        row.rank = position
    others = [r for r in rows if r.reason is not None]
    return Distribution(
        year, formula, ranked + others, tuple((key, label) for key, label, *_r in BANDS)
    )


def _value(cell: Any) -> float | None:
    return cell.value if cell.comparable else None
