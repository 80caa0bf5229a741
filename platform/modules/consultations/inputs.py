"""Typed inputs of the consultations' use cases: one schema per write, loaded by the API (JSON)
and by the pages (`request.form`) alike. Shape is checked here; what needs the database (a
representative or group of this township, the minimum asked, the deadline against today) stays
in the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.casework.service import CATEGORIES
from lianxin.modules.consultations.models import Kind, Mode, Outcome, Stance
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import GivenText, Text, text

BAD_DATE = _l("请填写截止日期")
OPINION_MAX = 2000


def _ids() -> fields.List:
    return fields.List(
        fields.Integer(error_messages={"invalid": _l("请选择代表或代表小组")}), load_default=list
    )


@dataclass(frozen=True)
class ConsultationInput:
    title: str
    kind: str
    deadline: date
    body: str = ""
    mode: str = Mode.OPINION.value
    everyone: bool = False
    group_ids: list[int] = field(default_factory=list)
    representative_ids: list[int] = field(default_factory=list)


class ConsultationInputSchema(InputSchema[ConsultationInput]):
    """A consultation as the office opens it: what, by when, how answered, and whom to ask."""

    input_type = ConsultationInput

    title = text(200, _l("请填写标题（不超过200字）"))
    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in Kind], error=_l("请选择征询事项类别")),
        error_messages={"required": _l("请选择征询事项类别")},
    )
    body = Text(load_default="", validate=validate.Length(max=20000, error=_l("内容过长")))
    deadline = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )
    mode = Text(
        load_default=Mode.OPINION.value,
        validate=validate.OneOf([m.value for m in Mode], error=_l("请选择征询方式")),
    )
    everyone = fields.Boolean(load_default=False)
    group_ids = _ids()
    representative_ids = _ids()

    @validates_schema
    def _vote_on_personnel(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("mode", Mode.OPINION) != Mode.OPINION and data.get("kind") != Kind.APPOINTMENT:
            raise ValidationError(_l("只有干部任用事项可以进行表决"), "mode")
        if not (data.get("everyone") or data.get("group_ids") or data.get("representative_ids")):
            raise ValidationError(_l("请选择征询对象：全体代表、代表小组或指定代表"), "audience")


@dataclass(frozen=True)
class AnswerInput:
    stance: str
    opinion: str | None = None


class ConsultationAnswerSchema(InputSchema[AnswerInput]):
    """A representative's answer: 同意 / 不同意 / 意见 (with the text), or in a vote 弃权."""

    input_type = AnswerInput

    stance = Text(
        required=True,
        validate=validate.OneOf([s.value for s in Stance], error=_l("请选择您的态度")),
        error_messages={"required": _l("请选择您的态度"), "null": _l("请选择您的态度")},
    )
    opinion = GivenText(OPINION_MAX, _l("意见不超过2000字"))

    @validates_schema
    def _opinion_written(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("stance") == Stance.OPINION and not data.get("opinion"):
            raise ValidationError(_l("请写明您的意见"), "opinion")


@dataclass(frozen=True)
class FeedbackInput:
    outcome: str
    feedback: str | None = None


class ConsultationFeedbackSchema(InputSchema[FeedbackInput]):
    """How the committee used the answers: 采纳 / 部分采纳 / 未采纳, with the reason."""

    input_type = FeedbackInput

    outcome = Text(
        required=True,
        validate=validate.OneOf([o.value for o in Outcome], error=_l("请选择采纳情况")),
        error_messages={"required": _l("请选择采纳情况"), "null": _l("请选择采纳情况")},
    )
    feedback = GivenText(5000, _l("说明不超过5000字"))

    @validates_schema
    def _reason_given(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("outcome") in (Outcome.PARTLY, Outcome.NOT_ADOPTED) and not data.get(
            "feedback"
        ):
            raise ValidationError(_l("部分采纳或未采纳的，请说明理由"), "feedback")


@dataclass(frozen=True)
class VoteInput:
    deadline: date
    secret: bool = True


class ConsultationVoteSchema(InputSchema[VoteInput]):
    """A personnel consultation turned into a recorded vote of the same representatives."""

    input_type = VoteInput

    deadline = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )
    secret = fields.Boolean(load_default=True)


@dataclass(frozen=True)
class OpinionCaseInput:
    title: str
    category: str = "其他"


class ConsultationCaseSchema(InputSchema[OpinionCaseInput]):
    """An opinion that raises an issue, registered as a case (诉求) with this title."""

    input_type = OpinionCaseInput

    title = text(200, _l("请填写标题（不超过200字）"))
    category = Text(
        load_default="其他",
        validate=validate.OneOf(list(CATEGORIES), error=_l("请选择类别")),
    )
