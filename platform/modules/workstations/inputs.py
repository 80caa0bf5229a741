"""Typed inputs of the workstations use cases: one schema per write, loaded by the API (JSON)
and by the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here, once, with the Chinese messages the pages show; what needs the database
(a duplicate name, a representative of this township, still in office) stays in the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.casework.service import CaseInputSchema
from lianxin.modules.workstations.models import MeetingKind, StationKind
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import GivenText, Text, at_most, text
from lianxin.usecases.fields import phone as phone_number

BAD_DATE = _l("日期格式不正确")
CHOOSE_REPRESENTATIVE = _l("请选择代表")


def _date(**kwargs: Any) -> fields.Date:
    """A required date; a missing or malformed one says "日期格式不正确" (as the pages did)."""
    return fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
        **kwargs,
    )


def _representative_id(**kwargs: Any) -> fields.Integer:
    return fields.Integer(
        required=True,
        error_messages={
            "required": CHOOSE_REPRESENTATIVE,
            "invalid": CHOOSE_REPRESENTATIVE,
            "null": CHOOSE_REPRESENTATIVE,
        },
        **kwargs,
    )


# --- stations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StationInput:
    kind: str
    name: str
    address: str = ""
    phone: str | None = None
    hours: str = ""
    liaison_name: str | None = None
    liaison_phone: str | None = None
    rules: str = ""


class StationInputSchema(InputSchema[StationInput]):
    """A station as the office describes it (create; with `partial=True`, a change)."""

    input_type = StationInput

    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in StationKind], error=_l("请选择类型")),
        error_messages={"required": _l("请选择类型")},
    )
    name = text(100, _l("请填写名称（不超过100字）"))
    address = Text(load_default="", validate=at_most(200))
    phone = Text(load_default=None, allow_none=True, blank_is_none=True, validate=phone_number)
    hours = Text(load_default="", validate=at_most(200))
    liaison_name = Text(
        load_default=None, allow_none=True, blank_is_none=True, validate=at_most(50)
    )
    liaison_phone = Text(
        load_default=None, allow_none=True, blank_is_none=True, validate=phone_number
    )
    rules = Text(load_default="")


class StationPatchSchema(StationInputSchema):
    """The API's PATCH body: the same fields, every one optional, loaded into
    `Changes[StationInput]` (the named fields only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Partial on the instance: the kit's post_load reads `self.partial`.
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class RepresentativesInput:
    """The representatives who serve at a station (all of them: the list replaces the old)."""

    representative_ids: list[int] = field(default_factory=list)


class RepresentativesInputSchema(InputSchema[RepresentativesInput]):
    input_type = RepresentativesInput

    representative_ids = fields.List(fields.Integer(), load_default=list)


# --- the roster -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftInput:
    representative_id: int
    day: date
    starts_at: str  # "HH:MM", read by the service (see ShiftInputSchema)
    ends_at: str


class ShiftInputSchema(InputSchema[ShiftInput]):
    """A shift put on the roster (unpublished).

    The times are read by the service, after the station and the representative are found: a
    body naming another township's station or representative is a 404 whatever its times."""

    input_type = ShiftInput

    representative_id = _representative_id()
    day = _date()
    starts_at = Text(required=True, metadata={"description": "HH:MM"})
    ends_at = Text(required=True, metadata={"description": "HH:MM"})


@dataclass(frozen=True)
class SwapInput:
    representative_id: int
    reason: str | None = None


class SwapInputSchema(InputSchema[SwapInput]):
    """Another representative on a shift; inside the lead time only as a substitute, with a
    reason."""

    input_type = SwapInput

    representative_id = _representative_id()
    reason = GivenText(
        200,
        _l("请填写换班（替补）原因（不超过200字）"),
        metadata={
            "description": "已公布且距值班不足公布期（工作日）时必填：替补原因，如代表生病；"
            "否则 409 roster_rule"
        },
    )


@dataclass(frozen=True)
class RosterPublishInput:
    date_from: date
    date_to: date
    confirm_estimated_calendar: bool = False


class RosterPublishInputSchema(InputSchema[RosterPublishInput]):
    """The dates whose shifts are published together (all or nothing)."""

    input_type = RosterPublishInput

    date_from = _date()
    date_to = _date()
    confirm_estimated_calendar = fields.Boolean(
        load_default=False,
        metadata={
            "description": "班次所在年度的国家节假日尚未公布时须为 true，确认按周一至周五预估；"
            "否则 409 calendar_estimated"
        },
    )

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["date_to"] < data["date_from"]:
            raise ValidationError(str(_l("结束日期不能早于开始日期")), field_name="date_to")


# --- meetings, cases, commitments -----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    held_on: date
    topic: str | None = None
    representative_ids: list[int] = field(default_factory=list)


class MeetingInputSchema(InputSchema[MeetingInput]):
    """A meeting held at a station; a themed one names its topic and representatives, an
    appointed one its one representative."""

    input_type = MeetingInput

    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in MeetingKind], error=_l("请选择约见方式")),
        error_messages={"required": _l("请选择约见方式")},
    )
    held_on = _date()
    topic = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=validate.Length(max=200, error=_l("主题过长")),
    )
    representative_ids = fields.List(fields.Integer(), load_default=list)

    @validates_schema
    def _as_the_kind_needs(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data["kind"] == MeetingKind.THEMED:
            if not data["topic"]:
                errors["topic"] = [str(_l("主题约见须填写主题"))]
            if not data["representative_ids"]:
                errors["representative_ids"] = [str(_l("主题约见须选定参加的代表"))]
        if data["kind"] == MeetingKind.APPOINTED and len(data["representative_ids"]) != 1:
            errors["representative_ids"] = [str(_l("指定约见须指定一名代表"))]
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class MeetingCaseInput:
    """A person's issue raised at a meeting; the channel is the meeting kind's and the source the
    station, so neither is asked."""

    title: str
    body: str
    category: str = "其他"
    anonymous: bool = False
    raiser_name: str | None = None
    raiser_phone: str | None = None
    received_by_id: int | None = None


class MeetingCaseInputSchema(CaseInputSchema):
    """Casework's own checks of a case (title, body, category, name, …: the same fields and
    messages as everywhere a case is raised), loaded into MeetingCaseInput."""

    input_type = MeetingCaseInput

    class Meta:
        exclude = ("channel", "complexity", "on_behalf")


@dataclass(frozen=True)
class AppointmentInput:
    """指定约见 asked for on the public page: the representative, and what it is about."""

    representative_id: int
    title: str
    body: str
    category: str = "其他"
    raiser_name: str | None = None
    raiser_phone: str | None = None


class AppointmentInputSchema(CaseInputSchema):
    """The public appointment form: casework's checks of a case, and the representative asked
    for (the person speaks for themself: no channel, no receiving representative, not
    anonymous)."""

    input_type = AppointmentInput

    class Meta:
        exclude = ("channel", "complexity", "on_behalf", "received_by_id", "anonymous")

    representative_id = _representative_id()


@dataclass(frozen=True)
class CommitmentInput:
    representative_id: int
    text: str
    deadline: date
    outcome: str | None = None


class CommitmentInputSchema(InputSchema[CommitmentInput]):
    """A representative's public commitment."""

    input_type = CommitmentInput

    representative_id = _representative_id()
    text = text(2000, _l("请填写承诺内容（不超过2000字）"))
    deadline = fields.Date(
        required=True,
        error_messages={"required": _l("请填写完成期限"), "invalid": _l("请填写完成期限")},
    )
    outcome = Text(load_default=None, allow_none=True, blank_is_none=True)


class CommitmentChangeSchema(CommitmentInputSchema):
    """What may change in a commitment (not whose it is), loaded with `partial=True` into
    `Changes[CommitmentInput]`."""

    class Meta:
        exclude = ("representative_id",)
