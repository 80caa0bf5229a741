"""The awards (评先, 四十佳): what the township marked as adopted (采纳), and the county's yearly
selection with its candidates and winners.

- `award_adoptions` is tenant-owned: a township's mark that the Party committee or the government
  adopted one of its items (a proposal's answer, a closed case's answer, a sitting-in
  suggestion), keyed by (kind, item id). A consultation's adoption is the consultations module's
  own feedback (采纳 / 部分采纳), read, never copied here.
- `award_selections` is the county's (one a year, with how many winners each category takes),
  or a township's own selection when `township_id` is set (one a year per township).
- `award_candidates` carries `tenant_id` without being tenant-owned, as the rollups do: the
  county reads its townships' rows of the county's selections under the county policy
  (`rls.enable_county`, narrowed by migration 0046: never a township's own selection's rows),
  and a township's context reads and writes only its own. A candidate is either taken from
  the rollups by the county (best representatives, stations, units) or nominated by its
  township from its adopted items (best suggestions): a copy, so the county never reads a
  township's rows; a township's own selection takes its candidates from its own rows.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class AdoptionKind(StrEnum):
    PROPOSAL = "proposal"  # a proposal, suggestion or inquiry answered in writing
    CASE = "case"  # the answer of a closed case
    SITTING = "sitting"  # a suggestion made while sitting in on a meeting
    CONSULTATION = "consultation"  # the consultations module's own 采纳 feedback (not stored here)


class AdoptedBy(StrEnum):
    COMMITTEE = "committee"  # 党委
    GOVERNMENT = "government"  # 政府
    BOTH = "both"  # 党委政府


class Category(StrEnum):
    REPRESENTATIVE = "representative"  # 十佳党代表
    STATION = "station"  # 十佳工作站（室）
    SUGGESTION = "suggestion"  # 十佳意见建议（提案）
    UNIT = "unit"  # 十佳承办单位


class SelectionState(StrEnum):
    OPEN = "open"  # the townships nominate; the county may gather the figures' candidates
    CHOOSING = "choosing"  # the candidates are fixed; the committee chooses the winners
    CLOSED = "closed"  # published as the honour roll; nothing changes any more


class Adoption(TenantMixin, Base):
    __tablename__ = "award_adoptions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "item_id"),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_award_adoptions_day", "tenant_id", "adopted_on"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(200))  # the item's title when marked
    representative_id: Mapped[int | None] = mapped_column(BigId)  # whose suggestion it was
    adopted_by: Mapped[str] = mapped_column(String(16))
    adopted_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Selection(Base):
    """A county's selection (`township_id` None, one a year per county) or a township's own
    (one a year per township), whose candidates are all of that township."""

    __tablename__ = "award_selections"
    __table_args__ = (
        Index(
            "uq_award_selections_county_year",
            "county_id",
            "year",
            unique=True,
            sqlite_where=text("township_id IS NULL"),
            postgresql_where=text("township_id IS NULL"),
        ),
        Index(
            "uq_award_selections_township_year",
            "township_id",
            "year",
            unique=True,
            sqlite_where=text("township_id IS NOT NULL"),
            postgresql_where=text("township_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16), default=SelectionState.OPEN)
    quota_representative: Mapped[int] = mapped_column(Integer, default=10)
    quota_station: Mapped[int] = mapped_column(Integer, default=10)
    quota_suggestion: Mapped[int] = mapped_column(Integer, default=10)
    quota_unit: Mapped[int] = mapped_column(Integer, default=10)
    # The rollup figure each figure-based category is ranked by.
    metric_representative: Mapped[str] = mapped_column(String(48))
    metric_station: Mapped[str] = mapped_column(String(48))
    metric_unit: Mapped[str] = mapped_column(String(48))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    gathered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    def quota(self, category: str) -> int:
        return int(getattr(self, f"quota_{category}"))

    def metric(self, category: str) -> str | None:
        return getattr(self, f"metric_{category}", None)


class Candidate(Base):
    __tablename__ = "award_candidates"
    __table_args__ = (
        UniqueConstraint("selection_id", "tenant_id", "category", "kind", "entity_id"),
        Index("ix_award_candidates_selection", "county_id", "selection_id", "category"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("townships.id"))
    selection_id: Mapped[int] = mapped_column(ForeignKey("award_selections.id"))
    category: Mapped[str] = mapped_column(String(16))
    # The township's id of the representative, station or unit; a suggestion's item id, with
    # its `kind` (proposal / case / sitting / consultation; "" for the other categories).
    entity_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16), default="")
    name: Mapped[str] = mapped_column(String(200))  # as shown on the honour roll
    summary: Mapped[str] = mapped_column(Text, default="")  # the figure, or the township's words
    value: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    nominated: Mapped[bool] = mapped_column(Boolean, default=False)  # by its township
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)  # the committee's reason for choosing it
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    chosen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
