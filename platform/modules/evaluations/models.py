"""Evaluations (评议): campaigns with a form, their subjects and duty reports, eligible raters,
the receipts that say who has answered, the answers themselves (pooled, then released in
shuffled batches), public one-answer codes, and the committee's grades.

Anonymity (ARCHITECTURE.md §6, lianxin.db.anonymous): a receipt (who answered) is committed
with the answers sealed under a key the database never holds; the worker opens them and writes
them into `ev_answers` with fresh random keys, in shuffled batches of at least K per subject.
An answer row has no rater, no time and nothing carried over from its sealed form. An answer
may say “无法评价” about a subject the rater does not know: sealed, padded and released like a
grade, but counted neither for nor against.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lianxin.db.base import Base, BigId, TenantMixin, utcnow


class Shape(StrEnum):
    COMMITTEE = "committee"  # representatives evaluate the 两委委员
    DUTY = "duty"  # party members evaluate their representative's duty report (述职评议)
    DEPARTMENTS = "departments"  # representatives evaluate township departments
    PUBLIC = "public"  # the public rate stations or the township (满意度测评)


class CampaignState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Grade(StrEnum):
    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    INCOMPETENT = "incompetent"  # 不称职


class Campaign(TenantMixin, Base):
    __tablename__ = "ev_campaigns"
    __table_args__ = (UniqueConstraint("tenant_id", "title"),)

    title: Mapped[str] = mapped_column(String(100))
    shape: Mapped[str] = mapped_column(String(16))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(16), default=CampaignState.DRAFT)
    # [{"key", "label", "weight"}]; scored from scale_min to scale_max. Fixed once open.
    dimensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=10)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Frozen from the township's settings when the campaign opens: a setting changed while it
    # runs cannot lower the protection of the answers already given.
    min_answers: Mapped[int | None] = mapped_column(Integer)  # K
    answer_batch: Mapped[int | None] = mapped_column(Integer)
    seal_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))  # its own sealing key
    # Whether the form offers “无法评价” (frozen like K; None while a draft: the setting).
    cannot_evaluate: Mapped[bool | None] = mapped_column(Boolean)
    # When the worker released the last answers after the close: results exist from then on.
    counted_at: Mapped[datetime | None]


class Subject(TenantMixin, Base):
    """Who or what is evaluated, with their duty report (述职述廉) and the committee's grade."""

    __tablename__ = "ev_subjects"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"], ["ev_campaigns.tenant_id", "ev_campaigns.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name="fk_ev_subjects_representative",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "report_file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a committee member
    representative_id: Mapped[int | None] = mapped_column(BigId)
    unit_id: Mapped[int | None] = mapped_column(BigId)
    report_text: Mapped[str | None] = mapped_column(Text)
    report_file_id: Mapped[int | None] = mapped_column(BigId)
    proposed_grade: Mapped[str | None] = mapped_column(String(16))  # the office's proposal
    proposal_reason: Mapped[str | None] = mapped_column(String(500))
    grade: Mapped[str | None] = mapped_column(String(16))
    grade_reason: Mapped[str | None] = mapped_column(String(500))
    graded_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]


class Rater(TenantMixin, Base):
    """Someone eligible to answer: a representative (who answers from their account or a link)
    or a party member (by a one-time link). Fixed when the campaign opens."""

    __tablename__ = "ev_raters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "campaign_id", "representative_id"),
        UniqueConstraint("tenant_id", "campaign_id", "party_member_id"),
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"], ["ev_campaigns.tenant_id", "ev_campaigns.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"],
            ["representatives.tenant_id", "representatives.id"],
            name="fk_ev_raters_representative",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "party_member_id"], ["party_members.tenant_id", "party_members.id"]
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int | None] = mapped_column(BigId)
    party_member_id: Mapped[int | None] = mapped_column(BigId)
    token_hash: Mapped[str] = mapped_column(String(64))  # the one-time link, kept as a hash


class Receipt(TenantMixin, Base):
    """That a rater has answered (so the office can chase the others): no time, no answer."""

    __tablename__ = "ev_receipts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "campaign_id", "rater_id"),
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"], ["ev_campaigns.tenant_id", "ev_campaigns.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "rater_id"], ["ev_raters.tenant_id", "ev_raters.id"]),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    rater_id: Mapped[int] = mapped_column(BigId)


class PublicCode(TenantMixin, Base):
    """A one-answer code for the public (a printed station QR card, or one per case)."""

    __tablename__ = "ev_codes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"], ["ev_campaigns.tenant_id", "ev_campaigns.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    code_hash: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(BigId)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class PooledAnswer(TenantMixin, Base):
    """An answer about one subject, sealed (lianxin.db.anonymous) until the worker releases it."""

    __tablename__ = "ev_answer_pool"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"], ["ev_campaigns.tenant_id", "ev_campaigns.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "subject_id"], ["ev_subjects.tenant_id", "ev_subjects.id"]
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    subject_id: Mapped[int] = mapped_column(BigId)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Answer(TenantMixin, Base):
    """One answer about one subject: a random key and what it says — nothing else."""

    __tablename__ = "ev_answers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"], ["ev_campaigns.tenant_id", "ev_campaigns.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "subject_id"], ["ev_subjects.tenant_id", "ev_subjects.id"]
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    subject_id: Mapped[int] = mapped_column(BigId)
    key: Mapped[str] = mapped_column(String(36))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    overall: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    # “无法评价”: no scores, no grade; counted apart, never in a result (service._result).
    cannot_evaluate: Mapped[bool] = mapped_column(Boolean, default=False)
