"""Typed inputs of the sitting-in use cases: one schema per write, loaded by the API (JSON)
and by the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here; what needs the database (a representative of this township, in office,
invited; the meeting's day) stays in the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.casework.service import CaseInputSchema
from lianxin.modules.sittings.models import Answer, MeetingKind
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import (
    GivenText,
    OptionalDate,
    OptionalId,
    OptionalText,
    Text,
    at_most,
    text,
)

BAD_DATE = _l("日期格式不正确")
CHOOSE_REPRESENTATIVE = _l("请选择代表")


# --- meetings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    title: str
    kind: str
    held_on: date
    starts_at: str | None = None  # "HH:MM", read by the service (see MeetingInputSchema)
    place: str = ""
    topics: str = ""
    branch_id: int | None = None


class MeetingInputSchema(InputSchema[MeetingInput]):
    """A meeting representatives sit in on: title, kind, day and time, place, topics; a branch
    meeting names its branch. The time is read by the service, after the branch is found: a
    body naming another township's branch is a 404 whatever its time."""

    input_type = MeetingInput

    title = text(200, _l("请填写会议名称（不超过200字）"))
    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in MeetingKind], error=_l("请选择会议类型")),
        error_messages={"required": _l("请选择会议类型")},
    )
    held_on = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )
    starts_at = OptionalText(load_default=None, allow_none=True, metadata={"description": "HH:MM"})
    place = Text(load_default="", validate=at_most(200))
    topics = Text(load_default="", validate=at_most(5000))
    branch_id = OptionalId(load_default=None, allow_none=True)

    @validates_schema
    def _branch_meeting(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("kind") == MeetingKind.BRANCH and not data.get("branch_id"):
            raise ValidationError(str(_l("支部会议请选择支部")), field_name="branch_id")


# --- invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteInput:
    """A batch: the representatives invited together."""

    representative_ids: list[int] = field(default_factory=list)


class InviteInputSchema(InputSchema[InviteInput]):
    input_type = InviteInput

    # "At least one" is the service's: a body naming another township's meeting is a 404.
    representative_ids = fields.List(
        fields.Integer(error_messages={"invalid": CHOOSE_REPRESENTATIVE}), load_default=list
    )


@dataclass(frozen=True)
class AnswerInput:
    """The representative's answer: they will sit in (confirmed) or not (declined, why)."""

    answer: str
    reason: str | None = None


class AnswerInputSchema(InputSchema[AnswerInput]):
    input_type = AnswerInput

    answer = Text(
        required=True,
        validate=validate.OneOf(
            [Answer.CONFIRMED.value, Answer.DECLINED.value], error=_l("请选择参加或不参加")
        ),
        error_messages={"required": _l("请选择参加或不参加")},
    )
    reason = GivenText(200, _l("原因不超过200字"))


@dataclass(frozen=True)
class AttendanceInput:
    """Who of the invited came: every other invitation is recorded as absent."""

    representative_ids: list[int] = field(default_factory=list)


class AttendanceInputSchema(InputSchema[AttendanceInput]):
    input_type = AttendanceInput

    representative_ids = fields.List(fields.Integer(), load_default=list)


# --- suggestions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionInput:
    text: str
    representative_id: int | None = None  # the office names who; a representative is themself


class SuggestionInputSchema(InputSchema[SuggestionInput]):
    input_type = SuggestionInput

    text = text(5000, _l("请填写意见建议（不超过5000字）"))
    representative_id = OptionalId(
        load_default=None, allow_none=True, error_messages={"invalid": CHOOSE_REPRESENTATIVE}
    )


@dataclass(frozen=True)
class SuggestionCaseInput:
    """A suggestion registered as a case: casework's own checks of title, body and category."""

    title: str
    body: str
    category: str = "其他"
    complexity: str | None = None


class SuggestionCaseInputSchema(CaseInputSchema):
    input_type = SuggestionCaseInput

    class Meta:
        exclude = (
            "channel",
            "on_behalf",
            "received_by_id",
            "anonymous",
            "raiser_name",
            "raiser_phone",
        )


@dataclass(frozen=True)
class WrittenAnswerInput:
    """The committee's written answer to a suggestion, and its date (today when not given)."""

    answer: str
    answered_on: date | None = None


class WrittenAnswerInputSchema(InputSchema[WrittenAnswerInput]):
    input_type = WrittenAnswerInput

    answer = text(5000, _l("请填写答复内容（不超过5000字）"))
    answered_on = OptionalDate(
        load_default=None, allow_none=True, error_messages={"invalid": BAD_DATE}
    )
