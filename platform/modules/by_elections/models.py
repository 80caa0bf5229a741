"""By-elections (补选): an electoral unit's vacancies filled in six recorded steps (登记、报名、
推选、公示、审查、直选), the candidates, the eligible voters with their one-time links, the receipts
and the sealed ballots (lianxin.db.anonymous). Every table is tenant-owned; every reference to
another tenant table is a composite foreign key that includes `tenant_id`. After the count only
each candidate's tally is kept: no ballot survives it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class Step(StrEnum):
    """The six steps, in order (宝应: 登记、报名、推选、公示、审查、直选)."""

    REGISTRATION = "registration"  # 登记: the vacancies and the seats
    NOMINATION = "nomination"  # 报名: candidates sign up or are put forward
    RECOMMENDATION = "recommendation"  # 推选: the unit recommends candidates
    NOTICE = "notice"  # 公示: the recommended candidates on public notice
    REVIEW = "review"  # 审查: each candidate passed or failed, with a reason
    ELECTION = "election"  # 直选: the secret ballot


STEPS: tuple[Step, ...] = tuple(Step)


class State(StrEnum):
    """Where a by-election is: after its last recorded step, then voting, counted, announced."""

    REGISTERED = "registered"
    NOMINATED = "nominated"
    RECOMMENDED = "recommended"
    NOTICED = "noticed"
    REVIEWED = "reviewed"
    VOTING = "voting"  # 直选 recorded: the ballot is open
    COUNTED = "counted"
    ANNOUNCED = "announced"  # the result notice published; the elected are on the roll


STATE_AFTER: dict[Step, State] = {
    Step.REGISTRATION: State.REGISTERED,
    Step.NOMINATION: State.NOMINATED,
    Step.RECOMMENDATION: State.RECOMMENDED,
    Step.NOTICE: State.NOTICED,
    Step.REVIEW: State.REVIEWED,
    Step.ELECTION: State.VOTING,
}


class Channel(StrEnum):
    ONLINE = "online"  # one-time links, sealed ballots
    PAPER = "paper"  # paper ballots at the party members' meeting: the tallies are entered


class Source(StrEnum):
    SELF = "self"  # 自愿报名
    BRANCH = "branch"  # 组织推荐
    MEMBERS = "members"  # 党员联名推荐


class ByElection(TenantMixin, Base):
    __tablename__ = "be_elections"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
    )

    title: Mapped[str] = mapped_column(String(100))
    branch_id: Mapped[int] = mapped_column(BigId)  # the electoral unit (选举单位)
    seats: Mapped[int] = mapped_column(Integer)
    term: Mapped[int] = mapped_column(Integer)  # 届: the elected serve the rest of it
    term_ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")  # why the seats are vacant
    # Structure quotas (结构名额, 001 咸丰): {kind: minimum candidates passing the review}, the
    # kinds in `stages.quotas.QUOTA_LABELS` (a category, 妇女, 不满35岁, 少数民族, 基层一线);
    # set at 登记 and while 报名 is open, checked when 直选 is recorded.
    quotas: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=State.REGISTERED)
    # Frozen when their step is recorded: a later change of the setting does not move them.
    notice_days: Mapped[int | None] = mapped_column(Integer)
    margin_percent: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str | None] = mapped_column(String(8))
    seal_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    min_ballots: Mapped[int | None] = mapped_column(Integer)
    voters: Mapped[int | None] = mapped_column(Integer)  # eligible voters
    ballots: Mapped[int | None] = mapped_column(Integer)  # ballots cast (counted)
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)  # fewer than K: not counted
    counted_at: Mapped[datetime | None]
    announced_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StepRecord(TenantMixin, Base):
    """One step taken: its date (the township's calendar), who recorded it, a note."""

    __tablename__ = "be_steps"
    __table_args__ = (
        UniqueConstraint("tenant_id", "election_id", "step"),
        ForeignKeyConstraint(
            ["tenant_id", "election_id"], ["be_elections.tenant_id", "be_elections.id"]
        ),
    )

    election_id: Mapped[int] = mapped_column(BigId)
    step: Mapped[str] = mapped_column(String(16))
    on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vacancy(TenantMixin, Base):
    """A representative whose qualification ended, whose seat this by-election fills."""

    __tablename__ = "be_vacancies"
    __table_args__ = (
        UniqueConstraint("tenant_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "election_id"], ["be_elections.tenant_id", "be_elections.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    election_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)


class Candidate(TenantMixin, Base):
    __tablename__ = "be_candidates"
    __table_args__ = (
        UniqueConstraint("tenant_id", "election_id", "name", "birth_date"),
        ForeignKeyConstraint(
            ["tenant_id", "election_id"], ["be_elections.tenant_id", "be_elections.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "party_member_id"], ["party_members.tenant_id", "party_members.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    election_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date]
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    education: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    workplace: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(8), default=Source.SELF)
    party_member_id: Mapped[int | None] = mapped_column(BigId)
    recommended: Mapped[bool | None] = mapped_column(Boolean)  # 推选
    passed: Mapped[bool | None] = mapped_column(Boolean)  # 审查
    review_reason: Mapped[str | None] = mapped_column(String(200))
    votes: Mapped[int | None] = mapped_column(Integer)  # the tally, after the count
    elected: Mapped[bool] = mapped_column(Boolean, default=False)
    representative_id: Mapped[int | None] = mapped_column(BigId)  # on the roll
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Voter(TenantMixin, Base):
    """A party member of the electoral unit entitled to vote, with a one-time link (a hash)."""

    __tablename__ = "be_voters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "election_id", "party_member_id"),
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "election_id"], ["be_elections.tenant_id", "be_elections.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "party_member_id"], ["party_members.tenant_id", "party_members.id"]
        ),
    )

    election_id: Mapped[int] = mapped_column(BigId)
    party_member_id: Mapped[int] = mapped_column(BigId)
    token_hash: Mapped[str] = mapped_column(String(64))


class Receipt(TenantMixin, Base):
    """That a voter has voted (one ballot each): no time, no choice."""

    __tablename__ = "be_receipts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "election_id", "voter_id"),
        ForeignKeyConstraint(
            ["tenant_id", "election_id"], ["be_elections.tenant_id", "be_elections.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "voter_id"], ["be_voters.tenant_id", "be_voters.id"]),
    )

    election_id: Mapped[int] = mapped_column(BigId)
    voter_id: Mapped[int] = mapped_column(BigId)


class PooledBallot(TenantMixin, Base):
    """A ballot, sealed until the count opens them all at once and keeps only the tallies."""

    __tablename__ = "be_ballot_pool"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "election_id"], ["be_elections.tenant_id", "be_elections.id"]
        ),
    )

    election_id: Mapped[int] = mapped_column(BigId)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
