"""The county's figures of group activities: activities held in the period, per active group,
and the share of active groups that met the township's half-year minimum in the last half-year
ended within the period."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.modules.group_activities.models import Activity
from lianxin.modules.registry import Figure, Metric, MetricSet, rate
from lianxin.people.models import GroupKind, RepresentativeGroup

METRICS = (
    Metric(
        "group_activities_held",
        _l("代表小组活动"),
        description=_l("期内各代表小组（含专业小组）开展活动的次数"),
    ),
    Metric(
        "group_activities_per_group",
        _l("每个小组平均活动次数"),
        kind="number",
        description=_l("期内地域代表小组的活动次数除以在用地域代表小组数"),
    ),
    Metric(
        "group_activities_half_share",
        _l("半年至少活动一次的小组比例"),
        kind="rate",
        description=_l(
            "期内最后一个已结束的半年中，至少开展一次活动的在用地域代表小组比例（专业小组不计）"
        ),
    ),
)


def _last_half_within(start: date, end: date) -> tuple[date, date] | None:
    """The last calendar half-year [from, to) ending on or before `end` and starting on or
    after `start`."""
    to = date(end.year, 7, 1) if end >= date(end.year, 7, 1) else date(end.year, 1, 1)
    begin = date(to.year, 1, 1) if to.month == 7 else date(to.year - 1, 7, 1)
    return (begin, to) if begin >= start else None


def figures(start: date, end: date) -> dict[str, Figure]:
    held = (
        db.session.scalar(
            select(func.count(Activity.id)).where(Activity.held_on >= start, Activity.held_on < end)
        )
        or 0
    )
    area = RepresentativeGroup.kind == GroupKind.AREA
    area_held = (
        db.session.scalar(
            select(func.count(Activity.id)).where(
                Activity.held_on >= start,
                Activity.held_on < end,
                Activity.group_id.in_(select(RepresentativeGroup.id).where(area)),
            )
        )
        or 0
    )
    active = (
        db.session.scalar(
            select(func.count(RepresentativeGroup.id)).where(RepresentativeGroup.is_active, area)
        )
        or 0
    )
    half = _last_half_within(start, end)
    if half is None:
        share = Figure(None)
    else:
        met = (
            db.session.scalar(
                select(func.count(RepresentativeGroup.id)).where(
                    RepresentativeGroup.is_active,
                    area,
                    select(Activity.id)
                    .where(
                        Activity.group_id == RepresentativeGroup.id,
                        Activity.tenant_id == RepresentativeGroup.tenant_id,
                        Activity.held_on >= half[0],
                        Activity.held_on < half[1],
                    )
                    .correlate(RepresentativeGroup)
                    .exists(),
                )
            )
            or 0
        )
        share = rate(met, active)
    return {
        "group_activities_held": Figure(held),
        "group_activities_per_group": Figure(area_held / active if active else None, active),
        "group_activities_half_share": share,
    }


GROUP_ACTIVITY_METRICS = MetricSet(METRICS, figures)
