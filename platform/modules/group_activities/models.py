"""Representative-group activities (代表小组活动): each group's plan for the year, the activities
it held (topic, days, place, who of its members came) and their outcomes (a case, a proposal
draft), and each group's written liaison report before the annual session. The groups and their
leaders are the people module's (`representative_groups`, `group_memberships`). Every table is
tenant-owned; every reference to another tenant table is a composite foreign key."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
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

_GROUP = (
    ["tenant_id", "group_id"],
    ["representative_groups.tenant_id", "representative_groups.id"],
)
_REP = (
    ["tenant_id", "representative_id"],
    ["representatives.tenant_id", "representatives.id"],
)
_ACTIVITY = (["tenant_id", "activity_id"], ["ga_activities.tenant_id", "ga_activities.id"])


class OutcomeState(StrEnum):
    PENDING = "pending"  # recorded, not yet taken further
    CASE = "case"  # registered as a case (casework)
    PROPOSAL = "proposal"  # a proposal draft (proposals module) for the annual session
    CLOSED = "closed"  # answered or settled at the activity


class PlanItem(TenantMixin, Base):
    """One planned activity of a group's plan for the year (年初制定活动计划): month and topic."""

    __tablename__ = "ga_plan_items"
    __table_args__ = (
        ForeignKeyConstraint(*_GROUP),
        Index("ix_ga_plan_items_group", "tenant_id", "group_id", "year"),
    )

    group_id: Mapped[int] = mapped_column(BigId)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Activity(TenantMixin, Base):
    """An activity a group held, from `held_on` to `ends_on` (the seeds' 2～3天)."""

    __tablename__ = "ga_activities"
    __table_args__ = (
        ForeignKeyConstraint(*_GROUP),
        Index("ix_ga_activities_group", "tenant_id", "group_id", "held_on"),
    )

    group_id: Mapped[int] = mapped_column(BigId)
    topic: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    ends_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(TenantMixin, Base):
    """A member of the group when the activity was recorded, and whether they came."""

    __tablename__ = "ga_attendance"
    __table_args__ = (
        UniqueConstraint("tenant_id", "activity_id", "representative_id"),
        ForeignKeyConstraint(*_ACTIVITY),
        ForeignKeyConstraint(*_REP),
    )

    activity_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)


class Outcome(TenantMixin, Base):
    """What came of an activity: a problem raised (it may become a case) or a proposal draft
    (a real draft of the proposals module, `proposal_id`)."""

    __tablename__ = "ga_outcomes"
    __table_args__ = (
        ForeignKeyConstraint(*_ACTIVITY),
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "proposal_id"], ["pr_proposals.tenant_id", "pr_proposals.id"]
        ),
        Index("ix_ga_outcomes_state", "tenant_id", "state"),
    )

    activity_id: Mapped[int] = mapped_column(BigId)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=OutcomeState.PENDING)
    case_id: Mapped[int | None] = mapped_column(BigId)
    # The proposal draft (proposals module) the outcome became, in its author's name.
    proposal_id: Mapped[int | None] = mapped_column(BigId)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(TenantMixin, Base):
    """A group's written liaison report before an annual session (会前书面联络报告), due
    `due_on` (the session's first day less the township's days); `late` when filed after it."""

    __tablename__ = "ga_reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "group_id", "session_id"),
        ForeignKeyConstraint(*_GROUP),
        ForeignKeyConstraint(
            ["tenant_id", "session_id"], ["as_sessions.tenant_id", "as_sessions.id"]
        ),
    )

    group_id: Mapped[int] = mapped_column(BigId)
    session_id: Mapped[int] = mapped_column(BigId)
    body: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    submitted_on: Mapped[date]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reception(TenantMixin, Base):
    """The monthly day on which a committee member (党委委员) receives the group leaders, in
    rotation (001 张家港 "每月一次…每次安排1名委员，轮流接待"): the day, the member, the groups
    whose leaders come, and the member's notes once it is held."""

    __tablename__ = "ga_receptions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "day"),
        Index("ix_ga_receptions_member", "tenant_id", "member_user_id", "day"),
    )

    day: Mapped[date]
    member_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    group_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VisitPlan(TenantMixin, Base):
    """The schedule of a visiting month (走访党代表小组工作月, twice a year): published at least
    the township's days before the month begins (`published_on`; none: a draft)."""

    __tablename__ = "ga_visit_plans"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "month"),)

    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    published_on: Mapped[date | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Visit(TenantMixin, Base):
    """A committee member's visit to one group on a day of the visiting month, and its minutes
    (会议纪要), circulated to the group's members once recorded."""

    __tablename__ = "ga_visits"
    __table_args__ = (
        UniqueConstraint("tenant_id", "plan_id", "member_user_id", "group_id"),
        ForeignKeyConstraint(
            ["tenant_id", "plan_id"], ["ga_visit_plans.tenant_id", "ga_visit_plans.id"]
        ),
        ForeignKeyConstraint(*_GROUP),
        Index("ix_ga_visits_member", "tenant_id", "member_user_id", "day"),
    )

    plan_id: Mapped[int] = mapped_column(BigId)
    member_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    group_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[date]
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_at: Mapped[datetime | None]
    minutes_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Keeper(TenantMixin, Base):
    """A committee member who keeps a whole group for a year (包组, 001 宝应): one a group and a
    year; a member may keep several groups."""

    __tablename__ = "ga_keepers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "group_id", "year"),
        ForeignKeyConstraint(*_GROUP),
        Index("ix_ga_keepers_member", "tenant_id", "member_user_id", "year"),
    )

    group_id: Mapped[int] = mapped_column(BigId)
    year: Mapped[int] = mapped_column(Integer)
    member_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
