"""The county's figures of casework (ARCHITECTURE.md §4): read in the township's context.

On time: of the cases whose reply was due in the period, the share answered by the due date
(Shanghai date of the answer ≤ due date). Satisfaction: of the ratings given in the period, the
share 满意 or 基本满意. Median days: from registration to answer, of the cases answered in the
period. A case closed as inadmissible (不予受理) is told where to go the moment it is closed: that
is not an answer, so it is counted on its own and stays out of answered, median and on time.
Each rate carries its denominator, which decides whether it may be ranked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from lianxin.casework.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseState,
    Rating,
)
from lianxin.db import db
from lianxin.modules.registry import (
    SHANGHAI,
    EntityFigure,
    Figure,
    Metric,
    MetricSet,
    median,
    rate,
    utc_bounds,
)
from lianxin.people.models import HandlingUnit, Representative

GOOD = (Rating.SATISFIED.value, Rating.BASICALLY_SATISFIED.value)

METRICS = (
    Metric("cases_received", _l("收到诉求"), description=_l("期内登记的诉求件数")),
    Metric(
        "cases_answered",
        _l("已答复"),
        description=_l("期内答复的件数（不含不予受理）"),
    ),
    Metric(
        "cases_inadmissible",
        _l("不予受理"),
        description=_l("期内作不予受理处理（告知其他途径）的件数，不计入答复件数和答复天数"),
    ),
    Metric(
        "cases_on_time",
        _l("按时答复率"),
        kind="rate",
        description=_l("期内到期的诉求中，在期限内（含当日）答复的比例"),
    ),
    Metric("cases_closed", _l("已办结"), description=_l("期内办结（归档）的件数")),
    Metric(
        "cases_median_days",
        _l("答复天数中位数"),
        kind="days",
        lower_is_better=True,
        description=_l("期内答复的诉求，从登记到答复的天数中位数"),
    ),
    Metric(
        "cases_satisfaction",
        _l("满意率"),
        kind="rate",
        description=_l("期内评价中“满意”和“基本满意”的比例"),
    ),
)


def _local(moment: Any) -> date:
    return moment.astimezone(SHANGHAI).date()


# Marked inadmissible (the reason is required then), whatever its state since (e.g. archived).
INADMISSIBLE = Case.inadmissible_reason.is_not(None)
ADMITTED = Case.inadmissible_reason.is_(None)


def figures(start: date, end: date) -> dict[str, Figure]:
    lo, hi = utc_bounds(start, end)
    received = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.created_at >= lo, Case.created_at < hi)
    )
    closed = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.closed_at >= lo, Case.closed_at < hi)
    )
    answered = db.session.execute(
        select(Case.created_at, Case.answered_at).where(
            Case.answered_at >= lo, Case.answered_at < hi, ADMITTED
        )
    ).all()
    inadmissible = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .where(Case.answered_at >= lo, Case.answered_at < hi, INADMISSIBLE)
    )
    due = db.session.execute(
        select(Case.due_on, Case.answered_at).where(
            Case.due_on >= start,
            Case.due_on < end,
            Case.state != CaseState.INADMISSIBLE,
            ADMITTED,
        )
    ).all()
    on_time = sum(1 for d, a in due if a is not None and _local(a) <= d)
    ratings = db.session.execute(
        select(Case.rating, func.count())
        .where(Case.rated_at >= lo, Case.rated_at < hi, Case.rating.is_not(None))
        .group_by(Case.rating)
    ).all()
    rated = sum(n for _r, n in ratings)
    good = sum(n for r, n in ratings if r in GOOD)
    return {
        "cases_received": Figure(received or 0),
        "cases_answered": Figure(len(answered)),
        "cases_inadmissible": Figure(inadmissible or 0),
        "cases_on_time": rate(on_time, len(due)),
        "cases_closed": Figure(closed or 0),
        "cases_median_days": median([(_local(a) - _local(c)).days for c, a in answered]),
        "cases_satisfaction": rate(good, rated),
    }


def entities(start: date, end: date) -> Iterator[EntityFigure]:
    """Handling units (on time, satisfaction of the cases they lead) and representatives
    (cases they received first, 首问)."""
    lo, hi = utc_bounds(start, end)
    units = dict(db.session.execute(select(HandlingUnit.id, HandlingUnit.name)).all())
    lead = (
        select(CaseAssignment.unit_id, Case.due_on, Case.answered_at, Case.rating, Case.rated_at)
        .join(
            Case, (Case.id == CaseAssignment.case_id) & (Case.tenant_id == CaseAssignment.tenant_id)
        )
        .where(
            CaseAssignment.role == AssignmentRole.LEAD,
            CaseAssignment.status.in_((AssignmentStatus.ACTIVE, AssignmentStatus.ANSWERED)),
            or_(
                and_(Case.due_on >= start, Case.due_on < end),
                and_(Case.rated_at >= lo, Case.rated_at < hi),
            ),
        )
    )
    due: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rated: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, due_on, answered_at, rating, rated_at in db.session.execute(lead):
        if due_on is not None and start <= due_on < end:
            due[unit_id][1] += 1
            if answered_at is not None and _local(answered_at) <= due_on:
                due[unit_id][0] += 1
        if rating is not None and rated_at is not None and lo <= rated_at < hi:
            rated[unit_id][1] += 1
            if rating in GOOD:
                rated[unit_id][0] += 1
    for unit_id, (ok, n) in due.items():
        figure = rate(ok, n)
        yield EntityFigure(
            "unit", unit_id, units.get(unit_id, ""), "cases_on_time", figure.value, n
        )
    for unit_id, (ok, n) in rated.items():
        figure = rate(ok, n)
        yield EntityFigure(
            "unit", unit_id, units.get(unit_id, ""), "cases_satisfaction", figure.value, n
        )
    received = db.session.execute(
        select(Case.received_by_id, func.count())
        .where(Case.created_at >= lo, Case.created_at < hi, Case.received_by_id.is_not(None))
        .group_by(Case.received_by_id)
    ).all()
    if received:
        names = dict(db.session.execute(select(Representative.id, Representative.name)).all())
        for rep_id, count in received:
            yield EntityFigure(
                "representative", rep_id, names.get(rep_id, ""), "cases_received", count, count
            )


CASEWORK_METRICS = MetricSet(METRICS, figures, entities)
