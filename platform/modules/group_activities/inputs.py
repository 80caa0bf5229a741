"""Typed inputs of the group-activities use cases: one schema per write, loaded by the API
(JSON) and by the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here; what needs the database (a group of this township, its members, the
annual session's date, today in Asia/Shanghai) stays in the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.casework.service import CaseInputSchema
from lianxin.modules.group_activities.models import OutcomeState
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import OptionalDate, OptionalId, Text, at_most, text

BAD_DATE = _l("日期格式不正确")
YEAR_FIRST, YEAR_LAST = 2000, 2100  # the years read anywhere in the module (as the duty record)
YEARS = validate.Range(min=YEAR_FIRST, max=YEAR_LAST, error=_l("年份不正确"))


@dataclass(frozen=True)
class PlanItemInput:
    """One planned activity of the group's year: month and topic."""

    year: int
    month: int
    topic: str


class PlanItemInputSchema(InputSchema[PlanItemInput]):
    input_type = PlanItemInput

    # The year's range is the service's: a body naming another township's group is a 404.
    year = fields.Integer(
        required=True,
        error_messages={"required": _l("请填写年份"), "invalid": _l("年份不正确")},
    )
    month = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=12, error=_l("请选择月份")),
        error_messages={"required": _l("请选择月份"), "invalid": _l("请选择月份")},
    )
    topic = text(200, _l("请填写活动主题（不超过200字）"))


@dataclass(frozen=True)
class ActivityInput:
    """An activity held: topic, first and last day, place, what was done, who came."""

    topic: str
    held_on: date
    ends_on: date | None = None
    place: str = ""
    content: str = ""
    attendee_ids: list[int] = field(default_factory=list)


class ActivityInputSchema(InputSchema[ActivityInput]):
    input_type = ActivityInput

    topic = text(200, _l("请填写活动主题（不超过200字）"))
    held_on = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )
    ends_on = OptionalDate(load_default=None, allow_none=True, error_messages={"invalid": BAD_DATE})
    place = Text(load_default="", validate=at_most(200))
    content = Text(load_default="", validate=at_most(5000))
    attendee_ids = fields.List(fields.Integer(), load_default=list)

    @validates_schema
    def _days(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("held_on"), data.get("ends_on")
        if start and end and end < start:
            raise ValidationError(str(_l("结束日期不能早于开始日期")), field_name="ends_on")


@dataclass(frozen=True)
class OutcomeInput:
    """What came of the activity; `state` proposal keeps it as a proposal draft."""

    text: str
    state: str = OutcomeState.PENDING


class OutcomeInputSchema(InputSchema[OutcomeInput]):
    input_type = OutcomeInput

    text = text(5000, _l("请填写活动成果（不超过5000字）"))
    state = Text(
        load_default=OutcomeState.PENDING.value,
        validate=validate.OneOf(
            [OutcomeState.PENDING.value, OutcomeState.PROPOSAL.value, OutcomeState.CLOSED.value],
            error=_l("请选择成果类型"),
        ),
    )


PROPOSAL_KINDS = ("proposal", "suggestion")  # 提案, 建议意见: what a group's outcome may become


@dataclass(frozen=True)
class OutcomeProposalInput:
    """The proposal draft an outcome becomes: its kind and title (the outcome's first line when
    not given); the body is the outcome's text."""

    kind: str = "proposal"
    title: str | None = None


class OutcomeProposalInputSchema(InputSchema[OutcomeProposalInput]):
    input_type = OutcomeProposalInput

    kind = Text(
        load_default="proposal",
        validate=validate.OneOf(PROPOSAL_KINDS, error=_l("请选择提案或建议意见")),
    )
    title = Text(load_default=None, allow_none=True, blank_is_none=True, validate=at_most(200))


@dataclass(frozen=True)
class OutcomeCaseInput:
    """The case an outcome becomes, received by `representative_id` (the group leader when
    not given)."""

    title: str
    body: str
    category: str = "其他"
    complexity: str | None = None
    representative_id: int | None = None


class OutcomeCaseInputSchema(CaseInputSchema):
    input_type = OutcomeCaseInput

    representative_id = OptionalId(load_default=None, allow_none=True)

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
class ReportInput:
    """The group's written liaison report before the annual session."""

    session_id: int
    body: str


class ReportInputSchema(InputSchema[ReportInput]):
    input_type = ReportInput

    session_id = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择年会"), "invalid": _l("请选择年会")},
    )
    body = text(20000, _l("请填写书面联络报告（不超过20000字）"))


# --- the committee members: reception days and visiting months (001 张家港) --------------------


@dataclass(frozen=True)
class ReceptionPlanInput:
    """The year whose monthly reception days are laid out, the committee members in turn."""

    year: int
    place: str = ""


class ReceptionPlanInputSchema(InputSchema[ReceptionPlanInput]):
    input_type = ReceptionPlanInput

    year = fields.Integer(
        required=True,
        validate=YEARS,
        error_messages={"required": _l("请填写年份"), "invalid": _l("年份不正确")},
    )
    place = Text(load_default="", validate=at_most(200))


@dataclass(frozen=True)
class ReceptionMemberInput:
    """Another committee member takes a reception day (a swap)."""

    member_user_id: int


class ReceptionMemberInputSchema(InputSchema[ReceptionMemberInput]):
    input_type = ReceptionMemberInput

    member_user_id = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择党委委员"), "invalid": _l("请选择党委委员")},
    )


@dataclass(frozen=True)
class NotesInput:
    """What was raised and answered (a reception's record, a visit's minutes)."""

    text: str


class NotesInputSchema(InputSchema[NotesInput]):
    input_type = NotesInput

    text = text(5000, _l("请填写记录内容（不超过5000字）"))


@dataclass(frozen=True)
class VisitPlanInput:
    """A visiting month's schedule (a draft until published)."""

    year: int
    month: int


class VisitPlanInputSchema(InputSchema[VisitPlanInput]):
    input_type = VisitPlanInput

    year = fields.Integer(
        required=True,
        validate=YEARS,
        error_messages={"required": _l("请填写年份"), "invalid": _l("年份不正确")},
    )
    month = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=12, error=_l("请选择月份")),
        error_messages={"required": _l("请选择月份"), "invalid": _l("请选择月份")},
    )


@dataclass(frozen=True)
class VisitInput:
    """A committee member's visit to a group on a day of the visiting month."""

    member_user_id: int
    group_id: int
    day: date


class VisitInputSchema(InputSchema[VisitInput]):
    input_type = VisitInput

    member_user_id = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择党委委员"), "invalid": _l("请选择党委委员")},
    )
    group_id = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择代表小组"), "invalid": _l("请选择代表小组")},
    )
    day = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )


@dataclass(frozen=True)
class KeeperInput:
    """The committee member who keeps a whole group for the year (包组, 001 宝应)."""

    year: int
    member_user_id: int


class KeeperInputSchema(InputSchema[KeeperInput]):
    input_type = KeeperInput

    # The year's range is the service's: a body naming another township's group is a 404.
    year = fields.Integer(
        required=True,
        error_messages={"required": _l("请填写年份"), "invalid": _l("年份不正确")},
    )
    member_user_id = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择党委委员"), "invalid": _l("请选择党委委员")},
    )
