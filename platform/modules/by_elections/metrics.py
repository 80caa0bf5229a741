"""The county's figures of by-elections: how many were held (their result announced in the
period) and how many seats they filled."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from lianxin.modules.by_elections.stages.register import held_between
from lianxin.modules.registry import Figure, Metric, MetricSet

METRICS = (
    Metric("by_elections_held", _l("补选"), description=_l("期内公告结果的补选次数")),
    Metric(
        "by_elections_seats_filled",
        _l("补选当选"),
        description=_l("期内补选当选并列入名册的代表数"),
    ),
)


def figures(start: date, end: date) -> dict[str, Figure]:
    held, filled = held_between(start, end)
    return {"by_elections_held": Figure(held), "by_elections_seats_filled": Figure(filled)}


BY_ELECTION_METRICS = MetricSet(METRICS, figures)
