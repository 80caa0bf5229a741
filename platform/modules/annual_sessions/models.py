"""The annual session (年会): sessions, documents, agenda items and who proposed them,
attendance, votes (show of hands, named, secret online or on paper, elections), ballots kept
apart from the receipts that say who voted, and resolutions. Every table is tenant-owned;
every reference to another tenant table is a composite foreign key that includes `tenant_id`.

A session runs from `held_on` (its first day) to `ends_on` (its last, the same day for a
one-day session): check-in is open on each of its days, and leave may be asked from any day not
yet past (`Attendance.leave_from`). Each representative is told of the fixed agenda and of every
resolution by inbox or, without an account, by SMS; `as_deliveries` records which channel
reached whom (the channel, never the phone number).

Anonymity (ARCHITECTURE.md §6, lianxin.db.anonymous): `as_receipts` records *that* a
representative voted, never what. The ballot is committed with the receipt only sealed, under
a key the database never holds; the worker opens pooled ballots and writes them into
`as_ballots` with fresh random keys in shuffled batches of at least K, so neither a
transaction id, the order of rows nor a key pairs a ballot with its voter.

Observers (`as_observers`, 列席人员: migrant party members, people's-congress deputies, CPPCC
members) are kept apart from the representatives: nothing that counts 应到, the quorum or a vote
reads them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class SessionState(StrEnum):
    PLANNING = "planning"  # items are proposed and decided
    AGENDA_FIXED = "agenda_fixed"  # the agenda has gone to every representative
    OPEN = "open"  # opened with a quorum
    CLOSED = "closed"


class ItemKind(StrEnum):
    MOTION = "motion"  # a decision (plans, amending or annulling earlier decisions)
    REPORT = "report"  # hearing and reviewing a report
    ELECTION = "election"  # electing representatives to the higher congress
    PERSONNEL = "personnel"  # a personnel nomination


class Proposer(StrEnum):
    COMMITTEE = "committee"
    GROUP = "group"
    REPRESENTATIVES = "representatives"


class ItemStatus(StrEnum):
    PROPOSED = "proposed"
    ON_AGENDA = "on_agenda"
    DECLINED = "declined"


class AttendanceStatus(StrEnum):
    LEAVE_REQUESTED = "leave_requested"
    LEAVE_APPROVED = "leave_approved"
    LEAVE_REFUSED = "leave_refused"
    PRESENT = "present"


class VoteMethod(StrEnum):
    HANDS = "hands"  # 举手表决, recorded as counts
    NAMED = "named"  # 记名表决
    SECRET = "secret"  # 无记名投票


class BallotChannel(StrEnum):
    ONLINE = "online"
    PAPER = "paper"


class VoteState(StrEnum):
    OPEN = "open"
    COUNTING = "counting"  # closed to voters; the worker releases the last ballots and counts
    CLOSED = "closed"


class DeliveryChannel(StrEnum):
    INBOX = "inbox"  # 站内信: the representative has an account
    SMS = "sms"  # 短信: no account, a phone on the roll
    NONE = "none"  # 未送达: neither


class NoticeKind(StrEnum):
    AGENDA = "agenda"
    RESOLUTION = "resolution"


class ObserverKind(StrEnum):
    """Who sits in on a session without being a representative (列席, 001张家港, 004)."""

    MIGRANT_MEMBER = "migrant_member"  # 流动党员
    CONGRESS_DEPUTY = "congress_deputy"  # 人大代表
    CPPCC_MEMBER = "cppcc_member"  # 政协委员
    OTHER = "other"  # 其他


def _same_day(context: Any) -> Any:
    """A one-day session unless told otherwise: the last day is the first."""
    return context.get_current_parameters()["held_on"]


class Session(TenantMixin, Base):
    __tablename__ = "as_sessions"
    __table_args__ = (UniqueConstraint("tenant_id", "title"),)

    title: Mapped[str] = mapped_column(String(100))  # 第十三届党代表大会第二次会议
    held_on: Mapped[date]  # the first day
    ends_on: Mapped[date] = mapped_column(default=_same_day)  # the last day (≥ held_on)
    place: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default=SessionState.PLANNING)
    checkin_token: Mapped[str] = mapped_column(String(64))  # the session's QR code
    expected_count: Mapped[int | None] = mapped_column(Integer)  # 应到, frozen at opening
    agenda_fixed_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(TenantMixin, Base):
    __tablename__ = "as_documents"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(200))
    file_id: Mapped[int] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(TenantMixin, Base):
    """An agenda item (议题)."""

    __tablename__ = "as_items"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    proposer: Mapped[str] = mapped_column(String(16))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.PROPOSED)
    by_rule: Mapped[bool] = mapped_column(Boolean, default=False)  # on the agenda by the rule
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    during_session: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemSupporter(TenantMixin, Base):
    """A representative proposing an item jointly (联名提出)."""

    __tablename__ = "as_item_supporters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", "representative_id"),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["as_items.tenant_id", "as_items.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name="fk_as_item_supporters_representative",  # the generated name is over 63
        ),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)


class ItemGroup(TenantMixin, Base):
    """A representative group proposing an item (by its leader or deputy)."""

    __tablename__ = "as_item_groups"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", "group_id"),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["as_items.tenant_id", "as_items.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["representative_groups.tenant_id", "representative_groups.id"],
        ),
    )

    item_id: Mapped[int] = mapped_column(BigId)
    group_id: Mapped[int] = mapped_column(BigId)


class Attendance(TenantMixin, Base):
    __tablename__ = "as_attendance"
    __table_args__ = (
        UniqueConstraint("tenant_id", "session_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16))
    leave_reason: Mapped[str | None] = mapped_column(String(500))
    leave_from: Mapped[date | None]  # leave covers this day to the session's last
    checked_in_at: Mapped[datetime | None]
    self_checked_in: Mapped[bool] = mapped_column(Boolean, default=False)


class Vote(TenantMixin, Base):
    __tablename__ = "as_votes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["as_items.tenant_id", "as_items.id"]),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    item_id: Mapped[int] = mapped_column(BigId)
    method: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))  # secret ballots: online or paper
    seats: Mapped[int | None] = mapped_column(Integer)  # elections
    state: Mapped[str] = mapped_column(String(16), default=VoteState.OPEN)
    expected_count: Mapped[int] = mapped_column(Integer)  # 应到 of the session
    teller1_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 计票
    teller2_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scrutineer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # 监票
    # The result: {"yes", "no", "abstain"} or {"candidates": {id: votes}, "invalid"}; written
    # when the vote closes, never before.
    result: Mapped[dict[str, Any] | None]
    passed: Mapped[bool | None] = mapped_column(Boolean)
    closed_at: Mapped[datetime | None]
    # Secret ballots, frozen when the vote is created: the smallest batch released (K) and the
    # vote's own sealing key's salt.
    min_ballots: Mapped[int | None] = mapped_column(Integer)
    seal_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))


class Candidate(TenantMixin, Base):
    __tablename__ = "as_candidates"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "vote_id"], ["as_votes.tenant_id", "as_votes.id"]),
    )

    vote_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(50))
    elected: Mapped[bool | None] = mapped_column(Boolean)


class NamedVote(TenantMixin, Base):
    """A named vote (记名表决): who voted how is the point."""

    __tablename__ = "as_named_votes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "vote_id", "representative_id"),
        ForeignKeyConstraint(["tenant_id", "vote_id"], ["as_votes.tenant_id", "as_votes.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    vote_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    choice: Mapped[str] = mapped_column(String(8))


class Receipt(TenantMixin, Base):
    """That a representative has cast their secret ballot: no time, no choice."""

    __tablename__ = "as_receipts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "vote_id", "representative_id"),
        ForeignKeyConstraint(["tenant_id", "vote_id"], ["as_votes.tenant_id", "as_votes.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    vote_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)


class PooledBallot(TenantMixin, Base):
    """A cast ballot, sealed until the worker releases it with others (module docstring)."""

    __tablename__ = "as_ballot_pool"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "vote_id"], ["as_votes.tenant_id", "as_votes.id"]),
    )

    vote_id: Mapped[int] = mapped_column(BigId)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Ballot(TenantMixin, Base):
    """A secret ballot: the vote, a random key and what it says — nothing else."""

    __tablename__ = "as_ballots"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        ForeignKeyConstraint(["tenant_id", "vote_id"], ["as_votes.tenant_id", "as_votes.id"]),
    )

    vote_id: Mapped[int] = mapped_column(BigId)
    key: Mapped[str] = mapped_column(String(36))
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PaperTally(TenantMixin, Base):
    """One teller's count of the paper ballots; the result stands when both tellers agree."""

    __tablename__ = "as_paper_tallies"
    __table_args__ = (
        UniqueConstraint("tenant_id", "vote_id", "teller_id"),
        ForeignKeyConstraint(["tenant_id", "vote_id"], ["as_votes.tenant_id", "as_votes.id"]),
    )

    vote_id: Mapped[int] = mapped_column(BigId)
    teller_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Resolution(TenantMixin, Base):
    __tablename__ = "as_resolutions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["as_items.tenant_id", "as_items.id"]),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    item_id: Mapped[int | None] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    implementation: Mapped[str | None] = mapped_column(Text)  # reported at the next session
    implementation_reported_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Observer(TenantMixin, Base):
    """One who sits in on the session (列席人员) and is not a representative: recorded and may be
    checked in, never counted in 应到, the quorum or a vote."""

    __tablename__ = "as_observers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "session_id", "name", "unit"),
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(24))  # ObserverKind
    unit: Mapped[str] = mapped_column(String(100), default="")  # unit or standing
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(TenantMixin, Base):
    """How one representative was sent the fixed agenda or a resolution (DeliveryChannel)."""

    __tablename__ = "as_deliveries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "resolution_id"], ["as_resolutions.tenant_id", "as_resolutions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name="fk_as_deliveries_representative",
        ),
        Index("ix_as_deliveries_session", "tenant_id", "session_id"),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16))  # NoticeKind
    resolution_id: Mapped[int | None] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    channel: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
