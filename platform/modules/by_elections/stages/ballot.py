"""直选: the election opened with the margin checked (差额幅度, frozen), a secret ballot of the
electoral unit's party members — online through one-time links, sealed with the receipt
(lianxin.db.anonymous), or on paper with the tellers' tallies entered — the count, and the
result notice, on which the elected join the roll with the rest of the term."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from lianxin.auth.actor import Actor
from lianxin.db import anonymous, db, utcnow
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.modules.by_elections.errors import AlreadyVoted, MarginShort, QuotaShort
from lianxin.modules.by_elections.inputs import (
    AnnounceInput,
    BallotInput,
    OpenInput,
    PaperCountInput,
)
from lianxin.modules.by_elections.models import (
    ByElection,
    Candidate,
    Channel,
    PooledBallot,
    Receipt,
    State,
    Step,
    Voter,
)
from lianxin.modules.by_elections.stages.common import (
    _audit,
    _digest,
    _get,
    _record,
    _require_state,
    _write,
    get_election,
    required_candidates,
    settings,
    steps_of,
    today,
)
from lianxin.modules.by_elections.stages.quotas import quota_lines
from lianxin.modules.by_elections.stages.steps import recommended_of
from lianxin.notify import service as notify
from lianxin.people import service as people
from lianxin.people.models import PartyMember
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


@dataclass
class IssuedLink:
    voter: Voter
    name: str
    token: str  # shown once, to hand out


def ballot_candidates(election: ByElection) -> list[Candidate]:
    """The candidates on the ballot: recommended and passed the review."""
    return [c for c in recommended_of(election) if c.passed]


def _box(election: ByElection) -> anonymous.Box:
    if election.seal_salt is None:
        raise Conflict(_("该补选不是网上无记名投票"))
    size = 64 + 24 * len(ballot_candidates(election))
    return anonymous.Box("by_election", election.tenant_id, election.id, election.seal_salt, size)


@use_case
def open_election(
    actor: Actor, township: Township, election_id: int, data: OpenInput
) -> list[IssuedLink]:
    """直选 recorded with its date: candidates on the ballot at least the seats plus the
    township's margin (else 409 margin) and meeting every structure quota, ages on the
    election's date (else 409 quota); online, each party member of the electoral unit gets
    a one-time link (shown once)."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.REVIEWED)
    rule = settings(township.id)
    margin = int(rule["margin_percent"])
    needed = required_candidates(election.seats, margin)
    on_ballot = len(ballot_candidates(election))
    if on_ballot < needed:
        raise MarginShort(
            _(
                "应选 %(s)d 名，差额幅度 %(m)d%%，候选人至少 %(n)d 名，现有 %(c)d 名",
                s=election.seats,
                m=margin,
                n=needed,
                c=on_ballot,
            )
        )
    short = [
        q
        for q in quota_lines(election, ballot_candidates(election), data.on or today())
        if not q.met
    ]
    if short:
        raise QuotaShort(
            _(
                "审查通过的候选人不满足结构名额：%(q)s",
                q="；".join(
                    _("%(k)s 至少 %(n)d 名，现有 %(c)d 名", k=q.label, n=q.minimum, c=q.count)
                    for q in short
                ),
            )
        )
    _record(actor, township, election, Step.ELECTION, data.on, data.note)
    election.margin_percent = margin
    election.channel = data.channel
    members = list(
        db.session.scalars(
            select(PartyMember)
            .where(PartyMember.branch_id == election.branch_id, PartyMember.is_active.is_(True))
            .order_by(PartyMember.name_pinyin, PartyMember.id)
        )
    )
    election.voters = len(members)
    issued: list[IssuedLink] = []
    if data.channel == Channel.ONLINE:
        if not members:
            raise ValidationFailed(errors={"channel": [_("该选举单位没有登记党员，无法网上投票")]})
        election.seal_salt = anonymous.new_salt()
        election.min_ballots = int(rule["min_ballots"])
        for member in members:
            token = secrets.token_urlsafe(24)
            voter = Voter(
                election_id=election.id, party_member_id=member.id, token_hash=_digest(token)
            )
            db.session.add(voter)
            issued.append(IssuedLink(voter, member.name, token))
        db.session.flush()
    _audit(
        "by_election.open",
        actor,
        township,
        election.id,
        channel=str(data.channel),
        voters=election.voters,
        candidates=on_ballot,
        margin_percent=margin,
    )
    return issued


@use_case
def reissue_link(actor: Actor, township: Township, election_id: int, voter_id: int) -> IssuedLink:
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.VOTING)
    voter = _get(Voter, township, voter_id, _("未找到该选民"))
    if voter.election_id != election.id:
        raise NotFound(_("未找到该选民"))
    token = secrets.token_urlsafe(24)
    voter.token_hash = _digest(token)
    _audit("by_election.link", actor, township, election.id, voter_id=voter.id)
    member = db.session.get(PartyMember, (township.id, voter.party_member_id))
    return IssuedLink(voter, member.name if member else "", token)


def voters_of(actor: Actor, township: Township, election_id: int) -> list[tuple[Voter, str]]:
    """Every eligible voter (to hand out or reissue links). Who has voted is not shown: only
    how many (`turnout`)."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    rows = db.session.execute(
        select(Voter, PartyMember.name)
        .join(
            PartyMember,
            (PartyMember.id == Voter.party_member_id) & (PartyMember.tenant_id == Voter.tenant_id),
        )
        .where(Voter.election_id == election.id)
        .order_by(PartyMember.name_pinyin, Voter.id)
    ).all()
    return [(v, n) for v, n in rows]


def turnout(election: ByElection) -> int:
    """How many have voted so far — never who or what."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Receipt).where(Receipt.election_id == election.id)
        )
        or 0
    )


def voter_by_link(township: Township, token: str | None) -> tuple[ByElection, Voter]:
    voter = db.session.scalar(select(Voter).where(Voter.token_hash == _digest(token or "")))
    if voter is None:
        raise NotFound(_("链接无效或已失效"))
    election = _get(ByElection, township, voter.election_id, _("链接无效或已失效"))
    return election, voter


def has_voted(election: ByElection, voter: Voter) -> bool:
    return (
        db.session.scalar(
            select(Receipt.id).where(
                Receipt.election_id == election.id, Receipt.voter_id == voter.id
            )
        )
        is not None
    )


@use_case
def cast_by_link(township: Township, token: str | None, data: BallotInput) -> None:
    """A voter's secret ballot through their one-time link: at most the seats, of the ballot's
    candidates; the receipt (one per voter) and the sealed ballot commit together."""
    election, voter = voter_by_link(township, token)
    if election.state != State.VOTING or election.channel != Channel.ONLINE:
        raise Conflict(_("投票未在进行中"))
    on_ballot = {c.id for c in ballot_candidates(election)}
    chosen = sorted(set(data.candidate_ids))
    if any(c not in on_ballot for c in chosen):
        raise ValidationFailed(errors={"candidate_ids": [_("候选人不正确")]})
    if len(chosen) > election.seats:
        raise ValidationFailed(errors={"candidate_ids": [_("最多可选 %(n)d 名", n=election.seats)]})
    sealed = _box(election).seal({"c": chosen})
    db.session.add(Receipt(election_id=election.id, voter_id=voter.id))
    db.session.add(PooledBallot(election_id=election.id, sealed=sealed))
    try:
        db.session.flush()
    except IntegrityError:
        raise AlreadyVoted(_("您已经投过票了")) from None


def _elect(election: ByElection, tallies: dict[int, int], ballots: int) -> None:
    """Each candidate's votes; elected: more than half of the ballots cast, the most votes
    first, up to the seats. Candidates tied across the last seat are not elected (that seat
    stays vacant for another ballot)."""
    candidates = ballot_candidates(election)
    for c in candidates:
        c.votes = tallies.get(c.id, 0)
        c.elected = False
    qualified = sorted(
        (c for c in candidates if (c.votes or 0) * 2 > ballots), key=lambda c: -(c.votes or 0)
    )
    if len(qualified) > election.seats:
        cut = qualified[election.seats - 1].votes
        if qualified[election.seats].votes == cut:
            qualified = [c for c in qualified if (c.votes or 0) > (cut or 0)]
        else:
            qualified = qualified[: election.seats]
    for c in qualified:
        c.elected = True
    election.ballots = ballots
    election.state, election.counted_at = State.COUNTED, utcnow()


@use_case
def close_and_count(actor: Actor, township: Township, election_id: int) -> ByElection:
    """Close the online ballot and count: every sealed ballot opened at once, only each
    candidate's tally kept, the ballots deleted. Fewer ballots than the township's minimum are
    never opened (the votes of a handful could be told apart)."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.VOTING)
    if election.channel != Channel.ONLINE:
        raise Conflict(_("纸质投票请录入计票结果"))
    rows = list(
        db.session.scalars(select(PooledBallot).where(PooledBallot.election_id == election.id))
    )
    tallies: dict[int, int] = {}
    if len(rows) < int(election.min_ballots or 1):
        election.withheld = True
        election.ballots = len(rows)
        election.state, election.counted_at = State.COUNTED, utcnow()
        for c in ballot_candidates(election):
            c.votes, c.elected = None, False
    else:
        box = _box(election)
        for row in rows:
            for cid in box.open(row.sealed).get("c", []):
                tallies[int(cid)] = tallies.get(int(cid), 0) + 1
        _elect(election, tallies, len(rows))
    db.session.execute(
        delete(PooledBallot).where(PooledBallot.election_id == election.id),
        execution_options={"synchronize_session": False},
    )
    for row in rows:
        db.session.expunge(row)
    _audit(
        "by_election.count",
        actor,
        township,
        election.id,
        ballots=len(rows),
        withheld=election.withheld,
    )
    return election


@use_case
def record_paper_count(
    actor: Actor, township: Township, election_id: int, data: PaperCountInput
) -> ByElection:
    """The tellers' count of a paper ballot: ballots cast and each candidate's votes (tallies
    only). A candidate not given has no votes; no one more votes than ballots."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.VOTING)
    if election.channel != Channel.PAPER:
        raise Conflict(_("网上投票由系统计票"))
    if election.voters and data.ballots > election.voters:
        raise ValidationFailed(errors={"ballots": [_("收回的选票不能多于选民人数")]})
    on_ballot = {c.id for c in ballot_candidates(election)}
    tallies: dict[int, int] = {}
    for line in data.tallies:
        if line.candidate_id not in on_ballot:
            raise ValidationFailed(errors={"tallies": [_("候选人不正确")]})
        if line.votes > data.ballots:
            raise ValidationFailed(errors={"tallies": [_("得票数不能多于收回的选票")]})
        tallies[line.candidate_id] = line.votes
    if sum(tallies.values()) > data.ballots * election.seats:
        raise ValidationFailed(errors={"tallies": [_("得票总数超过选票可投的票数")]})
    _elect(election, tallies, data.ballots)
    _audit("by_election.count", actor, township, election.id, ballots=data.ballots, withheld=False)
    return election


@use_case
def announce(
    actor: Actor, township: Township, election_id: int, data: AnnounceInput
) -> list[Candidate]:
    """The result notice: published on its date; the elected join the roll (the people
    module's use case) in the by-election's term and electoral unit."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.COUNTED)
    if election.withheld:
        raise Conflict(_("选票少于最低票数，未计票，不能公告结果"))
    day = data.on or today()
    voted_on = steps_of(election)[Step.ELECTION].on
    if day > today():
        raise ValidationFailed(errors={"on": [_("日期不能晚于今天")]})
    if day < voted_on:
        raise ValidationFailed(errors={"on": [_("日期不能早于选举日期")]})
    elected = [c for c in ballot_candidates(election) if c.elected]
    for c in elected:
        rep = people.create_representative(
            actor,
            township,
            people.RepresentativeInput(
                name=c.name,
                gender=c.gender,
                birth_date=c.birth_date,
                education=c.education,
                category=c.category,
                term=election.term,
                ethnicity=c.ethnicity,
                branch_id=election.branch_id,
                phone=c.phone,
                workplace=c.workplace,
            ),
        )
        c.representative_id = rep.id
    election.state, election.announced_on = State.ANNOUNCED, day
    _audit(
        "by_election.announce",
        actor,
        township,
        election.id,
        on=day.isoformat(),
        elected=len(elected),
    )
    # The office staff who ran it (they recorded its steps) are told.
    office = {r.recorded_by_id for r in steps_of(election).values() if r.recorded_by_id}
    notify.notify(
        office,
        _("补选结果公告：%(t)s", t=election.title),
        _("当选 %(n)d 名，已列入代表名册", n=len(elected)),
        tenant_id=township.id,
        link=f"/p/{township.slug}/by_elections/{election.id}",
        kind="general",
    )
    return elected
