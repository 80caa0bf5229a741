"""The outbox, its dead letters, the in-app inbox (ARCHITECTURE.md §7), what each delivery did,
and each person's channels."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    DELIVERED = "delivered"
    DEAD = "dead"


class OutboxMessage(Base):
    """A side effect written in the same transaction as the change that caused it.

    Platform-level, not tenant-owned: one dispatcher sweeps every township's messages. A
    message carries its township's id and is delivered inside that township's context; its
    payload holds ids and short texts, never a rater next to what they rated.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "available_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"), index=True)
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The same logical message enqueued twice (a retried request, a sweep run twice) is one row.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeadLetter(Base):
    """A message or task that failed every retry, kept for an operator to inspect and replay."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    task_name: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[int | None] = mapped_column(BigId)
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """An in-app inbox entry. Unique per (message, user), so a redelivery adds nothing."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("outbox_id", "user_id"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(TenantMixin, Base):
    """What became of one message for one recipient on one channel (the township's report).

    One row per (message, recipient, channel): `sent` with the provider's message id, `failed`
    with the provider's error code (retried with the outbox's backoff, the row updated), or
    `skipped` with the reason (no phone, no template for the kind, opted out, no WeCom id …).
    A recipient is `user:<id>` (an account) or `phone:<n>` (the n-th number the message was
    addressed to: a person without an account). A phone is kept masked (138****1234), never
    in clear.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "outbox_id", "recipient", "channel"),
        Index("ix_deliveries_kind_status", "tenant_id", "kind", "status"),
    )

    outbox_id: Mapped[int] = mapped_column(BigId, ForeignKey("outbox_messages.id"))
    recipient: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_name: Mapped[str] = mapped_column(String(100), default="")
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(16))  # inbox / sms / email / wecom
    provider: Mapped[str | None] = mapped_column(String(16))  # log / aliyun / tencent / smtp …
    kind: Mapped[str] = mapped_column(String(40), default="general")
    status: Mapped[str] = mapped_column(String(16))  # sent / failed / skipped
    code: Mapped[str | None] = mapped_column(String(100))  # skip reason or provider error
    detail: Mapped[str | None] = mapped_column(String(300))
    provider_id: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    # The office may learn how many this message reached, not who (an evaluation's reminder
    # tells who has not answered yet): no name or phone is kept, the report shows counts.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChannelPreference(Base):
    """The channels a person wants besides the inbox (always on), and their WeCom userid.

    No row: every channel on (SMS, email, WeCom), no WeCom id. Platform-level like the user.
    """

    __tablename__ = "channel_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    sms: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    wecom: Mapped[bool] = mapped_column(Boolean, default=True)
    wecom_userid: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
