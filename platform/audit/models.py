"""The append-only, hash-chained audit log (ARCHITECTURE.md §8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, utcnow


class AuditEntry(Base):
    """One change: who, acting in which township and role, what, before/after, when, from where.

    Entries form one chain per township (`t:<id>`), per county (`c:<id>`) and for the platform;
    each entry's hash covers its content and the previous entry's hash, so that an edited or
    removed entry breaks every hash after it, and `mac` is an HMAC of that hash under the audit
    key, which the database never holds: whoever holds only the database can neither forge an
    entry nor re-hash the chain after an edit. `mac` is NULL only on entries written before
    entries were signed (anchored by the legacy checkpoint, README.md). The application role
    may only INSERT and SELECT.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_audit_entries_tenant_created", "tenant_id", "created_at"),
        # The audit pages' filters (lianxin.audit.browse): who, what kind, which days.
        Index("ix_audit_entries_chain_actor", "chain", "actor_user_id", "seq"),
        Index("ix_audit_entries_chain_action", "chain", "action", "seq"),
        Index("ix_audit_entries_chain_created", "chain", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chain: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    actor_name: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """The names of the chains, one row each, added with a chain's first entry.

    No longer a head: a mutable last link in the database proved nothing (whoever could update
    it could re-hash the chain behind it). Appends are serialised per chain by an advisory lock
    and read the last entry; the anchors are the signed checkpoints outside the database. The
    application role may only INSERT and SELECT here too.
    """

    __tablename__ = "audit_chain_heads"

    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
