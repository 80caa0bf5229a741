"""Workstations (工作站/工作室): stations, attached representatives, duty shifts, meetings,
public commitments and stored monthly reports. Every table is tenant-owned; every reference to
another tenant table is a composite foreign key that includes `tenant_id`."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class StationKind(StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    ENTERPRISE = "enterprise"
    PERSONAL = "personal"  # a representative's own workroom (工作室)


class MeetingKind(StrEnum):
    REGULAR = "regular"  # 常规约见
    THEMED = "themed"  # 主题约见
    CONCENTRATED = "concentrated"  # 集中约见
    APPOINTED = "appointed"  # 指定约见


class Station(TenantMixin, Base):
    __tablename__ = "ws_stations"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    hours: Mapped[str] = mapped_column(String(200), default="")  # opening hours, free text
    liaison_name: Mapped[str | None] = mapped_column(String(50))
    liaison_phone: Mapped[str | None] = mapped_column(String(20))
    rules: Mapped[str] = mapped_column(Text, default="")  # 一套制度
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StationRepresentative(TenantMixin, Base):
    __tablename__ = "ws_station_representatives"
    __table_args__ = (
        UniqueConstraint("tenant_id", "station_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "station_id"], ["ws_stations.tenant_id", "ws_stations.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    station_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)


class Shift(TenantMixin, Base):
    """One representative on duty at one station on one day, from `starts_at` to `ends_at`."""

    __tablename__ = "ws_shifts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "station_id"], ["ws_stations.tenant_id", "ws_stations.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "replaced_representative_id"],
            ["representatives.tenant_id", "representatives.id"],
        ),
        Index("ix_ws_shifts_day", "tenant_id", "day"),
        Index("ix_ws_shifts_rep_day", "tenant_id", "representative_id", "day"),
    )

    station_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    day: Mapped[date]
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None]
    # A substitute put on a published shift inside the lead time: why, and whom it replaced.
    swap_reason: Mapped[str | None] = mapped_column(String(200))
    replaced_representative_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Meeting(TenantMixin, Base):
    """A meeting with the public (约见) at a station; cases raised there point at the station."""

    __tablename__ = "ws_meetings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "station_id"], ["ws_stations.tenant_id", "ws_stations.id"]
        ),
    )

    station_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date]
    topic: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingRepresentative(TenantMixin, Base):
    __tablename__ = "ws_meeting_representatives"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "representative_id"),
        ForeignKeyConstraint(
            ["tenant_id", "meeting_id"], ["ws_meetings.tenant_id", "ws_meetings.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    meeting_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)


class Commitment(TenantMixin, Base):
    """公开承诺: what a representative promised, by when, and how it turned out."""

    __tablename__ = "ws_commitments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
    )

    representative_id: Mapped[int] = mapped_column(BigId)
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date]
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonthlyReport(TenantMixin, Base):
    """The stored .xlsx of one station's month (generated by the beat task)."""

    __tablename__ = "ws_monthly_reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "station_id", "month"),
        ForeignKeyConstraint(
            ["tenant_id", "station_id"], ["ws_stations.tenant_id", "ws_stations.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
    )

    station_id: Mapped[int] = mapped_column(BigId)
    month: Mapped[date]  # the first day of the month
    file_id: Mapped[int] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
