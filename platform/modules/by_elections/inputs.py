"""Typed inputs of the by-election use cases: one schema per write, loaded by the API (JSON) and
the pages (`request.form`) alike. Rules that need the database or the calendar (the order of the
steps, the notice period, the margin) stay in the service under the same field names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from lianxin.modules.by_elections.models import Channel, Source
from lianxin.modules.by_elections.stages.quotas import QUOTA_KINDS
from lianxin.people.models import Category, Education, Gender
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import OptionalDate, OptionalId, OptionalText, Text, at_most, text
from lianxin.usecases.fields import phone as phone_number


def _all(message: Any) -> dict[str, Any]:
    return {"required": message, "null": message, "invalid": message}


def _one_of(values: Any, message: Any) -> Text:
    return Text(
        required=True,
        validate=validate.OneOf([str(v) for v in values], error=message),
        error_messages=_all(message),
    )


class Flag(fields.Boolean):
    """A checkbox or a JSON boolean: absent is False."""

    truthy = {"1", "on", "true", "yes", True}
    falsy = {"0", "off", "false", "no", "", False}


class Quotas(fields.Dict):
    """Structure quotas: {kind: minimum candidates passing the review}; a kind of QUOTA_KINDS,
    a minimum 0–200 (0 or blank: no quota). A form posts them as `quota-<kind>` fields."""

    def __init__(self, **kwargs: Any) -> None:
        message = _l("结构名额须为0–200的整数")
        super().__init__(
            keys=fields.String(
                validate=validate.OneOf(QUOTA_KINDS, error=_l("结构名额的类别不正确"))
            ),
            values=fields.Integer(
                validate=validate.Range(min=0, max=200, error=message),
                error_messages=_all(message),
            ),
            load_default=dict,
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict[str, int]:
        loaded = super()._deserialize(value, attr, data, **kwargs)
        return {k: int(v) for k, v in loaded.items() if v}


def _quota_fields(data: Any) -> Any:
    """A form's `quota-<kind>` fields gathered into `quotas` (blank ones left out)."""
    if not isinstance(data, dict) or "quotas" in data:
        return data
    out = {k: v for k, v in data.items() if not str(k).startswith("quota-")}
    quotas = {
        str(k)[len("quota-") :]: v
        for k, v in data.items()
        if str(k).startswith("quota-") and str(v).strip() != ""
    }
    if quotas:
        out["quotas"] = quotas
    return out


# --- 登记: the by-election itself -----------------------------------------------------------------


@dataclass(frozen=True)
class ByElectionInput:
    title: str
    branch_id: int
    seats: int
    term: int
    term_ends_on: date | None = None
    note: str = ""
    registered_on: date | None = None  # the 登记 step's date (default today)
    vacancy_ids: list[int] = field(default_factory=list)
    quotas: dict[str, int] = field(default_factory=dict)  # 结构名额: kind → minimum


class ByElectionInputSchema(InputSchema[ByElectionInput]):
    input_type = ByElectionInput

    title = text(100, _l("请填写名称（不超过100字）"))
    branch_id = fields.Integer(required=True, error_messages=_all(_l("请选择选举单位")))
    seats = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=200, error=_l("应选名额须为1–200")),
        error_messages=_all(_l("请填写应选名额")),
    )
    term = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=99, error=_l("届次须为1–99的整数")),
        error_messages=_all(_l("请填写届次")),
    )
    term_ends_on = OptionalDate(load_default=None, allow_none=True)
    note = Text(load_default="", validate=at_most(2000))
    registered_on = OptionalDate(load_default=None, allow_none=True)
    vacancy_ids = fields.List(
        fields.Integer(error_messages=_all(_l("请选择出缺的代表"))), load_default=list
    )
    quotas = Quotas()

    @pre_load
    def _form_quotas(self, data: Any, **_kwargs: Any) -> Any:
        return _quota_fields(data)


@dataclass(frozen=True)
class QuotasInput:
    """The structure quotas changed while 报名 is open (all of them: a kind left out is
    dropped)."""

    quotas: dict[str, int] = field(default_factory=dict)


class ByElectionQuotasInputSchema(InputSchema[QuotasInput]):
    input_type = QuotasInput

    quotas = Quotas()

    @pre_load
    def _form_quotas(self, data: Any, **_kwargs: Any) -> Any:
        return _quota_fields(data)


# --- 报名: a candidate ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateInput:
    name: str
    gender: str
    birth_date: date
    education: str
    category: str
    ethnicity: str = "汉族"
    workplace: str | None = None
    phone: str | None = None
    source: str = Source.SELF
    party_member_id: int | None = None


class ByElectionCandidateInputSchema(InputSchema[CandidateInput]):
    input_type = CandidateInput

    name = text(50, _l("请填写姓名（不超过50字）"))
    gender = _one_of(Gender, _l("请选择性别"))
    birth_date = fields.Date(required=True, error_messages=_all(_l("请填写出生日期")))
    education = _one_of(Education, _l("请选择学历"))
    category = _one_of(Category, _l("请选择代表类别"))
    ethnicity = Text(load_default="汉族", validate=validate.Length(min=1, max=20))
    workplace = OptionalText(
        load_default=None, allow_none=True, blank_is_none=True, validate=at_most(100)
    )
    phone = OptionalText(
        load_default=None, allow_none=True, blank_is_none=True, validate=phone_number
    )
    source = Text(
        load_default=Source.SELF,
        validate=validate.OneOf([s.value for s in Source], error=_l("请选择产生方式")),
    )
    party_member_id = OptionalId(load_default=None, allow_none=True)


# --- a step recorded ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    on: date | None = None  # default today (Asia/Shanghai)
    note: str = ""


class ByElectionStepInputSchema(InputSchema[StepInput]):
    input_type = StepInput

    on = OptionalDate(load_default=None, allow_none=True)
    note = Text(load_default="", validate=at_most(500))


@dataclass(frozen=True)
class RecommendInput:
    """推选: which candidates the unit recommends (the others are not)."""

    candidate_ids: list[int]
    on: date | None = None
    note: str = ""


class ByElectionRecommendInputSchema(InputSchema[RecommendInput]):
    input_type = RecommendInput

    candidate_ids = fields.List(
        fields.Integer(error_messages=_all(_l("请选择推选的候选人"))),
        required=True,
        validate=validate.Length(min=1, error=_l("请选择推选的候选人")),
        error_messages=_all(_l("请选择推选的候选人")),
    )
    on = OptionalDate(load_default=None, allow_none=True)
    note = Text(load_default="", validate=at_most(500))


@dataclass(frozen=True)
class ReviewInput:
    """审查 of one candidate: passed, or failed with a reason."""

    passed: bool
    reason: str | None = None


class ByElectionReviewInputSchema(InputSchema[ReviewInput]):
    input_type = ReviewInput

    passed = Flag(load_default=False)
    reason = OptionalText(
        load_default=None, allow_none=True, blank_is_none=True, validate=at_most(200)
    )

    @validates_schema
    def _reason_when_failed(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("passed") and not data.get("reason"):
            raise ValidationError(str(_l("未通过审查须写明原因")), "reason")


@dataclass(frozen=True)
class OpenInput:
    """直选: the election held (its date), on paper or online."""

    channel: str = Channel.PAPER
    on: date | None = None
    note: str = ""


class ByElectionOpenInputSchema(InputSchema[OpenInput]):
    input_type = OpenInput

    channel = Text(
        load_default=Channel.PAPER,
        validate=validate.OneOf([c.value for c in Channel], error=_l("请选择投票方式")),
    )
    on = OptionalDate(load_default=None, allow_none=True)
    note = Text(load_default="", validate=at_most(500))


@dataclass(frozen=True)
class BallotInput:
    """A secret ballot: the candidates voted for (at most the seats)."""

    candidate_ids: list[int] = field(default_factory=list)


class ByElectionBallotInputSchema(InputSchema[BallotInput]):
    input_type = BallotInput

    candidate_ids = fields.List(
        fields.Integer(error_messages=_all(_l("候选人不正确"))), load_default=list
    )


@dataclass(frozen=True)
class TallyLine:
    candidate_id: int
    votes: int


class ByElectionTallyLineSchema(InputSchema[TallyLine]):
    input_type = TallyLine

    candidate_id = fields.Integer(required=True, error_messages=_all(_l("候选人不正确")))
    votes = fields.Integer(
        required=True,
        validate=validate.Range(min=0, error=_l("票数不能为负")),
        error_messages=_all(_l("请填写得票数")),
    )


@dataclass(frozen=True)
class PaperCountInput:
    """The tellers' count of a paper ballot: ballots cast and each candidate's votes."""

    ballots: int
    tallies: list[TallyLine]


class ByElectionPaperCountInputSchema(InputSchema[PaperCountInput]):
    input_type = PaperCountInput

    ballots = fields.Integer(
        required=True,
        validate=validate.Range(min=0, error=_l("票数不能为负")),
        error_messages=_all(_l("请填写收回的选票数")),
    )
    tallies = fields.List(fields.Nested(ByElectionTallyLineSchema), required=True)


@dataclass(frozen=True)
class AnnounceInput:
    on: date | None = None


class ByElectionAnnounceInputSchema(InputSchema[AnnounceInput]):
    input_type = AnnounceInput

    on = OptionalDate(load_default=None, allow_none=True)
