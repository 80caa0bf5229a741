"""Cases (意见建议/诉求): who raised what, through which channel, and everything done about it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
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


class CaseState(StrEnum):
    # At the branch (000 第三篇 第九条, 第五篇 工作室制度四): a branch liaison logged the visit; the
    # receiving representative's proposed handling (拟办意见) and signature come before the case
    # goes on to the branch head and the office.
    BRANCH_REGISTERED = "branch_registered"
    PROPOSED = "proposed"
    SIGNED_OFF = "signed_off"
    REGISTERED = "registered"
    RECEIVED = "received"
    HANDLED_ON_SPOT = "handled_on_spot"
    REFERRED = "referred"
    ESCALATED = "escalated"
    INADMISSIBLE = "inadmissible"
    REPLIED = "replied"
    FEEDBACK_GIVEN = "feedback_given"
    RATED = "rated"
    ARCHIVED = "archived"


class Channel(StrEnum):
    REGULAR_VISIT = "regular_visit"  # 常规约见 at a workstation
    THEMED_VISIT = "themed_visit"  # 主题约见
    CONCENTRATED_VISIT = "concentrated_visit"  # 集中约见
    APPOINTED_VISIT = "appointed_visit"  # 指定约见
    RECEPTION_DAY = "reception_day"
    LIAISON = "liaison"
    PUBLIC_WEB = "public_web"
    PHONE = "phone"
    PAPER = "paper"


class Complexity(StrEnum):
    SIMPLE = "simple"
    COMPLEX = "complex"


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class AssignmentRole(StrEnum):
    LEAD = "lead"  # 主办
    CO = "co"  # 协办


class AssignmentStatus(StrEnum):
    ACTIVE = "active"
    RETURNED = "returned"  # sent back as not the unit's business
    ANSWERED = "answered"
    SUPERSEDED = "superseded"  # a later round replaced it (再交办)


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class Case(TenantMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("tenant_id", "tracking_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "received_by_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_cases_state_due", "tenant_id", "state", "due_on"),
        Index("ix_cases_source", "tenant_id", "source_type", "source_id"),
        # The case list, newest first (a top-N sort of the whole township without it).
        Index("ix_cases_created", "tenant_id", "created_at", "id"),
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
        # A branch liaison's list: their branch's cases, newest first.
        Index("ix_cases_branch", "tenant_id", "branch_id", "created_at"),
    )

    # Shown once to the person who raised it; only its SHA-256 is kept.
    tracking_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(24))
    # What fed it: a station, a reception day, a liaison contact … (module, id).
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(BigId)
    raiser_name: Mapped[str | None] = mapped_column(String(50))
    raiser_phone: Mapped[str | None] = mapped_column(String(20))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # Staff who wrote it down for someone (a walk-in, a call, a paper form) are recorded as such.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    # First-asked-first-responsible (首问负责制).
    received_by_id: Mapped[int | None] = mapped_column(BigId)
    # The branch whose case it is (its liaison follows it): the receiving representative's
    # electoral unit, or the branch of the liaison who logged the visit.
    branch_id: Mapped[int | None] = mapped_column(BigId)
    # 拟办意见: the receiving representative's proposed handling, and their signature on it, by
    # their own account or recorded by the liaison from the signed paper log (`signed_on_paper`).
    proposed_handling: Mapped[str | None] = mapped_column(Text)
    signed_on: Mapped[date | None]
    signed_on_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    signoff_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 纸质登记: keyed in from a paper opinion form (社情民意收集表) signed by the representative and
    # the recorder, and the date written on that form if given (migration 0039).
    from_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    paper_form_on: Mapped[date | None]
    category: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    complexity: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), default=CaseState.REGISTERED)
    due_on: Mapped[date | None]
    # What the due date was computed from, to recompute it exactly when an estimated year
    # becomes official: the Shanghai date the case was received, the days, how they count.
    due_from: Mapped[date | None]
    due_days: Mapped[int | None] = mapped_column(Integer)
    due_count: Mapped[str | None] = mapped_column(String(16))
    # Counted over a year whose official holidays are not known yet (Monday to Friday).
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    reassign_count: Mapped[int] = mapped_column(Integer, default=0)
    inadmissible_reason: Mapped[str | None] = mapped_column(Text)
    referral_text: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)  # the reply the person reads
    answered_at: Mapped[datetime | None]
    rating: Mapped[str | None] = mapped_column(String(24))
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None]
    reminded_due_soon: Mapped[date | None]  # the due date a due-soon reminder was sent for
    reminded_overdue: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]


class CaseEvent(TenantMixin, Base):
    """Every transition and step: who, when, from which state to which, and a note."""

    __tablename__ = "case_events"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        Index("ix_case_events_case", "tenant_id", "case_id"),
    )

    case_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseAssignment(TenantMixin, Base):
    """A handling unit on a case: one lead (主办) and optional co-units (协办) per round."""

    __tablename__ = "case_assignments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
        Index("ix_case_assignments_unit", "tenant_id", "unit_id", "status"),
        Index("ix_case_assignments_case", "tenant_id", "case_id"),
    )

    case_id: Mapped[int] = mapped_column(BigId)
    unit_id: Mapped[int] = mapped_column(BigId)
    role: Mapped[str] = mapped_column(String(8), default=AssignmentRole.LEAD)
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.ACTIVE)
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseReply(TenantMixin, Base):
    """A written answer: from a unit, the office, or the county."""

    __tablename__ = "case_replies"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
        Index("ix_case_replies_case", "tenant_id", "case_id"),
    )

    case_id: Mapped[int] = mapped_column(BigId)
    unit_id: Mapped[int | None] = mapped_column(BigId)
    source: Mapped[str] = mapped_column(String(16))  # unit / office / county
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseAttachment(TenantMixin, Base):
    __tablename__ = "case_attachments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "reply_id"], ["case_replies.tenant_id", "case_replies.id"]
        ),
    )

    case_id: Mapped[int] = mapped_column(BigId)
    file_id: Mapped[int] = mapped_column(BigId)
    reply_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeadlineExtension(TenantMixin, Base):
    """A unit asks for more time; the office approves or refuses."""

    __tablename__ = "case_extensions"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
    )

    case_id: Mapped[int] = mapped_column(BigId)
    unit_id: Mapped[int] = mapped_column(BigId)
    requested_due_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ExtensionStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CountyEscalation(Base):
    """What a township sent up to its county: a copy, so the county never reads township rows.

    Platform-level (the county's queue spans its townships); the answer is written back into the
    township's case by the casework service inside that township's context.
    """

    __tablename__ = "county_escalations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "case_id", "round"),
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        Index("ix_county_escalations_queue", "county_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("townships.id"))
    case_id: Mapped[int] = mapped_column(BigId)
    round: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / answered
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
