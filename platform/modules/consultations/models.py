"""Consultations (征询意见): a draft decision, plan, commendation or appointment put to named
representatives, groups or everyone in office; each one asked (an invitee) answers once; the
committee's answer goes back to all of them. Every table is tenant-owned; every reference to
another tenant table is a composite foreign key that includes `tenant_id`.

A consultation turned into a secret vote keeps no stance next to a voter (ARCHITECTURE.md §6,
lianxin.db.anonymous): a receipt (that they voted, no time) commits with the ballot sealed in
`cs_ballot_pool`; after the close the worker opens the pool and writes `cs_ballots` with fresh
random keys in shuffled order, only when at least K voted.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class Kind(StrEnum):
    DECISION = "decision"  # 重大决策
    PLAN = "plan"  # 工作部署、规划方案
    COMMENDATION = "commendation"  # 评先评优、表彰
    APPOINTMENT = "appointment"  # 干部任用


class Mode(StrEnum):
    OPINION = "opinion"  # 同意 / 不同意 / 意见
    NAMED_VOTE = "named_vote"  # 记名表决
    SECRET_VOTE = "secret_vote"  # 无记名表决


class State(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REPLIED = "replied"  # the committee's answer went back


class Stance(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    OPINION = "opinion"  # 有意见（写明）
    ABSTAIN = "abstain"  # votes only


class Outcome(StrEnum):
    ADOPTED = "adopted"
    PARTLY = "partly"
    NOT_ADOPTED = "not_adopted"


class Consultation(TenantMixin, Base):
    __tablename__ = "cs_consultations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "parent_id"], ["cs_consultations.tenant_id", "cs_consultations.id"]
        ),
        Index("ix_cs_consultations_state", "tenant_id", "state", "deadline"),
    )

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16), default=Mode.OPINION)
    body: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date]  # answers are taken to the end of this Shanghai day
    state: Mapped[str] = mapped_column(String(16), default=State.OPEN)
    # Whom it asked, as the office chose: {"everyone": bool, "group_ids": [...], "rep_ids": [...]}
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parent_id: Mapped[int | None] = mapped_column(BigId)  # the consultation a vote was called on
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # 采纳 / 部分采纳 / 未采纳
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None]
    # A secret vote: its own sealing salt and K, frozen when it opens; the tally after the count.
    seal_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    min_ballots: Mapped[int | None] = mapped_column(Integer)
    counted_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ConsultationFile(TenantMixin, Base):
    """A document put to the representatives with the consultation (the draft, an annex)."""

    __tablename__ = "cs_files"
    __table_args__ = (
        UniqueConstraint("tenant_id", "consultation_id", "file_id"),
        ForeignKeyConstraint(
            ["tenant_id", "consultation_id"], ["cs_consultations.tenant_id", "cs_consultations.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
    )

    consultation_id: Mapped[int] = mapped_column(BigId)
    file_id: Mapped[int] = mapped_column(BigId)


class Invitee(TenantMixin, Base):
    """A representative asked. The answer of an open (non-secret) consultation is on this row;
    a secret vote's is not (a Receipt says that they voted). `token_hash`: the one-time link of
    a representative without an account, kept as a hash, cleared when used."""

    __tablename__ = "cs_invitees"
    __table_args__ = (
        UniqueConstraint("tenant_id", "consultation_id", "representative_id"),
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "consultation_id"], ["cs_consultations.tenant_id", "cs_consultations.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        Index("ix_cs_invitees_rep", "tenant_id", "representative_id"),
    )

    consultation_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    token_hash: Mapped[str | None] = mapped_column(String(64))
    stance: Mapped[str | None] = mapped_column(String(16))
    opinion: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_via: Mapped[str | None] = mapped_column(String(16))  # account / link
    case_id: Mapped[int | None] = mapped_column(BigId)  # the case the opinion became


class Receipt(TenantMixin, Base):
    """That an invitee voted in a secret vote (a second ballot is refused): no time, no stance."""

    __tablename__ = "cs_receipts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "consultation_id", "invitee_id"),
        ForeignKeyConstraint(
            ["tenant_id", "consultation_id"], ["cs_consultations.tenant_id", "cs_consultations.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "invitee_id"], ["cs_invitees.tenant_id", "cs_invitees.id"]
        ),
    )

    consultation_id: Mapped[int] = mapped_column(BigId)
    invitee_id: Mapped[int] = mapped_column(BigId)


class PooledBallot(TenantMixin, Base):
    """A secret ballot sealed (lianxin.db.anonymous) until the worker releases it."""

    __tablename__ = "cs_ballot_pool"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "consultation_id"], ["cs_consultations.tenant_id", "cs_consultations.id"]
        ),
    )

    consultation_id: Mapped[int] = mapped_column(BigId)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Ballot(TenantMixin, Base):
    """One released secret ballot: a random key and the stance — nothing else."""

    __tablename__ = "cs_ballots"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        ForeignKeyConstraint(
            ["tenant_id", "consultation_id"], ["cs_consultations.tenant_id", "cs_consultations.id"]
        ),
    )

    consultation_id: Mapped[int] = mapped_column(BigId)
    key: Mapped[str] = mapped_column(String(36))
    stance: Mapped[str] = mapped_column(String(16))
