"""Votes: created on an item of the agenda, by show of hands, named online, or secret (online:
`secret_ballots`; on paper: two tellers who must agree, under a scrutineer); closing and results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.casework import service as casework
from lianxin.db import anonymous, db, utcnow
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions.errors import AlreadyVoted, VoteClosed
from lianxin.modules.annual_sessions.inputs import (
    BallotInput,
    HandsInput,
    TallyInput,
    VoteInput,
)
from lianxin.modules.annual_sessions.models import (
    Attendance,
    BallotChannel,
    Candidate,
    ItemKind,
    ItemStatus,
    NamedVote,
    PaperTally,
    Session,
    SessionState,
    Vote,
    VoteMethod,
    VoteState,
)
from lianxin.modules.annual_sessions.stages.agenda import get_item
from lianxin.modules.annual_sessions.stages.attendance import _attendance, _here
from lianxin.modules.annual_sessions.stages.common import (
    CHOICES,
    COUNT_TOPIC,
    SECRET_KINDS,
    _audit,
    _get,
    _require_office,
    _today,
    settings,
)
from lianxin.modules.annual_sessions.stages.planning import expected_count, get_session
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- votes ---------------------------------------------------------------------------------------


def _open_session_of(township: Township, vote_or_session: Vote | Session) -> Session:
    session = (
        vote_or_session
        if isinstance(vote_or_session, Session)
        else _get(Session, township, vote_or_session.session_id, _("未找到该次会议"))
    )
    if session.state != SessionState.OPEN:
        raise Conflict(_("会议未在进行中，不能表决"))
    return session


def _member_user(township: Township, user_id: int | None) -> int:
    """A user with a membership in the township (a teller or the scrutineer)."""
    found = (
        None
        if user_id is None
        else db.session.scalar(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id, Membership.user_id == user_id
            )
        )
    )
    if found is None:
        raise NotFound(_("未找到该人员"))
    return found


@use_case
def create_vote(actor: Actor, township: Township, item_id: int, data: VoteInput) -> Vote:
    """Put an item on the agenda to the vote while the session is open. The schema checked the
    method, the channel and a paper ballot's three people; here what needs the item: elections
    and personnel items only secret, an election's seats and candidates (差额 by the setting),
    and that the tellers and the scrutineer are the township's."""
    item = get_item(actor, township, item_id)
    _require_office(actor, township)
    session = _open_session_of(
        township, _get(Session, township, item.session_id, _("未找到该次会议"))
    )
    if item.status != ItemStatus.ON_AGENDA:
        raise Conflict(_("该议题不在议程中"))
    existing = db.session.scalar(select(Vote.id).where(Vote.item_id == item.id))
    if existing is not None:
        raise Conflict(_("该议题已经表决"))
    errors: dict[str, list[str]] = {}
    method = data.method
    if item.kind in SECRET_KINDS and method != VoteMethod.SECRET:
        errors["method"] = [_("选举和人事事项必须无记名投票")]
    channel = str(data.channel or BallotChannel.ONLINE) if method == VoteMethod.SECRET else None
    names: list[str] = []
    seats = None
    if item.kind == ItemKind.ELECTION:
        names = list(data.candidates)
        seats = data.seats
        if seats is None:
            errors["seats"] = [_("请填写应选名额")]
        if len(set(names)) != len(names) or not names:
            errors["candidates"] = [_("请填写候选人（不能重复）")]
        elif (
            seats is not None
            and settings(township.id)["competitive_election"]
            and len(names) <= seats
        ):
            errors["candidates"] = [_("差额选举：候选人须多于应选名额 %(n)d 名", n=seats)]
    if errors:
        raise ValidationFailed(errors=errors)
    tellers: dict[str, int] = {}
    if channel == BallotChannel.PAPER:
        # The schema made sure of all three, three different people; here that they are ours.
        tellers = {
            "teller1_id": _member_user(township, data.teller1_id),
            "teller2_id": _member_user(township, data.teller2_id),
            "scrutineer_id": _member_user(township, data.scrutineer_id),
        }
    online_secret = method == VoteMethod.SECRET and channel == BallotChannel.ONLINE
    vote = Vote(
        session_id=session.id,
        item_id=item.id,
        method=method,
        channel=channel,
        seats=seats,
        state=VoteState.OPEN,
        expected_count=expected_count(township, session),
        min_ballots=int(settings(township.id)["ballot_batch"]) if online_secret else None,
        seal_salt=anonymous.new_salt() if online_secret else None,
        **tellers,
    )
    db.session.add(vote)
    db.session.flush()
    for name in names:
        db.session.add(Candidate(vote_id=vote.id, name=name))
    _audit(
        "vote_create",
        actor,
        township,
        "annual_session_vote",
        vote.id,
        method=method,
        channel=channel,
    )
    return vote


def get_vote(actor: Actor, township: Township, vote_id: int) -> Vote:
    permissions.require_member(actor, township)
    return _get(Vote, township, vote_id, _("未找到该表决"))


def candidates(vote: Vote) -> list[Candidate]:
    return list(
        db.session.scalars(
            select(Candidate).where(Candidate.vote_id == vote.id).order_by(Candidate.id)
        )
    )


def _present(session: Session, today: date | None = None) -> int:
    """Those here today: checked in, and not on granted leave from today or before."""
    day = _today(today)
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    return sum(1 for r in rows if _here(r, day))


def _base(township: Township, vote: Vote, session: Session) -> int:
    """What "more than half" is of: 应到 by default, or those present."""
    if settings(township.id)["pass_rule"] == "present":
        return _present(session)
    return vote.expected_count


def passes(yes: int, base: int) -> bool:
    return yes * 2 > base


def _close(township: Township, vote: Vote, result: dict[str, Any]) -> None:
    session = _get(Session, township, vote.session_id, _("未找到该次会议"))
    base = _base(township, vote, session)
    if vote.seats is not None:
        cands = candidates(vote)
        tallies = {str(c.id): int(result.get("candidates", {}).get(str(c.id), 0)) for c in cands}
        ranked = sorted(cands, key=lambda c: -tallies[str(c.id)])
        seats = vote.seats
        # The first candidate outside the seats: anyone within them who only ties with it is
        # not elected (that needs another round).
        edge = tallies[str(ranked[seats].id)] if len(ranked) > seats else None
        elected = {
            c.id
            for c in ranked[:seats]
            if passes(tallies[str(c.id)], base) and (edge is None or tallies[str(c.id)] > edge)
        }
        for c in cands:
            c.elected = c.id in elected
        vote.passed = bool(elected)
    else:
        vote.passed = passes(int(result.get("yes", 0)), base)
    vote.result = {**result, "base": base}
    vote.state, vote.closed_at = VoteState.CLOSED, utcnow()


@use_case
def record_hands(actor: Actor, township: Township, vote_id: int, data: HandsInput) -> Vote:
    """A show of hands, recorded as counts; the vote closes with them."""
    vote = get_vote(actor, township, vote_id)
    _require_office(actor, township)
    session = _open_session_of(township, vote)
    if vote.method != VoteMethod.HANDS:
        raise Conflict(_("该项不是举手表决"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("表决已结束"))
    counts = {"yes": data.yes, "no": data.no, "abstain": data.abstain}
    if sum(counts.values()) > _present(session):
        present = _present(session)
        raise ValidationFailed(
            errors={"yes": [_("赞成、反对、弃权合计不能超过到会人数 %(n)d", n=present)]}
        )
    _close(township, vote, counts)
    _audit("vote_hands", actor, township, "annual_session_vote", vote.id, **counts)
    return vote


def _voter(actor: Actor, township: Township, vote: Vote) -> Representative:
    """A representative present at the session (a non-representative cannot vote)."""
    session = _open_session_of(township, vote)
    rep = casework.representative_of(actor, township)
    if rep is None:
        raise PermissionDenied(_("只有代表可以投票"))
    row = _attendance(session, rep.id)
    if row is None or not _here(row, _today()):
        raise PermissionDenied(_("请先签到再投票"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("投票已结束"))
    return rep


def _clean_content(vote: Vote, data: BallotInput) -> dict[str, Any]:
    """What the ballot says, checked against the vote: the chosen candidates (sorted, each
    once, at most the seats) or the choice. Nothing else of the input reaches the ballot."""
    if vote.seats is not None:
        ids = {c.id for c in candidates(vote)}
        chosen = sorted(set(data.candidate_ids or []))
        if any(i not in ids for i in chosen):
            raise ValidationFailed(errors={"candidate_ids": [_("请从候选人中选择")]})
        if len(chosen) > vote.seats:
            raise ValidationFailed(
                errors={"candidate_ids": [_("最多选 %(n)d 名（多选作废）", n=vote.seats)]}
            )
        return {"candidates": chosen}
    choice = data.choice or ""
    if choice not in CHOICES:
        raise ValidationFailed(errors={"choice": [_("请选择赞成、反对或弃权")]})
    return {"choice": choice}


@use_case
def cast_named(actor: Actor, township: Township, vote_id: int, data: BallotInput) -> NamedVote:
    vote = get_vote(actor, township, vote_id)
    rep = _voter(actor, township, vote)
    if vote.method != VoteMethod.NAMED:
        raise Conflict(_("该项不是记名表决"))
    content = _clean_content(vote, data)
    try:
        with db.session.begin_nested():
            row = NamedVote(vote_id=vote.id, representative_id=rep.id, choice=content["choice"])
            db.session.add(row)
    except IntegrityError:
        raise AlreadyVoted(_("您已经表决过了")) from None
    return row


def close_vote(actor: Actor, township: Township, vote_id: int) -> Vote:
    """Close an online vote (named or secret) and count it."""
    vote = _close_vote(actor, township, vote_id)
    # Committed: the count may already have run (Celery eager, or a quick worker, after the
    # commit) in its own session; what it wrote is read again.
    db.session.expire_all()
    return vote


@use_case
def _close_vote(actor: Actor, township: Township, vote_id: int) -> Vote:
    vote = get_vote(actor, township, vote_id)
    _require_office(actor, township)
    _open_session_of(township, vote)
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("表决已结束"))
    if vote.method == VoteMethod.HANDS or vote.channel == BallotChannel.PAPER:
        raise Conflict(_("举手表决和纸质投票按录入的票数结束"), code="counted_by_entry")
    if vote.method == VoteMethod.NAMED:
        named = Counter(
            db.session.scalars(select(NamedVote.choice).where(NamedVote.vote_id == vote.id))
        )
        result: dict[str, Any] = {c: named[c] for c in CHOICES}
        _close(township, vote, result)
    else:
        # The worker opens the last sealed ballots and counts (`count_closed_vote`).
        vote.state = VoteState.COUNTING
        notify.enqueue(
            COUNT_TOPIC,
            {"vote_id": vote.id},
            tenant_id=township.id,
            dedupe_key=f"{COUNT_TOPIC}:{township.id}:{vote.id}",
        )
    _audit("vote_close", actor, township, "annual_session_vote", vote.id)
    return vote


def _count_ballots(vote: Vote, contents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    if vote.seats is not None:
        per: Counter[str] = Counter()
        total = 0
        for content in contents:
            total += 1
            per.update(str(i) for i in content.get("candidates", []))
        return {"ballots": total, "candidates": dict(per)}
    counts = Counter(content.get("choice") for content in contents)
    return {c: counts[c] for c in CHOICES}


@use_case
def enter_paper_tally(actor: Actor, township: Township, vote_id: int, data: TallyInput) -> Vote:
    """One teller's count of the paper ballots. When both tellers have entered the same counts,
    the result stands and the vote closes; different counts are kept for the scrutineer."""
    vote = get_vote(actor, township, vote_id)
    _open_session_of(township, vote)
    if vote.channel != BallotChannel.PAPER:
        raise Conflict(_("该项不是纸质投票"))
    if actor.user_id not in (vote.teller1_id, vote.teller2_id):
        raise PermissionDenied(_("只有指定的计票人可以录入"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("投票已结束"))
    if vote.seats is not None:
        counts: dict[str, Any] = {
            "ballots": data.ballots,
            "candidates": {str(c.id): data.candidates.get(str(c.id), 0) for c in candidates(vote)},
        }
    else:
        counts = {"yes": data.yes, "no": data.no, "abstain": data.abstain}
    mine = db.session.scalar(
        select(PaperTally).where(
            PaperTally.vote_id == vote.id, PaperTally.teller_id == actor.user_id
        )
    )
    if mine is None:
        mine = PaperTally(vote_id=vote.id, teller_id=actor.user_id, counts=counts)
        db.session.add(mine)
    else:
        mine.counts = counts
    db.session.flush()
    entries = list(db.session.scalars(select(PaperTally).where(PaperTally.vote_id == vote.id)))
    if len(entries) == 2 and entries[0].counts == entries[1].counts:
        _close(township, vote, counts)
        _audit("vote_paper", actor, township, "annual_session_vote", vote.id)
    return vote


def tally_status(actor: Actor, township: Township, vote_id: int) -> str:
    """For a paper vote: 'waiting' (fewer than two entries), 'mismatch' or 'agreed'."""
    vote = get_vote(actor, township, vote_id)
    entries = list(
        db.session.scalars(select(PaperTally.counts).where(PaperTally.vote_id == vote.id))
    )
    if vote.state == VoteState.CLOSED:
        return "agreed"
    if len(entries) < 2:
        return "waiting"
    return "mismatch"


@use_case
def reset_paper_tally(actor: Actor, township: Township, vote_id: int) -> Vote:
    """The scrutineer has the ballots counted again: both entries are cleared."""
    vote = get_vote(actor, township, vote_id)
    _open_session_of(township, vote)
    if vote.channel != BallotChannel.PAPER:
        raise Conflict(_("该项不是纸质投票"))
    if actor.user_id != vote.scrutineer_id:
        raise PermissionDenied(_("只有监票人可以要求重新计票"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("投票已结束"))
    db.session.execute(delete(PaperTally).where(PaperTally.vote_id == vote.id))
    _audit("vote_recount", actor, township, "annual_session_vote", vote.id)
    return vote


def result(actor: Actor, township: Township, vote_id: int) -> dict[str, Any]:
    """The tally: readable only once the vote has closed."""
    vote = get_vote(actor, township, vote_id)
    if vote.state == VoteState.COUNTING:
        raise Conflict(_("正在计票，请稍后再看"), code="vote_counting")
    if vote.state != VoteState.CLOSED or vote.result is None:
        raise Conflict(_("表决尚未结束，不能查看结果"), code="vote_open")
    out = {"passed": vote.passed, **vote.result}
    if vote.seats is not None:
        out["elected"] = [c.name for c in candidates(vote) if c.elected]
    return out


def votes(actor: Actor, township: Township, session_id: int) -> list[Vote]:
    session = get_session(actor, township, session_id)
    return list(
        db.session.scalars(select(Vote).where(Vote.session_id == session.id).order_by(Vote.id))
    )
