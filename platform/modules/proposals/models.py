"""Proposals (提案), suggestions (建议意见) and inquiries (质询): drafting and co-signing, review,
assignment to handling units, written answers, ratings and publication. Every table is
tenant-owned; every reference to another tenant table is a composite foreign key that includes
`tenant_id`."""

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

# A proposal's assignment has the same roles (主办/协办) and states as a case's: one definition.
from lianxin.casework.models import AssignmentRole as AssignmentRole
from lianxin.casework.models import AssignmentStatus as AssignmentStatus
from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class Kind(StrEnum):
    PROPOSAL = "proposal"  # 提案: N co-signers or a representative group
    SUGGESTION = "suggestion"  # 建议意见: one representative
    INQUIRY = "inquiry"  # 质询: to the Party committee, answered individually or publicly


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # 立案, numbered
    MERGED = "merged"
    NOT_ACCEPTED = "not_accepted"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    UNSATISFIED = "unsatisfied"  # rated unsatisfied: back to the office to assign again
    CLOSED = "closed"


class SignatureStatus(StrEnum):
    INVITED = "invited"
    SIGNED = "signed"
    DECLINED = "declined"


class ExtensionStatus(StrEnum):  # a case's, plus WITHDRAWN
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the unit answered before the office decided


class Proposal(TenantMixin, Base):
    __tablename__ = "pr_proposals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        ForeignKeyConstraint(
            ["tenant_id", "author_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["representative_groups.tenant_id", "representative_groups.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "merged_into_id"], ["pr_proposals.tenant_id", "pr_proposals.id"]
        ),
        Index("ix_pr_proposals_state", "tenant_id", "state"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    complexity: Mapped[str | None] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(BigId)
    group_id: Mapped[int | None] = mapped_column(BigId)  # submitted by a representative group
    # A group's proposal is discussed in the group first ([001] 代表小组职责 (2)): when and how.
    group_discussed_on: Mapped[date | None]
    group_discussion: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=State.DRAFT)
    number: Mapped[str | None] = mapped_column(String(20))  # e.g. 2026-007, given at 立案
    year: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None]
    # Keyed in by the office from a paper 提案提议表 (the signatures are on the paper), and the
    # day the form was handed in (the collection window is judged on it).
    from_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    paper_form_on: Mapped[date | None]
    review_note: Mapped[str | None] = mapped_column(Text)  # why not accepted / merged / changed
    merged_into_id: Mapped[int | None] = mapped_column(BigId)
    round: Mapped[int] = mapped_column(Integer, default=0)  # 0 before the first assignment
    answer: Mapped[str | None] = mapped_column(Text)  # the written answer shown to the author
    answered_at: Mapped[datetime | None]
    answer_public: Mapped[bool] = mapped_column(
        Boolean, default=False
    )  # an inquiry answered publicly
    rating: Mapped[str | None] = mapped_column(String(24))
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(500))
    closed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Signature(TenantMixin, Base):
    """A representative named on a proposal (联名): the author signs first; the rest are invited.
    `counted` is set at submission for each signer who was in office then: the frozen list."""

    __tablename__ = "pr_signatures"
    __table_args__ = (
        UniqueConstraint("tenant_id", "proposal_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "proposal_id"], ["pr_proposals.tenant_id", "pr_proposals.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    proposal_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16), default=SignatureStatus.INVITED)
    responded_at: Mapped[datetime | None]
    counted: Mapped[bool] = mapped_column(Boolean, default=False)


class ProposalCase(TenantMixin, Base):
    """A case the proposal grew from."""

    __tablename__ = "pr_proposal_cases"
    __table_args__ = (
        UniqueConstraint("tenant_id", "proposal_id", "case_id"),
        ForeignKeyConstraint(
            ["tenant_id", "proposal_id"], ["pr_proposals.tenant_id", "pr_proposals.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
    )

    proposal_id: Mapped[int] = mapped_column(BigId)
    case_id: Mapped[int] = mapped_column(BigId)


class ProposalFile(TenantMixin, Base):
    """A supporting file: the author's with the draft, or a unit's with its answer."""

    __tablename__ = "pr_proposal_files"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "proposal_id"], ["pr_proposals.tenant_id", "pr_proposals.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
    )

    proposal_id: Mapped[int] = mapped_column(BigId)
    file_id: Mapped[int] = mapped_column(BigId)
    unit_id: Mapped[int | None] = mapped_column(BigId)  # set when a unit attached it


class Assignment(TenantMixin, Base):
    __tablename__ = "pr_assignments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "proposal_id"], ["pr_proposals.tenant_id", "pr_proposals.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
        Index("ix_pr_assignments_unit", "tenant_id", "unit_id", "status"),
    )

    proposal_id: Mapped[int] = mapped_column(BigId)
    unit_id: Mapped[int] = mapped_column(BigId)
    role: Mapped[str] = mapped_column(String(8))
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.ACTIVE)
    due_on: Mapped[date]
    # What the due date was counted from (the Shanghai date of the assignment, the days and how
    # they count; approved extensions add theirs), to count it again when a year whose calendar
    # was estimated becomes official. None on assignments made before this was recorded.
    due_from: Mapped[date | None]
    due_days: Mapped[int | None] = mapped_column(Integer)
    due_count: Mapped[str | None] = mapped_column(String(16))
    # Working days counted over a year without the official calendar (Monday to Friday).
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    contacted_at: Mapped[datetime | None]  # the unit has contacted the author
    contact_note: Mapped[str | None] = mapped_column(String(500))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(String(500))
    reminded_due_soon: Mapped[date | None]  # the due date reminded of (once per due date)
    reminded_overdue: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Extension(TenantMixin, Base):
    __tablename__ = "pr_extensions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "assignment_id"], ["pr_assignments.tenant_id", "pr_assignments.id"]
        ),
    )

    assignment_id: Mapped[int] = mapped_column(BigId)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=ExtensionStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(TenantMixin, Base):
    """The history: every step, who took it and when."""

    __tablename__ = "pr_events"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "proposal_id"], ["pr_proposals.tenant_id", "pr_proposals.id"]
        ),
        Index("ix_pr_events_proposal", "tenant_id", "proposal_id"),
    )

    proposal_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CollectionWindow(TenantMixin, Base):
    """A collection campaign (征集): submissions are open from `opens_on` to `closes_on`."""

    __tablename__ = "pr_windows"

    title: Mapped[str] = mapped_column(String(100))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
