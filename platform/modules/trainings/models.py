"""Training (学习培训): the sessions the office schedules (one day or several), the
representatives invited to each with their answer or leave request, and the check-ins of each
day. Every table is tenant-owned; every reference to another tenant table is a composite foreign
key that includes `tenant_id`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class SessionKind(StrEnum):
    STUDY = "study"  # 集中学习 (a quarterly learning day, 001 宝应)
    ROTATION = "rotation"  # 轮训: at least once a term (001 宝应)
    PARTY_SCHOOL = "party_school"  # 党校培训 (003/6)
    OTHER = "other"  # 其他


class Audience(StrEnum):
    ALL = "all"  # every representative in office
    GROUPS = "groups"  # the members of the named representative groups
    NAMED = "named"  # the named representatives


class Answer(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    LEAVE = "leave"  # asked for leave (see `leave`)


class Leave(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # excused
    REFUSED = "refused"


class Half(StrEnum):
    """The part of a day: a check-in or a leave for the whole day, or half of it (半天)."""

    FULL = "full"
    MORNING = "morning"
    AFTERNOON = "afternoon"


class TrainingSession(TenantMixin, Base):
    """A training session from `starts_on` to `ends_on` (Asia/Shanghai dates, both included);
    `term` is the 届 it was scheduled in."""

    __tablename__ = "tr_sessions"
    __table_args__ = (Index("ix_tr_sessions_days", "tenant_id", "starts_on", "ends_on"),)

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(16), default=Audience.ALL)
    group_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    term: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Cancelled (with the reason): its answers, leave and check-ins are kept as history but void,
    # and no count of the standing or the county takes it.
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class TrainingInvitation(TenantMixin, Base):
    """One representative invited to one session; `term` is their 届 when invited (a rotation
    counts for that term). They confirm or ask for leave (with a reason); the office approves
    the leave (excused) or refuses it."""

    __tablename__ = "tr_invitations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "session_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["tr_sessions.tenant_id", "tr_sessions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_tr_invitations_rep", "tenant_id", "representative_id"),
        Index("ix_tr_invitations_leave", "tenant_id", "leave"),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    term: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(String(16), default=Answer.PENDING)
    answered_at: Mapped[datetime | None]
    leave: Mapped[str | None] = mapped_column(String(16))
    leave_reason: Mapped[str | None] = mapped_column(String(200))
    # A leave for half a day (`leave_half` morning/afternoon of `leave_day`); none: the session.
    leave_day: Mapped[date | None]
    leave_half: Mapped[str | None] = mapped_column(String(16))
    leave_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    leave_decided_at: Mapped[datetime | None]
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingCheckIn(TenantMixin, Base):
    """A representative present on one day of a session, checked in by the office or by scanning
    the day's code themselves: the whole day or half of it (`half`: counted as half a day).
    `checked_in_by_id` is who recorded it: the office's staff, or the representative's own
    account for a scan (`attendance.scanned_ids`, the API's `by_scan`)."""

    __tablename__ = "tr_check_ins"
    __table_args__ = (
        UniqueConstraint("tenant_id", "session_id", "representative_id", "day"),
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["tr_sessions.tenant_id", "tr_sessions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_tr_check_ins_rep", "tenant_id", "representative_id", "day"),
    )

    session_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[date]
    # The column's server default ("full", migration 0038) filled the rows before it; the model
    # gives the value itself, so an insert fetches nothing back (a server default here made
    # SQLite's ORM insert ask for RETURNING with the tenant key's sentinel, which it refuses).
    half: Mapped[str] = mapped_column(String(16), default=Half.FULL)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
