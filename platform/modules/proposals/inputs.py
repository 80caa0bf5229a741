"""Typed inputs of the proposals module's write use cases: one schema each, loaded by `api.py`
(the JSON body) and `views.py` (`request.form`) alike, into the frozen dataclass the service
takes. The messages are the ones the pages always showed; rules that need the database (the
group the author leads, the township's settings) stay in the service. A step whose input is one
or two plain values (a reason, an answer, a rating) takes them as typed arguments instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates, validates_schema

from lianxin.casework.models import Complexity
from lianxin.casework.service import CATEGORIES
from lianxin.modules import kit
from lianxin.modules.proposals.models import Kind
from lianxin.usecases import AlwaysPartial, InputSchema
from lianxin.usecases.fields import OptionalDate, OptionalId, OptionalText, Text, text

KINDS = [k.value for k in Kind]
COMPLEXITIES = [c.value for c in Complexity]
PICK_KIND = _l("请选择类型：提案、建议意见或质询")
PICK_LEAD = _l("请选择主办单位")
PICK_TARGET = _l("请选择并入的提案")
BAD_DATE = _l("日期格式不正确")


# --- a draft -------------------------------------------------------------------------------------


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


class WhatItSays:
    """The fields a proposal says itself (a draft typed in, a paper form keyed in)."""

    kind = Text(
        required=True,
        validate=validate.OneOf(KINDS, error=PICK_KIND),
        error_messages={"required": PICK_KIND, "null": PICK_KIND},
    )
    title = text(200, _l("请填写标题（不超过200字）"))
    body = text(20000, _l("请填写内容"))
    category = Text(
        load_default="其他", validate=validate.OneOf(list(CATEGORIES), error=_l("请选择类别"))
    )

    @pre_load
    def _other(self, data: Any, **_kwargs: Any) -> Any:
        """A category given empty is 其他."""
        if (
            isinstance(data, dict)
            and "category" in data
            and not str(data["category"] or "").strip()
        ):
            return {**data, "category": "其他"}
        return data


class ProposalDraftSchema(WhatItSays, InputSchema[DraftInput]):
    """A draft (all of it), or with `partial=True` the fields of a draft to change."""

    input_type = DraftInput

    complexity = OptionalText(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(COMPLEXITIES, error=_l("请选择简单或复杂")),
    )
    group_id = OptionalId(
        load_default=None,
        allow_none=True,
        metadata={"description": "以代表小组名义提出（本人须为该小组组长或副组长；仅提案）"},
    )
    case_ids = fields.List(
        fields.Integer(error_messages={"invalid": _l("诉求编号不正确")}),
        load_default=tuple,
        post_load=[tuple],
        metadata={"description": "由哪些诉求形成"},
    )
    group_discussed_on = OptionalDate(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": BAD_DATE},
        metadata={"description": "以小组名义提出时：小组讨论的日期（不晚于今天，提交前必填）"},
    )
    group_discussion = OptionalText(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000, error=_l("小组讨论情况过长（不超过2000字）")),
        metadata={"description": "以小组名义提出时：小组讨论情况（提交前必填）"},
    )

    @validates("group_discussed_on")
    def _not_after_today(self, value: date | None, **_kwargs: Any) -> None:
        if value is not None and value > kit.today():
            raise ValidationError(str(_l("小组讨论日期不能晚于今天")))


class ProposalDraftPatchSchema(AlwaysPartial, ProposalDraftSchema):
    """The draft's fields, each optional; a changed title, text or kind asks the co-signers to
    sign again."""

    class Meta:
        exclude = ("case_ids",)


# --- a collection window -------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowInput:
    title: str
    opens_on: date
    closes_on: date


class ProposalWindowInputSchema(InputSchema[WindowInput]):
    """A collection window (征集期)."""

    input_type = WindowInput

    title = text(100, _l("请填写征集活动名称（不超过100字）"))
    opens_on = fields.Date(required=True, error_messages={"invalid": BAD_DATE})
    closes_on = fields.Date(required=True, error_messages={"invalid": BAD_DATE})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["closes_on"] < data["opens_on"]:
            raise ValidationError(str(_l("截止日期不能早于开始日期")), field_name="closes_on")


# --- co-signers, review, assignment --------------------------------------------------------------


@dataclass(frozen=True)
class InviteInput:
    representative_ids: tuple[int, ...]


class ProposalInviteSchema(InputSchema[InviteInput]):
    """The representatives to invite to co-sign."""

    input_type = InviteInput

    representative_ids = fields.List(fields.Integer(), required=True, post_load=[tuple])


@dataclass(frozen=True)
class MergeInput:
    into_id: int
    note: str


class ProposalMergeSchema(InputSchema[MergeInput]):
    """并案: into which accepted proposal, and why."""

    input_type = MergeInput

    into_id = fields.Integer(
        required=True,
        error_messages={"required": PICK_TARGET, "null": PICK_TARGET, "invalid": PICK_TARGET},
        metadata={"description": "并入哪一件已立案的提案"},
    )
    note = text(2000, _l("请写明并案理由"))


@dataclass(frozen=True)
class AssignInput:
    lead_unit_id: int
    co_unit_ids: tuple[int, ...] = ()
    complexity: str | None = None


class ProposalAssignSchema(InputSchema[AssignInput]):
    """交办: the lead unit, the co-units, and the complexity (the deadline follows from it)."""

    input_type = AssignInput

    lead_unit_id = fields.Integer(
        required=True,
        error_messages={"required": PICK_LEAD, "null": PICK_LEAD, "invalid": PICK_LEAD},
    )
    co_unit_ids = fields.List(fields.Integer(), load_default=tuple, post_load=[tuple])
    complexity = OptionalText(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(COMPLEXITIES, error=_l("请选择简单件或复杂件")),
        metadata={"description": "简单件或复杂件（决定办理期限；省略则沿用立案时的）"},
    )


# --- a paper form keyed in -----------------------------------------------------------------------

PICK_AUTHOR = _l("请选择领衔代表")
MAX_COSIGNERS = 500  # more than any township has representatives


@dataclass(frozen=True)
class PaperInput:
    kind: str
    title: str
    body: str
    author_id: int
    paper_form_on: date
    category: str = "其他"
    cosigner_ids: tuple[int, ...] = ()


class ProposalPaperSchema(WhatItSays, InputSchema[PaperInput]):
    """A paper 提案提议表 keyed in by the office: what it says, who signed it (the author and
    the co-signers, whose signatures are on the paper), and the day it was handed in."""

    input_type = PaperInput

    author_id = fields.Integer(
        required=True,
        error_messages={"required": PICK_AUTHOR, "null": PICK_AUTHOR, "invalid": PICK_AUTHOR},
        metadata={"description": "领衔代表（纸质表上第一个签名的代表）"},
    )
    cosigner_ids = fields.List(
        fields.Integer(error_messages={"invalid": _l("联名代表不正确")}),
        load_default=tuple,
        post_load=[tuple],
        validate=validate.Length(max=MAX_COSIGNERS, error=_l("联名代表过多")),
        metadata={"description": "在纸质表上签名的联名代表（不含领衔代表）"},
    )
    paper_form_on = fields.Date(
        required=True,
        error_messages={
            "required": _l("请填写纸质表的递交日期"),
            "null": _l("请填写纸质表的递交日期"),
            "invalid": BAD_DATE,
        },
        metadata={
            "description": "纸质提案提议表的递交日期（征集期按此日期判断；一年内，不晚于今天）"
        },
    )
