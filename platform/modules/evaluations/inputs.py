"""Typed inputs of the evaluations use cases: one schema per write, loaded by the API (JSON) and
by the pages (`request.form`) alike, into the frozen dataclass the service takes. The schemas
keep the API's names (`EvaluationGradeSchema`, …), so the OpenAPI document keeps its
components. Rules that need the database or the campaign (a unique title, the scale a score must
fall in, the subjects a rater answers about) stay in the service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from lianxin.modules.evaluations.models import RaterCategory, Shape, SubjectKind
from lianxin.usecases import AlwaysPartial, InputSchema
from lianxin.usecases.fields import OptionalId, OptionalText, Text, text

GRADES = ["excellent", "competent", "incompetent"]
SHAPES = [s.value for s in Shape]
PICK_GRADE = _l("请选择优秀、称职或不称职")
PICK_SHAPE = _l("请选择评议类型")
CODE_COUNT = _l("一次生成 1 到 500 个")
BAD_DATE = _l("日期格式不正确")
NOT_AN_INTEGER = _l("请填写整数")
BAD_SCALE = _l("分值范围不正确")


# --- a campaign and its form ---------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    """A new campaign: its title, kind and period (the form starts as the default one)."""

    title: str
    shape: str
    opens_on: date
    closes_on: date


class EvaluationCampaignCreateSchema(InputSchema[CampaignInput]):
    input_type = CampaignInput

    title = text(100, _l("请填写活动名称（不超过100字）"))
    shape = Text(
        required=True,
        validate=validate.OneOf(SHAPES, error=PICK_SHAPE),
        error_messages={"required": PICK_SHAPE, "null": PICK_SHAPE},
    )
    opens_on = fields.Date(required=True, error_messages={"invalid": BAD_DATE})
    closes_on = fields.Date(required=True, error_messages={"invalid": BAD_DATE})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["closes_on"] < data["opens_on"]:
            raise ValidationError(str(_l("结束日期不能早于开始日期")), field_name="closes_on")


@dataclass(frozen=True)
class DimensionInput:
    """One row of the form: what is scored, and its weight; a new row has no key yet."""

    label: str
    weight: float = 1
    key: str | None = None


class EvaluationDimensionInputSchema(InputSchema[DimensionInput]):
    input_type = DimensionInput

    key = Text(load_default=None, allow_none=True, validate=validate.Length(max=30))
    label = Text(required=True, validate=validate.Length(min=1, max=30))
    weight = fields.Float(
        load_default=1, validate=validate.Range(min=0, max=100, min_inclusive=False)
    )

    def load(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        # A row is whole even inside a partial change of the form.
        kwargs["partial"] = False
        return super().load(data, *args, **kwargs)


class Dimensions(fields.List):
    """The form's rows, as a tuple; a bad row is named by its place (第 n 项), as the page shows
    it next to the rows."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        try:
            rows = super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:
            if not isinstance(exc.messages, dict) or not exc.messages:
                raise  # not a list at all
            n = min(int(k) for k in exc.messages) + 1
            raise ValidationError(
                _("第 %(n)d 项：请填写名称（不超过30字）和大于0的权重", n=n)
            ) from exc
        return tuple(rows)


@dataclass(frozen=True)
class FormInput:
    """The campaign's form and period; a change names some of them (`Changes[FormInput]`)."""

    dimensions: tuple[DimensionInput, ...]
    scale_min: int
    scale_max: int
    opens_on: date
    closes_on: date


class EvaluationFormUpdateSchema(AlwaysPartial, InputSchema[FormInput]):
    """A change to the form: the dimensions and weights, the scale or the period."""

    input_type = FormInput

    dimensions = Dimensions(
        fields.Nested(EvaluationDimensionInputSchema),
        validate=[
            validate.Length(min=1, error=_l("至少需要一项评议内容")),
            validate.Length(max=50, error=_l("评议内容不超过50项")),
        ],
    )
    scale_min = fields.Integer(
        validate=validate.Range(min=0, max=100, error=BAD_SCALE),
        error_messages={"invalid": NOT_AN_INTEGER},
    )
    scale_max = fields.Integer(
        validate=validate.Range(min=0, max=100, error=BAD_SCALE),
        error_messages={"invalid": NOT_AN_INTEGER},
    )
    opens_on = fields.Date(error_messages={"invalid": BAD_DATE})
    closes_on = fields.Date(error_messages={"invalid": BAD_DATE})

    @validates("dimensions")
    def _distinct(self, value: tuple[DimensionInput, ...], **_kwargs: Any) -> None:
        keys = [d.key for d in value if d.key]
        if len(set(keys)) != len(keys):
            raise ValidationError(str(_l("评议内容重复")))


# --- subjects ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectInput:
    """One of: a committee member's `user_id`, a `representative_id`, a `unit_id`, or a `name`
    (public satisfaction), as the campaign's kind asks."""

    user_id: int | None = None
    representative_id: int | None = None
    unit_id: int | None = None
    name: str | None = None
    kind: str | None = None  # SubjectKind: the committee as a body, a city representative


class EvaluationSubjectCreateSchema(InputSchema[SubjectInput]):
    """One of: a committee member's `user_id`, a `representative_id`, a `unit_id`, or a
    `name` (public satisfaction), as the campaign's kind asks."""

    input_type = SubjectInput

    user_id = OptionalId(load_default=None, allow_none=True)
    representative_id = OptionalId(load_default=None, allow_none=True)
    unit_id = OptionalId(load_default=None, allow_none=True)
    name = OptionalText(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=100, error=_l("请填写测评对象名称")),
    )
    kind = OptionalText(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([k.value for k in SubjectKind], error=_l("请选择评议对象类别")),
        metadata={
            "description": "member（两委委员）、committee（班子整体）、city_rep（市党代表，按姓名）"
        },
    )


# --- answers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """A rater's answer about one subject: every dimension's score (an overall grade and a
    comment optional), or, where the form offers it, “无法评价” alone."""

    subject_id: int
    scores: Mapping[str, int | None] = field(default_factory=dict)
    cannot_evaluate: bool = False
    overall: str | None = None
    comment: str | None = None


class EvaluationAnswerSchema(InputSchema[AnswerInput]):
    """Every dimension's score (and optionally an overall grade and a comment), or, where the
    form offers it, `cannot_evaluate: true` alone."""

    input_type = AnswerInput

    subject_id = fields.Integer(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(), load_default=dict)
    cannot_evaluate = fields.Boolean(
        load_default=False, metadata={"description": "无法评价：不打分、不评等、不填意见"}
    )
    overall = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(GRADES, error=PICK_GRADE)
    )
    comment = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500, error=_l("意见过长（不超过500字）")),
    )


@dataclass(frozen=True)
class AnswersInput:
    answers: tuple[AnswerInput, ...]


class EvaluationAnswersSchema(InputSchema[AnswersInput]):
    """One answer per subject of the form."""

    input_type = AnswersInput

    answers = fields.List(fields.Nested(EvaluationAnswerSchema), required=True, post_load=[tuple])

    @validates_schema
    def _once_each(self, data: dict[str, Any], **_kwargs: Any) -> None:
        seen: set[int] = set()
        twice: dict[int, dict[str, list[str]]] = {}
        for n, answer in enumerate(data["answers"]):
            if answer.subject_id in seen:
                twice[n] = {"subject_id": [str(_l("评议对象重复"))]}
            seen.add(answer.subject_id)
        if twice:
            raise ValidationError({"answers": twice})


# --- grades and codes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeInput:
    """A grade proposed by the office or decided by the committee, with its reason."""

    grade: str
    reason: str | None = None

    @property
    def given_reason(self) -> str | None:
        return (self.reason or "").strip() or None


class EvaluationGradeSchema(InputSchema[GradeInput]):
    input_type = GradeInput

    grade = Text(
        required=True,
        validate=validate.OneOf(GRADES, error=PICK_GRADE),
        error_messages={"required": PICK_GRADE},
    )
    reason = Text(  # a blank reason is none (`GradeInput.given_reason`)
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500, error=_l("理由过长（不超过500字）")),
    )


@dataclass(frozen=True)
class CodesInput:
    """How many one-answer codes to issue for a public campaign."""

    count: int


class EvaluationCodesCreateSchema(InputSchema[CodesInput]):
    input_type = CodesInput

    count = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=500, error=CODE_COUNT),
        error_messages={"required": CODE_COUNT, "invalid": CODE_COUNT},
    )


# --- the evaluation group, notice, guest raters --------------------------------------------------

PICK_PERSON = _l("请选择人员")
GUEST_CATEGORIES = [
    RaterCategory.AGENCY_CADRE.value,
    RaterCategory.VILLAGE_HEAD.value,
    RaterCategory.UNIT_HEAD.value,
]
ALL_CATEGORIES = [c.value for c in RaterCategory]


def _person() -> fields.Integer:
    return fields.Integer(
        required=True,
        error_messages={"required": PICK_PERSON, "null": PICK_PERSON, "invalid": PICK_PERSON},
    )


@dataclass(frozen=True)
class GroupInput:
    """The evaluation group (评议小组): its leader (组长) and two members, three different
    people (the service checks, after the campaign is found)."""

    leader_id: int
    member1_id: int
    member2_id: int


class EvaluationGroupSchema(InputSchema[GroupInput]):
    input_type = GroupInput

    leader_id = _person()
    member1_id = _person()
    member2_id = _person()


@dataclass(frozen=True)
class GuestRaterInput:
    """A rater who is not a representative, by name and category (机关干部 …)."""

    name: str
    category: str


class EvaluationGuestRaterSchema(InputSchema[GuestRaterInput]):
    input_type = GuestRaterInput

    name = text(50, _l("请填写评议人姓名（不超过50字）"))
    category = Text(
        required=True,
        validate=validate.OneOf(GUEST_CATEGORIES, error=_l("请选择评议人类别")),
        error_messages={"required": _l("请选择评议人类别")},
    )


@dataclass(frozen=True)
class PaperHandOutInput:
    """The raters handed a paper form at the meeting (they answer on paper, not online)."""

    rater_ids: tuple[int, ...]


class EvaluationPaperHandOutSchema(InputSchema[PaperHandOutInput]):
    input_type = PaperHandOutInput

    rater_ids = fields.List(
        fields.Integer(),
        required=True,
        post_load=[tuple],
        error_messages={"required": _l("请选择领取纸质评议表的评议人")},
    )


# --- paper forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperBatchInput:
    """A pile of paper forms of one category and the two tellers who key it in."""

    label: str
    category: str
    forms: int
    teller1_id: int
    teller2_id: int


class EvaluationPaperBatchSchema(InputSchema[PaperBatchInput]):
    input_type = PaperBatchInput

    label = text(50, _l("请填写这批评议表的名称（不超过50字，如“第一票箱”）"))
    category = Text(
        required=True,
        validate=validate.OneOf(ALL_CATEGORIES, error=_l("请选择评议人类别")),
        error_messages={"required": _l("请选择评议人类别")},
    )
    forms = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=1000, error=_l("份数为 1 到 1000")),
        error_messages={"required": _l("请填写份数"), "invalid": NOT_AN_INTEGER},
    )
    teller1_id = _person()
    teller2_id = _person()


@dataclass(frozen=True)
class PaperFormInput:
    """One paper form as keyed in: an answer per subject (scores, overall grade or “无法评价”;
    no comment is keyed)."""

    answers: tuple[AnswerInput, ...]


class EvaluationPaperFormSchema(InputSchema[PaperFormInput]):
    input_type = PaperFormInput

    answers = fields.List(fields.Nested(EvaluationAnswerSchema), required=True, post_load=[tuple])


@dataclass(frozen=True)
class PaperEntryInput:
    """One teller's keying of every form of the batch, in the pile's order."""

    forms: tuple[PaperFormInput, ...]


class EvaluationPaperEntrySchema(InputSchema[PaperEntryInput]):
    input_type = PaperEntryInput

    forms = fields.List(
        fields.Nested(EvaluationPaperFormSchema),
        required=True,
        post_load=[tuple],
        validate=validate.Length(max=1000),
    )


# --- the responsible leader's opinion ------------------------------------------------------------


@dataclass(frozen=True)
class LeaderOpinionInput:
    """The responsible leader's opinion (分管领导意见), before the committee decides."""

    leader_name: str
    opinion: str


class EvaluationLeaderOpinionSchema(InputSchema[LeaderOpinionInput]):
    input_type = LeaderOpinionInput

    leader_name = text(50, _l("请填写分管领导姓名（不超过50字）"))
    opinion = text(500, _l("请填写分管领导意见（不超过500字）"))
