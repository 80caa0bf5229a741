"""Public commitments (公开承诺, 承诺、亮诺、践诺、述诺、评诺): what a representative undertakes
for a year with a deadline, the office's approval (or return with a reason), the dated progress
notes (践诺) and the close as kept or not kept with a note (述诺/评诺). Every table is
tenant-owned; every reference to another tenant table is a composite foreign key that includes
`tenant_id`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class Status(StrEnum):
    PENDING = "pending"  # written, waiting for the office (待审核)
    RETURNED = "returned"  # returned with a reason, to be revised (已退回)
    APPROVED = "approved"  # on the public board, under way (进行中 / 已逾期)
    KEPT = "kept"  # closed: 已兑现
    NOT_KEPT = "not_kept"  # closed: 未兑现


OPEN = (Status.PENDING, Status.RETURNED, Status.APPROVED)
PUBLIC = (Status.APPROVED, Status.KEPT, Status.NOT_KEPT)  # on the board
CLOSED = (Status.KEPT, Status.NOT_KEPT)


class Commitment(TenantMixin, Base):
    """One commitment of one representative for `year`, due by `due_on` (an Asia/Shanghai date
    within the year). `by_office`: the office entered it for the representative (代为登记)."""

    __tablename__ = "cm_commitments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_cm_commitments_rep", "tenant_id", "representative_id", "year"),
        Index("ix_cm_commitments_status", "tenant_id", "status", "due_on"),
    )

    representative_id: Mapped[int] = mapped_column(BigId)
    year: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING)
    by_office: Mapped[bool] = mapped_column(Boolean, default=False)
    return_reason: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_on: Mapped[date | None]
    close_note: Mapped[str | None] = mapped_column(Text)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


class Progress(TenantMixin, Base):
    """A dated progress note on a commitment (践诺), by the representative or the office."""

    __tablename__ = "cm_progress"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "commitment_id"], ["cm_commitments.tenant_id", "cm_commitments.id"]
        ),
        Index("ix_cm_progress_commitment", "tenant_id", "commitment_id", "noted_on"),
    )

    commitment_id: Mapped[int] = mapped_column(BigId)
    noted_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    by_office: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
