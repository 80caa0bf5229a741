"""Typed inputs of the casework use cases: one schema per write, loaded by the API (JSON), by the
office's and the public pages (`request.form`) and by the other modules that raise cases, into
the frozen dataclass the service takes (`platform/modules/README.md`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from lianxin.casework.models import Channel, Complexity, Rating
from lianxin.casework.stages.common import CATEGORIES
from lianxin.usecases import InputSchema, load_input
from lianxin.usecases.fields import Blank, OptionalId, Text, at_most, text

CHOOSE = _l("请选择")
CHOOSE_VALID = _l("请选择有效的选项")


class OptionalChoice(Blank, Text):
    """A choice a form may leave empty ("": not given, None); the API may send null."""


def _written(message: Any) -> Text:
    """A required text that says something (spaces alone do not); every way of missing it says
    `message`."""
    return Text(
        required=True,
        validate=validate.Length(min=1, error=message),
        error_messages={"required": message, "null": message, "invalid": message},
    )


# --- registering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseInput:
    """A case as it is registered. `source_type` and `source_id` name the record of another
    module it was raised from (a meeting, a contact, a reception day); that module sets them,
    a request never does (the schema has no such fields)."""

    title: str
    body: str
    channel: str
    category: str = "其他"
    complexity: str | None = None
    anonymous: bool = False
    raiser_name: str | None = None
    raiser_phone: str | None = None
    received_by_id: int | None = None
    on_behalf: bool = True
    branch_id: int | None = None
    # The station it was received at (RecordedCaseInputSchema; stages/places.py): the case is
    # then sourced to the station. A module raising a case names its source instead.
    station_id: int | None = None
    source_type: str | None = None
    source_id: int | None = None
    # 纸质登记: keyed in from a paper opinion form (社情民意收集表), and the date on the form.
    from_paper: bool = False
    paper_form_on: date | None = None


class CaseInputSchema(InputSchema[CaseInput]):
    """A case to register: the API's body, the office's form, the public form and the cases the
    other modules raise. A blank or null optional value is not given (its default applies).

    The phone's format is checked by `register`, after the representative: a representative of
    another township is 404 whatever else the request says."""

    input_type = CaseInput

    channel = Text(
        required=True,
        validate=validate.OneOf(list(Channel), error=_l("请选择来源渠道")),
        error_messages={
            "required": _l("请选择来源渠道"),
            "null": _l("请选择来源渠道"),
            "invalid": _l("请选择来源渠道"),
        },
    )
    category = Text(
        load_default="其他",
        validate=validate.OneOf(list(CATEGORIES), error=_l("请选择类别")),
        error_messages={"invalid": _l("请选择类别")},
    )
    title = text(200, _l("请填写标题（不超过200字）"))
    body = text(5000, _l("请填写具体内容（不超过5000字）"))
    raiser_name = Text(
        load_default=None, allow_none=True, validate=validate.Length(max=50, error=_l("姓名过长"))
    )
    raiser_phone = Text(load_default=None, allow_none=True)
    anonymous = fields.Boolean(load_default=False)
    complexity = Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(list(Complexity), error=_l("请选择简单或复杂")),
    )
    received_by_id = OptionalId(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": CHOOSE_VALID},
        metadata={"description": "首问代表（代表 id）"},
    )
    on_behalf = fields.Boolean(load_default=True, metadata={"description": "代为登记"})

    @pre_load
    def _blank_is_not_given(self, data: Any, **_kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (
                key in self.fields
                and not self.fields[key].required
                and (value is None or (isinstance(value, str) and not value.strip()))
            )
        }


PAPER_DATE = _l("请填写有效的纸质表日期")
PAPER_DATE_WITHOUT_PAPER = _l("填写纸质表日期时，请勾选“据纸质表登记”")


class RecordedCaseInputSchema(CaseInputSchema):
    """A case someone records for a person (the office's form 代为登记, the API's POST): the
    checks of every case, and the station it was received at, which a case of a station's
    channel (工作站常规接待, 主题约见 …) must name when the township has the workstations on;
    and the branch whose case it is (the office may name any, a branch liaison their own);
    and whether it is keyed in from a paper opinion form (据纸质表登记), with the form's date.
    The other modules' forms do not take them: they name their own source."""

    station_id = OptionalId(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": CHOOSE_VALID},
        metadata={
            "description": "接待群众的工作站（工作站 id）：来源渠道为工作站接待、主题约见、"
            "集中约见或指定约见时必填，诉求计入该工作站的月度报告"
        },
    )
    branch_id = OptionalId(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": CHOOSE_VALID},
        metadata={
            "description": "所属支部（支部 id）：默认为首问代表的选举单位，或联络员本人的支部"
        },
    )
    from_paper = fields.Boolean(
        load_default=False,
        metadata={"description": "据纸质表登记：由代表或工作人员填写的社情民意收集表录入"},
    )
    paper_form_on = fields.Date(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": PAPER_DATE, "null": PAPER_DATE},
        metadata={"description": "纸质表上填写的日期（仅据纸质表登记时），不晚于今天"},
    )

    @validates_schema
    def _paper_date_needs_paper(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("paper_form_on") is not None and not data.get("from_paper"):
            raise ValidationError(str(PAPER_DATE_WITHOUT_PAPER), "paper_form_on")


SOURCE_KEYS = ("source_type", "source_id")


def load_case_input(values: Mapping[str, Any]) -> CaseInput:
    """Another module's case, loaded and checked by CaseInputSchema like a request (a bad field
    raises ValidationFailed); `source_type` and `source_id`, which no request may give, are
    taken as the module gives them."""
    given = {key: value for key, value in values.items() if key not in SOURCE_KEYS}
    return replace(
        load_input(CaseInputSchema, given),
        source_type=values.get("source_type"),
        source_id=values.get("source_id"),
    )


# --- triage and handling --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiveInput:
    representative_id: int | None = None


class ReceiveInputSchema(InputSchema[ReceiveInput]):
    """Receiving a case: the representative who received it, if the office names one."""

    input_type = ReceiveInput

    representative_id = OptionalId(
        load_default=None, allow_none=True, error_messages={"invalid": CHOOSE_VALID}
    )


INADMISSIBLE = _l("请填写不予受理的理由和告知内容")


@dataclass(frozen=True)
class InadmissibleInput:
    reason: str
    referral_text: str


class InadmissibleInputSchema(InputSchema[InadmissibleInput]):
    """Why the case is not for this channel, and where the person is told to go instead."""

    input_type = InadmissibleInput

    reason = Text(
        required=True,
        error_messages={"required": INADMISSIBLE, "null": INADMISSIBLE, "invalid": INADMISSIBLE},
    )
    referral_text = Text(
        required=True,
        error_messages={"required": INADMISSIBLE, "null": INADMISSIBLE, "invalid": INADMISSIBLE},
        metadata={"description": "告知群众的去向"},
    )

    @validates_schema
    def _both_written(self, data: dict[str, Any], **_kwargs: Any) -> None:
        # Either one blank: the one message, on the reason, as the form shows it.
        if not data.get("reason") or not data.get("referral_text"):
            raise ValidationError(str(INADMISSIBLE), "reason")


@dataclass(frozen=True)
class OnSpotInput:
    answer: str


class OnSpotInputSchema(InputSchema[OnSpotInput]):
    """The answer given there and then."""

    input_type = OnSpotInput

    answer = _written(_l("请填写当场答复的内容"))


@dataclass(frozen=True)
class ReferInput:
    lead_unit_id: int
    co_unit_ids: Sequence[int] = ()
    complexity: str | None = None


def _unit_id(**kwargs: Any) -> OptionalId:
    return OptionalId(
        error_messages={"required": CHOOSE, "null": CHOOSE, "invalid": CHOOSE_VALID}, **kwargs
    )


class ReferInputSchema(InputSchema[ReferInput]):
    """A lead unit (主办), optional co-units (协办), and the complexity if it is assessed now
    (blank: unchanged)."""

    input_type = ReferInput

    lead_unit_id = _unit_id(required=True, metadata={"description": "主办单位"})
    co_unit_ids = fields.List(
        fields.Integer(error_messages={"invalid": CHOOSE_VALID}),
        load_default=list,
        metadata={"description": "协办"},
    )
    complexity = OptionalChoice(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(list(Complexity), error=_l("请选择简单或复杂")),
    )


class ReassignInputSchema(ReferInputSchema):
    """The units of a new round (再交办); the complexity stays as it was assessed."""

    class Meta:
        exclude = ("complexity",)


@dataclass(frozen=True)
class ReplyInput:
    text: str


class ReplyInputSchema(InputSchema[ReplyInput]):
    """A unit's written answer."""

    input_type = ReplyInput

    text = _written(_l("请填写书面答复"))


@dataclass(frozen=True)
class ReturnInput:
    reason: str


class ReturnInputSchema(InputSchema[ReturnInput]):
    """Why the case is not the unit's business."""

    input_type = ReturnInput

    reason = _written(_l("请说明退回理由"))


@dataclass(frozen=True)
class ExtensionInput:
    until: date
    reason: str


class ExtensionInputSchema(InputSchema[ExtensionInput]):
    """The later due date a unit asks for, and why."""

    input_type = ExtensionInput

    until = fields.Date(
        required=True,
        error_messages={
            "required": _l("请填写有效的日期"),
            "null": _l("请填写有效的日期"),
            "invalid": _l("请填写有效的日期"),
        },
    )
    reason = _written(_l("请说明延期理由"))


@dataclass(frozen=True)
class DecisionInput:
    approve: bool


class DecisionInputSchema(InputSchema[DecisionInput]):
    """The office's decision on an extension."""

    input_type = DecisionInput

    approve = fields.Boolean(required=True)


@dataclass(frozen=True)
class FeedbackInput:
    note: str | None = None


class FeedbackInputSchema(InputSchema[FeedbackInput]):
    """How the person was told the answer (optional)."""

    input_type = FeedbackInput

    note = Text(load_default=None, allow_none=True, blank_is_none=True)


RATING = _l("请选择满意、基本满意或不满意")


@dataclass(frozen=True)
class RatingInput:
    rating: str
    comment: str | None = None


class RatingInputSchema(InputSchema[RatingInput]):
    """The person's rating of the answer, and what they said (the office's record of it, or the
    person's own on the public page)."""

    input_type = RatingInput

    rating = Text(
        required=True,
        validate=validate.OneOf(list(Rating), error=RATING),
        error_messages={"required": RATING, "null": RATING, "invalid": RATING},
    )
    comment = Text(load_default=None, allow_none=True, blank_is_none=True)


@dataclass(frozen=True)
class EscalateInput:
    reason: str


class EscalateInputSchema(InputSchema[EscalateInput]):
    """Why the case goes up to the county."""

    input_type = EscalateInput

    reason = _written(_l("请说明上报理由"))


@dataclass(frozen=True)
class CountyAnswerInput:
    answer: str


class CountyAnswerInputSchema(InputSchema[CountyAnswerInput]):
    """The county's answer to what a township sent up."""

    input_type = CountyAnswerInput

    answer = _written(_l("请填写答复"))


# --- at the branch: the proposed handling, the representative's signature, sending it on ---------


PROPOSAL_TEXT = text(2000, _l("请填写代表的拟办意见（不超过2000字）"))


@dataclass(frozen=True)
class ProposedHandlingInput:
    text: str


class ProposedHandlingInputSchema(InputSchema[ProposedHandlingInput]):
    """拟办意见: how the receiving representative proposes the case be handled."""

    input_type = ProposedHandlingInput

    text = PROPOSAL_TEXT


@dataclass(frozen=True)
class PaperSignOffInput:
    signed_on: date
    note: str | None = None


class PaperSignOffInputSchema(InputSchema[PaperSignOffInput]):
    """代表已签字: the day the representative signed the proposed handling in the paper log, as
    the liaison records it (and where the signed page is kept, if said)."""

    input_type = PaperSignOffInput

    signed_on = fields.Date(
        required=True,
        error_messages={
            "required": _l("请填写代表签字的日期"),
            "null": _l("请填写代表签字的日期"),
            "invalid": _l("请填写代表签字的日期"),
        },
    )
    note = Text(load_default=None, allow_none=True, blank_is_none=True, validate=at_most(200))


@dataclass(frozen=True)
class SendOnInput:
    note: str | None = None


class SendOnInputSchema(InputSchema[SendOnInput]):
    """Sending the signed case on to the branch head and the office, with a note (the branch
    head's view, if given)."""

    input_type = SendOnInput

    note = Text(load_default=None, allow_none=True, blank_is_none=True, validate=at_most(500))
