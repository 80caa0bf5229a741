"""Briefings (通报): what the office tells the representatives between congresses — a decision
taken, the progress of a matter, the result of a consultation — to everyone in office, chosen
groups or named representatives, with a read receipt per recipient.

A briefing is a draft until it is sent; once sent it never changes (a correction is a new
briefing that names the old one in `corrects_id`). Who read it is not secret: the office sees
each recipient's first read. `sent_on`, `read_on` and `remind_on` are Asia/Shanghai dates, so
the reminder and the county's "read within N days" count calendar days in China.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class Kind(StrEnum):
    DECISION = "decision"  # 决策事项
    PROGRESS = "progress"  # 工作进展
    CONSULTATION = "consultation"  # 征询意见结果
    OTHER = "other"


class State(StrEnum):
    DRAFT = "draft"
    SENT = "sent"


class Audience(StrEnum):
    ALL = "all"  # every representative in office
    GROUPS = "groups"  # the in-office members of chosen groups (代表小组)
    NAMED = "named"  # named representatives


class Channel(StrEnum):
    """How a recipient was told: their inbox, an SMS with a reading link, or not at all."""

    INBOX = "inbox"
    SMS = "sms"
    NONE = "none"


class Briefing(TenantMixin, Base):
    __tablename__ = "br_briefings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "corrects_id"],
            ["br_briefings.tenant_id", "br_briefings.id"],
            name="fk_br_briefings_corrects",
        ),
        Index("ix_br_briefings_state_remind", "tenant_id", "state", "remind_on"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), default=State.DRAFT)
    audience: Mapped[str] = mapped_column(String(8), default=Audience.ALL)
    # The choice while a draft; the recipients rows are what was sent.
    group_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    representative_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    corrects_id: Mapped[int | None] = mapped_column(BigId)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None]
    sent_on: Mapped[date | None]  # Shanghai date of sending
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # N of the township when it was sent (frozen): unread on `remind_on` = sent_on + N are
    # reminded once.
    read_days: Mapped[int | None] = mapped_column(Integer)
    remind_on: Mapped[date | None]


class Recipient(TenantMixin, Base):
    """One representative a sent briefing went to, and their first read."""

    __tablename__ = "br_recipients"
    __table_args__ = (
        UniqueConstraint("tenant_id", "briefing_id", "representative_id"),
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "briefing_id"], ["br_briefings.tenant_id", "br_briefings.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name="fk_br_recipients_representative",
        ),
        Index("ix_br_recipients_rep_read", "tenant_id", "representative_id", "read_on"),
    )

    briefing_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    channel: Mapped[str] = mapped_column(String(8), default=Channel.NONE)
    # The reading link of someone without an account, kept as a hash (sent by SMS).
    token_hash: Mapped[str | None] = mapped_column(String(64))
    read_at: Mapped[datetime | None]
    read_on: Mapped[date | None]
    reminded_on: Mapped[date | None]


class BriefingFile(TenantMixin, Base):
    """A file attached to a briefing (stored by the storage service)."""

    __tablename__ = "br_files"
    __table_args__ = (
        UniqueConstraint("tenant_id", "briefing_id", "file_id"),
        ForeignKeyConstraint(
            ["tenant_id", "briefing_id"], ["br_briefings.tenant_id", "br_briefings.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
    )

    briefing_id: Mapped[int] = mapped_column(BigId)
    file_id: Mapped[int] = mapped_column(BigId)
