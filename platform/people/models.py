"""The people of a township: representatives, their groups, handling units, party members and
households. A core part of the platform (every module needs them), not a switchable module."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
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


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Education(StrEnum):
    POSTGRADUATE = "postgraduate"
    BACHELOR = "bachelor"
    COLLEGE = "college"
    SECONDARY = "secondary"
    JUNIOR = "junior"


class Category(StrEnum):
    """The structure categories the seeds report (领导干部 / 专业技术 / 农民 / …)."""

    LEADING_CADRE = "leading_cadre"
    PROFESSIONAL = "professional"
    FARMER = "farmer"
    PRIVATE_ECONOMY = "private_economy"
    MILITARY_POLICE = "military_police"
    OTHER_GRASSROOTS = "other_grassroots"


class RepStatus(StrEnum):
    IN_OFFICE = "in_office"
    ENDED = "ended"


class EndReason(StrEnum):
    TRANSFERRED = "transferred"
    RESIGNED = "resigned"
    RECALLED = "recalled"
    DECEASED = "deceased"
    OTHER = "other"


class GroupRole(StrEnum):
    LEADER = "leader"
    DEPUTY = "deputy"
    LIAISON = "liaison"
    MEMBER = "member"


class GroupKind(StrEnum):
    """An area group (地域小组: a representative keeps exactly one, `Representative.group_id`) or a
    thematic group (专业小组, 002 海安, 003/6: a representative may belong to several at once)."""

    AREA = "area"
    THEMATIC = "thematic"


class UnitLevel(StrEnum):
    TOWNSHIP = "township"
    COUNTY = "county"


class UnitKind(StrEnum):
    DEPARTMENT = "department"
    VILLAGE_COMMITTEE = "village_committee"
    COUNTY_DEPARTMENT = "county_department"
    ENTERPRISE = "enterprise"
    OTHER = "other"


class RepresentativeGroup(TenantMixin, Base):
    """代表小组 (or 代表团/代表队): 10–20 representatives by area or trade. `kind`: an area group
    (each representative keeps one) or a thematic group (专业小组, several at once)."""

    __tablename__ = "representative_groups"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default=GroupKind.AREA)  # migration: "area"
    description: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Representative(TenantMixin, Base):
    """A Party-congress representative. Re-imports match on (name, birth date) in the township."""

    __tablename__ = "representatives"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name", "birth_date"),
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["representative_groups.tenant_id", "representative_groups.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "photo_file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
        Index("ix_representatives_pinyin", "tenant_id", "name_pinyin"),
        Index("ix_representatives_initials", "tenant_id", "name_initials"),
    )

    name: Mapped[str] = mapped_column(String(50))
    # Sorting and searching in pinyin order (张秀英 → "zhang xiu ying", "zxy").
    name_pinyin: Mapped[str] = mapped_column(String(200))
    name_initials: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date]
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    education: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    is_grassroots_cadre: Mapped[bool] = mapped_column(Boolean, default=False)
    branch_id: Mapped[int | None] = mapped_column(BigId)  # electoral unit (选举单位)
    group_id: Mapped[int | None] = mapped_column(BigId)  # current area group; history below
    is_township_rep: Mapped[bool] = mapped_column(Boolean, default=True)
    is_county_rep: Mapped[bool] = mapped_column(Boolean, default=False)
    term: Mapped[int] = mapped_column(Integer)  # 届
    phone: Mapped[str | None] = mapped_column(String(20))
    workplace: Mapped[str | None] = mapped_column(String(100))
    # The representative agreed to publish phone, workplace and photo on public pages (the
    # public roster, reception-day notices and posters): lianxin.people.privacy.
    publish_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    post: Mapped[str | None] = mapped_column(String(100))
    photo_file_id: Mapped[int | None] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16), default=RepStatus.IN_OFFICE)
    ended_reason: Mapped[str | None] = mapped_column(String(16))
    ended_on: Mapped[date | None]
    ended_note: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def in_office(self) -> bool:
        return self.status == RepStatus.IN_OFFICE

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class GroupMembership(TenantMixin, Base):
    """Who was in which group, in which role, from when to when (ended_on None: current). At
    most one current row of an area group per representative; thematic groups, any number."""

    __tablename__ = "group_memberships"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "group_id"],
            ["representative_groups.tenant_id", "representative_groups.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "representative_id"], ["representatives.tenant_id", "representatives.id"]
        ),
        Index("ix_group_memberships_group", "tenant_id", "group_id", "ended_on"),
    )

    group_id: Mapped[int] = mapped_column(BigId)
    representative_id: Mapped[int] = mapped_column(BigId)
    role: Mapped[str] = mapped_column(String(16), default=GroupRole.MEMBER)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]


class HandlingUnit(TenantMixin, Base):
    """承办单位: a township department, village committee, county department or enterprise."""

    __tablename__ = "handling_units"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16), default=UnitLevel.TOWNSHIP)
    kind: Mapped[str] = mapped_column(String(24), default=UnitKind.DEPARTMENT)
    contact_name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartyMember(TenantMixin, Base):
    """A party member of a branch (the liaison chain keeps representatives in touch with them)."""

    __tablename__ = "party_members"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
        Index("ix_party_members_branch", "tenant_id", "branch_id"),
    )

    name: Mapped[str] = mapped_column(String(50))
    name_pinyin: Mapped[str] = mapped_column(String(200))
    name_initials: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(20))
    branch_id: Mapped[int] = mapped_column(BigId)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Household(TenantMixin, Base):
    """A household of a branch's area (party members keep in touch with households)."""

    __tablename__ = "households"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
        Index("ix_households_branch", "tenant_id", "branch_id"),
    )

    head_name: Mapped[str] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    branch_id: Mapped[int] = mapped_column(BigId)
    note: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportStatus(StrEnum):
    PREVIEWED = "previewed"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportJob(TenantMixin, Base):
    """One roster import: the stored file, its checked preview, and the commit's progress."""

    __tablename__ = "import_jobs"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "file_id"], ["stored_files.tenant_id", "stored_files.id"]
        ),
    )

    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    file_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.PREVIEWED)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    valid_rows: Mapped[int] = mapped_column(Integer, default=0)
    # [{"row": 5, "column": "出生日期", "message": "日期无效：1990.13.01"}, …]
    errors: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_rows: Mapped[int] = mapped_column(Integer, default=0)
    updated_rows: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
