"""Domain errors of the county comparison; the API answers them with 422 and the pages flash
their Chinese message."""

from __future__ import annotations

from lianxin.errors import DomainError


class UnknownPeriod(DomainError):
    """A period key that is not a year, a quarter or a month (2026, 2026-Q1, 2026-03)."""

    status = 422
    code = "unknown_period"


class UnknownMetric(DomainError):
    """A figure, a ranking formula or a kind of ranked entity the catalog does not know."""

    status = 422
    code = "unknown_metric"
