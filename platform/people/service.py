"""Use cases of the people of a township: the roster, groups, units, party members, households.

`RepresentativeCleaner` is the one place that checks a representative's fields; the API, the
pages and the spreadsheet import all go through it, so a rule is never written twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from flask_babel import gettext as _
from pypinyin import Style, lazy_pinyin
from sqlalchemy import func, or_, select
from sqlalchemy.sql import Select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth import service as accounts
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework.deadlines import shanghai_today
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.people import choices
from lianxin.people.models import (
    Category,
    EndReason,
    Gender,
    GroupMembership,
    GroupRole,
    HandlingUnit,
    Household,
    PartyMember,
    Representative,
    RepresentativeGroup,
    RepStatus,
    UnitKind,
    UnitLevel,
)
from lianxin.storage import owners as storage_owners
from lianxin.tenants.models import Branch, Township

PHONE_RE = re.compile(r"^(?:\+?86)?(1\d{10}|0\d{2,3}\d{7,8})$")
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "", "×"}
LEVEL_WORDS = {
    "乡镇": (True, False),
    "镇": (True, False),
    "乡": (True, False),
    "县": (False, True),
    "县级": (False, True),
    "乡镇和县": (True, True),
    "乡镇、县": (True, True),
    "县和乡镇": (True, True),
    "两级": (True, True),
}


# --- names in pinyin order -------------------------------------------------------------------


def pinyin_of(name: str) -> tuple[str, str]:
    """("zhang xiu ying", "zxy"): the sort key and the initials searched by."""
    syllables = lazy_pinyin(name, errors="default")
    initials = "".join(s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER) if s)
    return " ".join(syllables).lower(), initials.lower()


def _search(query: Select[Any], model: Any, q: str | None) -> Select[Any]:
    if not q or not q.strip():
        return query
    q = q.strip().lower()
    compact = func.replace(model.name_pinyin, " ", "")
    # autoescape: a typed % or _ is a character to find, not a LIKE wildcard.
    return query.where(
        or_(
            model.name.contains(q, autoescape=True),
            model.name_initials.startswith(q, autoescape=True),
            compact.startswith(q.replace(" ", ""), autoescape=True),
        )
    )


# --- permissions --------------------------------------------------------------------------------


_can_read = permissions.require_member
_can_write = permissions.require_office


# --- checking a representative ----------------------------------------------------------------


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime, or text: 1990-03-01, 1990/3/1, 1990.03.01, 1990年3月1日."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_RE.match(str(value).strip())
    if not match:
        raise ValueError(str(value))
    return date(int(match[1]), int(match[2]), int(match[3]))  # raises on 1990.13.01


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(text)


def clean_phone(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = re.sub(r"[\s\-()（）]", "", str(value).strip())
    if text.endswith(".0"):  # a phone read as a number from a spreadsheet
        text = text[:-2]
    if not PHONE_RE.match(text):
        raise ValueError(text)
    return text


REPRESENTATIVE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "category",
    "is_grassroots_cadre",
    "branch_id",
    "group_id",
    "is_township_rep",
    "is_county_rep",
    "publish_contact",
    "term",
    "phone",
    "workplace",
    "post",
)
REQUIRED = ("name", "gender", "birth_date", "education", "category", "term")


class RepresentativeCleaner:
    """Checks representative data of one township; keeps its branch and group names at hand."""

    def __init__(self, township: Township, today: date | None = None) -> None:
        self.township = township
        self.today = today or shanghai_today()
        self._branches: dict[str, int] | None = None
        self._groups: dict[str, int] | None = None

    def branches(self) -> dict[str, int]:
        if self._branches is None:
            rows = db.session.execute(select(Branch.name, Branch.id)).all()
            self._branches = {name: id_ for name, id_ in rows}
        return self._branches

    def groups(self) -> dict[str, int]:
        if self._groups is None:
            rows = db.session.execute(
                select(RepresentativeGroup.name, RepresentativeGroup.id)
            ).all()
            self._groups = {name: id_ for name, id_ in rows}
        return self._groups

    def clean(
        self, raw: Mapping[str, Any], *, partial: bool = False
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """(clean data, errors by field). Accepts typed values or the text of a spreadsheet.

        `branch` and `group` may be given by name instead of `branch_id` / `group_id`, and
        `level` (乡镇 / 县 / 乡镇和县) instead of the two level flags.
        """
        data: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}

        def fail(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        def has(field: str) -> bool:
            value = raw.get(field)
            return value is not None and str(value).strip() != ""

        for field in REQUIRED:
            if not partial and not has(field):
                fail(field, _("必填"))
        if has("name"):
            name = re.sub(r"\s+", "", str(raw["name"]))
            if len(name) > 50:
                fail("name", _("姓名过长"))
            data["name"] = name
        if has("gender"):
            gender = choices.key_for(choices.GENDER, str(raw["gender"]))
            if gender is None:
                fail("gender", _("性别须为“男”或“女”"))
            data["gender"] = gender
        if has("birth_date"):
            try:
                born = parse_date(raw["birth_date"])
            except ValueError:
                fail("birth_date", _("日期无效：%(v)s", v=raw["birth_date"]))
            else:
                assert born is not None
                age = (self.today - born).days // 365
                if not 18 <= age <= 100:
                    fail("birth_date", _("出生日期不合理：%(v)s", v=born.isoformat()))
                data["birth_date"] = born
        if "ethnicity" in raw:
            ethnicity = str(raw.get("ethnicity") or "").strip() or "汉族"
            if len(ethnicity) > 20:
                fail("ethnicity", _("民族过长"))
            data["ethnicity"] = ethnicity if ethnicity.endswith("族") else ethnicity + "族"
        elif not partial:
            data["ethnicity"] = "汉族"
        for field, mapping in (("education", choices.EDUCATION), ("category", choices.CATEGORY)):
            if has(field):
                key = choices.key_for(mapping, str(raw[field]), choices.ALIASES.get(field))
                if key is None:
                    fail(field, _("不认识的取值：%(v)s", v=raw[field]))
                data[field] = key
        for field in ("is_grassroots_cadre", "is_township_rep", "is_county_rep", "publish_contact"):
            if field in raw and raw[field] is not None:
                try:
                    data[field] = parse_bool(raw[field])
                except ValueError:
                    fail(field, _("须为“是”或“否”"))
        if has("level"):
            level = LEVEL_WORDS.get(str(raw["level"]).strip())
            if level is None:
                fail("level", _("代表层级须为“乡镇”“县”或“乡镇和县”"))
            else:
                data["is_township_rep"], data["is_county_rep"] = level
        if not partial:
            data.setdefault("is_grassroots_cadre", False)
            data.setdefault("publish_contact", False)
            data.setdefault("is_township_rep", True)
            data.setdefault("is_county_rep", False)
        if data.get("is_township_rep") is False and data.get("is_county_rep") is False:
            fail("level", _("至少须为乡镇或县一级的代表"))
        if has("term"):
            try:
                term = int(str(raw["term"]).strip().removesuffix(".0").strip("第届"))
                if not 1 <= term <= 99:
                    raise ValueError
                data["term"] = term
            except ValueError:
                fail("term", _("届次须为1–99的整数"))
        if "phone" in raw:
            try:
                data["phone"] = clean_phone(raw["phone"])
            except ValueError:
                fail("phone", _("手机号格式不正确：%(v)s", v=raw["phone"]))
        for field in ("workplace", "post"):
            if field in raw:
                value = str(raw.get(field) or "").strip() or None
                if value and len(value) > 100:
                    fail(field, _("过长"))
                data[field] = value
        self._reference(raw, data, fail, "branch", self.branches(), Branch, _("未找到该支部"))
        self._reference(
            raw, data, fail, "group", self.groups(), RepresentativeGroup, _("未找到该代表小组")
        )
        return data, errors

    def _reference(
        self,
        raw: Mapping[str, Any],
        data: dict[str, Any],
        fail: Any,
        field: str,
        by_name: dict[str, int],
        model: Any,
        missing: str,
    ) -> None:
        id_field = f"{field}_id"
        if id_field in raw:
            value = raw[id_field]
            if value in (None, ""):
                data[id_field] = None
            elif db.session.get(model, (self.township.id, int(value))) is None:
                raise NotFound(missing)  # another township's id is simply not found here
            else:
                data[id_field] = int(value)
        elif field in raw:
            name = str(raw.get(field) or "").strip()
            if not name:
                data[id_field] = None
            elif name not in by_name:
                fail(field, missing + "：" + name)
            else:
                data[id_field] = by_name[name]

    def check(self, raw: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
        data, errors = self.clean(raw, partial=partial)
        if errors:
            raise ValidationFailed(errors=errors)
        return data


# --- the roster ---------------------------------------------------------------------------------


def _snapshot(rep: Representative) -> dict[str, Any]:
    return {
        f: getattr(rep, f)
        for f in (
            *REPRESENTATIVE_FIELDS,
            "status",
            "ended_reason",
            "ended_on",
            "user_id",
            "photo_file_id",
        )
    }


def list_representatives(
    actor: Actor,
    township: Township,
    *,
    q: str | None = None,
    status: str | None = None,
    branch_id: int | None = None,
    group_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Representative], int]:
    """The roster in pinyin order, searchable by name, full pinyin or initials."""
    _can_read(actor, township)
    query = _search(select(Representative), Representative, q)
    if status:
        query = query.where(Representative.status == status)
    if branch_id is not None:
        query = query.where(Representative.branch_id == branch_id)
    if group_id is not None:
        query = query.where(Representative.group_id == group_id)
    return paged(
        query,
        Representative.name_pinyin,
        Representative.birth_date,
        Representative.id,
        offset=offset,
        limit=limit,
    )


def get_representative(actor: Actor, township: Township, rep_id: int) -> Representative:
    _can_read(actor, township)
    rep = db.session.get(Representative, (township.id, rep_id))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    return rep


def find_by_key(name: str, birth_date: date) -> Representative | None:
    """The stable key of a representative within a township: name and birth date."""
    return db.session.scalar(
        select(Representative).where(
            Representative.name == name, Representative.birth_date == birth_date
        )
    )


def apply_representative(
    rep: Representative, data: Mapping[str, Any], *, on: date | None = None
) -> None:
    """Write checked data onto a representative (internal: callers check and audit)."""
    group_before = rep.group_id
    for field in REPRESENTATIVE_FIELDS:
        if field in data:
            setattr(rep, field, data[field])
    rep.name_pinyin, rep.name_initials = pinyin_of(rep.name)
    if "group_id" in data and data["group_id"] != group_before:
        db.session.flush()
        _move_group(rep, data["group_id"], GroupRole.MEMBER, on or shanghai_today())


def create_representative(
    actor: Actor, township: Township, raw: Mapping[str, Any]
) -> Representative:
    _can_write(actor, township)
    data = RepresentativeCleaner(township).check(raw)
    if find_by_key(data["name"], data["birth_date"]) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名且出生日期相同的代表")]})
    rep = Representative(status=RepStatus.IN_OFFICE, group_id=None)
    apply_representative(rep, {k: v for k, v in data.items() if k != "group_id"})
    db.session.add(rep)
    db.session.flush()
    if data.get("group_id"):
        _move_group(rep, data["group_id"], GroupRole.MEMBER, shanghai_today())
    audit.record(
        "representative.created",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        after=_snapshot(rep),
    )
    db.session.commit()
    return rep


def update_representative(
    actor: Actor, township: Township, rep_id: int, raw: Mapping[str, Any]
) -> Representative:
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    data = RepresentativeCleaner(township).check(raw, partial=True)
    before = _snapshot(rep)
    name, born = data.get("name", rep.name), data.get("birth_date", rep.birth_date)
    other = find_by_key(name, born)
    if other is not None and other.id != rep.id:
        raise ValidationFailed(errors={"name": [_("已有同名且出生日期相同的代表")]})
    apply_representative(rep, data)
    audit.record(
        "representative.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before=before,
        after=_snapshot(rep),
    )
    db.session.commit()
    return rep


def end_qualification(
    actor: Actor, township: Township, rep_id: int, *, reason: str, on: date, note: str | None = None
) -> Representative:
    """Qualification ended: the person stays in every past record, with the reason and date."""
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    if reason not in set(EndReason):
        raise ValidationFailed(errors={"reason": [_("请选择终止原因")]})
    if not rep.in_office:
        raise Conflict(_("该代表的资格已经终止"))
    if on > shanghai_today():
        raise ValidationFailed(errors={"on": [_("终止日期不能晚于今天")]})
    before = _snapshot(rep)
    rep.status, rep.ended_reason, rep.ended_on = RepStatus.ENDED, reason, on
    rep.ended_note = (note or "").strip() or None
    _move_group(rep, None, GroupRole.MEMBER, on)
    audit.record(
        "representative.qualification_ended",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before=before,
        after=_snapshot(rep),
    )
    db.session.commit()
    return rep


def set_photo(
    actor: Actor, township: Township, rep_id: int, stream: IO[bytes], filename: str
) -> Representative:
    from lianxin.storage import service as files

    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    images = {t for t in files.ALLOWED if t.startswith("image/")}
    try:
        # Checked before storing: a refused photo leaves no file row and no bytes behind.
        stored = files.save_upload(
            actor, township, stream, filename, purpose="photo", allowed=images
        )
    except ValidationFailed:
        raise ValidationFailed(errors={"photo": [_("照片须为图片（JPG、PNG、WebP）")]}) from None
    rep.photo_file_id = stored.id
    audit.record(
        "representative.photo_set",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        after={"file_id": stored.id},
    )
    db.session.commit()
    return rep


@storage_owners.reader("photo")
def _photo_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A photo is read by whoever may read its representative (`get_representative`); one that
    was replaced is held by no representative."""
    rep_id = db.session.scalar(
        select(Representative.id).where(Representative.photo_file_id == file_id).limit(1)
    )
    if rep_id is None:
        return False
    get_representative(actor, township, rep_id)
    return True


def link_account(
    actor: Actor,
    township: Township,
    rep_id: int,
    *,
    user_id: int | None = None,
    username: str | None = None,
) -> tuple[Representative, str | None]:
    """Give a representative a login (role `representative`); a new user gets a set-up link."""
    rep = get_representative(actor, township, rep_id)
    if not permissions.can_administer_township(actor, township.id):
        raise PermissionDenied()
    if rep.user_id is not None:
        raise Conflict(_("该代表已有登录账号"))
    token = None
    if user_id is not None:
        user = accounts.member_user(township, user_id)
    else:
        user = accounts.create_user(username or "", rep.name, phone=rep.phone)
        token = accounts.issue_setup_link(user)
    has_role = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.tenant_id == township.id,
            Membership.role == Role.REPRESENTATIVE.value,
        )
    )
    if not has_role:
        accounts.grant_township_role(actor, township, user=user, role=Role.REPRESENTATIVE)
    rep.user_id = user.id
    audit.record(
        "representative.account_linked",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        after={"user_id": user.id},
    )
    db.session.commit()
    return rep, token


def representative_for_user(township: Township, user_id: int) -> Representative | None:
    return db.session.scalar(select(Representative).where(Representative.user_id == user_id))


# --- groups -------------------------------------------------------------------------------------


def _move_group(rep: Representative, group_id: int | None, role: str, on: date) -> None:
    """End the current group membership (kept as history) and start the new one."""
    current = db.session.scalars(
        select(GroupMembership).where(
            GroupMembership.representative_id == rep.id, GroupMembership.ended_on.is_(None)
        )
    ).all()
    for row in current:
        row.ended_on = on
    rep.group_id = group_id
    if group_id is not None:
        db.session.add(
            GroupMembership(group_id=group_id, representative_id=rep.id, role=role, started_on=on)
        )


@dataclass(frozen=True)
class GroupView:
    group: RepresentativeGroup
    members: list[tuple[Representative, str]]

    def holder(self, role: str) -> Representative | None:
        return next((rep for rep, r in self.members if r == role), None)


def list_groups(actor: Actor, township: Township) -> list[GroupView]:
    _can_read(actor, township)
    groups = db.session.scalars(
        select(RepresentativeGroup).order_by(
            RepresentativeGroup.is_active.desc(), RepresentativeGroup.name
        )
    ).all()
    rows = db.session.execute(
        select(GroupMembership.group_id, GroupMembership.role, Representative)
        .join(Representative, Representative.id == GroupMembership.representative_id)
        .where(GroupMembership.ended_on.is_(None))
        .order_by(Representative.name_pinyin)
    ).all()
    members: dict[int, list[tuple[Representative, str]]] = {}
    for group_id, role, rep in rows:
        members.setdefault(group_id, []).append((rep, role))
    return [GroupView(g, members.get(g.id, [])) for g in groups]


def get_group(actor: Actor, township: Township, group_id: int) -> GroupView:
    _can_read(actor, township)
    group = db.session.get(RepresentativeGroup, (township.id, group_id))
    if group is None:
        raise NotFound(_("未找到该代表小组"))
    return next(v for v in list_groups(actor, township) if v.group.id == group_id)


def group_history(
    actor: Actor, township: Township, group_id: int
) -> list[tuple[GroupMembership, Representative]]:
    get_group(actor, township, group_id)
    return [
        (gm, rep)
        for gm, rep in db.session.execute(
            select(GroupMembership, Representative)
            .join(Representative, Representative.id == GroupMembership.representative_id)
            .where(GroupMembership.group_id == group_id)
            .order_by(GroupMembership.started_on.desc(), GroupMembership.id.desc())
        ).all()
    ]


def representative_groups(
    actor: Actor, township: Township, rep_id: int
) -> list[tuple[GroupMembership, RepresentativeGroup]]:
    """A representative's group history, newest first."""
    get_representative(actor, township, rep_id)
    return [
        (gm, group)
        for gm, group in db.session.execute(
            select(GroupMembership, RepresentativeGroup)
            .join(RepresentativeGroup, RepresentativeGroup.id == GroupMembership.group_id)
            .where(GroupMembership.representative_id == rep_id)
            .order_by(GroupMembership.started_on.desc(), GroupMembership.id.desc())
        ).all()
    ]


def _check_group_name(name: str, except_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(errors={"name": [_("请填写名称（不超过100字）")]})
    query = select(RepresentativeGroup.id).where(RepresentativeGroup.name == name)
    if except_id is not None:
        query = query.where(RepresentativeGroup.id != except_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名的代表小组")]})
    return name


def create_group(
    actor: Actor, township: Township, *, name: str, description: str | None = None
) -> RepresentativeGroup:
    _can_write(actor, township)
    group = RepresentativeGroup(
        name=_check_group_name(name),
        description=(description or "").strip() or None,
        is_active=True,
    )
    db.session.add(group)
    db.session.flush()
    audit.record(
        "group.created",
        actor=actor,
        tenant_id=township.id,
        target_type="group",
        target_id=group.id,
        after={"name": group.name},
    )
    db.session.commit()
    return group


def update_group(
    actor: Actor, township: Township, group_id: int, data: Mapping[str, Any]
) -> RepresentativeGroup:
    group = get_group(actor, township, group_id).group
    _can_write(actor, township)
    before = {"name": group.name, "description": group.description, "is_active": group.is_active}
    if "name" in data:
        group.name = _check_group_name(data["name"], except_id=group.id)
    if "description" in data:
        group.description = (data["description"] or "").strip() or None
    if "is_active" in data:
        group.is_active = bool(data["is_active"])
    audit.record(
        "group.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="group",
        target_id=group.id,
        before=before,
        after={"name": group.name, "description": group.description, "is_active": group.is_active},
    )
    db.session.commit()
    return group


def assign_to_group(
    actor: Actor,
    township: Township,
    *,
    rep_id: int,
    group_id: int | None,
    role: str = GroupRole.MEMBER,
    on: date | None = None,
) -> Representative:
    """Put a representative in a group with a role; a group has one leader, deputy and liaison.

    Giving a role another member holds moves that member to an ordinary member, with history.
    """
    rep = get_representative(actor, township, rep_id)
    _can_write(actor, township)
    on = on or shanghai_today()
    if role not in set(GroupRole):
        raise ValidationFailed(errors={"role": [_("不认识的角色")]})
    if group_id is not None:
        get_group(actor, township, group_id)
        if not rep.in_office:
            raise Conflict(_("资格已终止的代表不能加入代表小组"))
    before = {"group_id": rep.group_id}
    if group_id is not None and role != GroupRole.MEMBER:
        holders = db.session.scalars(
            select(GroupMembership).where(
                GroupMembership.group_id == group_id,
                GroupMembership.role == role,
                GroupMembership.ended_on.is_(None),
                GroupMembership.representative_id != rep.id,
            )
        ).all()
        for holder in holders:
            holder.ended_on = on
            db.session.add(
                GroupMembership(
                    group_id=group_id,
                    representative_id=holder.representative_id,
                    role=GroupRole.MEMBER,
                    started_on=on,
                )
            )
    _move_group(rep, group_id, role, on)
    audit.record(
        "group.member_assigned",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        before=before,
        after={"group_id": group_id, "role": role},
    )
    db.session.commit()
    return rep


# --- handling units -----------------------------------------------------------------------------

UNIT_FIELDS = ("name", "level", "kind", "contact_name", "phone", "is_active")


def _clean_unit(
    data: Mapping[str, Any], *, partial: bool, except_id: int | None = None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "name" in data or not partial:
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 100:
            errors["name"] = [_("请填写名称（不超过100字）")]
        else:
            query = select(HandlingUnit.id).where(HandlingUnit.name == name)
            if except_id is not None:
                query = query.where(HandlingUnit.id != except_id)
            if db.session.scalar(query) is not None:
                errors["name"] = [_("已有同名的承办单位")]
            out["name"] = name
    for field, allowed in (("level", set(UnitLevel)), ("kind", set(UnitKind))):
        if field in data:
            if data[field] not in allowed:
                errors[field] = [_("不认识的取值")]
            out[field] = data[field]
    if "contact_name" in data:
        out["contact_name"] = str(data.get("contact_name") or "").strip() or None
    if "phone" in data:
        try:
            out["phone"] = clean_phone(data["phone"])
        except ValueError:
            errors["phone"] = [_("电话格式不正确")]
    if "is_active" in data:
        out["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def list_units(actor: Actor, township: Township) -> list[HandlingUnit]:
    _can_read(actor, township)
    return list(
        db.session.scalars(
            select(HandlingUnit).order_by(
                HandlingUnit.is_active.desc(), HandlingUnit.level, HandlingUnit.name
            )
        )
    )


def get_unit(actor: Actor, township: Township, unit_id: int) -> HandlingUnit:
    _can_read(actor, township)
    unit = db.session.get(HandlingUnit, (township.id, unit_id))
    if unit is None:
        raise NotFound(_("未找到该承办单位"))
    return unit


def create_unit(actor: Actor, township: Township, data: Mapping[str, Any]) -> HandlingUnit:
    _can_write(actor, township)
    values = {
        "level": UnitLevel.TOWNSHIP.value,
        "kind": UnitKind.DEPARTMENT.value,
        "is_active": True,
        **_clean_unit(data, partial=False),
    }
    unit = HandlingUnit(**values)
    db.session.add(unit)
    db.session.flush()
    audit.record(
        "unit.created",
        actor=actor,
        tenant_id=township.id,
        target_type="unit",
        target_id=unit.id,
        after={f: getattr(unit, f) for f in UNIT_FIELDS},
    )
    db.session.commit()
    return unit


def update_unit(
    actor: Actor, township: Township, unit_id: int, data: Mapping[str, Any]
) -> HandlingUnit:
    unit = get_unit(actor, township, unit_id)
    _can_write(actor, township)
    before = {f: getattr(unit, f) for f in UNIT_FIELDS}
    for field, value in _clean_unit(data, partial=True, except_id=unit.id).items():
        setattr(unit, field, value)
    audit.record(
        "unit.updated",
        actor=actor,
        tenant_id=township.id,
        target_type="unit",
        target_id=unit.id,
        before=before,
        after={f: getattr(unit, f) for f in UNIT_FIELDS},
    )
    db.session.commit()
    return unit


def unit_users(actor: Actor, township: Township, unit_id: int) -> list[Membership]:
    get_unit(actor, township, unit_id)
    return list(
        db.session.scalars(
            select(Membership).where(
                Membership.tenant_id == township.id, Membership.unit_id == unit_id
            )
        )
    )


def add_unit_user(
    actor: Actor,
    township: Township,
    unit_id: int,
    *,
    user_id: int | None = None,
    username: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
) -> accounts.NewMember:
    """A user who answers for the unit (role `handling_unit`, scoped to it)."""
    get_unit(actor, township, unit_id)
    return accounts.add_township_member(
        actor,
        township,
        role=Role.HANDLING_UNIT,
        user_id=user_id,
        username=username,
        display_name=display_name,
        phone=phone,
        unit_id=unit_id,
    )


# --- party members and households ---------------------------------------------------------------


def _branch_of(township: Township, value: Any) -> int:
    try:
        branch_id = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(errors={"branch_id": [_("请选择支部")]}) from None
    if db.session.get(Branch, (township.id, branch_id)) is None:
        raise NotFound(_("未找到该支部"))
    return branch_id


def list_party_members(
    actor: Actor,
    township: Township,
    *,
    q: str | None = None,
    branch_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[PartyMember], int]:
    _can_read(actor, township)
    query = _search(select(PartyMember), PartyMember, q)
    if branch_id is not None:
        query = query.where(PartyMember.branch_id == branch_id)
    return paged(query, PartyMember.name_pinyin, PartyMember.id, offset=offset, limit=limit)


def get_party_member(actor: Actor, township: Township, member_id: int) -> PartyMember:
    _can_read(actor, township)
    member = db.session.get(PartyMember, (township.id, member_id))
    if member is None:
        raise NotFound(_("未找到该党员"))
    return member


def save_party_member(
    actor: Actor, township: Township, data: Mapping[str, Any], member_id: int | None = None
) -> PartyMember:
    _can_write(actor, township)
    member = (
        get_party_member(actor, township, member_id)
        if member_id is not None
        else PartyMember(is_active=True)
    )
    errors: dict[str, list[str]] = {}
    if "branch_id" in data or member_id is None:
        member.branch_id = _branch_of(township, data.get("branch_id"))
    if "name" in data or member_id is None:
        name = re.sub(r"\s+", "", str(data.get("name") or ""))
        if not name or len(name) > 50:
            errors["name"] = [_("请填写姓名")]
        member.name = name
        member.name_pinyin, member.name_initials = pinyin_of(name)
    if "gender" in data:
        member.gender = choices.key_for(choices.GENDER, str(data["gender"] or "")) or None
    if "phone" in data:
        try:
            member.phone = clean_phone(data["phone"])
        except ValueError:
            errors["phone"] = [_("手机号格式不正确")]
    if "is_active" in data:
        member.is_active = bool(data["is_active"])
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors=errors)
    if member_id is None:
        db.session.add(member)
    db.session.flush()
    audit.record(
        "party_member.saved",
        actor=actor,
        tenant_id=township.id,
        target_type="party_member",
        target_id=member.id,
        after={"name": member.name, "branch_id": member.branch_id, "is_active": member.is_active},
    )
    db.session.commit()
    return member


def list_households(
    actor: Actor,
    township: Township,
    *,
    branch_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Household], int]:
    _can_read(actor, township)
    query = select(Household)
    if branch_id is not None:
        query = query.where(Household.branch_id == branch_id)
    return paged(
        query, Household.branch_id, Household.head_name, Household.id, offset=offset, limit=limit
    )


def get_household(actor: Actor, township: Township, household_id: int) -> Household:
    _can_read(actor, township)
    household = db.session.get(Household, (township.id, household_id))
    if household is None:
        raise NotFound(_("未找到该户"))
    return household


def save_household(
    actor: Actor, township: Township, data: Mapping[str, Any], household_id: int | None = None
) -> Household:
    _can_write(actor, township)
    household = (
        get_household(actor, township, household_id)
        if household_id is not None
        else Household(is_active=True)
    )
    errors: dict[str, list[str]] = {}
    if "branch_id" in data or household_id is None:
        household.branch_id = _branch_of(township, data.get("branch_id"))
    if "head_name" in data or household_id is None:
        head = str(data.get("head_name") or "").strip()
        if not head or len(head) > 50:
            errors["head_name"] = [_("请填写户主姓名")]
        household.head_name = head
    if "address" in data:
        household.address = str(data.get("address") or "").strip() or None
    if "phone" in data:
        try:
            household.phone = clean_phone(data["phone"])
        except ValueError:
            errors["phone"] = [_("电话格式不正确")]
    if "note" in data:
        household.note = str(data.get("note") or "").strip() or None
    if "is_active" in data:
        household.is_active = bool(data["is_active"])
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors=errors)
    if household_id is None:
        db.session.add(household)
    db.session.flush()
    audit.record(
        "household.saved",
        actor=actor,
        tenant_id=township.id,
        target_type="household",
        target_id=household.id,
        after={"head_name": household.head_name, "branch_id": household.branch_id},
    )
    db.session.commit()
    return household


__all__ = ["Category", "Gender", "RepresentativeCleaner"]
