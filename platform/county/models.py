"""Rollup tables: the only township figures a county reads (ARCHITECTURE.md §4).

Keyed by (county_id, tenant_id, period). They carry `tenant_id` without being tenant-owned: the
county reads across its townships, so their PostgreSQL policy is the county's own — a row is
visible to the transaction whose `app.county_id` is its county, or whose `app.tenant_id` is its
township (the refresh writes each township's rows inside that township's context).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, utcnow


class RollupStatus:
    OK = "ok"  # figures of a township that ran the module
    OFF = "off"  # the module is not switched on: 未开通, never zero
    NOT_ONBOARDED = "not_onboarded"  # the period ended before the township was onboarded


class CountyRollup(Base):
    """One figure of one township in one period (month 2026-03, quarter 2026-Q1, year 2026)."""

    __tablename__ = "county_rollups"
    __table_args__ = (Index("ix_county_rollups_period", "county_id", "period", "metric"),)

    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    metric: Mapped[str] = mapped_column(String(48), primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(8))  # month / quarter / year
    period_start: Mapped[date]
    module_key: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default=RollupStatus.OK)
    value: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)
    # Why a figure covers part of the period: onboarded on a date, module switched on/off.
    note: Mapped[str | None] = mapped_column(String(200))
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CountyEntityRollup(Base):
    """A figure of one station, handling unit or representative, for the rankings."""

    __tablename__ = "county_entity_rollups"
    __table_args__ = (Index("ix_county_entity_rollups_rank", "county_id", "period", "kind"),)

    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    metric: Mapped[str] = mapped_column(String(48), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CountyJob(Base):
    """A refresh or an export the county asked for: its progress and, for an export, its file."""

    __tablename__ = "county_jobs"
    __table_args__ = (Index("ix_county_jobs_county", "county_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    kind: Mapped[str] = mapped_column(String(16))  # refresh / export
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued/running/done/failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class CountySettings(Base):
    """The county's comparison settings: the minimum count below which a rate is not ranked."""

    __tablename__ = "county_comparison_settings"

    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), primary_key=True)
    min_count: Mapped[int] = mapped_column(Integer, default=5)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
