"""The working calendar as the platform keeps it: platform tables, not tenant-owned.

Only the days that differ from Monday–Friday are stored: a weekday off (a public holiday, or a
county's local holiday) or a weekend day worked (an adjusted working day, 调休上班).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, utcnow


class CalendarSource(StrEnum):
    PACKAGE = "package"  # seeded from the chinesecalendar package
    STATE_COUNCIL = "state_council"  # loaded by the operator from the State Council's notice
    COUNTY = "county"  # a county's local holiday


class WorkCalendarDay(Base):
    """A day that differs from Monday–Friday: national (`county_id` NULL) or one county's."""

    __tablename__ = "work_calendar_days"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id", ondelete="CASCADE"))
    working: Mapped[bool]
    name: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(16))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        # One national row per day, one row per day in each county (NULLs are distinct in a
        # plain unique constraint, hence two partial indexes; they also serve the year lookups).
        Index(
            "uq_work_calendar_days_national",
            "day",
            unique=True,
            postgresql_where=text("county_id IS NULL"),
            sqlite_where=text("county_id IS NULL"),
        ),
        Index(
            "uq_work_calendar_days_county",
            "county_id",
            "day",
            unique=True,
            postgresql_where=text("county_id IS NOT NULL"),
            sqlite_where=text("county_id IS NOT NULL"),
        ),
    )


class WorkCalendarYear(Base):
    """A year whose national calendar is official; a year without a row is estimated."""

    __tablename__ = "work_calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(16))
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkCalendarRevision(Base):
    """One row whose number grows with every change: other processes drop their cache on it."""

    __tablename__ = "work_calendar_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger)
