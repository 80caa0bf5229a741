"""The county's figures of public commitments: how many were made (approved) in the period, the
share of those closed in the period that were kept (n: closed), and how many fell due in the
period without being closed by their deadline (lower is better)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from lianxin.db import db
from lianxin.modules.commitments.models import CLOSED, Commitment, Status
from lianxin.modules.kit import today as kit_today
from lianxin.modules.registry import Figure, Metric, MetricSet, rate, utc_bounds

METRICS = (
    Metric(
        "commitments_made",
        _l("公开承诺事项"),
        description=_l("期内审核公开（含联络办代为登记）的代表承诺事项数"),
    ),
    Metric(
        "commitments_kept",
        _l("承诺兑现率"),
        kind="rate",
        description=_l("期内结项的承诺中评为已兑现的比例"),
    ),
    Metric(
        "commitments_overdue",
        _l("逾期未结承诺"),
        lower_is_better=True,
        description=_l("期内到期、到期日仍未结项的公开承诺数（已到期的才计）"),
    ),
)


def figures(start: date, end: date) -> dict[str, Figure]:
    since, until = utc_bounds(start, end)
    made = db.session.scalar(
        select(func.count(Commitment.id)).where(
            Commitment.approved_at >= since, Commitment.approved_at < until
        )
    )
    closed = dict(
        db.session.execute(
            select(Commitment.status, func.count(Commitment.id))
            .where(
                Commitment.status.in_([str(s) for s in CLOSED]),
                Commitment.closed_on >= start,
                Commitment.closed_on < end,
            )
            .group_by(Commitment.status)
        ).all()
    )
    today = kit_today()
    overdue = db.session.scalar(
        select(func.count(Commitment.id)).where(
            Commitment.approved_at.is_not(None),
            Commitment.due_on >= start,
            Commitment.due_on < end,
            Commitment.due_on < today,
            or_(Commitment.closed_on.is_(None), Commitment.closed_on > Commitment.due_on),
        )
    )
    kept = int(closed.get(Status.KEPT, 0))
    return {
        "commitments_made": Figure(int(made or 0)),
        "commitments_kept": rate(kept, kept + int(closed.get(Status.NOT_KEPT, 0))),
        "commitments_overdue": Figure(int(overdue or 0)),
    }


COMMITMENT_METRICS = MetricSet(METRICS, figures)
