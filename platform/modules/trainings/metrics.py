"""The county's figures of training: sessions held, and the coverage — the share of the
representatives in office who reached the township's yearly days by the period's end."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import current_tenant_id
from lianxin.modules.kit import module_settings
from lianxin.modules.registry import Figure, Metric, MetricSet, rate
from lianxin.modules.trainings.models import TrainingCheckIn
from lianxin.modules.trainings.stages.standing import day_weight, held_sessions, not_cancelled
from lianxin.people.models import Representative, RepStatus

METRICS = (
    Metric(
        "trainings_sessions",
        _l("学习培训场次"),
        description=_l("期内有代表签到的学习培训期数"),
    ),
    Metric(
        "trainings_coverage",
        _l("学习培训达标率"),
        kind="rate",
        description=_l(
            "期末在任代表中，期末所在年度截至期末参训天数（半天计半天，已取消的培训不计）达到每年要求的比例"
        ),
    ),
)


def _days_needed() -> int:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        return 5
    return int(module_settings(tenant_id, "trainings")["days_per_year"])


def figures(start: date, end: date) -> dict[str, Figure]:
    last = end - timedelta(days=1)
    year_start = date(last.year, 1, 1)
    need = _days_needed()
    days = (
        select(func.coalesce(func.sum(day_weight()), 0))
        .where(
            TrainingCheckIn.representative_id == Representative.id,
            TrainingCheckIn.tenant_id == Representative.tenant_id,
            TrainingCheckIn.day >= year_start,
            TrainingCheckIn.day < end,
            not_cancelled(),
        )
        .correlate(Representative)
        .scalar_subquery()
    )
    in_office = Representative.status == RepStatus.IN_OFFICE
    reps = db.session.scalar(select(func.count(Representative.id)).where(in_office)) or 0
    met = db.session.scalar(select(func.count(Representative.id)).where(in_office, days >= need))
    return {
        "trainings_sessions": Figure(held_sessions(start, end)),
        "trainings_coverage": rate(int(met or 0), int(reps)),
    }


TRAINING_METRICS = MetricSet(METRICS, figures)
