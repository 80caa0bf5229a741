"""The county's comparison of its townships (ARCHITECTURE.md §4): every rule lives in its stages.

Two sides, kept apart:

- The refresh (`stages.refresh`, system side, Celery) enters each township's context read-only,
  asks every part that declares figures (`stages.catalog`: the registry's metrics hook, plus the
  roll of representatives) for each period, and writes the answers into the rollup tables. It is
  the only code that reads townships' rows for the county.
- The county side reads only the rollup tables and platform tables (counties, townships, jobs):
  the comparison and the trend (`stages.comparison`), the rankings (`stages.rankings`), the
  leaders' one-page summary (`stages.summary`), the
  refresh on demand and the exports (`stages.jobs`), and the read-only drill-down into one
  township (`stages.drill_down`). `tests/county` proves it by listening to every statement.

Statuses never turn into a wrong zero: a module that is off is 未开通 (value None), a period
that ended before the township was onboarded is 未接入, a rate with no denominator is 无数据.

Callers write `service.comparison(...)`: the public names are re-exported here.
"""

from lianxin.county.errors import UnknownMetric, UnknownPeriod
from lianxin.county.stages.catalog import MetricInfo, catalog, metric_info, parse_period
from lianxin.county.stages.comparison import (
    MISSING,
    NOT_ONBOARDED,
    PALETTE,
    ROLLUP_COLUMNS,
    Cell,
    Comparison,
    Point,
    absent,
    colour_at,
    comparison,
    default_metric,
    format_value,
    list_metrics,
    load_comparison,
    sort_townships,
    township_colours,
    townships_of,
    trend,
)
from lianxin.county.stages.drill_down import drill_down
from lianxin.county.stages.jobs import (
    XLSX,
    get_job,
    open_export,
    queued_jobs,
    request_export,
    request_refresh,
    run_job,
)
from lianxin.county.stages.rankings import (
    DEFAULT_MIN_COUNT,
    ENTITY_KINDS,
    FORMULAS,
    Formula,
    RankEntry,
    entity_ranking,
    get_settings,
    set_min_count,
    township_ranking,
)
from lianxin.county.stages.refresh import (
    RefreshResult,
    module_spans,
    refresh_all,
    refresh_county,
    refresh_township,
)
from lianxin.county.stages.summary import (
    Standing,
    Summary,
    SummaryRow,
    county_figure,
    leaders_summary,
    previous_period,
)

__all__ = [
    "DEFAULT_MIN_COUNT",
    "ENTITY_KINDS",
    "FORMULAS",
    "MISSING",
    "NOT_ONBOARDED",
    "PALETTE",
    "ROLLUP_COLUMNS",
    "XLSX",
    "Cell",
    "Comparison",
    "Formula",
    "MetricInfo",
    "Point",
    "RankEntry",
    "RefreshResult",
    "Standing",
    "Summary",
    "SummaryRow",
    "UnknownMetric",
    "UnknownPeriod",
    "absent",
    "catalog",
    "colour_at",
    "comparison",
    "county_figure",
    "default_metric",
    "drill_down",
    "entity_ranking",
    "format_value",
    "get_job",
    "get_settings",
    "leaders_summary",
    "list_metrics",
    "load_comparison",
    "metric_info",
    "module_spans",
    "open_export",
    "parse_period",
    "previous_period",
    "queued_jobs",
    "refresh_all",
    "refresh_county",
    "refresh_township",
    "request_export",
    "request_refresh",
    "run_job",
    "set_min_count",
    "sort_townships",
    "township_colours",
    "township_ranking",
    "townships_of",
    "trend",
]
