"""The liaison chain (三联, DOMAIN.md §6): who keeps in touch with whom in a year, the contacts
they record, the representatives' quarterly reports up the chain, the committee members'
quarterly liaison meetings, and each branch's confirmation of its part.

Every table is tenant-owned; every reference to another tenant table is a composite foreign key
that includes `tenant_id`. A link names its two ends in typed columns (a committee member is a
user; a representative, party member or household is the township's row), one pair per level.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
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


class Level(StrEnum):
    COMMITTEE_REP = "committee_rep"  # 党委委员联系代表
    REP_MEMBER = "rep_member"  # 代表联系党员
    MEMBER_HOUSEHOLD = "member_household"  # 党员联系群众（户）


class Method(StrEnum):
    VISIT = "visit"  # 走访
    TALK = "talk"  # 谈心谈话
    MEETING = "meeting"  # 座谈
    PHONE = "phone"  # 电话
    ACTIVITY = "activity"  # 活动


class Link(TenantMixin, Base):
    """One pair of the chain for one year. Removing a pair that has contacts ends it (kept for
    the record); one that has none is deleted."""

    __tablename__ = "li_links"
    __table_args__ = (
        # One row per pair and year; the service builds the key from the level and both ends.
        UniqueConstraint("tenant_id", "year", "pair_key"),
        ForeignKeyConstraint(
            ["tenant_id", "upper_rep_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "upper_member_id"], ["party_members.tenant_id", "party_members.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "lower_rep_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "lower_member_id"], ["party_members.tenant_id", "party_members.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "lower_household_id"], ["households.tenant_id", "households.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
        CheckConstraint(
            "(level = 'committee_rep' AND upper_user_id IS NOT NULL AND lower_rep_id IS NOT NULL)"
            " OR (level = 'rep_member' AND upper_rep_id IS NOT NULL"
            " AND lower_member_id IS NOT NULL)"
            " OR (level = 'member_household' AND upper_member_id IS NOT NULL"
            " AND lower_household_id IS NOT NULL)",
            name="ends_match_level",
        ),
        Index("ix_li_links_year_level", "tenant_id", "year", "level"),
        Index("ix_li_links_branch", "tenant_id", "year", "branch_id"),
    )

    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    pair_key: Mapped[str] = mapped_column(String(40))
    upper_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    upper_rep_id: Mapped[int | None] = mapped_column(BigId)
    upper_member_id: Mapped[int | None] = mapped_column(BigId)
    lower_rep_id: Mapped[int | None] = mapped_column(BigId)
    lower_member_id: Mapped[int | None] = mapped_column(BigId)
    lower_household_id: Mapped[int | None] = mapped_column(BigId)
    # The branch whose part of the chain this is (the lower end's branch): it confirms it.
    branch_id: Mapped[int | None] = mapped_column(BigId)
    suggested: Mapped[bool] = mapped_column(default=False)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contact(TenantMixin, Base):
    """A contact along a link (民情日记): when, how, what was raised. Raised issues become cases
    (casework source `liaison_contact`)."""

    __tablename__ = "li_contacts"
    __table_args__ = (
        # The phone form's one-time key: a submission repeated by a flaky connection is one row.
        UniqueConstraint("tenant_id", "client_key"),
        ForeignKeyConstraint(["tenant_id", "link_id"], ["li_links.tenant_id", "li_links.id"]),
        Index("ix_li_contacts_link_day", "tenant_id", "link_id", "contacted_on"),
        Index("ix_li_contacts_day", "tenant_id", "contacted_on"),
    )

    link_id: Mapped[int] = mapped_column(BigId)
    contacted_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(TenantMixin, Base):
    """A representative's quarterly report up the chain (向联系委员报告履职情况)."""

    __tablename__ = "li_reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "representative_id", "year", "quarter"),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    representative_id: Mapped[int] = mapped_column(BigId)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Meeting(TenantMixin, Base):
    """A committee member's quarterly liaison meeting with their representatives; follow-ups are
    cases (casework source `liaison_meeting`)."""

    __tablename__ = "li_meetings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "client_key"),
        Index("ix_li_meetings_member_day", "tenant_id", "committee_user_id", "held_on"),
    )

    committee_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingAttendee(TenantMixin, Base):
    __tablename__ = "li_meeting_attendees"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "meeting_id"], ["li_meetings.tenant_id", "li_meetings.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    meeting_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)


class BranchReview(TenantMixin, Base):
    """A branch confirms its part of a year's chain; any later change to that part clears it."""

    __tablename__ = "li_branch_reviews"
    __table_args__ = (
        UniqueConstraint("tenant_id", "year", "branch_id"),
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
    )

    year: Mapped[int] = mapped_column(Integer)
    branch_id: Mapped[int] = mapped_column(BigId)
    links: Mapped[int] = mapped_column(Integer)  # how many pairs were confirmed
    note: Mapped[str | None] = mapped_column(String(200))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSent(TenantMixin, Base):
    """A quarter-end reminder claimed once per quarter and person (a repeated sweep adds none)."""

    __tablename__ = "li_reminders"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "quarter", "person_key"),)

    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    person_key: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
