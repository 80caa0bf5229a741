"""Counties, townships (the tenant), their module switches, and branches inside a township."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class TownshipStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class County(Base):
    __tablename__ = "counties"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    # County-wide defaults for module settings: {module_key: {setting: value}}.
    module_defaults: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    townships: Mapped[list[Township]] = relationship(
        back_populates="county", order_by="Township.name"
    )


class Township(Base):
    """The tenant. Not tenant-owned itself: it is the row every tenant row points to."""

    __tablename__ = "townships"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=TownshipStatus.ACTIVE)
    # The township's own words for the domain's labels: {"workstation": "工作室", ...}.
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_at: Mapped[datetime | None]

    county: Mapped[County] = relationship(back_populates="townships")
    modules: Mapped[list[TownshipModule]] = relationship(
        back_populates="township", order_by="TownshipModule.module_key"
    )

    @property
    def is_active(self) -> bool:
        return self.status == TownshipStatus.ACTIVE


class TownshipModule(Base):
    """A module switch of one township, with the settings it overrides."""

    __tablename__ = "township_modules"

    township_id: Mapped[int] = mapped_column(ForeignKey("townships.id"), primary_key=True)
    module_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    township: Mapped[Township] = relationship(back_populates="modules")


class BranchKind(StrEnum):
    VILLAGE = "village"
    COMMUNITY = "community"
    ENTERPRISE = "enterprise"
    GENERAL = "general"  # 党总支
    OTHER = "other"


class Branch(TenantMixin, Base):
    """A village, community or enterprise Party branch inside a township."""

    __tablename__ = "branches"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default=BranchKind.VILLAGE)
    secretary_name: Mapped[str | None] = mapped_column(String(50))
    liaison_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
