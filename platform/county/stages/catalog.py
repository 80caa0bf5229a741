"""The catalog of figures: what the county compares, asked of every part that declares figures
(the registry's metrics hook, plus the roll of representatives), and the period keys it accepts.
Shared by the refresh, the county side, the rankings and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin.county import periods as P
from lianxin.county.errors import UnknownMetric, UnknownPeriod
from lianxin.modules.registry import Metric, MetricSet, Registry, current_registry


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
