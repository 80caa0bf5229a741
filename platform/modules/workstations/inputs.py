"""Typed inputs of the workstations use cases: one schema per write, loaded by the API (JSON)
and by the pages (`request.form`) alike, into the frozen dataclass the service takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from lianxin.modules.workstations.models import StationKind
from lianxin.usecases import InputSchema

TOO_LONG = _l("内容过长")
BAD_PHONE = _l("电话号码格式不正确")


class Text(fields.String):
    """A string with its surrounding spaces cut; `blank_is_none`: an empty one is None."""

    def __init__(self, *, blank_is_none: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.blank_is_none = blank_is_none

    def _deserialize(  # type: ignore[override]  # None for a blank, by design
        self, value: Any, attr: Any, data: Any, **kwargs: Any
    ) -> str | None:
        text = str(super()._deserialize(value, attr, data, **kwargs)).strip()
        return None if self.blank_is_none and not text else text


def _at_most(limit: int) -> Callable[[str | None], None]:
    def check(value: str | None) -> None:
        if value is not None and len(value) > limit:
            raise ValidationError(str(TOO_LONG))

    return check


def _phone(value: str | None) -> None:
    if value and (len(value) > 20 or not all(c.isdigit() or c in "-+ " for c in value)):
        raise ValidationError(str(BAD_PHONE))


@dataclass(frozen=True)
class StationInput:
    kind: str
    name: str
    address: str = ""
    phone: str | None = None
    hours: str = ""
    liaison_name: str | None = None
    liaison_phone: str | None = None
    rules: str = ""


class StationInputSchema(InputSchema[StationInput]):
    """A station as the office describes it (create; with `partial=True`, a change)."""

    input_type = StationInput

    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in StationKind], error=_l("请选择类型")),
        error_messages={"required": _l("请选择类型")},
    )
    name = Text(
        required=True,
        validate=validate.Length(min=1, max=100, error=_l("请填写名称（不超过100字）")),
        error_messages={"required": _l("请填写名称（不超过100字）")},
    )
    address = Text(load_default="", validate=_at_most(200))
    phone = Text(load_default=None, allow_none=True, blank_is_none=True, validate=_phone)
    hours = Text(load_default="", validate=_at_most(200))
    liaison_name = Text(
        load_default=None, allow_none=True, blank_is_none=True, validate=_at_most(50)
    )
    liaison_phone = Text(load_default=None, allow_none=True, blank_is_none=True, validate=_phone)
    rules = Text(load_default="")


class StationPatchSchema(StationInputSchema):
    """The same fields, every one optional: a change loads the named keys into a dict."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Partial on the instance: the kit's post_load reads `self.partial`.
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class CommitmentInput:
    representative_id: int
    text: str
    deadline: date
    outcome: str | None = None


class CommitmentInputSchema(InputSchema[CommitmentInput]):
    """A representative's public commitment."""

    input_type = CommitmentInput

    representative_id = fields.Integer(required=True)
    text = Text(
        required=True,
        validate=validate.Length(min=1, max=2000, error=_l("请填写承诺内容（不超过2000字）")),
        error_messages={"required": _l("请填写承诺内容（不超过2000字）")},
    )
    deadline = fields.Date(
        required=True,
        error_messages={"required": _l("请填写完成期限"), "invalid": _l("请填写完成期限")},
    )
    outcome = Text(load_default=None, allow_none=True, blank_is_none=True)


class CommitmentChangeSchema(CommitmentInputSchema):
    """What may change in a commitment (not whose it is): the named keys, into a dict."""

    class Meta:
        exclude = ("representative_id",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
