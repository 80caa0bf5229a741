"""The attacker's tools of tests/security/test_anonymity_storage.py.

Two parts:

- **What a database administrator reads** on PostgreSQL, as a superuser of the test's own
  database: every heap tuple of every table (live and dead, through `pageinspect`), the raw
  pages of a table and its indexes, the raw WAL between two LSNs (with its page headers cut
  out, so that a plaintext split by a page boundary is still found) and its records
  (`pg_walinspect`), and the server's log file.
- **The anonymous flows** of the platform driven through their services (ARCHITECTURE.md
  §6): an evaluation campaign in which every representative rates every committee member with
  a comment of their own (`MARK-<hex>`); an online secret vote of an annual session (a
  personnel item answered yes / no / abstain, or an election answered with candidate ids); a
  consultation's sealed secret vote on an appointment (同意 / 不同意 / 弃权); and a
  by-election's online ballot (the party members of the electoral unit, through their
  one-time links, choosing none to two of three candidates).

The contract these tools rely on (the fix of the sealed pool): the pool tables hold only a
`sealed` bytea next to their parent and group; the worker releases with
`evaluations.service.release_answers(township, campaign_id)` and
`annual_sessions.service.release_ballots(township, vote_id)`; the close releases the rest. A
consultation's vote and a by-election are released only once, all at once, by their close
(the consultation's count through the outbox; the by-election's count keeps only each
candidate's tally, so it has no final table: `Flow.final_table` is None).
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import time
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import Connection

from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township, TownshipModule
from tests.factories import World, actor, build_world, grant, make_represented, make_user
from tests.helpers import Clock

K = 3  # min_answers / answer_batch of the evaluations, ballot_batch of the annual sessions
VOTERS = 7  # 2K pending, and the worker releases all but K; the close the K or more left
PLANNING_DAY = date(2026, 3, 2)  # items may still be proposed (18 days before)
SESSION_DAY = date(2026, 3, 20)  # the session; also inside the evaluation campaign's period
CHOICES = ("yes", "no", "abstain")
VOTER_CHOICES = ("yes", "no", "abstain", "no", "yes", "abstain", "no")
GRADES = ("excellent", "competent", "incompetent")

# What a plaintext ballot looks like, however its JSON is spaced.
CHOICE_NEEDLES = tuple(
    f'"choice":{space}"{choice}"'.encode() for choice in CHOICES for space in ("", " ")
)
CANDIDATE_NEEDLES = (b'"candidates":[', b'"candidates": [')
CONSULTATION_STANCES = ("agree", "disagree", "abstain", "disagree", "agree", "abstain", "agree")
# A stance as the sealed JSON spells it, or as a bare column value ("disagree" holds "agree").
STANCE_NEEDLES = (
    *(
        f'"stance":{space}"{stance}"'.encode()
        for stance in ("agree", "disagree", "abstain")
        for space in ("", " ")
    ),
    b"agree",
    b"abstain",
)
BY_ELECTION_NEEDLES = (b'"c":[', b'"c": [')
SECRET_MODULES = ("evaluations", "annual_sessions", "consultations", "by_elections")


# --- the flows ----------------------------------------------------------------------------------


@dataclass
class Cast:
    """A world whose township runs both modules with K = 3, and VOTERS representatives with
    accounts (the whole roll: 应到 = VOTERS)."""

    world: World
    township: Township
    office: Actor
    voters: list[Actor]
    rep_ids: list[int]
    clock: Clock


def build_cast(clock: Clock) -> Cast:
    from lianxin.modules.registry import current_registry

    world = build_world()
    township = world.township
    installed = current_registry()
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.township_id == township.id,
            TownshipModule.module_key.in_(SECRET_MODULES),
        )
        .values(enabled=True)
    )
    db.session.commit()
    county_admin = actor(world.users["county_admin"])
    settings: dict[str, dict[str, Any]] = {
        "evaluations": {"min_answers": K, "answer_batch": K},
        "annual_sessions": {"ballot_batch": K},
        "consultations": {"secret_min_ballots": K, "min_representatives": 1},
        "by_elections": {"min_ballots": K},
    }
    for key, values in settings.items():
        if key in installed:
            tenants.update_module_settings(county_admin, world.county, township.id, key, values)
    reps, users = make_represented(township, VOTERS, "anon.rep", name="匿名代表")
    with tenant_context(township.id):
        for name in ("anon.member.a", "anon.member.b"):  # with world's: three committee members
            grant(make_user(name), Role.COMMITTEE_MEMBER, township=township)
        db.session.commit()
        rep_ids = [r.id for r in reps]
    return Cast(
        world,
        township,
        actor(world.users["township_staff"]),
        [actor(u) for u in users],
        rep_ids,
        clock,
    )


def contract(module: ModuleType, name: str) -> Callable[..., Any]:
    """A function of the contract the fix provides; its absence fails the test plainly."""
    found = getattr(module, name, None)
    if not callable(found):
        pytest.fail(
            f"{module.__name__}.{name} does not exist: the worker's release of the sealed pool "
            "(the contract of this attack) is missing",
            pytrace=False,
        )
    return found


@dataclass
class Flow:
    """One anonymous flow: how a voter answers, how the worker releases, how the office closes,
    and what an attacker looks for. Tables and columns are the platform's own names."""

    name: str
    township: Township
    parent_column: str  # campaign_id / vote_id
    parent_id: int
    pool_table: str
    final_table: str | None  # None: the count keeps only tallies (a by-election)
    receipt_table: str
    group_column: str | None  # a subject of the campaign; a vote is one group
    needles: tuple[bytes, ...]  # every plaintext any answer of this flow would show
    markers: list[bytes]  # per voter, a plaintext only that voter's answer contains
    submit: Callable[[int], None]
    release: Callable[[], int]
    close: Callable[[], None]
    groups: int = 1

    def voter_of(self, data: bytes) -> int | None:
        """Whose answer a final row is, by the unique marker (evaluations only)."""
        hits = [i for i, m in enumerate(self.markers) if m and m in data]
        return hits[0] if len(hits) == 1 else None


def _campaign_flow(
    cast: Cast,
    name: str,
    campaign_id: int,
    groups: int,
    submit: Callable[[int], None],
    needles: tuple[bytes, ...],
    markers: list[bytes],
) -> Flow:
    """What the evaluation flows share: the worker releases the campaign's pool, the office
    closes it, and the tables an attacker reads are the evaluations'."""
    from lianxin.modules.evaluations import service

    township, office = cast.township, cast.office

    def release() -> int:
        worker = contract(service, "release_answers")
        with tenant_context(township.id):
            db.session.commit()
            released = int(worker(township, campaign_id))
            db.session.commit()
        return released

    def close() -> None:
        with tenant_context(township.id):
            service.close_campaign(office, township, campaign_id)
            db.session.commit()

    return Flow(
        name=name,
        township=township,
        parent_column="campaign_id",
        parent_id=campaign_id,
        pool_table="ev_answer_pool",
        final_table="ev_answers",
        receipt_table="ev_receipts",
        group_column="subject_id",
        needles=needles,
        markers=markers,
        submit=submit,
        release=release,
        close=close,
        groups=groups,
    )


def evaluation_flow(cast: Cast) -> Flow:
    """A committee campaign: every voter rates the three committee members, each comment
    carrying the voter's marker and a length of its own (40 × i padding characters)."""
    from lianxin.modules.evaluations import service
    from lianxin.modules.evaluations.inputs import AnswerInput, CampaignInput

    township, office = cast.township, cast.office
    cast.clock.today = SESSION_DAY
    with tenant_context(township.id):
        campaign = service.create_campaign(
            office,
            township,
            CampaignInput(
                title=f"匿名评议{secrets.token_hex(3)}",
                shape="committee",
                opens_on=date(2026, 3, 1),
                closes_on=date(2026, 3, 31),
            ),
        )
        service.add_default_subjects(office, township, campaign.id)
        service.open_campaign(office, township, campaign.id)
        subject_ids = [s.id for s in service.subjects(office, township, campaign.id)]
        dimensions = [str(d["key"]) for d in campaign.dimensions]
        campaign_id = campaign.id
        db.session.commit()
    assert len(subject_ids) == 3
    markers = [f"MARK-{secrets.token_hex(6)}" for _i in range(VOTERS)]

    def submit(i: int) -> None:
        answers = [
            AnswerInput(
                subject_id=sid,
                scores={key: 1 + (i + n) % 10 for key in dimensions},
                overall=GRADES[(i + n) % 3],
                comment=f"{markers[i]}/{n} " + "~" * (40 * i),
            )
            for n, sid in enumerate(subject_ids)
        ]
        with tenant_context(township.id):
            service.submit_by_account(cast.voters[i], township, campaign_id, answers)
            db.session.commit()

    return _campaign_flow(
        cast,
        "evaluation",
        campaign_id,
        len(subject_ids),
        submit,
        tuple(m.encode() for m in markers),
        [m.encode() for m in markers],
    )


# What a plaintext answer of a paper form looks like (no comment is keyed on paper).
SCORE_NEEDLES = (b'"scores":{', b'"scores": {', b'"overall":"', b'"overall": "')


def paper_flow(cast: Cast) -> Flow:
    """A committee campaign answered on paper: for each voter, the office hands them a paper
    form (their receipt), registers a batch of that one form, and the two tellers (the office
    staff and the township administrator) key it in; the second, agreeing, entry seals the form
    into the pool. The voter's request is the whole of that: hand-out, batch, both entries."""
    from lianxin.modules.evaluations import service
    from lianxin.modules.evaluations.inputs import (
        CampaignInput,
        PaperBatchInput,
        PaperEntryInput,
        PaperFormInput,
        PaperHandOutInput,
    )

    township, office = cast.township, cast.office
    tellers = [actor(cast.world.users["township_staff"]), actor(cast.world.users["township_admin"])]
    cast.clock.today = SESSION_DAY
    with tenant_context(township.id):
        campaign = service.create_campaign(
            office,
            township,
            CampaignInput(
                title=f"纸质评议{secrets.token_hex(3)}",
                shape="committee",
                opens_on=date(2026, 3, 1),
                closes_on=date(2026, 3, 31),
            ),
        )
        service.add_default_subjects(office, township, campaign.id)
        links = service.open_campaign(office, township, campaign.id)
        by_rep = {link.rater.representative_id: link.rater.id for link in links}
        rater_ids = [by_rep[rep_id] for rep_id in cast.rep_ids]
        subject_ids = [s.id for s in service.subjects(office, township, campaign.id)]
        dimensions = [str(d["key"]) for d in campaign.dimensions]
        campaign_id = campaign.id
        teller_ids = [t.user_id for t in tellers]
        db.session.commit()
    assert len(subject_ids) == 3

    def submit(i: int) -> None:
        from lianxin.modules.evaluations.inputs import AnswerInput

        form = PaperFormInput(
            answers=tuple(
                AnswerInput(
                    subject_id=sid,
                    scores={key: 1 + (i + n) % 10 for key in dimensions},
                    overall=GRADES[(i + n) % 3],
                )
                for n, sid in enumerate(subject_ids)
            )
        )
        with tenant_context(township.id):
            service.hand_out_paper(
                office, township, campaign_id, PaperHandOutInput((rater_ids[i],))
            )
            batch = service.create_batch(
                office,
                township,
                campaign_id,
                PaperBatchInput(f"第{i + 1}份", "representative", 1, *teller_ids),
            )
            db.session.commit()
            for teller in tellers:
                service.enter_paper(teller, township, batch.id, PaperEntryInput(forms=(form,)))
                db.session.commit()

    return _campaign_flow(
        cast,
        "paper",
        campaign_id,
        len(subject_ids),
        submit,
        SCORE_NEEDLES,
        [b"" for _i in range(VOTERS)],
    )


GUESTS = 3  # of the VOTERS, the last three are 机关干部 named by the office, by one-time link


def categories_flow(cast: Cast) -> Flow:
    """A committee campaign with two rater categories: the first VOTERS − GUESTS voters are
    representatives answering from their account, the last GUESTS are agency cadres (机关干部)
    answering through their one-time link; each comment carries the voter's marker. Answers are
    released per subject and category, so each final row names its category: every batch of a
    category must still hold at least K answers."""
    from lianxin.modules.evaluations import service
    from lianxin.modules.evaluations.inputs import AnswerInput, CampaignInput, GuestRaterInput

    township, office = cast.township, cast.office
    cast.clock.today = SESSION_DAY
    with tenant_context(township.id):
        campaign = service.create_campaign(
            office,
            township,
            CampaignInput(
                title=f"分类评议{secrets.token_hex(3)}",
                shape="committee",
                opens_on=date(2026, 3, 1),
                closes_on=date(2026, 3, 31),
            ),
        )
        service.add_default_subjects(office, township, campaign.id)
        for g in range(GUESTS):
            service.add_guest(
                office, township, campaign.id, GuestRaterInput(f"机关干部{g}", "agency_cadre")
            )
        links = service.open_campaign(office, township, campaign.id)
        tokens = [link.token for link in links if link.rater.guest_name is not None]
        subject_ids = [s.id for s in service.subjects(office, township, campaign.id)]
        dimensions = [str(d["key"]) for d in campaign.dimensions]
        campaign_id = campaign.id
        db.session.commit()
    assert len(subject_ids) == 3 and len(tokens) == GUESTS
    markers = [f"MARK-{secrets.token_hex(6)}" for _i in range(VOTERS)]
    reps = VOTERS - GUESTS

    def submit(i: int) -> None:
        answers = [
            AnswerInput(
                subject_id=sid,
                scores={key: 1 + (i + n) % 10 for key in dimensions},
                overall=GRADES[(i + n) % 3],
                comment=f"{markers[i]}/{n} " + "~" * (40 * i),
            )
            for n, sid in enumerate(subject_ids)
        ]
        with tenant_context(township.id):
            if i < reps:
                service.submit_by_account(cast.voters[i], township, campaign_id, answers)
            else:
                service.submit_by_link(township, tokens[i - reps], answers)
            db.session.commit()

    return _campaign_flow(
        cast,
        "categories",
        campaign_id,
        len(subject_ids),
        submit,
        tuple(m.encode() for m in markers),
        [m.encode() for m in markers],
    )


def ballot_flow(cast: Cast, kind: str) -> Flow:
    """An annual session with one item (`personnel`: yes / no / abstain; `election`: two seats,
    three candidates, each voter choosing none to two of them), voted secretly online."""
    from lianxin.modules.annual_sessions import service
    from lianxin.modules.annual_sessions.inputs import (
        BallotInput,
        ItemInput,
        SessionInput,
        VoteInput,
    )

    township, office = cast.township, cast.office
    committee = actor(cast.world.users["committee_member"])
    cast.clock.today = PLANNING_DAY
    with tenant_context(township.id):
        session = service.create_session(
            office,
            township,
            SessionInput(
                title=f"匿名表决{secrets.token_hex(3)}", held_on=SESSION_DAY, place="镇会议中心"
            ),
        )
        item = service.propose_item(
            committee,
            township,
            session.id,
            ItemInput(title=f"议题{secrets.token_hex(3)}", kind=kind, proposer="committee"),
        )
        service.decide_item(committee, township, item.id, accept=True)
        service.fix_agenda(office, township, session.id)
        cast.clock.today = SESSION_DAY
        for rep_id in cast.rep_ids:
            service.check_in(office, township, session.id, rep_id)
        service.open_session(office, township, session.id)
        data = VoteInput(method="secret", channel="online")
        if kind == "election":
            data = VoteInput(
                method="secret", channel="online", seats=2, candidates=["张三", "李四", "王五"]
            )
        vote = service.create_vote(office, township, item.id, data)
        candidate_ids = [c.id for c in service.candidates(vote)]
        vote_id = vote.id
        db.session.commit()

    if kind == "election":
        a, b, c = candidate_ids
        picks: list[list[int]] = [[], [a], [a, b], [b, c], [c], [a, c], [b]]
        contents = [BallotInput(candidate_ids=p) for p in picks]
        needles: tuple[bytes, ...] = CANDIDATE_NEEDLES
        markers = [b"" for _p in picks]  # a list of ids is no one's own
    else:
        contents = [BallotInput(choice=choice) for choice in VOTER_CHOICES]
        needles = CHOICE_NEEDLES
        markers = [b"" for _c in contents]

    def submit(i: int) -> None:
        with tenant_context(township.id):
            service.cast_secret(cast.voters[i], township, vote_id, contents[i])
            db.session.commit()

    def release() -> int:
        worker = contract(service, "release_ballots")
        with tenant_context(township.id):
            db.session.commit()
            released = int(worker(township, vote_id))
            db.session.commit()
        return released

    def close() -> None:
        with tenant_context(township.id):
            service.close_vote(office, township, vote_id)
            db.session.commit()

    return Flow(
        name=kind,
        township=township,
        parent_column="vote_id",
        parent_id=vote_id,
        pool_table="as_ballot_pool",
        final_table="as_ballots",
        receipt_table="as_receipts",
        group_column=None,
        needles=needles,
        markers=markers,
        submit=submit,
        release=release,
        close=close,
    )


def consultation_flow(cast: Cast) -> Flow:
    """A consultation on an appointment put straight to a secret vote of the VOTERS
    representatives (all with accounts); each answers 同意 / 不同意 / 弃权 from their account.
    Nothing is released while it runs: the close counts every ballot at once (K = 3)."""
    from lianxin.modules.consultations import service
    from lianxin.modules.consultations.inputs import AnswerInput, ConsultationInput

    township, office = cast.township, cast.office
    cast.clock.today = SESSION_DAY
    with tenant_context(township.id):
        opened = service.open_consultation(
            office,
            township,
            ConsultationInput(
                title=f"任职表决{secrets.token_hex(3)}",
                kind="appointment",
                mode="secret_vote",
                deadline=date(2026, 3, 27),
                representative_ids=list(cast.rep_ids),
            ),
        )
        consultation_id = opened.consultation.id
        db.session.commit()

    def submit(i: int) -> None:
        with tenant_context(township.id):
            service.answer(
                cast.voters[i], township, consultation_id, AnswerInput(CONSULTATION_STANCES[i])
            )
            db.session.commit()

    def release() -> int:
        return 0  # no worker releases while the vote runs: the close counts all at once

    def close() -> None:
        with tenant_context(township.id):
            service.close_consultation(office, township, consultation_id)
            db.session.commit()

    return Flow(
        name="consultation",
        township=township,
        parent_column="consultation_id",
        parent_id=consultation_id,
        pool_table="cs_ballot_pool",
        final_table="cs_ballots",
        receipt_table="cs_receipts",
        group_column=None,
        needles=STANCE_NEEDLES,
        markers=[b"" for _s in CONSULTATION_STANCES],
        submit=submit,
        release=release,
        close=close,
    )


BY_ELECTION_DAY = date(2026, 3, 2)  # registered; the notice's five days end before SESSION_DAY


def by_election_flow(cast: Cast) -> Flow:
    """A by-election of two seats in the world's branch (two representatives whose
    qualification ended), three candidates through the six steps, and VOTERS party members of
    the branch voting online through their one-time links, each choosing none to two."""
    from datetime import timedelta

    from lianxin.modules.by_elections import service
    from lianxin.modules.by_elections.inputs import (
        BallotInput,
        ByElectionInput,
        CandidateInput,
        OpenInput,
        RecommendInput,
        ReviewInput,
        StepInput,
    )
    from lianxin.people import service as people
    from lianxin.people.models import PartyMember
    from lianxin.usecases import load_input

    township, office = cast.township, cast.office
    branch = cast.world.branches["t"]
    tag = secrets.token_hex(3)
    cast.clock.today = BY_ELECTION_DAY
    with tenant_context(township.id):
        ended = []
        for n in range(2):
            rep = people.create_representative(
                office,
                township,
                load_input(
                    people.RepresentativeInputSchema,
                    {
                        "name": f"离任{tag}{n}",
                        "birth_date": f"196{n}-01-01",
                        "gender": "男",
                        "education": "大学本科",
                        "category": "农民",
                        "term": 13,
                        "branch_id": branch.id,
                    },
                ),
            )
            people.end_qualification(
                office, township, rep.id, reason="transferred", on=date(2026, 2, 1)
            )
            ended.append(rep.id)
        for n in range(VOTERS):
            db.session.add(
                PartyMember(
                    name=f"选民{tag}{n}",
                    name_pinyin=f"xuanmin{tag}{n}",
                    name_initials="xm",
                    branch_id=branch.id,
                    is_active=True,
                )
            )
        election = service.create_by_election(
            office,
            township,
            ByElectionInput(
                title=f"补选{tag}", branch_id=branch.id, seats=2, term=13, vacancy_ids=ended
            ),
        )
        ids = [
            service.add_candidate(
                office,
                township,
                election.id,
                CandidateInput(
                    name=f"候选{tag}{n}",
                    gender="female" if n % 2 else "male",
                    birth_date=date(1980 + n, 3, 1),
                    education="bachelor",
                    category="farmer",
                ),
            ).id
            for n in range(3)
        ]
        service.close_nomination(office, township, election.id, StepInput())
        service.recommend(office, township, election.id, RecommendInput(candidate_ids=ids))
        service.publish_notice(office, township, election.id, StepInput())
        cast.clock.today = BY_ELECTION_DAY + timedelta(days=10)
        for cid in ids:
            service.review_candidate(office, township, election.id, cid, ReviewInput(passed=True))
        service.close_review(office, township, election.id, StepInput())
        links = service.open_election(office, township, election.id, OpenInput(channel="online"))
        tokens = [link.token for link in links]
        election_id = election.id
        db.session.commit()
    cast.clock.today = SESSION_DAY
    assert len(tokens) == VOTERS
    a, b, c = ids
    picks: list[list[int]] = [[], [a], [a, b], [b, c], [c], [a, c], [b]]

    def submit(i: int) -> None:
        with tenant_context(township.id):
            service.cast_by_link(township, tokens[i], BallotInput(candidate_ids=picks[i]))
            db.session.commit()

    def release() -> int:
        return 0  # nothing is opened while the ballot runs

    def close() -> None:
        with tenant_context(township.id):
            service.close_and_count(office, township, election_id)
            db.session.commit()

    return Flow(
        name="by_election",
        township=township,
        parent_column="election_id",
        parent_id=election_id,
        pool_table="be_ballot_pool",
        final_table=None,
        receipt_table="be_receipts",
        group_column=None,
        needles=BY_ELECTION_NEEDLES,
        markers=[b"" for _p in picks],
        submit=submit,
        release=release,
        close=close,
    )


def build_flow(cast: Cast, name: str) -> Flow:
    if name == "evaluation":
        return evaluation_flow(cast)
    if name == "paper":
        return paper_flow(cast)
    if name == "categories":
        return categories_flow(cast)
    if name == "consultation":
        return consultation_flow(cast)
    if name == "by_election":
        return by_election_flow(cast)
    return ballot_flow(cast, name)


# --- PostgreSQL, read as a superuser ------------------------------------------------------------


XID_SPACE = 2**32


def next_xid(su: Connection) -> int:
    """The first transaction id not yet completed: every id a request is assigned after this
    call and finishes before the next call lies between the two answers."""
    return int(su.scalar(text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")))


@dataclass
class Xids:
    """Sets of 32-bit xids (as heap tuples carry them), kept as spans [a, b)."""

    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, first: int, last: int) -> None:
        """The 64-bit ids first ≤ x < last (split where the 32-bit counter wraps)."""
        while first < last:
            end = min(last, (first // XID_SPACE + 1) * XID_SPACE)
            self.spans.append((first % XID_SPACE, (end - 1) % XID_SPACE + 1))
            first = end

    def __or__(self, other: Iterable[int]) -> Xids:
        return Xids([*self.spans, *((x, x + 1) for x in other)])

    def __contains__(self, xid: object) -> bool:
        return isinstance(xid, int) and any(a <= xid < b for a, b in self.spans)

    def multirange(self) -> str:
        return "{" + ",".join(f"[{a},{b})" for a, b in self.spans) + "}"


@dataclass(frozen=True)
class HeapTuple:
    relation: str
    xmin: int
    xmax: int
    data: bytes


def heap_tuples(su: Connection, xmins: Xids) -> list[HeapTuple]:
    """Every tuple with storage (live or dead) of every table of the database and of their
    TOAST tables, read page by page with pageinspect, that one of `xmins` wrote."""
    rows = su.execute(
        text(
            """
            SELECT c.oid::regclass::text, h.t_xmin::text::bigint, h.t_xmax::text::bigint, h.t_data
            FROM pg_class c
            CROSS JOIN LATERAL generate_series(
                0, (pg_relation_size(c.oid) / current_setting('block_size')::bigint)::int - 1
            ) AS p(blk)
            CROSS JOIN LATERAL heap_page_items(get_raw_page(c.oid::regclass::text, p.blk)) AS h
            WHERE c.relpersistence = 'p' AND h.lp_flags = 1 AND h.t_data IS NOT NULL
              AND CAST(:x AS int8multirange) @> h.t_xmin::text::bigint
              AND (c.relkind IN ('r', 'm') AND c.relnamespace = 'public'::regnamespace
                   OR c.oid IN (SELECT reltoastrelid FROM pg_class
                                WHERE relnamespace = 'public'::regnamespace))
            """
        ),
        {"x": xmins.multirange()},
    )
    return [HeapTuple(r[0], int(r[1]), int(r[2]), bytes(r[3])) for r in rows]


def user_tables(su: Connection) -> set[str]:
    return set(
        su.scalars(
            text(
                "SELECT relname FROM pg_class "
                "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
            )
        )
    )


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).encode()
    return str(value).encode()


@dataclass(frozen=True)
class LogicalRow:
    table: str
    xmin: int
    data: bytes


def rows_written_by(su: Connection, tables: Iterable[str], xids: Xids) -> list[LogicalRow]:
    """The live rows of `tables` whose xmin is one of `xids`, as SQL returns them (TOAST read
    and decompressed, bytea as its bytes, JSON as JSON text)."""
    found = []
    for table in sorted(set(tables)):
        result = su.execute(
            text(
                f'SELECT xmin::text::bigint AS "xmin*", * FROM "{table}" '
                "WHERE CAST(:x AS int8multirange) @> xmin::text::bigint"
            ),
            {"x": xids.multirange()},
        )
        for row in result:
            found.append(
                LogicalRow(table, int(row[0]), b"\x00".join(_as_bytes(v) for v in row[1:]))
            )
    return found


def looks_random(value: bytes) -> bool:
    """Ciphertext does not compress; a padded or encoded plaintext does."""
    return len(zlib.compress(value, 9)) >= len(value) * 0.95


def relation_pages(su: Connection, table: str) -> bytes:
    """The raw pages (free space included) of a table, its TOAST table and all their indexes."""
    raw = su.scalar(
        text(
            """
            WITH t AS (SELECT CAST(:t AS regclass)::oid AS oid),
            rels AS (
                SELECT t.oid FROM t
                UNION SELECT c.reltoastrelid FROM pg_class c, t
                      WHERE c.oid = t.oid AND c.reltoastrelid <> 0
                UNION SELECT i.indexrelid FROM pg_index i, t WHERE i.indrelid = t.oid
                UNION SELECT i.indexrelid FROM pg_index i JOIN pg_class c
                      ON i.indrelid = c.reltoastrelid, t WHERE c.oid = t.oid
            )
            SELECT coalesce(
                string_agg(get_raw_page(r.oid::regclass::text, p.blk), ''::bytea
                           ORDER BY r.oid, p.blk),
                ''::bytea)
            FROM rels r
            CROSS JOIN LATERAL generate_series(
                0, (pg_relation_size(r.oid) / current_setting('block_size')::bigint)::int - 1
            ) AS p(blk)
            """
        ),
        {"t": table},
    )
    return bytes(raw or b"")


def columns(su: Connection, table: str) -> set[str]:
    return set(
        su.scalars(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = :t"
            ),
            {"t": table},
        )
    )


def receipt_xmins(su: Connection, flow: Flow) -> set[int]:
    return {
        int(x)
        for x in su.scalars(
            text(
                f"SELECT xmin::text::bigint FROM {flow.receipt_table} "
                f"WHERE {flow.parent_column} = :p"
            ),
            {"p": flow.parent_id},
        )
    }


@dataclass(frozen=True)
class FinalRow:
    xmin: int
    key: str
    group: Any
    data: bytes


def final_rows(su: Connection, flow: Flow) -> list[FinalRow]:
    """The final rows of the flow in their physical order (ctid)."""
    group = flow.group_column or "NULL"
    rows = su.execute(
        text(
            f"SELECT t.xmin::text::bigint, t.key, {group}, to_jsonb(t)::text "
            f"FROM {flow.final_table} t WHERE t.{flow.parent_column} = :p ORDER BY t.ctid"
        ),
        {"p": flow.parent_id},
    )
    return [FinalRow(int(r[0]), str(r[1]), r[2], str(r[3]).encode()) for r in rows]


def pool_count(su: Connection, flow: Flow) -> int:
    return int(
        su.scalar(
            text(f"SELECT count(*) FROM {flow.pool_table} WHERE {flow.parent_column} = :p"),
            {"p": flow.parent_id},
        )
    )


def key_forms(key: str) -> list[bytes]:
    """A uuid as text, as 32 hex digits and as its 16 raw bytes."""
    value = uuid.UUID(key)
    return [str(value).encode(), value.hex.encode(), value.bytes]


# --- the WAL ------------------------------------------------------------------------------------


def lsn_int(value: str) -> int:
    high, low = value.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def lsn_text(value: int) -> str:
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


@dataclass(frozen=True)
class WalRecord:
    start: int
    end: int
    xid: int
    resource_manager: str
    record_type: str
    description: str
    block_ref: str
    data: bytes  # the record's raw bytes, page headers cut out

    def in_database(self, oid: int) -> bool:
        return f"/{oid}/" in self.block_ref


@dataclass
class Wal:
    """The raw WAL, read with pg_read_binary_file from pg_wal/, and its records."""

    su: Connection
    segment: int = field(init=False)
    page: int = field(init=False)

    def __post_init__(self) -> None:
        self.su.execute(text("CREATE EXTENSION IF NOT EXISTS pg_walinspect"))
        self.segment = int(
            self.su.scalar(text("SELECT pg_size_bytes(current_setting('wal_segment_size'))"))
        )
        self.page = int(self.su.scalar(text("SELECT current_setting('wal_block_size')::int")))

    def insert_lsn(self) -> int:
        return lsn_int(str(self.su.scalar(text("SELECT pg_current_wal_insert_lsn()"))))

    def flush_to(self, lsn: int) -> None:
        """Make sure the WAL up to `lsn` is on disk: a transaction with an id commits (and
        flushes everything before its commit record), then wait for the flush position."""
        self.su.scalar(text("SELECT pg_current_xact_id()"))
        deadline = time.monotonic() + 10
        while lsn_int(str(self.su.scalar(text("SELECT pg_current_wal_flush_lsn()")))) < lsn:
            assert time.monotonic() < deadline, "the WAL was not flushed"
            time.sleep(0.02)

    def _file(self, segment_start: int) -> str:
        # pg_walfile_name of a segment's very first byte names the previous segment; +1 does not
        return str(
            self.su.scalar(
                text("SELECT pg_walfile_name(CAST(:l AS pg_lsn))"),
                {"l": lsn_text(segment_start + 1)},
            )
        )

    def _read(self, start: int, end: int) -> bytes:
        """Raw bytes of [start, end), headers included, across segment files."""
        out = bytearray()
        position = start
        while position < end:
            segment_start = position - position % self.segment
            chunk_end = min(end, segment_start + self.segment)
            out += bytes(
                self.su.scalar(
                    text("SELECT pg_read_binary_file(:f, :o, :n)"),
                    {
                        "f": f"pg_wal/{self._file(segment_start)}",
                        "o": position - segment_start,
                        "n": chunk_end - position,
                    },
                )
            )
            position = chunk_end
        return bytes(out)

    def _strip(self, start: int, raw: bytes) -> bytes:
        """Cut out every WAL page header (long on a segment's first page) of bytes read at
        `start`, so that what a record carries reads on across page boundaries."""
        out = bytearray()
        i = 0
        while i < len(raw):
            at = start + i
            if at % self.page == 0:
                info = int.from_bytes(raw[i + 2 : i + 4], sys.byteorder)
                i += 40 if info & 0x0002 else 24  # XLP_LONG_HEADER
                continue
            step = min(len(raw), i + self.page - at % self.page)
            out += raw[i:step]
            i = step
        return bytes(out)

    def between(self, start: int, end: int) -> bytes:
        self.flush_to(end)
        return self._strip(start, self._read(start, end))

    def records(self, start: int, end: int) -> list[WalRecord]:
        self.flush_to(end)
        rows = self.su.execute(
            text(
                "SELECT start_lsn::text, end_lsn::text, xid::text, resource_manager, "
                "record_type, coalesce(description, ''), coalesce(block_ref, '') "
                "FROM pg_get_wal_records_info(CAST(:a AS pg_lsn), CAST(:b AS pg_lsn))"
            ),
            {"a": lsn_text(start), "b": lsn_text(end)},
        ).all()
        if not rows:
            return []
        low = min(start, lsn_int(rows[0][0]))
        high = max(end, max(lsn_int(r[1]) for r in rows))
        self.flush_to(high)
        raw = self._read(low, high)
        records = []
        for r in rows:
            first, last = lsn_int(r[0]), lsn_int(r[1])
            data = self._strip(first, raw[first - low : last - low])
            records.append(WalRecord(first, last, int(r[2]), r[3], r[4], r[5], r[6], data))
        return records


# --- the statement log --------------------------------------------------------------------------

_ENTRY_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


@dataclass
class ServerLog:
    """The server's log file, read through the server (pg_read_binary_file) as a superuser."""

    su: Connection
    path: str
    per_database: bool  # the line prefix names the database (%d) after a timestamp

    @classmethod
    def find(cls, su: Connection) -> ServerLog | None:
        candidates = []
        current = su.scalar(text("SELECT pg_current_logfile()"))
        if current:
            candidates.append(str(current))
        major = int(su.scalar(text("SELECT current_setting('server_version_num')::int / 10000")))
        candidates.append(f"/var/log/postgresql/postgresql-{major}-main.log")
        prefix = str(su.scalar(text("SELECT current_setting('log_line_prefix')")))
        per_database = "%d" in prefix and (prefix.startswith("%m") or prefix.startswith("%t"))
        for path in candidates:
            size = su.scalar(text("SELECT (pg_stat_file(:p, true)).size"), {"p": path})
            if size is not None:
                return cls(su, path, per_database)
        return None

    def size(self) -> int:
        return int(self.su.scalar(text("SELECT (pg_stat_file(:p)).size"), {"p": self.path}))

    def read(self, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        return bytes(
            self.su.scalar(
                text("SELECT pg_read_binary_file(:p, :o, :n)"),
                {"p": self.path, "o": start, "n": end - start},
            )
        )

    def entries(self, raw: bytes, database: str) -> list[bytes]:
        """The log entries (a prefixed line and its continuation lines) of one database."""
        entries: list[list[bytes]] = []
        for line in raw.split(b"\n"):
            if _ENTRY_START.match(line.decode("utf-8", "replace")) or not entries:
                entries.append([line])
            else:
                entries[-1].append(line)
        joined = [b"\n".join(e) for e in entries]
        if not self.per_database:
            return joined
        tag = f"@{database} ".encode()
        return [e for e in joined if tag in e.split(b"\n", 1)[0]]


def hits(needles: Iterable[bytes], data: bytes) -> list[bytes]:
    return [n for n in needles if n and n in data]
