"""The county's figures of inspections and research: visits held, and the share of the
representatives in office who took part in at least one in the period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from lianxin.db import db
from lianxin.modules.inspections.models import Inspection, InspectionMember, State
from lianxin.modules.registry import EntityFigure, Figure, Metric, MetricSet, rate
from lianxin.people.models import Representative, RepStatus

HELD = (State.HELD, State.REPORTED)

METRICS = (
    Metric("inspections_held", _l("视察调研活动"), description=_l("期内开展的视察、调研活动次数")),
    Metric(
        "inspections_rep_share",
        _l("代表参加视察调研比例"),
        kind="rate",
        description=_l("期内至少参加一次视察调研的在任代表比例"),
    ),
    Metric(
        "inspections_reported",
        _l("形成报告率"),
        kind="rate",
        description=_l("期内开展的活动中已形成报告的比例"),
    ),
)


def _held(start: date, end: date):
    return and_(
        Inspection.state.in_([s.value for s in HELD]),
        Inspection.held_on >= start,
        Inspection.held_on < end,
    )


def figures(start: date, end: date) -> dict[str, Figure]:
    by_state = dict(
        db.session.execute(
            select(Inspection.state, func.count())
            .where(_held(start, end))
            .group_by(Inspection.state)
        ).all()
    )
    held = sum(by_state.values())
    reported = by_state.get(State.REPORTED.value, 0)
    took_part = db.session.scalar(
        select(func.count(InspectionMember.representative_id.distinct()))
        .join(
            Inspection,
            and_(
                Inspection.id == InspectionMember.inspection_id,
                Inspection.tenant_id == InspectionMember.tenant_id,
            ),
        )
        .join(
            Representative,
            and_(
                Representative.id == InspectionMember.representative_id,
                Representative.tenant_id == InspectionMember.tenant_id,
            ),
        )
        .where(
            _held(start, end),
            InspectionMember.attended.is_(True),
            Representative.status == RepStatus.IN_OFFICE,
        )
    )
    in_office = db.session.scalar(
        select(func.count())
        .select_from(Representative)
        .where(Representative.status == RepStatus.IN_OFFICE)
    )
    return {
        "inspections_held": Figure(held),
        "inspections_rep_share": rate(took_part or 0, in_office or 0),
        "inspections_reported": rate(reported, held),
    }


def entities(start: date, end: date) -> Iterator[EntityFigure]:
    """Each representative's visits taken part in during the period (the county's rankings)."""
    rows = db.session.execute(
        select(Representative.id, Representative.name, func.count(InspectionMember.id))
        .join(
            InspectionMember,
            and_(
                InspectionMember.representative_id == Representative.id,
                InspectionMember.tenant_id == Representative.tenant_id,
                InspectionMember.attended.is_(True),
            ),
        )
        .join(
            Inspection,
            and_(
                Inspection.id == InspectionMember.inspection_id,
                Inspection.tenant_id == InspectionMember.tenant_id,
            ),
        )
        .where(_held(start, end))
        .group_by(Representative.id, Representative.name)
    ).all()
    for rep_id, name, count in rows:
        yield EntityFigure("representative", rep_id, name, "inspections_held", count, count)


INSPECTION_METRICS = MetricSet(METRICS, figures, entities)
