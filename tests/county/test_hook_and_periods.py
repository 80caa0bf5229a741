"""The registry's metrics hook and the periods the county compares (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.county import periods as P
from lianxin.modules.registry import (
    Figure,
    Metric,
    MetricSet,
    ModuleSpec,
    Registry,
    as_figure,
    median,
    rate,
)


def test_a_module_declares_a_metric_set_or_the_simple_form():
    full = MetricSet((Metric("a_count", "甲"),), lambda start, end: {"a_count": 3})
    simple = {"b_share": lambda start, end: Figure(0.5, 4), "b_total": lambda start, end: 7}
    registry = Registry(
        [
            ModuleSpec(key="a", name="甲", metrics=full),
            ModuleSpec(key="b", name="乙", metrics=simple),
            ModuleSpec(key="c", name="丙"),
        ]
    )
    sets = {spec.key: metric_set for spec, metric_set in registry.metric_sets()}
    assert set(sets) == {"a", "b"}
    assert sets["a"] is full
    assert [m.key for m in sets["b"].metrics] == ["b_share", "b_total"]
    got = sets["b"].compute(date(2026, 1, 1), date(2026, 2, 1))
    assert {k: as_figure(v) for k, v in got.items()} == {
        "b_share": Figure(0.5, 4),
        "b_total": Figure(7.0),
    }


def test_rates_and_medians_never_turn_nothing_into_zero():
    assert rate(0, 0) == Figure(None, 0)
    assert rate(0, 3) == Figure(0.0, 3)
    assert median([]) == Figure(None, 0)
    assert median([10, 33, 19]) == Figure(19.0, 3)
    assert median([1, 2, 3, 10]) == Figure(2.5, 4)
    assert as_figure(None) == Figure(None)


@pytest.mark.parametrize(
    ("key", "start", "end", "kind"),
    [
        ("2026-03", date(2026, 3, 1), date(2026, 4, 1), "month"),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "month"),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), "quarter"),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "year"),
    ],
)
def test_periods_parse(key, start, end, kind):
    period = P.parse(key)
    assert period is not None
    assert (period.start, period.end, period.kind, period.key) == (start, end, kind, key)


@pytest.mark.parametrize("key", ["2026-13", "2026-Q5", "26", "", "1999", "2026-3", "x"])
def test_bad_periods_are_refused(key):
    assert P.parse(key) is None


def test_series_and_between():
    assert [p.key for p in P.series(P.parse("2026-Q1"), 3)] == ["2025-Q3", "2025-Q4", "2026-Q1"]
    assert [p.key for p in P.series(P.parse("2026-02"), 3)] == ["2025-12", "2026-01", "2026-02"]
    keys = [p.key for p in P.between(date(2025, 12, 20), date(2026, 1, 5))]
    assert keys == ["2025-12", "2026-01", "2025-Q4", "2026-Q1", "2025", "2026"]
    assert P.parse("2026-Q1").label() == "2026年第1季度"
