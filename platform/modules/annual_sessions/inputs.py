"""Typed inputs of the annual-session use cases: one schema per write, loaded by the API (JSON)
and by the pages (`request.form`) alike, into the frozen dataclass the service takes.

The schemas keep the names the API document has always given them (`SessionCreateSchema` …);
rules that need the database or the clock (a duplicate title, a passed item, a leave's first
day) stay in the service, under the same field names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from lianxin.modules.annual_sessions.models import ItemKind, Proposer
from lianxin.usecases import InputSchema

BAD_DATE = _l("日期格式不正确")


class Text(fields.String):
    """A string with its surrounding spaces cut."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs)).strip()


class Blank:
    """A field whose empty form value ("") means "not given": None."""

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            value = None
        return super().deserialize(value, attr, data, **kwargs)  # type: ignore[misc]


class OptionalDate(Blank, fields.Date):
    pass


class OptionalId(Blank, fields.Integer):
    pass


def _text(limit: int, message: Any, *, required: bool = True, **kwargs: Any) -> Text:
    """A required text of 1 to `limit` characters; every way of missing it says `message`."""
    return Text(
        required=required,
        validate=validate.Length(min=1, max=limit, error=message),
        error_messages={"required": message, "null": message, "invalid": message},
        **kwargs,
    )


# --- sessions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInput:
    title: str
    held_on: date
    place: str
    ends_on: date | None = None  # None: a one-day session
    open_proposal_window: bool = False


class SessionCreateSchema(InputSchema[SessionInput]):
    input_type = SessionInput

    title = _text(100, _l("请填写会议名称（不超过100字）"))
    held_on = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "null": BAD_DATE, "invalid": BAD_DATE},
        metadata={"description": "开始日期"},
    )
    ends_on = OptionalDate(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": BAD_DATE},
        metadata={"description": "结束日期（不早于开始日期；不填即一天的会议）"},
    )
    place = _text(200, _l("请填写会议地点"))
    open_proposal_window = fields.Boolean(
        load_default=False,
        metadata={"description": "同时开启提案征集：会前一个月至会前一天（提案模块按征集期时）"},
    )

    @validates_schema(skip_on_field_errors=False)
    def _days(self, data: dict[str, Any], **_kwargs: Any) -> None:
        held_on, ends_on = data.get("held_on"), data.get("ends_on")
        if held_on is not None and ends_on is not None and ends_on < held_on:
            raise ValidationError(str(_l("结束日期不能早于开始日期")), "ends_on")


# --- agenda --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    title: str
    proposer: str
    description: str = ""
    kind: str = ItemKind.MOTION.value
    group_id: int | None = None  # in a group's name: which group (its leader or deputy)


class AgendaItemCreateSchema(InputSchema[ItemInput]):
    input_type = ItemInput

    title = _text(200, _l("请填写议题（不超过200字）"))
    description = Text(load_default="", validate=validate.Length(max=20000))
    kind = Text(
        load_default=ItemKind.MOTION.value,
        validate=validate.OneOf([k.value for k in ItemKind], error=_l("请选择议题类型")),
    )
    proposer = Text(
        required=True,
        validate=validate.OneOf(
            [p.value for p in Proposer], error=_l("请选择提出方式：党委、代表小组或代表联名")
        ),
        error_messages={"required": _l("请选择提出方式：党委、代表小组或代表联名")},
    )
    group_id = OptionalId(
        load_default=None, allow_none=True, metadata={"description": "以小组名义提出时必填"}
    )

    @pre_load
    def _no_kind_is_a_motion(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if data.get("kind") in ("", None):
            data = {k: v for k, v in data.items() if k != "kind"}
        return data


# --- resolutions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionInput:
    title: str
    text: str
    item_id: int | None = None  # the item the session passed


class SessionResolutionCreateSchema(InputSchema[ResolutionInput]):
    input_type = ResolutionInput

    title = _text(200, _l("请填写决议标题"))
    text = _text(20000, _l("请填写决议内容"))
    item_id = OptionalId(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": _l("只能根据本次会议表决通过的议题形成决议")},
        metadata={"description": "表决通过的议题"},
    )


# --- votes ---------------------------------------------------------------------------------------

COUNT = _l("请填写 0 或正整数")


def _count() -> fields.Integer:
    return fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=0, error=COUNT),
        error_messages={"required": COUNT, "null": COUNT, "invalid": COUNT},
    )


@dataclass(frozen=True)
class HandsInput:
    yes: int
    no: int
    abstain: int


class BallotHandsSchema(InputSchema[HandsInput]):
    """A show of hands, as counts (their sum at most those present: the service checks)."""

    input_type = HandsInput

    yes = _count()
    no = _count()
    abstain = _count()
