"""What waits for whom (the to-do home): a representative's unread briefings; the office's
briefings with someone still unread past the reading days. One query each."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, select

from lianxin.auth.actor import Actor
from lianxin.modules.briefings.models import Briefing, Recipient, State
from lianxin.modules.briefings.stages.common import is_office, own_representative
from lianxin.modules.waiting import Waiting, pile, waiting
from lianxin.tenants.models import Township


def my_unread(actor: Actor, township: Township) -> Waiting:
    """The briefings sent to the actor that they have not opened; `due_on` is the earliest
    reminder day among them."""
    rep = own_representative(actor, township)
    if rep is None:
        return Waiting()
    return waiting(
        select(*pile(Briefing.id, Briefing.sent_at, Briefing.remind_on))
        .join(
            Recipient,
            and_(Recipient.briefing_id == Briefing.id, Recipient.tenant_id == Briefing.tenant_id),
        )
        .where(
            Briefing.state == State.SENT,
            Recipient.representative_id == rep.id,
            Recipient.read_at.is_(None),
        )
    )


def unread_past_due(actor: Actor, township: Township, today: date) -> Waiting:
    """The office's sent briefings whose reading days are over with someone still unread."""
    if not is_office(actor, township):
        return Waiting()
    unread = exists().where(Recipient.briefing_id == Briefing.id, Recipient.read_at.is_(None))
    return waiting(
        select(*pile(Briefing.id, Briefing.sent_at, Briefing.remind_on)).where(
            Briefing.state == State.SENT, Briefing.remind_on <= today, unread
        )
    )
