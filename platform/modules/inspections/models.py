"""Inspections and research (视察 / 调研): the plan (form, subject, date, the units visited and the
team of representatives), the plan sent to the units, what the team found and its report, the
files of the report, and the written briefs (书面专题情况反映) sent to a unit as a case.

Every table is tenant-owned; every reference to another tenant table is a composite foreign key
that includes `tenant_id`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class Form(StrEnum):
    """The forms of a visit (000 第二篇, 001张家港)."""

    INSPECTION = "inspection"  # 视察
    RESEARCH = "research"  # 专题调研
    VISIT = "visit"  # 走访
    FORUM = "forum"  # 座谈
    PROJECT = "project"  # 参与重大项目的立项、比选、验收


class Scale(StrEnum):
    SMALL = "small"  # a small team: 3～5 representatives by default (001张家港)
    LARGE = "large"  # 集中视察: at least the minimum, no upper limit


class State(StrEnum):
    PLANNED = "planned"  # 拟定方案
    NOTIFIED = "notified"  # 方案已通报被视察单位
    HELD = "held"  # 已开展，已记录情况
    REPORTED = "reported"  # 已形成报告
    CANCELLED = "cancelled"


class BriefKind(StrEnum):
    SUPERVISION = "supervision"  # 督办
    SUGGESTION = "suggestion"  # 建议


class Inspection(TenantMixin, Base):
    __tablename__ = "in_inspections"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["representative_groups.tenant_id", "representative_groups.id"],
        ),
        Index("ix_in_inspections_held_on", "tenant_id", "held_on"),
        Index("ix_in_inspections_state", "tenant_id", "state"),
    )

    form: Mapped[str] = mapped_column(String(16))
    scale: Mapped[str] = mapped_column(String(8), default=Scale.SMALL)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[date]
    # Planned by a representative group's leader for the group (None: by the office).
    group_id: Mapped[int | None] = mapped_column(BigId)
    organiser_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16), default=State.PLANNED)
    notified_on: Mapped[date | None]  # the Shanghai date the plan went to the units
    findings: Mapped[str | None] = mapped_column(Text)
    report: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InspectionUnit(TenantMixin, Base):
    """A unit visited (被视察单位): it receives the plan."""

    __tablename__ = "in_inspection_units"
    __table_args__ = (
        UniqueConstraint("tenant_id", "inspection_id", "unit_id"),
        ForeignKeyConstraint(
            ["tenant_id", "inspection_id"], ["in_inspections.tenant_id", "in_inspections.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
    )

    inspection_id: Mapped[int] = mapped_column(BigId)
    unit_id: Mapped[int] = mapped_column(BigId)


class InspectionMember(TenantMixin, Base):
    """A representative on the team; `attended` is recorded with the findings."""

    __tablename__ = "in_inspection_members"
    __table_args__ = (
        UniqueConstraint("tenant_id", "inspection_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "inspection_id"], ["in_inspections.tenant_id", "in_inspections.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_in_inspection_members_rep", "tenant_id", "representative_id"),
    )

    inspection_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    attended: Mapped[bool] = mapped_column(Boolean, default=True)


class InspectionFile(TenantMixin, Base):
    """A file of the report (photos, the signed report, minutes)."""

    __tablename__ = "in_inspection_files"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "inspection_id"], ["in_inspections.tenant_id", "in_inspections.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
    )

    inspection_id: Mapped[int] = mapped_column(BigId)
    file_id: Mapped[int] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Brief(TenantMixin, Base):
    """A written brief on a serious problem (书面专题情况反映: 督办 or 建议) to one unit, with an
    answer deadline: a case referred to the unit through casework, whose due date it is."""

    __tablename__ = "in_briefs"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "inspection_id"], ["in_inspections.tenant_id", "in_inspections.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        Index("ix_in_briefs_inspection", "tenant_id", "inspection_id"),
    )

    inspection_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    case_id: Mapped[int] = mapped_column(BigId)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
