"""Typed inputs of the awards' use cases: one schema per write, loaded by the API (JSON) and by
the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here; what needs the database (the item exists in this township and was
answered, the year's selection, the quota) stays in the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.awards.models import AdoptedBy, AdoptionKind, Category
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import GivenText, Text, at_most, text

QUOTA_ERROR = _l("名额应在1到50之间")

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a selection or a register may name


@dataclass(frozen=True)
class AdoptionInput:
    """采纳: which item, adopted by whom, on which day, with a note."""

    kind: str
    item_id: int
    adopted_by: str
    adopted_on: date
    note: str = ""


class AdoptionInputSchema(InputSchema[AdoptionInput]):
    input_type = AdoptionInput

    kind = Text(
        required=True,
        validate=validate.OneOf(
            [AdoptionKind.PROPOSAL, AdoptionKind.CASE, AdoptionKind.SITTING],
            error=_l("请选择采纳事项的类别"),
        ),
        error_messages={"required": _l("请选择采纳事项的类别")},
    )
    item_id = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, error=_l("请选择事项")),
        error_messages={"required": _l("请选择事项"), "invalid": _l("请选择事项")},
    )
    adopted_by = Text(
        required=True,
        validate=validate.OneOf([a.value for a in AdoptedBy], error=_l("请选择采纳单位")),
        error_messages={"required": _l("请选择采纳单位")},
    )
    adopted_on = fields.Date(
        required=True,
        error_messages={"required": _l("请填写采纳日期"), "invalid": _l("日期格式不正确")},
    )
    note = Text(load_default="", validate=at_most(1000))


@dataclass(frozen=True)
class SelectionInput:
    """A county's selection of a year: its title and how many winners each category takes."""

    year: int
    title: str
    quota_representative: int = 10
    quota_station: int = 10
    quota_suggestion: int = 10
    quota_unit: int = 10
    metric_representative: str = "duty_score"
    metric_station: str = "stations_meetings"
    metric_unit: str = "cases_satisfaction"


def _quota() -> fields.Integer:
    return fields.Integer(
        load_default=10,
        strict=False,
        validate=validate.Range(min=1, max=50, error=QUOTA_ERROR),
        error_messages={"invalid": QUOTA_ERROR},
    )


def _metric(default: str) -> Text:
    return Text(load_default=default, validate=validate.Length(min=1, max=48))


class SelectionInputSchema(InputSchema[SelectionInput]):
    input_type = SelectionInput

    year = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR, error=_l("请填写正确的年度")),
        error_messages={"required": _l("请填写年度"), "invalid": _l("请填写正确的年度")},
    )
    title = text(100, _l("请填写评选名称（不超过100字）"))
    quota_representative = _quota()
    quota_station = _quota()
    quota_suggestion = _quota()
    quota_unit = _quota()
    metric_representative = _metric("duty_score")
    metric_station = _metric("stations_meetings")
    metric_unit = _metric("cases_satisfaction")


@dataclass(frozen=True)
class NominationInput:
    """A township's nomination of one of its adopted items for the best suggestions: the words
    shown on the honour roll (the item's title by default) and why."""

    kind: str
    item_id: int
    name: str | None = None
    summary: str = ""


class NominationInputSchema(InputSchema[NominationInput]):
    input_type = NominationInput

    kind = Text(
        required=True,
        validate=validate.OneOf([k.value for k in AdoptionKind], error=_l("请选择事项")),
        error_messages={"required": _l("请选择事项")},
    )
    item_id = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1, error=_l("请选择事项")),
        error_messages={"required": _l("请选择事项"), "invalid": _l("请选择事项")},
    )
    name = GivenText(200, _l("光荣榜上的名称不超过200字"))
    summary = Text(load_default="", validate=at_most(1000))


@dataclass(frozen=True)
class ChoiceInput:
    """The committee's choice of a candidate as a winner, with its reason."""

    reason: str


class ChoiceInputSchema(InputSchema[ChoiceInput]):
    input_type = ChoiceInput

    reason = text(500, _l("请填写评选理由（不超过500字）"))


CATEGORY_CHOICES = [c.value for c in Category]
