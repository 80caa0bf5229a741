"""The county's figures of evaluations: campaigns run, participation, and the committee
members graded 不称职 (reported to the county).

Only counts leave this module: receipts (that someone answered) over eligible raters of the
campaigns that closed in the period, and their subjects reported as 不称职 (a grade the
committee decided, not an answer). No answer, score or rater is read.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.modules.evaluations.models import Campaign, CampaignState, Rater, Receipt, Subject
from lianxin.modules.registry import Figure, Metric, MetricSet, rate

METRICS = (
    Metric("evaluations_run", _l("评议活动"), description=_l("期内结束的评议活动数")),
    Metric(
        "evaluations_participation",
        _l("评议参与率"),
        kind="rate",
        description=_l("期内结束的评议活动中已作答的评议人占应参评人的比例（不含群众评议码）"),
    ),
    Metric(
        "evaluations_unfit_count",
        _l("评议不称职人数"),
        description=_l(
            "期内结束的评议活动中经党委确定为不称职、已报告县委组织部的两委委员（含班子整体）"
        ),
    ),
)


def figures(start: date, end: date) -> dict[str, Figure]:
    campaigns = list(
        db.session.scalars(
            select(Campaign.id).where(
                Campaign.state != CampaignState.DRAFT,
                Campaign.closes_on >= start,
                Campaign.closes_on < end,
            )
        )
    )
    raters = answered = 0
    if campaigns:
        raters = (
            db.session.scalar(
                select(func.count()).select_from(Rater).where(Rater.campaign_id.in_(campaigns))
            )
            or 0
        )
        answered = (
            db.session.scalar(
                select(func.count()).select_from(Receipt).where(Receipt.campaign_id.in_(campaigns))
            )
            or 0
        )
    unfit = 0
    if campaigns:
        unfit = (
            db.session.scalar(
                select(func.count())
                .select_from(Subject)
                .where(Subject.campaign_id.in_(campaigns), Subject.reported_at.is_not(None))
            )
            or 0
        )
    return {
        "evaluations_run": Figure(len(campaigns)),
        "evaluations_unfit_count": Figure(unfit),
        "evaluations_participation": rate(answered, raters),
    }


EVALUATION_METRICS = MetricSet(METRICS, figures)
