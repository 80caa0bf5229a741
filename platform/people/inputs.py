"""Typed inputs of the people's use cases: one schema per write, loaded by the API (JSON), the
pages (`request.form`) and, for a representative, every row of a roster spreadsheet alike, into
the frozen dataclass the service takes.

A representative's input speaks the office's language as well as the API's: a gender, an
education or a category as its key ("female") or its word ("女", "大学本科", "本科"), a date as
1990-03-01, 1990/3/1, 1990.03.01 or 1990年3月1日, a yes/no as true or 是, the level as 乡镇 / 县 /
乡镇和县, the term as 13 or 第13届, a branch or group by id or (the spreadsheet's way) by name.

What the schemas cannot tell is checked by the service, after any id in the input has been found
to be this township's (another township's id is 404, whatever else is wrong): a branch or group
named that does not exist, a phone of a representative, party member or household that is no
phone (`clean_phone`), a birth date out of range today, a name already taken.

Where the API had a request schema of its own, its name is kept (`RepresentativeSchema`,
`PartyMemberSchema`, …), so the OpenAPI components keep theirs; where the body shared the
response's schema, the input is `<Name>InputSchema`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from lianxin.people import choices
from lianxin.people.models import EndReason, GroupKind, GroupRole, UnitKind, UnitLevel
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import Blank, OptionalId, Text, text

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
REQUIRED = _l("必填")
NEEDED = {"required": REQUIRED, "null": REQUIRED}
YES_OR_NO = _l("须为“是”或“否”")
USERNAME = _l("用户名须为3–64位字母、数字或 _ . -")


# --- the words of the office ------------------------------------------------------------------


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
    """A mobile or landline number, its spaces, dashes and brackets dropped; ValueError if it is
    no Chinese phone number. Blank is None."""
    if value is None or str(value).strip() == "":
        return None
    text = re.sub(r"[\s\-()（）]", "", str(value).strip())
    if text.endswith(".0"):  # a phone read as a number from a spreadsheet
        text = text[:-2]
    if not PHONE_RE.match(text):
        raise ValueError(text)
    return text


# --- fields -------------------------------------------------------------------------------------


class Word(validate.OneOf):
    """One of the keys (the OpenAPI document lists them); `message` may name the value, %(v)s."""

    def __init__(self, keys: list[str], message: Any) -> None:
        super().__init__(keys)
        self.message = message

    def _format_error(self, value: Any) -> str:
        return _(str(self.message), v=value)


class Choice(Blank, Text):
    """A key given as itself ("female") or as its word ("女", or another spelling in `aliases`)."""

    def __init__(
        self,
        mapping: dict[Any, Any],
        message: Any,
        *,
        aliases: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(validate=Word([str(k) for k in mapping], message), **kwargs)
        self.mapping, self.aliases = mapping, aliases

    def _deserialize(  # a key or the text as given
        self, value: Any, attr: Any, data: Any, **kwargs: Any
    ) -> str | None:
        given = super()._deserialize(value, attr, data, **kwargs)
        if given is None:
            return None
        return choices.key_for(self.mapping, given, self.aliases) or given


class Name(Blank, Text):
    """A person's name: every space in it dropped (张 秀 英 is 张秀英)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        given = super()._deserialize(value, attr, data, **kwargs)
        return None if given is None else re.sub(r"\s+", "", given)


class LooseDate(Blank, fields.Date):
    """A date as the office writes one (`parse_date`); the error names what was given."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        try:
            parsed = parse_date(value)
        except (TypeError, ValueError):
            parsed = None
        if parsed is None:
            raise ValidationError(_("日期无效：%(v)s", v=value))
        return parsed


class Flag(fields.Boolean):
    """Yes or no: true / false, 1 / 0, 是 / 否 (a spreadsheet's), a ticked box; blank is no."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid": YES_OR_NO})
        super().__init__(
            truthy=fields.Boolean.truthy | TRUE_WORDS,
            falsy=fields.Boolean.falsy | FALSE_WORDS,
            **kwargs,
        )

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            value = False  # an empty cell, an unticked box
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, str):
            value = value.strip().lower()
        return bool(super()._deserialize(value, attr, data, **kwargs))


class Level(fields.String):
    """乡镇 / 县 / 乡镇和县 (and the other words of `LEVEL_WORDS`) → (township, county); blank is
    乡镇."""

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            value = "乡镇"
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(  # type: ignore[override]  # the two flags, by design
        self, value: Any, attr: Any, data: Any, **kwargs: Any
    ) -> tuple[bool, bool]:
        level = LEVEL_WORDS.get(str(super()._deserialize(value, attr, data, **kwargs)).strip())
        if level is None:
            raise ValidationError(_("代表层级须为“乡镇”“县”或“乡镇和县”"))
        return level


class Term(Blank, fields.Integer):
    """届次: 13, "13", "第13届" (a spreadsheet's 13.0 too)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        try:
            return int(str(value).strip().removesuffix(".0").strip("第届"))
        except ValueError:
            raise self.make_error("invalid") from None


class Ethnicity(Text):
    """民族, 族 added where it is left out (回 is 回族); blank is 汉族."""

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            value = "汉族"
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        given = str(super()._deserialize(value, attr, data, **kwargs))
        return given if given.endswith("族") else given + "族"


class Length(validate.Length):
    """A length check that lets None pass (an optional blank that became None); the OpenAPI
    document shows its limits."""

    def __call__(self, value: Any) -> Any:
        return value if value is None else super().__call__(value)


def _optional(limit: int | None = None, message: Any = None) -> Text:
    """An optional text; blank is None."""
    check = None if limit is None else Length(max=limit, error=message or _l("内容过长"))
    return Text(load_default=None, allow_none=True, blank_is_none=True, validate=check)


# --- representatives ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentativeInput:
    """A representative as the office records one. `branch` and `group` name a branch or group
    (a spreadsheet's way) where `branch_id` / `group_id` are not given; `phone` is checked and
    normalised by the service, after the ids."""

    name: str
    gender: str
    birth_date: date
    education: str
    category: str
    term: int
    ethnicity: str = "汉族"
    is_grassroots_cadre: bool = False
    publish_contact: bool = False
    is_township_rep: bool = True
    is_county_rep: bool = False
    branch_id: int | None = None
    group_id: int | None = None
    branch: str | None = None
    group: str | None = None
    # The thematic groups (专业小组) by name, "、"-separated: a spreadsheet's column; the sheet's
    # list replaces the person's thematic groups (an absent column leaves them alone).
    thematic_groups: str | None = None
    phone: str | None = None
    workplace: str | None = None
    post: str | None = None


class RepresentativeInputSchema(InputSchema[RepresentativeInput]):
    """Every way of giving a representative: the API's fields, the page's `level`, and the
    spreadsheet's words and names. With `partial=True`: a change, the fields given."""

    input_type = RepresentativeInput

    name = Name(
        required=True, validate=validate.Length(max=50, error=_l("姓名过长")), error_messages=NEEDED
    )
    gender = Choice(choices.GENDER, _l("性别须为“男”或“女”"), required=True, error_messages=NEEDED)
    birth_date = LooseDate(required=True, error_messages=NEEDED)
    ethnicity = Ethnicity(
        load_default="汉族", validate=validate.Length(max=20, error=_l("民族过长"))
    )
    education = Choice(
        choices.EDUCATION,
        _l("不认识的取值：%(v)s"),
        aliases=choices.ALIASES["education"],
        required=True,
        error_messages=NEEDED,
    )
    category = Choice(
        choices.CATEGORY,
        _l("不认识的取值：%(v)s"),
        aliases=choices.ALIASES["category"],
        required=True,
        error_messages=NEEDED,
    )
    is_grassroots_cadre = Flag(load_default=False)
    publish_contact = Flag(
        load_default=False,
        metadata={"description": "本人同意在公开页面公布手机号、工作单位和照片"},
    )
    branch_id = OptionalId(
        load_default=None, allow_none=True, metadata={"description": "选举单位（支部）"}
    )
    group_id = OptionalId(load_default=None, allow_none=True)
    branch = _optional()
    group = _optional()
    thematic_groups = _optional(500)
    level = Level()
    is_township_rep = Flag(load_default=True)
    is_county_rep = Flag(load_default=False)
    term = Term(
        required=True,
        validate=validate.Range(min=1, max=99, error=_l("届次须为1–99的整数")),
        error_messages={**NEEDED, "invalid": _l("届次须为1–99的整数")},
    )
    phone = _optional()
    workplace = _optional(100, _l("过长"))
    post = _optional(100, _l("过长"))

    @validates_schema
    def _some_level(self, data: dict[str, Any], **_kwargs: Any) -> None:
        township, county = data.get("level") or (
            data.get("is_township_rep"),
            data.get("is_county_rep"),
        )
        if township is False and county is False:
            raise ValidationError(str(_l("至少须为乡镇或县一级的代表")), "level")

    @post_load
    def _typed(self, data: dict[str, Any], **kwargs: Any) -> Any:
        # The level's word becomes the two flags before the kit makes the dataclass (or the
        # change) of them.
        level = data.pop("level", None)
        if level is not None:
            data["is_township_rep"], data["is_county_rep"] = level
        return super()._typed(data, **kwargs)


class RepresentativeSchema(RepresentativeInputSchema):
    """The API's body: branch and group by id, the two level flags."""

    class Meta:
        exclude = ("branch", "group", "level", "thematic_groups")


class RepresentativePatchSchema(RepresentativeSchema):
    """A change of the API: the fields given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)  # the kit's post_load reads `self.partial`
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class EndQualificationInput:
    reason: str
    on: date
    note: str | None = None


class EndQualificationSchema(InputSchema[EndQualificationInput]):
    """Why and when a qualification ended (transferred, resigned, recalled …)."""

    input_type = EndQualificationInput

    reason = Text(
        required=True,
        validate=validate.OneOf(list(EndReason), error=_l("请选择终止原因")),
        error_messages={"required": _l("请选择终止原因"), "null": _l("请选择终止原因")},
    )
    on = fields.Date(
        required=True,
        error_messages={
            "required": _l("请填写有效的终止日期"),
            "null": _l("请填写有效的终止日期"),
            "invalid": _l("请填写有效的终止日期"),
        },
    )
    note = _optional(200)


@dataclass(frozen=True)
class AccountInput:
    """A login for a representative: an existing member's, or a new user's (a set-up link)."""

    user_id: int | None = None
    username: str | None = None


class AccountSchema(InputSchema[AccountInput]):
    input_type = AccountInput

    user_id = OptionalId(load_default=None, allow_none=True)
    username = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=Length(min=3, max=64, error=USERNAME),
    )


# --- groups ---------------------------------------------------------------------------------------

NAME_100 = _l("请填写名称（不超过100字）")


@dataclass(frozen=True)
class GroupInput:
    name: str
    description: str | None = None
    is_active: bool = True
    kind: str = GroupKind.AREA.value  # area 地域小组 / thematic 专业小组


class GroupInputSchema(InputSchema[GroupInput]):
    """A new group: its name and what it gathers (an area, a trade)."""

    input_type = GroupInput

    name = text(100, NAME_100)
    description = _optional(200)
    kind = Text(
        load_default=GroupKind.AREA.value,
        validate=validate.OneOf(list(GroupKind), error=_l("请选择地域小组或专业小组")),
    )


class GroupPatchSchema(GroupInputSchema):
    """A change of a group: rename, describe, (de)activate; the fields given."""

    is_active = Flag()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class GroupAssignInput:
    representative_id: int
    role: str = GroupRole.MEMBER.value
    on: date | None = None


class GroupAssignSchema(InputSchema[GroupAssignInput]):
    """A representative put in a group with a role (leader, deputy, liaison, member)."""

    input_type = GroupAssignInput

    representative_id = fields.Integer(
        required=True, error_messages={"required": _l("请选择代表"), "invalid": _l("请选择代表")}
    )
    role = Text(
        load_default=GroupRole.MEMBER.value,
        validate=validate.OneOf(list(GroupRole), error=_l("不认识的角色")),
    )
    on = fields.Date(load_default=None, allow_none=True)


# --- handling units -----------------------------------------------------------------------------


class Phone(Blank, Text):
    """A phone number, normalised (`clean_phone`); `message` when it is none."""

    def __init__(self, message: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        try:
            return clean_phone(super()._deserialize(value, attr, data, **kwargs))
        except ValueError:
            raise ValidationError(str(self.message)) from None


@dataclass(frozen=True)
class UnitInput:
    name: str
    level: str = UnitLevel.TOWNSHIP.value
    kind: str = UnitKind.DEPARTMENT.value
    contact_name: str | None = None
    phone: str | None = None
    is_active: bool = True


class UnitInputSchema(InputSchema[UnitInput]):
    """A handling unit (承办单位); with `partial=True` a change, the fields given."""

    input_type = UnitInput

    name = text(100, NAME_100)
    level = Text(
        load_default=UnitLevel.TOWNSHIP.value,
        validate=validate.OneOf(list(UnitLevel), error=_l("不认识的取值")),
    )
    kind = Text(
        load_default=UnitKind.DEPARTMENT.value,
        validate=validate.OneOf(list(UnitKind), error=_l("不认识的取值")),
    )
    contact_name = _optional(50)
    phone = Phone(_l("电话格式不正确"), load_default=None, allow_none=True)
    is_active = Flag(load_default=True)


class UnitPatchSchema(UnitInputSchema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class UnitUserInput:
    """Who answers for a unit: an existing member, or a new user (a set-up link)."""

    user_id: int | None = None
    username: str | None = None
    display_name: str | None = None
    phone: str | None = None


class UnitUserSchema(InputSchema[UnitUserInput]):
    input_type = UnitUserInput

    user_id = OptionalId(load_default=None, allow_none=True)
    username = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=Length(min=3, max=64, error=USERNAME),
    )
    display_name = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=Length(min=1, max=100, error=_l("请填写姓名")),
    )
    phone = _optional()


# --- party members and households -----------------------------------------------------------------

PICK_BRANCH = _l("请选择支部")
BRANCH = {"required": PICK_BRANCH, "null": PICK_BRANCH, "invalid": PICK_BRANCH}


@dataclass(frozen=True)
class PartyMemberInput:
    """A party member of a branch; `phone` is checked and normalised by the service."""

    name: str
    branch_id: int
    gender: str | None = None
    phone: str | None = None
    is_active: bool = True


class PartyMemberSchema(InputSchema[PartyMemberInput]):
    input_type = PartyMemberInput

    name = Name(
        required=True,
        validate=validate.Length(min=1, max=50, error=_l("请填写姓名")),
        error_messages={"required": _l("请填写姓名"), "null": _l("请填写姓名")},
    )
    gender = Choice(
        choices.GENDER,
        _l("性别须为“男”或“女”"),
        load_default=None,
        allow_none=True,
    )
    phone = _optional()
    branch_id = fields.Integer(required=True, error_messages=BRANCH)
    is_active = Flag(load_default=True)


class PartyMemberPatchSchema(PartyMemberSchema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class HouseholdInput:
    """A household of a branch's area; `phone` is checked and normalised by the service."""

    head_name: str
    branch_id: int
    address: str | None = None
    phone: str | None = None
    note: str | None = None
    is_active: bool = True


class HouseholdSchema(InputSchema[HouseholdInput]):
    input_type = HouseholdInput

    head_name = text(50, _l("请填写户主姓名"))
    address = _optional(200)
    phone = _optional()
    branch_id = fields.Integer(required=True, error_messages=BRANCH)
    note = _optional()
    is_active = Flag(load_default=True)


class HouseholdPatchSchema(HouseholdSchema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
