"""Typed inputs of the proposals module's write use cases: one schema each, loaded by `api.py`
(the JSON body) and `views.py` (`request.form`) alike, into the frozen dataclass the service
takes. The messages are the ones the pages always showed; rules that need the database (the
group the author leads, the township's settings) stay in the service."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates, validates_schema

from lianxin.casework.models import Complexity
from lianxin.casework.service import CATEGORIES
from lianxin.modules import kit
from lianxin.modules.proposals.models import Kind
from lianxin.usecases import InputSchema

KINDS = [k.value for k in Kind]
COMPLEXITIES = [c.value for c in Complexity]
# Optional fields a form sends empty: empty means "none" (or, for the category, "其他").
_EMPTY_IS_NONE = ("complexity", "group_id", "group_discussed_on", "group_discussion")


class Text(fields.String):
    """A string with the surrounding blanks taken off, as every form field was."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


@dataclass(frozen=True)
class DraftInput:
    kind: str
    title: str
    body: str
    category: str = "其他"
    complexity: str | None = None
    group_id: int | None = None
    case_ids: tuple[int, ...] = ()
    group_discussed_on: date | None = None
    group_discussion: str | None = None


class ProposalDraftSchema(InputSchema[DraftInput]):
    """A draft (all of it), or with `partial=True` the fields of a draft to change."""

    input_type = DraftInput

    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS, error=_l("请选择类型：提案、建议意见或质询")),
    )
    title = Text(
        required=True,
        validate=validate.Length(min=1, max=200, error=_l("请填写标题（不超过200字）")),
    )
    body = Text(required=True, validate=validate.Length(min=1, max=20000, error=_l("请填写内容")))
    category = fields.String(
        load_default="其他", validate=validate.OneOf(list(CATEGORIES), error=_l("请选择类别"))
    )
    complexity = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(COMPLEXITIES, error=_l("请选择简单或复杂")),
    )
    group_id = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "以代表小组名义提出（本人须为该小组组长或副组长；仅提案）"},
    )
    case_ids = fields.List(
        fields.Integer(error_messages={"invalid": _l("诉求编号不正确")}),
        load_default=list,
        metadata={"description": "由哪些诉求形成"},
    )
    group_discussed_on = fields.Date(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": _l("日期格式不正确")},
        metadata={"description": "以小组名义提出时：小组讨论的日期（不晚于今天，提交前必填）"},
    )
    group_discussion = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000, error=_l("小组讨论情况过长（不超过2000字）")),
        metadata={"description": "以小组名义提出时：小组讨论情况（提交前必填）"},
    )

    @pre_load
    def _empty(self, data: Any, **_kwargs: Any) -> Any:
        """A form's empty optional field is no value; an empty category is 其他."""
        if not isinstance(data, dict):
            return data
        out = {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
        for name in _EMPTY_IS_NONE:
            if isinstance(out.get(name), str) and not out[name].strip():
                out[name] = None
        if out.get("category") in ("", None) and "category" in out:
            out["category"] = "其他"
        return out

    @validates("group_discussed_on")
    def _not_after_today(self, value: date | None, **_kwargs: Any) -> None:
        if value is not None and value > kit.today():
            raise ValidationError(str(_l("小组讨论日期不能晚于今天")))

    def load(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        loaded = super().load(data, *args, **kwargs)
        if isinstance(loaded, DraftInput):  # a list arrives as a list; the input keeps a tuple
            return replace(loaded, case_ids=tuple(loaded.case_ids))
        return loaded


@dataclass(frozen=True)
class WindowInput:
    title: str
    opens_on: date
    closes_on: date


class ProposalWindowInputSchema(InputSchema[WindowInput]):
    """A collection window (征集期)."""

    input_type = WindowInput

    title = Text(
        required=True,
        validate=validate.Length(min=1, max=100, error=_l("请填写征集活动名称（不超过100字）")),
    )
    opens_on = fields.Date(required=True, error_messages={"invalid": _l("日期格式不正确")})
    closes_on = fields.Date(required=True, error_messages={"invalid": _l("日期格式不正确")})

    @pre_load
    def _dates(self, data: Any, **_kwargs: Any) -> Any:
        """A date may come as a `date` (another module's call) or as text."""
        if not isinstance(data, dict):
            return data
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["closes_on"] < data["opens_on"]:
            raise ValidationError(str(_l("截止日期不能早于开始日期")), field_name="closes_on")


class ProposalDraftPatchSchema(ProposalDraftSchema):
    """The draft's fields, each optional; a changed title, text or kind asks the co-signers to
    sign again."""

    class Meta:
        exclude = ("case_ids",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)

    def load(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        # Always partial, whatever the caller passes (`load_input` passes partial=False).
        kwargs["partial"] = True
        return super().load(data, *args, **kwargs)
