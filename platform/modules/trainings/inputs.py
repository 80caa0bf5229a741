"""Typed inputs of the training use cases: one schema per write, loaded by the API (JSON) and
by the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here; what needs the database (a representative or group of this township, in
office; the session's days) stays in the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.modules.trainings.models import Answer, Audience, Half, SessionKind
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import GivenText, OptionalDate, Text, at_most, text
from lianxin.usecases.inputs import AlwaysPartial

BAD_DATE = _l("日期格式不正确")
MAX_DAYS = 31  # a session longer than a month is a mistake of the form


@dataclass(frozen=True)
class SessionInput:
    title: str
    kind: str
    starts_on: date
    ends_on: date | None = None  # one day when not given
    place: str = ""
    content: str = ""
    audience: str = Audience.ALL
    group_ids: list[int] = field(default_factory=list)
    representative_ids: list[int] = field(default_factory=list)


class SessionInputSchema(InputSchema[SessionInput]):
    """A session: topic, kind, first and last day, place, content, and whom: every
    representative in office, the members of some groups, or named representatives."""

    input_type = SessionInput

    title = text(200, _l("请填写培训主题（不超过200字）"))
    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in SessionKind], error=_l("请选择培训类型")),
        error_messages={"required": _l("请选择培训类型")},
    )
    starts_on = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )
    ends_on = OptionalDate(load_default=None, allow_none=True, error_messages={"invalid": BAD_DATE})
    place = Text(load_default="", validate=at_most(200))
    content = Text(load_default="", validate=at_most(5000))
    audience = Text(
        load_default=Audience.ALL.value,
        validate=validate.OneOf([a.value for a in Audience], error=_l("请选择参训对象")),
    )
    group_ids = fields.List(
        fields.Integer(error_messages={"invalid": _l("请选择代表小组")}), load_default=list
    )
    representative_ids = fields.List(
        fields.Integer(error_messages={"invalid": _l("请选择代表")}), load_default=list
    )

    @validates_schema
    def _shape(self, data: dict[str, Any], **_kwargs: Any) -> None:
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends:
            if ends < starts:
                raise ValidationError(str(_l("结束日期不能早于开始日期")), field_name="ends_on")
            if (ends - starts).days + 1 > MAX_DAYS:
                raise ValidationError(
                    str(_l("一期培训不超过%(n)s天", n=MAX_DAYS)), field_name="ends_on"
                )
        audience = data.get("audience")
        if audience == Audience.GROUPS and not data.get("group_ids"):
            raise ValidationError(str(_l("请选择代表小组")), field_name="group_ids")
        if audience == Audience.NAMED and not data.get("representative_ids"):
            raise ValidationError(str(_l("请选择参训代表")), field_name="representative_ids")


class SessionPatchSchema(AlwaysPartial, SessionInputSchema):
    """A change to a session before it starts: topic, kind, dates, place, content, whom; only
    the fields given (`Changes[SessionInput]`)."""


@dataclass(frozen=True)
class CancelInput:
    """Why the session is called off (told to everyone invited)."""

    reason: str


class CancelInputSchema(InputSchema[CancelInput]):
    input_type = CancelInput

    reason = text(200, _l("请填写取消原因（不超过200字）"))


HALVES = [Half.MORNING.value, Half.AFTERNOON.value]
BAD_HALF = _l("请选择上午或下午")


@dataclass(frozen=True)
class AnswerInput:
    """The representative's answer: they will come (confirmed) or ask for leave (why); a leave
    may be for half a day (`leave_half` morning/afternoon of `leave_day`), else the session."""

    answer: str
    reason: str | None = None
    leave_day: date | None = None
    leave_half: str | None = None


class AnswerInputSchema(InputSchema[AnswerInput]):
    input_type = AnswerInput

    answer = Text(
        required=True,
        validate=validate.OneOf(
            [Answer.CONFIRMED.value, Answer.LEAVE.value], error=_l("请选择参加或请假")
        ),
        error_messages={"required": _l("请选择参加或请假")},
    )
    reason = GivenText(200, _l("请假原因不超过200字"))
    leave_day = OptionalDate(
        load_default=None, allow_none=True, error_messages={"invalid": BAD_DATE}
    )
    leave_half = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=validate.OneOf(HALVES, error=BAD_HALF),
    )

    @validates_schema
    def _leave_reason(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("answer") == Answer.LEAVE and not (data.get("reason") or "").strip():
            raise ValidationError(str(_l("请填写请假原因")), field_name="reason")
        if (
            data.get("answer") == Answer.LEAVE
            and data.get("leave_half")
            and not data.get("leave_day")
        ):
            raise ValidationError(str(_l("请选择请假半天的日期")), field_name="leave_day")
        if (
            data.get("answer") == Answer.LEAVE
            and data.get("leave_day")
            and not data.get("leave_half")
        ):
            raise ValidationError(str(BAD_HALF), field_name="leave_half")


@dataclass(frozen=True)
class LeaveDecisionInput:
    approve: bool


class LeaveDecisionInputSchema(InputSchema[LeaveDecisionInput]):
    input_type = LeaveDecisionInput

    approve = fields.Boolean(
        required=True,
        error_messages={"required": _l("请选择准假或不准假"), "invalid": _l("请选择准假或不准假")},
    )


@dataclass(frozen=True)
class CheckInInput:
    """One representative present on one day of the session (today when not given)."""

    representative_id: int
    day: date | None = None
    half: str | None = None  # full, morning or afternoon; none: the rest of a half-day leave


class CheckInInputSchema(InputSchema[CheckInInput]):
    input_type = CheckInInput

    representative_id = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择代表"), "invalid": _l("请选择代表")},
    )
    day = OptionalDate(load_default=None, allow_none=True, error_messages={"invalid": BAD_DATE})
    half = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=validate.OneOf([h.value for h in Half], error=_l("请选择全天、上午或下午")),
    )


@dataclass(frozen=True)
class SelfCheckInInput:
    """The code of a day's QR code, as its link carries it (the API's self check-in)."""

    token: str


class SelfCheckInInputSchema(InputSchema[SelfCheckInInput]):
    input_type = SelfCheckInInput

    token = text(100, _l("请给出签到码"))
