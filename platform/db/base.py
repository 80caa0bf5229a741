"""Declarative base, id types and the tenant mixin shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Identity, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite autoincrements only a column declared exactly INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite forgets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class TenantMixin:
    """A row owned by one township: `(tenant_id, id)` is its primary key (ARCHITECTURE.md §2).

    Foreign keys to other tenant tables must be composite and include `tenant_id`; the metadata
    test in tests/db enforces it.
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(
            BigId,
            ForeignKey("townships.id", ondelete="RESTRICT"),
            primary_key=True,
            sort_order=-10,
        )

    @declared_attr
    def id(cls) -> Mapped[int]:
        # insert_sentinel: with a composite key SQLAlchemy cannot match RETURNING rows to
        # objects and would insert one row per statement; the identity column can.
        return mapped_column(
            BigId, Identity(), primary_key=True, insert_sentinel=True, sort_order=-9
        )


def tenant_tables() -> list[Any]:
    """Every table whose model is tenant-owned."""
    return sorted(
        (m.local_table for m in Base.registry.mappers if issubclass(m.class_, TenantMixin)),
        key=lambda t: t.name,
    )
