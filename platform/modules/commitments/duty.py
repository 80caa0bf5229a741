"""The commitment lines of a representative's duty record (履职档案, registry.DutySet): the
commitments made (public: approved or closed) whose deadline falls in the period, those kept
(work done) and those not kept (a duty missed). One query for the whole batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.db import db
from lianxin.modules.commitments.models import PUBLIC, Commitment, Status
from lianxin.modules.commitments.stages.common import STATE_LABELS, short, state_of
from lianxin.modules.kit import today as kit_today
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet

MADE = "commitments.made"
KEPT = "commitments.kept"
NOT_KEPT = "commitments.not_kept"

ITEMS = (
    DutyItem(
        MADE,
        _l("公开承诺"),
        unit=_l("件"),
        description=_l("完成期限在期内、已审核公开的承诺事项"),
    ),
    DutyItem(
        KEPT,
        _l("承诺已兑现"),
        unit=_l("件"),
        description=_l("完成期限在期内、经联络办评定为已兑现的承诺事项"),
    ),
    DutyItem(
        NOT_KEPT,
        _l("承诺未兑现"),
        unit=_l("件"),
        kind="missed",
        description=_l("完成期限在期内、经联络办评定为未兑现的承诺事项"),
    ),
)
MAX_DETAILS = 10


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> Mapping[int, Mapping[str, DutyEntry]]:
    if not representative_ids:
        return {}
    today = kit_today()
    rows = db.session.scalars(
        select(Commitment)
        .where(
            Commitment.representative_id.in_(list(representative_ids)),
            Commitment.status.in_([str(s) for s in PUBLIC]),
            Commitment.due_on >= start,
            Commitment.due_on < end,
        )
        .order_by(Commitment.representative_id, Commitment.due_on, Commitment.id)
    )
    found: dict[int, dict[str, list[str]]] = {}
    for c in rows:
        lines = found.setdefault(c.representative_id, {})
        line = _("承诺：%(c)s（%(s)s）", c=short(c.content), s=STATE_LABELS[state_of(c, today)])
        lines.setdefault(MADE, []).append(line)
        if c.status == Status.KEPT:
            lines.setdefault(KEPT, []).append(line)
        elif c.status == Status.NOT_KEPT:
            lines.setdefault(NOT_KEPT, []).append(line)
    return {
        rep_id: {
            key: DutyEntry(len(details), tuple(details[:MAX_DETAILS]))
            for key, details in lines.items()
        }
        for rep_id, lines in found.items()
    }


COMMITMENT_DUTY = DutySet(ITEMS, duty_lines)
