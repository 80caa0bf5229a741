"""Reception days (接待日): the township's yearly schedule, the sites, who is on duty where, and
what each day produced. Every table is tenant-owned; every reference to another tenant table is
a composite foreign key that includes `tenant_id`."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
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


class SiteKind(StrEnum):
    TOWNSHIP_ROOM = "township_room"  # the township's reception room (for officials)
    BRANCH_CENTRE = "branch_centre"  # a branch's service centre (for grassroots representatives)
    STATION = "station"  # a representative workstation


class ScheduleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class DutyStatus(StrEnum):
    ON_DUTY = "on_duty"
    ABSENT = "absent"  # reported they cannot come; a substitute row points back at this one


class Site(TenantMixin, Base):
    __tablename__ = "rd_sites"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
    )

    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    branch_id: Mapped[int | None] = mapped_column(BigId)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Schedule(TenantMixin, Base):
    """One year's schedule (接待日程安排表), generated from the township's rule."""

    __tablename__ = "rd_schedules"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ScheduleStatus.DRAFT)
    rule: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the settings it was made from
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReceptionDay(TenantMixin, Base):
    __tablename__ = "rd_days"
    __table_args__ = (
        UniqueConstraint("tenant_id", "day"),
        ForeignKeyConstraint(
            ["tenant_id", "schedule_id"], ["rd_schedules.tenant_id", "rd_schedules.id"]
        ),
        Index("ix_rd_days_schedule", "tenant_id", "schedule_id"),
    )

    schedule_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[date]
    rule_day: Mapped[date]  # the date the rule gave, before a holiday move or a manual move
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    moved_reason: Mapped[str | None] = mapped_column(String(200))
    # Moved (or published) fewer than `notice_days` before the day: why, and the notice days the
    # township asked for then; the public notice flags the day as short notice.
    short_notice_reason: Mapped[str | None] = mapped_column(String(200))
    short_notice_days: Mapped[int | None] = mapped_column(Integer)
    notice_published_at: Mapped[datetime | None]
    summary: Mapped[dict[str, Any] | None]  # the figures sent up to the township, kept
    summary_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DaySite(TenantMixin, Base):
    """A site open on a reception day, and how many people it received."""

    __tablename__ = "rd_day_sites"
    __table_args__ = (
        UniqueConstraint("tenant_id", "day_id", "site_id"),
        ForeignKeyConstraint(["tenant_id", "day_id"], ["rd_days.tenant_id", "rd_days.id"]),
        ForeignKeyConstraint(["tenant_id", "site_id"], ["rd_sites.tenant_id", "rd_sites.id"]),
    )

    day_id: Mapped[int] = mapped_column(BigId)
    site_id: Mapped[int] = mapped_column(BigId)
    people_received: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Duty(TenantMixin, Base):
    """A representative on duty at a site on a reception day (at most one site a day)."""

    __tablename__ = "rd_duties"
    __table_args__ = (
        UniqueConstraint("tenant_id", "day_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "day_id", "site_id"],
            ["rd_day_sites.tenant_id", "rd_day_sites.day_id", "rd_day_sites.site_id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "substitute_for_id"], ["rd_duties.tenant_id", "rd_duties.id"]
        ),
        Index("ix_rd_duties_rep", "tenant_id", "representative_id"),
    )

    day_id: Mapped[int] = mapped_column(BigId)
    site_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16), default=DutyStatus.ON_DUTY)
    absence_reason: Mapped[str | None] = mapped_column(String(200))
    absence_reported_at: Mapped[datetime | None]
    substitute_for_id: Mapped[int | None] = mapped_column(BigId)
    # The reception date this representative was last reminded of: a moved day is reminded again.
    reminded_for: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
