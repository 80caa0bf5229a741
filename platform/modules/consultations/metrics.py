"""The county's figures of consultations (征询意见): how many were held in the period, and how
many of the representatives asked answered (a secret vote's receipts count as answers).

- Held: consultations opened in [start, end) (Shanghai days), votes called on one included.
- Response rate: answers over invitations, among the consultations opened in the period.
- Feedback rate: among those closed, the share whose answer went back to the representatives.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.modules.consultations.models import Consultation, Invitee, Receipt, State
from lianxin.modules.registry import Figure, Metric, MetricSet, rate, utc_bounds

METRICS = (
    Metric(
        "consultations_held",
        _l("征询意见次数"),
        description=_l("期内发起的征询（含转为表决的）"),
    ),
    Metric(
        "consultations_response_rate",
        _l("征询答复率"),
        kind="rate",
        description=_l("期内发起的征询中，已答复（含已投票）的代表人次 ÷ 征询的代表人次"),
    ),
    Metric(
        "consultations_feedback_rate",
        _l("征询反馈率"),
        kind="rate",
        description=_l("期内发起并已截止的征询中，已向代表反馈采纳情况的比例"),
    ),
)


def figures(start: date, end: date) -> dict[str, Figure]:
    since, until = utc_bounds(start, end)
    held = select(Consultation.id).where(
        Consultation.opened_at >= since, Consultation.opened_at < until
    )
    count = db.session.scalar(select(func.count()).select_from(held.subquery())) or 0
    invited = db.session.scalar(select(func.count()).where(Invitee.consultation_id.in_(held))) or 0
    answered = (
        db.session.scalar(
            select(func.count()).where(
                Invitee.consultation_id.in_(held), Invitee.answered_at.is_not(None)
            )
        )
        or 0
    )
    voted = db.session.scalar(select(func.count()).where(Receipt.consultation_id.in_(held))) or 0
    states = list(db.session.scalars(select(Consultation.state).where(Consultation.id.in_(held))))
    ended = [s for s in states if s != State.OPEN]
    return {
        "consultations_held": Figure(count),
        "consultations_response_rate": rate(answered + voted, invited),
        "consultations_feedback_rate": rate(
            sum(1 for s in ended if s == State.REPLIED), len(ended)
        ),
    }


CONSULTATION_METRICS = MetricSet(METRICS, figures)
