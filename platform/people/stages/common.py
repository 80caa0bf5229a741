"""What every part uses: names in pinyin order, who may read and write, and the checks of a
representative's fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from pypinyin import Style, lazy_pinyin
from sqlalchemy import func, or_, select
from sqlalchemy.sql import Select

from lianxin.auth import permissions
from lianxin.casework.deadlines import shanghai_today
from lianxin.db import db
from lianxin.errors import NotFound, ValidationFailed
from lianxin.people import choices
from lianxin.people.models import (
    GroupMembership,
    Representative,
    RepresentativeGroup,
)
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
