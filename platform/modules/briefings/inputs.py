"""Typed inputs of the briefings use cases: one schema per write, loaded by the API (JSON) and by
the pages (`request.form`) alike. What needs the township (a group or representative of it, the
briefing a correction refers to) is checked in the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.modules.briefings.models import Audience, Kind
from lianxin.usecases import AlwaysPartial, InputSchema
from lianxin.usecases.fields import OptionalId, Text, text

KIND_MISSING = _l("请选择通报类型")
AUDIENCE_MISSING = _l("请选择通报对象")


@dataclass(frozen=True)
class BriefingInput:
    kind: str
    title: str
    text: str
    audience: str = Audience.ALL.value
    group_ids: list[int] = field(default_factory=list)
    representative_ids: list[int] = field(default_factory=list)
    corrects_id: int | None = None


def _ids(message: Any) -> fields.List:
    return fields.List(fields.Integer(error_messages={"invalid": message}), load_default=list)


class BriefingInputSchema(InputSchema[BriefingInput]):
    input_type = BriefingInput

    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in Kind], error=KIND_MISSING),
        error_messages={"required": KIND_MISSING, "null": KIND_MISSING},
    )
    title = text(100, _l("请填写标题（不超过100字）"))
    text = text(20000, _l("请填写通报内容（不超过20000字）"))
    audience = Text(
        load_default=Audience.ALL.value,
        validate=validate.OneOf([a.value for a in Audience], error=AUDIENCE_MISSING),
    )
    group_ids = _ids(_l("代表小组选择有误"))
    representative_ids = _ids(_l("代表选择有误"))
    corrects_id = OptionalId(load_default=None, allow_none=True)

    @validates_schema
    def _audience_named(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """Groups are chosen for a briefing to groups, people for one to named representatives
        (a partial change is checked by the service against the whole draft)."""
        audience = data.get("audience")
        if audience == Audience.GROUPS and not data.get("group_ids"):
            raise ValidationError(str(_l("请至少选择一个代表小组")), "group_ids")
        if audience == Audience.NAMED and not data.get("representative_ids"):
            raise ValidationError(str(_l("请至少选择一名代表")), "representative_ids")


class BriefingPatchSchema(AlwaysPartial, BriefingInputSchema):
    """A change to a draft: the same fields, only those given (`Changes[BriefingInput]`)."""
