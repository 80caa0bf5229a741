"""The county's figures of the duty record (read by the rollup refresh in each township's
context): the score's median and mean, the share below the inactive threshold and the score
distribution in bands, and each representative's score for the rankings. Scores are of a
calendar year: a month or a quarter has no score (无数据, never zero). `n` is the number of
representatives scored; the county ranks a township only when it reaches the formula's
minimum sample."""

from __future__ import annotations

from datetime import date
from statistics import mean

from flask_babel import lazy_gettext as _l

from lianxin.db import db
from lianxin.db.tenancy import require_tenant_id
from lianxin.duty_records.stages.record import compute_records
from lianxin.modules.registry import EntityFigure, Figure, Metric, MetricSet, median
from lianxin.tenants.models import Township

BANDS = (
    ("duty_band_lt60", _l("履职积分60分以下人数"), 0.0, 60.0),
    ("duty_band_60_79", _l("履职积分60–79分人数"), 60.0, 80.0),
    ("duty_band_80_89", _l("履职积分80–89分人数"), 80.0, 90.0),
    ("duty_band_90_plus", _l("履职积分90分以上人数"), 90.0, 100.01),
)


def _year_of(start: date, end: date) -> int | None:
    if start.month == 1 and start.day == 1 and end == date(start.year + 1, 1, 1):
        return start.year
    return None


def _township() -> Township:
    township = db.session.get(Township, require_tenant_id())
    assert township is not None
    return township


def figures(start: date, end: date) -> dict[str, Figure]:
    year = _year_of(start, end)
    if year is None:
        return {}
    records = compute_records(_township(), year)
    scores = [r.score.total for r in records]
    n = len(scores)
    out: dict[str, Figure] = {
        "duty_score_median": median(scores),
        "duty_score_mean": Figure(round(mean(scores), 2) if scores else None, n),
        "duty_score": Figure(round(mean(scores), 2) if scores else None, n),
        "duty_inactive_share": Figure(sum(1 for r in records if r.flagged) / n if n else None, n),
    }
    for key, _label, low, high in BANDS:
        out[key] = Figure(float(sum(1 for s in scores if low <= s < high)) if n else None, n)
    return out


def entities(start: date, end: date) -> list[EntityFigure]:
    year = _year_of(start, end)
    if year is None:
        return []
    return [
        EntityFigure("representative", r.representative_id, r.name, "duty_score", r.score.total, 1)
        for r in compute_records(_township(), year)
    ]


DUTY_METRICS = MetricSet(
    metrics=(
        Metric(
            "duty_score_median",
            _l("履职积分中位数"),
            kind="number",
            description=_l(
                "按县定履职积分办法计算的本年度代表得分（百分制）的中位数；仅按年度统计"
            ),
        ),
        Metric(
            "duty_score_mean",
            _l("履职积分平均分"),
            kind="number",
            description=_l("本年度代表履职积分的平均分；仅按年度统计"),
        ),
        Metric(
            "duty_inactive_share",
            _l("履职不足代表占比"),
            kind="rate",
            lower_is_better=True,
            description=_l("得分低于县定履职不足线的代表 ÷ 参与计分的代表"),
        ),
        Metric(
            "duty_score",
            _l("代表履职积分"),
            kind="number",
            description=_l("排名页按单个代表本年度的履职积分排名；乡镇一栏为其平均分"),
        ),
        *(
            Metric(key, label, kind="count", description=_l("本年度得分在该分数段的代表人数"))
            for key, label, _low, _high in BANDS
        ),
    ),
    compute=figures,
    entities=entities,
)
