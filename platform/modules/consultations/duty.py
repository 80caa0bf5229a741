"""The consultations' lines of a representative's duty record (履职档案): the consultations they
answered, those they were asked and did not answer, and the written opinions they gave (a
constructive suggestion).

A consultation counts in the period of its deadline (Asia/Shanghai). Answered: the answer on
their invitation, or the receipt of their secret ballot. Not answered: asked, no answer, and the
consultation no longer takes answers (closed, or its deadline day has passed). A line names the
consultation, never the stance taken nor the opinion's text: a secret ballot's receipt says only
that they voted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.db import db
from lianxin.modules.consultations.models import Consultation, Invitee, Receipt, State
from lianxin.modules.duty_lines import Lines, today
from lianxin.modules.registry import DutyEntry, DutyItem, DutySet

ANSWERED = "consultations.answered"
UNANSWERED = "consultations.unanswered"
OPINIONS = "consultations.opinions"

ITEMS = (
    DutyItem(
        ANSWERED,
        _l("答复征询意见"),
        unit=_l("次"),
        description=_l("截止日在期内的征询中，本人按时答复或投票的次数"),
    ),
    DutyItem(
        UNANSWERED,
        _l("征询意见未答复"),
        unit=_l("次"),
        kind="missed",
        description=_l("截止日在期内、已截止的征询中，本人受邀而未答复的次数"),
    ),
    DutyItem(
        OPINIONS,
        _l("征询中提出意见"),
        unit=_l("条"),
        description=_l("截止日在期内的征询中，本人写明意见的答复条数"),
        suggestion=True,
    ),
)


def duty_lines(
    start: date, end: date, representative_ids: Sequence[int]
) -> dict[int, dict[str, DutyEntry]]:
    if not representative_ids:
        return {}
    rows = db.session.execute(
        select(
            Invitee.representative_id,
            Invitee.answered_at,
            Invitee.opinion,
            Receipt.id,
            Consultation.title,
            Consultation.deadline,
            Consultation.state,
        )
        .join(
            Consultation,
            and_(
                Consultation.id == Invitee.consultation_id,
                Consultation.tenant_id == Invitee.tenant_id,
            ),
        )
        .outerjoin(
            Receipt, and_(Receipt.invitee_id == Invitee.id, Receipt.tenant_id == Invitee.tenant_id)
        )
        .where(
            Invitee.representative_id.in_(list(representative_ids)),
            Consultation.deadline >= start,
            Consultation.deadline < end,
        )
    ).all()
    now = today()
    lines = Lines(start, end)
    for rep_id, answered_at, opinion, receipt, title, deadline, state in rows:
        named = _("《%(t)s》", t=title)
        if answered_at is not None or receipt is not None:
            lines.add(rep_id, ANSWERED, deadline, _("答复征询%(t)s", t=named))
            if (opinion or "").strip():
                lines.add(rep_id, OPINIONS, deadline, _("对征询%(t)s提出意见", t=named))
        elif state != State.OPEN or deadline < now:
            lines.add(rep_id, UNANSWERED, deadline, _("未答复征询%(t)s", t=named))
    return lines.result()


DUTY = DutySet(items=ITEMS, compute=duty_lines)
