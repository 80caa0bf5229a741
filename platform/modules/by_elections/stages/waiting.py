"""What waits for the office (the to-do home): by-elections whose next step is due — the review
once the notice period has ended, the count of a ballot, the result notice after the count — and
every by-election still under way."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.modules.by_elections.models import ByElection, State
from lianxin.modules.waiting import Waiting, pile, waiting
from lianxin.tenants.models import Township


def under_way(actor: Actor, township: Township) -> Waiting:
    """The office's by-elections not yet announced."""
    if not permissions.can_work_in_office(actor, township.id):
        return Waiting()
    return waiting(
        select(*pile(ByElection.id, ByElection.created_at)).where(
            ByElection.state != State.ANNOUNCED, ByElection.withheld.is_(False)
        )
    )


def to_announce(actor: Actor, township: Township, today: date) -> Waiting:
    """Counted by-elections whose result notice is not published yet."""
    if not permissions.can_work_in_office(actor, township.id):
        return Waiting()
    return waiting(
        select(*pile(ByElection.id, ByElection.counted_at)).where(
            ByElection.state == State.COUNTED, ByElection.withheld.is_(False)
        )
    )
