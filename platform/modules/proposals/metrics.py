"""The county's figures of proposals (提案、建议、质询): filed and handled.

Filed: submitted in the period. Handled: answered in writing in the period. Handled rate: of
those submitted in the period and accepted (not merged, not refused), the share answered so far.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.modules.proposals.models import Proposal, State
from lianxin.modules.registry import Figure, Metric, MetricSet, rate, utc_bounds

METRICS = (
    Metric("proposals_filed", _l("提案建议提交"), description=_l("期内提交的提案、建议和质询")),
    Metric("proposals_handled", _l("提案建议办复"), description=_l("期内书面答复的件数")),
    Metric(
        "proposals_handled_rate",
        _l("提案办复率"),
        kind="rate",
        description=_l("期内提交并立案的件中已答复的比例"),
    ),
)

NOT_TAKEN = (State.DRAFT, State.SUBMITTED, State.MERGED, State.NOT_ACCEPTED)


def figures(start: date, end: date) -> dict[str, Figure]:
    lo, hi = utc_bounds(start, end)
    filed = db.session.execute(
        select(Proposal.state, Proposal.answered_at).where(
            Proposal.submitted_at >= lo, Proposal.submitted_at < hi
        )
    ).all()
    taken = [answered for state, answered in filed if state not in NOT_TAKEN]
    handled = db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(Proposal.answered_at >= lo, Proposal.answered_at < hi)
    )
    return {
        "proposals_filed": Figure(len(filed)),
        "proposals_handled": Figure(handled or 0),
        "proposals_handled_rate": rate(sum(1 for a in taken if a is not None), len(taken)),
    }


PROPOSAL_METRICS = MetricSet(METRICS, figures)
