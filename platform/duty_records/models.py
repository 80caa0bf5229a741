"""The duty record's tables.

- `duty_formulas`: the county's 100-point scoring formula, one version a county and year it took
  effect (`from_year`: a year is scored by the latest version from that year or before; not
  tenant-owned, like `county_comparison_settings`): per item key the points per unit and the
  cap of work done, or the points per missed unit and the cap of the deduction; the inactive
  threshold, the minimum sample of a township's ranking and the first year of a term (换届之
  年). A year with no version scores with the documented defaults (`stages.formula`).
  Townships read it, never write.
- `duty_steps` (tenant-owned): the office's escalation steps for an inactive representative in
  a year (谈话提醒 → 批评 → 罢免建议), each with its date, note and who recorded it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class StepKind(StrEnum):
    TALK = "talk"  # 谈话提醒
    CRITICISM = "criticism"  # 批评
    RECALL = "recall"  # 罢免建议


STEP_ORDER: tuple[str, ...] = (StepKind.TALK, StepKind.CRITICISM, StepKind.RECALL)


class DutyFormula(Base):
    """The county's scoring formula of the duty record (百分制), from a year on."""

    __tablename__ = "duty_formulas"

    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), primary_key=True)
    from_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # {item key: {"points": points per unit, "cap": the most points (or deduction) of the item}}
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inactive_below: Mapped[float] = mapped_column(Float, default=60.0)
    min_sample: Mapped[int] = mapped_column(Integer, default=5)
    term_first_year: Mapped[int] = mapped_column(Integer, default=2021)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DutyStep(TenantMixin, Base):
    """One escalation step the office took with an inactive representative in a year."""

    __tablename__ = "duty_steps"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
        ),
        UniqueConstraint("tenant_id", "representative_id", "year", "step"),
        Index("ix_duty_steps_year", "tenant_id", "year"),
    )

    representative_id: Mapped[int] = mapped_column(BigId)
    year: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(16))
    taken_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
