"""The county's figures of the representative roll (always on): count and structure.

A representative counts in a period when their record existed before its end and their
qualification had not ended before its end; shares are of those representatives.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from lianxin.db import db
from lianxin.modules.registry import Figure, Metric, MetricSet, rate, utc_bounds
from lianxin.people.models import Gender, Representative

METRICS = (
    Metric("representatives", _l("代表人数"), description=_l("期末在任的党代表人数")),
    Metric(
        "reps_women", _l("妇女代表占比"), kind="rate", description=_l("期末在任代表中女性的比例")
    ),
    Metric(
        "reps_under_50",
        _l("50岁以下代表占比"),
        kind="rate",
        description=_l("期末在任代表中期末最后一天未满50岁的比例"),
    ),
)


def _years_at(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def figures(start: date, end: date) -> dict[str, Figure]:
    _lo, hi = utc_bounds(start, end)
    rows = db.session.execute(
        select(Representative.gender, Representative.birth_date).where(
            Representative.created_at < hi,
            or_(Representative.ended_on.is_(None), Representative.ended_on >= end),
        )
    ).all()
    last_day = end - timedelta(days=1)
    women = sum(1 for gender, _b in rows if gender == Gender.FEMALE)
    under_50 = sum(1 for _g, birth in rows if _years_at(birth, last_day) < 50)
    return {
        "representatives": Figure(len(rows)),
        "reps_women": rate(women, len(rows)),
        "reps_under_50": rate(under_50, len(rows)),
    }


PEOPLE_METRICS = MetricSet(METRICS, figures)
