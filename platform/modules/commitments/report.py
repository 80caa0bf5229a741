"""The year's public commitments beside a duty report (述诺、评诺; the registry's
report-commitment hook): at year end a representative's commitments feed the evaluation of
their duty report. Only what the public board shows (approved and closed ones, with the
board's status): never the progress notes, which stay in the township (the office may write
them naming the people helped, and a guest rater reads the report on a one-time link). The
evaluations ask for them through the
registry, never importing this module."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from lianxin.db import db
from lianxin.modules.commitments.models import PUBLIC, Commitment
from lianxin.modules.commitments.stages.common import STATE_LABELS, state_of
from lianxin.modules.kit import today
from lianxin.modules.registry import ReportCommitment


def report_commitments(
    year: int, representative_ids: Sequence[int]
) -> dict[int, list[ReportCommitment]]:
    """By representative id, their public commitments of `year` by deadline: one query
    whatever the batch, inside the township's tenant context."""
    if not representative_ids:
        return {}
    day = today()
    rows = list(
        db.session.scalars(
            select(Commitment)
            .where(
                Commitment.representative_id.in_(sorted(set(representative_ids))),
                Commitment.year == year,
                Commitment.status.in_([str(s) for s in PUBLIC]),
            )
            .order_by(Commitment.representative_id, Commitment.due_on, Commitment.id)
        )
    )
    out: dict[int, list[ReportCommitment]] = {}
    for c in rows:
        state = state_of(c, day)
        out.setdefault(c.representative_id, []).append(
            ReportCommitment(
                content=c.content,
                due_on=c.due_on,
                state=state,
                state_label=str(STATE_LABELS.get(state, state)),
            )
        )
    return out
