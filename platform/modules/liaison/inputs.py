"""Typed inputs of the liaison use cases: one schema per write, loaded by the API (JSON) and by
the pages (`request.form`) alike, into the frozen dataclass the service takes. The rules that
need the database or the clock (whose pair, a date in the future) stay in the service, and so
does the range of a year that comes with an id: another township's id is not found before
anything else is said about the input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.casework.service import CATEGORIES
from lianxin.modules.liaison.models import Level, Method
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import OptionalId, Text

YEAR_MISSING = _l("请填写年度")
YEAR_WRONG = _l("年度不正确")
QUARTER_WRONG = _l("季度应为1至4")
LEVEL_MISSING = _l("请选择联系层级")
LEVELS = [v.value for v in Level]


def _year(**kwargs: Any) -> fields.Integer:
    """A year; its range is the service's to check, after who may act (an id of another
    township is not found before anything else is said about the input)."""
    return fields.Integer(
        error_messages={"required": YEAR_MISSING, "invalid": YEAR_MISSING, "null": YEAR_MISSING},
        **kwargs,
    )


def _quarter(**kwargs: Any) -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=1, max=4, error=QUARTER_WRONG),
        error_messages={
            "required": QUARTER_WRONG,
            "invalid": QUARTER_WRONG,
            "null": QUARTER_WRONG,
        },
        **kwargs,
    )


# --- a representative's quarterly report ---------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    year: int
    quarter: int
    text: str
    representative_id: int | None = None


class ReportInSchema(InputSchema[ReportInput]):
    input_type = ReportInput

    year = _year(required=True)
    quarter = _quarter(required=True)
    text = Text(
        required=True,
        validate=validate.Length(min=1, max=5000, error=_l("请填写履职情况（不超过5000字）")),
        error_messages={"required": _l("请填写履职情况（不超过5000字）")},
    )
    representative_id = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "联络办代为提交时填写"}
    )


# --- a contact along a pair, and the issue raised in it ------------------------------------------

CLIENT_KEY_MISSING = _l("缺少提交标识，请刷新页面后重试")


def _client_key(**kwargs: Any) -> fields.String:
    return Text(
        required=True,
        validate=validate.Length(min=8, max=64, error=CLIENT_KEY_MISSING),
        error_messages={"required": CLIENT_KEY_MISSING, "null": CLIENT_KEY_MISSING},
        **kwargs,
    )


@dataclass(frozen=True)
class CaseInput:
    title: str
    body: str | None = None
    category: str = "其他"


class CaseInSchema(InputSchema[CaseInput]):
    """An issue raised as a case (a contact's, or a stored contact's or meeting's follow-up)."""

    input_type = CaseInput

    title = Text(
        required=True,
        validate=validate.Length(min=1, max=200, error=_l("请填写诉求标题（不超过200字）")),
        error_messages={"required": _l("请填写诉求标题（不超过200字）")},
    )
    body = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=5000, error=_l("内容不超过5000字")),
    )
    category = fields.String(
        load_default="其他",
        validate=validate.OneOf(list(CATEGORIES), error=_l("请选择类别")),
    )


@dataclass(frozen=True)
class ContactInput:
    link_id: int
    contacted_on: date
    method: str
    summary: str
    client_key: str
    case: CaseInput | None = None


class ContactInSchema(InputSchema[ContactInput]):
    input_type = ContactInput

    link_id = fields.Integer(
        required=True,
        error_messages={"invalid": _l("请选择联系对象"), "required": _l("请选择联系对象")},
    )
    contacted_on = fields.Date(
        required=True,
        error_messages={"invalid": _l("日期格式不正确"), "required": _l("日期格式不正确")},
    )
    method = fields.String(
        required=True,
        validate=validate.OneOf([v.value for v in Method], error=_l("请选择联系方式")),
        error_messages={"required": _l("请选择联系方式")},
    )
    summary = Text(
        required=True,
        validate=validate.Length(min=1, max=5000, error=_l("请填写联系情况（不超过5000字）")),
        error_messages={"required": _l("请填写联系情况（不超过5000字）")},
    )
    client_key = _client_key(
        metadata={"description": "客户端为每次录入生成的一次性标识；网络重试时重复提交只保存一条"}
    )
    case = fields.Nested(CaseInSchema, load_default=None, allow_none=True)


# --- a pair of the chain -------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkInput:
    year: int
    level: str
    upper_id: int | None
    lower_id: int | None


class LinkInSchema(InputSchema[LinkInput]):
    """Two people paired for a year; which ids the ends are depends on the level."""

    input_type = LinkInput

    year = _year(required=True)
    level = fields.String(
        required=True,
        validate=validate.OneOf(LEVELS, error=LEVEL_MISSING),
        error_messages={"required": LEVEL_MISSING},
    )
    upper_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "委员的用户 id，或代表 id，或党员 id（随层级）"},
    )
    lower_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "代表 id，或党员 id，或户 id（随层级）"},
    )


# --- suggesting the year's pairs, and a branch confirming its part -------------------------------


@dataclass(frozen=True)
class SuggestInput:
    year: int
    levels: list[str] = field(default_factory=lambda: list(LEVELS))


class SuggestInSchema(InputSchema[SuggestInput]):
    """Which levels of a year's chain to fill up to their minimum (default: all three)."""

    input_type = SuggestInput

    year = _year(required=True, validate=validate.Range(min=2000, max=2100, error=YEAR_WRONG))
    levels = fields.List(
        fields.String(validate=validate.OneOf(LEVELS, error=LEVEL_MISSING)),
        load_default=lambda: list(LEVELS),
    )


@dataclass(frozen=True)
class BranchReviewInput:
    year: int
    branch_id: int
    note: str | None = None


class BranchReviewInSchema(InputSchema[BranchReviewInput]):
    """A branch confirms its part of a year's chain (the page names the branch in its URL)."""

    input_type = BranchReviewInput

    year = _year(required=True)
    branch_id = fields.Integer(required=True)
    note = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=validate.Length(max=200, error=_l("说明不超过200字")),
    )


# --- a committee member's liaison meeting --------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    held_on: date
    summary: str
    client_key: str
    committee_user_id: int | None = None
    place: str = ""
    attendee_ids: list[int] = field(default_factory=list)


class MeetingInSchema(InputSchema[MeetingInput]):
    input_type = MeetingInput

    committee_user_id = OptionalId(
        load_default=None, allow_none=True, metadata={"description": "联络办代为登记时填写"}
    )
    held_on = fields.Date(
        required=True,
        error_messages={"invalid": _l("日期格式不正确"), "required": _l("日期格式不正确")},
    )
    place = Text(load_default="", validate=validate.Length(max=100, error=_l("地点不超过100字")))
    summary = Text(
        required=True,
        validate=validate.Length(min=1, max=5000, error=_l("请填写座谈情况（不超过5000字）")),
        error_messages={"required": _l("请填写座谈情况（不超过5000字）")},
    )
    attendee_ids = fields.List(
        fields.Integer(error_messages={"invalid": _l("参加代表选择有误")}), load_default=list
    )
    client_key = _client_key()
