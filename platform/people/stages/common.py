"""What every part uses: names in pinyin order, who may read and write, and the checks of a
representative's input that the schema (`lianxin.people.inputs`) cannot make."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pypinyin import Style, lazy_pinyin
from sqlalchemy import func, or_, select
from sqlalchemy.sql import Select

from lianxin.auth import permissions
from lianxin.casework.deadlines import shanghai_today
from lianxin.db import db
from lianxin.errors import NotFound, ValidationFailed
from lianxin.people.inputs import clean_phone
from lianxin.people.models import (
    GroupKind,
    GroupMembership,
    Representative,
    RepresentativeGroup,
)
from lianxin.tenants.models import Branch, Township

# An area group is the one a representative keeps (`group_id`); a thematic group is joined apart.
NOT_AREA = _l("所在代表小组须为地域小组，专业小组请另行加入")
THEMATIC_SPLIT = re.compile(r"[、,，;；\s]+")

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


class RepresentativeChecks:
    """What a representative's loaded input needs the township for, and what must wait until its
    ids are found to be the township's (another township's id is 404 whatever else is wrong): a
    branch or group by id or by name, the phone, the birth date against today. Keeps the names
    of the branches and groups at hand, for the many rows of an import."""

    def __init__(self, township: Township, today: date | None = None) -> None:
        self.township = township
        self.today = today or shanghai_today()
        self._names: dict[str, dict[str, int]] = {}

    def _by_name(self, field: str) -> dict[str, int]:
        if field not in self._names:
            model: Any = Branch if field == "branch" else RepresentativeGroup
            rows = db.session.execute(select(model.name, model.id)).all()
            self._names[field] = {name: id_ for name, id_ in rows}
        return self._names[field]

    def _thematic(self) -> set[str]:
        if "thematic" not in self._names:
            rows = db.session.execute(
                select(RepresentativeGroup.name, RepresentativeGroup.id).where(
                    RepresentativeGroup.kind == GroupKind.THEMATIC
                )
            ).all()
            self._names["thematic"] = {name: id_ for name, id_ in rows}
        return set(self._names["thematic"])

    def check(self, given: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """(what to write, errors by field) of the fields given: a full input's (`asdict`), a
        change's, or what loaded of a spreadsheet's row. Another township's id raises NotFound
        at once; the rest is named field by field."""
        values = {f: given[f] for f in REPRESENTATIVE_FIELDS if f in given}
        errors: dict[str, list[str]] = {}
        for field, model, missing in (
            ("branch", Branch, _("未找到该支部")),
            ("group", RepresentativeGroup, _("未找到该代表小组")),
        ):
            id_field = f"{field}_id"
            if given.get(id_field) is not None:
                found = db.session.get(model, (self.township.id, given[id_field]))
                if found is None:
                    raise NotFound(missing)  # another township's id is simply not found here
                if field == "group" and found.kind != GroupKind.AREA:
                    errors.setdefault(field, []).append(str(NOT_AREA) + "：" + found.name)
            elif given.get(field):
                name = str(given[field])
                if name in self._by_name(field):
                    values[id_field] = self._by_name(field)[name]
                    if field == "group" and name in self._thematic():
                        errors.setdefault(field, []).append(str(NOT_AREA) + "：" + name)
                else:
                    errors.setdefault(field, []).append(missing + "：" + name)
            elif id_field in given or field in given:
                values[id_field] = None
        if "thematic_groups" in given:
            names = [n for n in THEMATIC_SPLIT.split(given.get("thematic_groups") or "") if n]
            thematic = {n: self._names["thematic"][n] for n in self._thematic() if n in names}
            unknown = [n for n in names if n not in thematic]
            if unknown:
                errors["thematic_groups"] = [_("未找到该专业小组：%(v)s", v="、".join(unknown))]
            values["thematic_group_ids"] = sorted(set(thematic.values()))
        if "phone" in given:
            try:
                values["phone"] = clean_phone(given["phone"])
            except ValueError:
                errors["phone"] = [_("手机号格式不正确：%(v)s", v=given["phone"])]
        born = given.get("birth_date")
        if born is not None and not 18 <= (self.today - born).days // 365 <= 100:
            errors["birth_date"] = [_("出生日期不合理：%(v)s", v=born.isoformat())]
        return values, errors

    def require(self, given: Mapping[str, Any]) -> dict[str, Any]:
        values, errors = self.check(given)
        if errors:
            raise ValidationFailed(errors=errors)
        return values


def _move_group(
    rep: Representative, group_id: int | None, role: str, on: date, *, every_kind: bool = False
) -> None:
    """End the current area-group membership (kept as history) and start the new one; the
    thematic groups (专业小组) are kept, unless `every_kind` (the qualification ended)."""
    query = select(GroupMembership).where(
        GroupMembership.representative_id == rep.id, GroupMembership.ended_on.is_(None)
    )
    if not every_kind:
        query = query.where(
            GroupMembership.group_id.in_(
                select(RepresentativeGroup.id).where(RepresentativeGroup.kind == GroupKind.AREA)
            )
        )
    current = db.session.scalars(query).all()
    for row in current:
        row.ended_on = on
    rep.group_id = group_id
    if group_id is not None:
        db.session.add(
            GroupMembership(group_id=group_id, representative_id=rep.id, role=role, started_on=on)
        )


def set_thematic_groups(rep: Representative, group_ids: list[int], on: date) -> None:
    """The representative's thematic groups become exactly these (an import's column): the ones
    not named end on `on`, the new ones start on `on` as members; roles held are kept."""
    current = {
        gm.group_id: gm
        for gm in db.session.scalars(
            select(GroupMembership).where(
                GroupMembership.representative_id == rep.id,
                GroupMembership.ended_on.is_(None),
                GroupMembership.group_id.in_(
                    select(RepresentativeGroup.id).where(
                        RepresentativeGroup.kind == GroupKind.THEMATIC
                    )
                ),
            )
        )
    }
    for group_id, gm in current.items():
        if group_id not in group_ids:
            gm.ended_on = on
    for group_id in group_ids:
        if group_id not in current:
            db.session.add(
                GroupMembership(
                    group_id=group_id, representative_id=rep.id, role="member", started_on=on
                )
            )
