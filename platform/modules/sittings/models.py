"""Sitting in (列席): the committee and enlarged meetings representatives sit in on, the
invitations (in batches, answered by the representative), attendance and the suggestions they
made there. Every table is tenant-owned; every reference to another tenant table is a composite
foreign key that includes `tenant_id`."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class MeetingKind(StrEnum):
    FULL_COMMITTEE = "full_committee"  # 党委全体（扩大）会议, 全委会
    COMMITTEE = "committee"  # 党委会
    STANDING = "standing"  # 常委会 (a county's; 002 海安)
    ENLARGED = "enlarged"  # 党委扩大会议 (004 藤橋鎮)
    BRANCH = "branch"  # 支部会议: the branch's own representatives (000 第二篇)
    OTHER = "other"  # 其他党内会议和活动


class Answer(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Outcome(StrEnum):
    PENDING = "pending"
    CASE = "case"  # registered as a case (casework)
    ANSWERED = "answered"  # answered in writing


class Meeting(TenantMixin, Base):
    """A meeting representatives are invited to sit in on. `term` is the 届 it was planned in;
    `held_at` is set when the office records attendance."""

    __tablename__ = "si_meetings"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
        Index("ix_si_meetings_day", "tenant_id", "held_on"),
    )

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date]
    starts_at: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[str] = mapped_column(Text, default="")
    branch_id: Mapped[int | None] = mapped_column(BigId)  # a branch meeting's branch
    term: Mapped[int | None] = mapped_column(Integer)
    held_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invitation(TenantMixin, Base):
    """One representative invited to one meeting, in the meeting's `batch` (1, 2 … as the
    office invites more); `term` is the representative's 届 when invited: a sitting counts for
    that term. `attended` is None until the office records attendance."""

    __tablename__ = "si_invitations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "meeting_id"], ["si_meetings.tenant_id", "si_meetings.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_si_invitations_rep", "tenant_id", "representative_id", "term"),
    )

    meeting_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    batch: Mapped[int] = mapped_column(Integer, default=1)
    term: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(16), default=Answer.PENDING)
    decline_reason: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None]
    # The office recorded the answer (a phone call) rather than the representative.
    answered_by_office: Mapped[bool] = mapped_column(Boolean, default=False)
    attended: Mapped[bool | None] = mapped_column(Boolean)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suggestion(TenantMixin, Base):
    """What a representative said at a meeting they sat in on: it becomes a case or is answered
    in writing (`answer`, `answered_on`), and the answer goes back to them."""

    __tablename__ = "si_suggestions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "meeting_id"], ["si_meetings.tenant_id", "si_meetings.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        Index("ix_si_suggestions_outcome", "tenant_id", "outcome"),
    )

    meeting_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16), default=Outcome.PENDING)
    case_id: Mapped[int | None] = mapped_column(BigId)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
