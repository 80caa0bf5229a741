"""Typed inputs of the commitment use cases: one schema per write, loaded by the API (JSON) and
by the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here; what needs the database or the calendar (the representative of this
township and in office, this year's or next year's, a deadline within the year and not passed)
stays in the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import fields

from lianxin.usecases import InputSchema
from lianxin.usecases.fields import OptionalDate, OptionalId, text

BAD_DATE = _l("日期格式不正确")
CONTENT = _l("请填写承诺内容（不超过500字）")


def _due_on() -> fields.Date:
    return fields.Date(
        required=True,
        error_messages={"required": _l("请填写完成期限"), "invalid": BAD_DATE, "null": BAD_DATE},
    )


@dataclass(frozen=True)
class CommitmentInput:
    """A commitment for `year`, due by `due_on`. `representative_id`: the office enters it for
    that representative (代为登记); a representative writes their own and leaves it out."""

    year: int
    content: str
    due_on: date
    representative_id: int | None = None


class CommitmentInputSchema(InputSchema[CommitmentInput]):
    input_type = CommitmentInput

    # Which years and that the deadline falls in the year are the service's rules (it knows
    # today, and looks the representative up first: another township's is a 404, whatever
    # else the body says).
    year = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择年度"), "invalid": _l("年度不正确")},
    )
    content = text(500, CONTENT)
    due_on = _due_on()
    representative_id = OptionalId(
        load_default=None, allow_none=True, error_messages={"invalid": _l("请选择代表")}
    )


@dataclass(frozen=True)
class RevisionInput:
    """The representative's revised text and deadline (the year stays)."""

    content: str
    due_on: date


class RevisionInputSchema(InputSchema[RevisionInput]):
    input_type = RevisionInput

    content = text(500, CONTENT)
    due_on = _due_on()


@dataclass(frozen=True)
class ReturnInput:
    reason: str


class ReturnInputSchema(InputSchema[ReturnInput]):
    input_type = ReturnInput

    reason = text(200, _l("请填写退回原因（不超过200字）"))


@dataclass(frozen=True)
class ProgressInput:
    """A progress note (践诺), dated `noted_on` (today when not given)."""

    note: str
    noted_on: date | None = None


class ProgressInputSchema(InputSchema[ProgressInput]):
    input_type = ProgressInput

    note = text(1000, _l("请填写进展情况（不超过1000字）"))
    noted_on = OptionalDate(
        load_default=None, allow_none=True, error_messages={"invalid": BAD_DATE}
    )


@dataclass(frozen=True)
class CloseInput:
    """The office's close (评诺): kept or not, and why."""

    kept: bool
    note: str


class CloseInputSchema(InputSchema[CloseInput]):
    input_type = CloseInput

    kept = fields.Boolean(
        required=True,
        error_messages={
            "required": _l("请选择已兑现或未兑现"),
            "invalid": _l("请选择已兑现或未兑现"),
        },
    )
    note = text(500, _l("请填写评诺意见（不超过500字）"))
