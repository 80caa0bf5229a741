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


class SubjectKind(StrEnum):
    """What a subject is, beside the shape's usual one (a member, a representative, a unit)."""

    MEMBER = "member"  # one committee member (the default of a committee campaign)
    BODY = "committee"  # the committee as a body (党委、纪委领导班子)
    CITY_REP = "city_rep"  # a city representative living in the township (市党代表), by name


class RaterCategory(StrEnum):
    """Who a rater is: representatives and party members, and the non-representatives the seed
    names (001 张家港: 不是党代表的机关干部、所辖村的党组织书记和村民委员会主任、直属单位负责人)."""

    REPRESENTATIVE = "representative"
    PARTY_MEMBER = "party_member"
    AGENCY_CADRE = "agency_cadre"
    VILLAGE_HEAD = "village_head"
    UNIT_HEAD = "unit_head"


class PaperState(StrEnum):
    ENTERING = "entering"  # the tellers key in; a mismatch is shown until resolved
    AGREED = "agreed"  # both entries agreed: the forms are sealed into the pool


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
    # The evaluation group (评议小组: 组长 and two members) that runs it, set by the office.
    group_leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    group_member1_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    group_member2_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The advance notice (评议预告) to those evaluated: the Shanghai day it was sent.
    notice_sent_on: Mapped[date | None]


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
        ForeignKeyConstraint(
            ["tenant_id", "filed_session_id"],
            ["as_sessions.tenant_id", "as_sessions.id"],
            name="fk_ev_subjects_filed_session",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "filed_document_id"],
            ["as_documents.tenant_id", "as_documents.id"],
            name="fk_ev_subjects_filed_document",
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a committee member
    representative_id: Mapped[int | None] = mapped_column(BigId)
    unit_id: Mapped[int | None] = mapped_column(BigId)
    kind: Mapped[str | None] = mapped_column(String(16))  # SubjectKind; None: the shape's usual
    report_text: Mapped[str | None] = mapped_column(Text)
    report_file_id: Mapped[int | None] = mapped_column(BigId)
    proposed_grade: Mapped[str | None] = mapped_column(String(16))  # the office's proposal
    proposal_reason: Mapped[str | None] = mapped_column(String(500))
    grade: Mapped[str | None] = mapped_column(String(16))
    grade_reason: Mapped[str | None] = mapped_column(String(500))
    graded_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    # The responsible leader's opinion (分管领导意见), asked before the committee decides.
    leader_name: Mapped[str | None] = mapped_column(String(50))
    leader_opinion: Mapped[str | None] = mapped_column(String(500))
    # Graded 不称职 and reported to the county (报告上级组织部门): once, when first so graded.
    reported_at: Mapped[datetime | None]
    # A city representative's report filed among an annual session's documents (列入年会文件):
    # the session, its title then, the latest document and the SHA-256 of what it holds (the
    # report edited since reads otherwise: the office files the update beside it, same session).
    filed_session_id: Mapped[int | None] = mapped_column(BigId)
    filed_session_title: Mapped[str | None] = mapped_column(String(100))
    filed_document_id: Mapped[int | None] = mapped_column(BigId)
    filed_digest: Mapped[str | None] = mapped_column(String(64))


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
    category: Mapped[str] = mapped_column(String(24), default=RaterCategory.REPRESENTATIVE)
    # A rater who is not a representative (机关干部, 村书记/主任, 单位负责人): named by the office.
    guest_name: Mapped[str | None] = mapped_column(String(50))


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
    # Handed a paper form (纸质评议表) at the meeting: answers on paper, keyed in by the tellers.
    on_paper: Mapped[bool] = mapped_column(Boolean, default=False)


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
    # The rater's category (known from the receipt anyway): answers are released per category.
    category: Mapped[str | None] = mapped_column(String(24))
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
    # The rater's category; None where categories under K were released together (合并).
    category: Mapped[str | None] = mapped_column(String(24))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    overall: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    # “无法评价”: no scores, no grade; counted apart, never in a result (service._result).
    cannot_evaluate: Mapped[bool] = mapped_column(Boolean, default=False)


class PaperBatch(TenantMixin, Base):
    """A pile of paper forms of one rater category, keyed in by two tellers (the annual
    session's double tally): the forms count only once both entries agree."""

    __tablename__ = "ev_paper_batches"
    __table_args__ = (
        UniqueConstraint("tenant_id", "campaign_id", "label"),
        ForeignKeyConstraint(
            ["tenant_id", "campaign_id"], ["ev_campaigns.tenant_id", "ev_campaigns.id"]
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigId)
    label: Mapped[str] = mapped_column(String(50))
    category: Mapped[str] = mapped_column(String(24))
    forms: Mapped[int] = mapped_column(Integer)
    teller1_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    teller2_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16), default=PaperState.ENTERING)


class PaperEntry(TenantMixin, Base):
    """One teller's keying of a whole batch, sealed like an answer (the campaign's key): no
    row per form, no time; deleted when the two entries agree and the forms are pooled."""

    __tablename__ = "ev_paper_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "batch_id", "teller_id"),
        ForeignKeyConstraint(
            ["tenant_id", "batch_id"], ["ev_paper_batches.tenant_id", "ev_paper_batches.id"]
        ),
    )

    batch_id: Mapped[int] = mapped_column(BigId)
    teller_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
