"""Online secret ballots (ARCHITECTURE.md §6, lianxin.db.anonymous): the receipt commits with
the sealed ballot; the worker releases pooled ballots in batches of at least K, each release in
a transaction of its own; the count after the close."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import anonymous, db, utcnow
from lianxin.errors import Conflict
from lianxin.modules.annual_sessions.errors import AlreadyVoted
from lianxin.modules.annual_sessions.inputs import BallotInput
from lianxin.modules.annual_sessions.models import (
    Ballot,
    BallotChannel,
    NamedVote,
    PooledBallot,
    Receipt,
    Vote,
    VoteMethod,
    VoteState,
)
from lianxin.modules.annual_sessions.stages.common import COUNT_TOPIC, settings
from lianxin.modules.annual_sessions.stages.votes import (
    _clean_content,
    _close,
    _count_ballots,
    _voter,
    candidates,
    get_vote,
)
from lianxin.notify import service as notify
from lianxin.tenants.models import Township
from lianxin.usecases import commit_on_its_own, use_case


@use_case
def cast_secret(actor: Actor, township: Township, vote_id: int, data: BallotInput) -> None:
    """Cast a secret ballot online: the receipt and the sealed ballot in one transaction (the
    use case's: they commit together or not at all)."""
    vote = get_vote(actor, township, vote_id)
    rep = _voter(actor, township, vote)
    if vote.method != VoteMethod.SECRET or vote.channel != BallotChannel.ONLINE:
        raise Conflict(_("该项不是网上无记名投票"))
    sealed = _box(vote).seal(_clean_content(vote, data))
    # That this representative voted (unique: a second ballot is refused), and what, sealed.
    db.session.add(Receipt(vote_id=vote.id, representative_id=rep.id))
    db.session.add(PooledBallot(vote_id=vote.id, sealed=sealed))
    try:
        db.session.flush()
    except IntegrityError:
        raise AlreadyVoted(_("您已经投过票了")) from None  # the use case rolls back both


def _box(vote: Vote) -> anonymous.Box:
    """The vote's sealing box: its own key; every ballot pads to one size."""
    if vote.seal_salt is None:
        raise Conflict(_("该项不是网上无记名投票"))
    size = 96 + 24 * len(candidates(vote))
    return anonymous.Box("ballot", vote.tenant_id, vote.id, bytes(vote.seal_salt), size)


def _k(township: Township, vote: Vote) -> int:
    return int(vote.min_ballots or settings(township.id)["ballot_batch"])


def _release(township: Township, vote: Vote, *, closing: bool) -> anonymous.Released:
    """Open what the rule lets out (lianxin.db.anonymous.release); the caller commits."""
    box = _box(vote)
    return anonymous.release(
        PooledBallot,
        [(vote.id, PooledBallot.vote_id == vote.id)],
        minimum=_k(township, vote),
        closing=closing,
        open_row=lambda row: box.open(row.sealed),
        final_row=lambda _row, content: Ballot(
            vote_id=vote.id, key=str(uuid.uuid4()), content=content
        ),
    )


def _locked(vote_id: int) -> Vote | None:
    """The vote, locked against another release of it until this transaction ends."""
    return db.session.scalar(
        select(Vote)
        .where(Vote.id == vote_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE
        .execution_options(populate_existing=True)
    )


def release_ballots(township: Township, vote_id: int) -> int:
    """The worker's periodic release of an open secret vote, in a transaction of its own (not a
    use case: never nested): the vote row locked, the release and its commit together; it must
    not share a transaction with anything a voter did."""
    vote = _locked(vote_id)
    if vote is None or vote.state != VoteState.OPEN or vote.seal_salt is None:
        db.session.rollback()
        return 0
    released = _release(township, vote, closing=False).released
    commit_on_its_own("the secret-ballot release: the locked vote and its batch, nothing else")
    return released


def release_open_votes(township: Township) -> int:
    """Every open online secret vote of the township, one release transaction each (beat)."""
    ids = list(
        db.session.scalars(
            select(Vote.id).where(Vote.state == VoteState.OPEN, Vote.seal_salt.is_not(None))
        )
    )
    db.session.rollback()
    return sum(release_ballots(township, vote_id) for vote_id in ids)


def count_closed_vote(vote_id: int) -> None:
    """After the close: release what remains and count. Fewer than K ballots in all are never
    opened and give no tally. In the caller's transaction (the outbox delivery commits it)."""
    vote = _locked(vote_id)
    if vote is None or vote.state != VoteState.COUNTING:
        return
    township = db.session.get(Township, vote.tenant_id)
    assert township is not None
    withheld = _release(township, vote, closing=True).withheld
    contents = list(db.session.scalars(select(Ballot.content).where(Ballot.vote_id == vote.id)))
    if withheld or len(contents) < _k(township, vote):
        vote.result = {"withheld": True, "ballots": withheld + len(contents)}
        vote.passed = False
        vote.state, vote.closed_at = VoteState.CLOSED, utcnow()
        return
    _close(township, vote, _count_ballots(vote, contents))


@notify.handler(COUNT_TOPIC)
def _count_on_close(message: Any) -> None:
    count_closed_vote(int(message.payload["vote_id"]))


def voted(actor: Actor, township: Township, vote_id: int) -> bool:
    """Whether the acting representative has already voted (their own receipt only)."""
    vote = get_vote(actor, township, vote_id)
    rep = casework.representative_of(actor, township)
    if rep is None:
        return False
    if vote.method == VoteMethod.NAMED:
        model: Any = NamedVote
    else:
        model = Receipt
    return (
        db.session.scalar(
            select(model.id).where(model.vote_id == vote.id, model.representative_id == rep.id)
        )
        is not None
    )


def turnout(actor: Actor, township: Township, vote_id: int) -> int:
    """How many have voted so far (receipts or named votes) — never what."""
    vote = get_vote(actor, township, vote_id)
    model: Any = NamedVote if vote.method == VoteMethod.NAMED else Receipt
    return (
        db.session.scalar(select(func.count()).select_from(model).where(model.vote_id == vote.id))
        or 0
    )
