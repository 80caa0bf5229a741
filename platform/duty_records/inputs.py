"""Typed inputs of the duty record's writes, loaded alike by the API (JSON) and the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, post_load, validate

from lianxin.duty_records.models import STEP_ORDER
from lianxin.usecases import InputSchema
from lianxin.usecases.chinese import ChineseMessages
from lianxin.usecases.fields import Text, at_most

BAD_DATE = _l("日期格式不正确")
POINTS = validate.Range(min=0, max=100, error=_l("分值应在0到100之间"))


@dataclass(frozen=True)
class WeightInput:
    points: float
    cap: float


class WeightInputSchema(ChineseMessages):
    points = fields.Float(
        required=True,
        validate=POINTS,
        error_messages={"required": _l("请填写每次分值"), "invalid": _l("分值应为数字")},
    )
    cap = fields.Float(
        required=True,
        validate=POINTS,
        error_messages={"required": _l("请填写上限"), "invalid": _l("上限应为数字")},
    )

    @post_load
    def _typed(self, data: dict[str, Any], **_kwargs: Any) -> WeightInput:
        return WeightInput(**data)


@dataclass(frozen=True)
class FormulaInput:
    items: dict[str, WeightInput] = field(default_factory=dict)
    inactive_below: float | None = None
    min_sample: int | None = None
    term_first_year: int | None = None


class FormulaInputSchema(InputSchema[FormulaInput]):
    """The county's formula: per item key the points per unit and the cap (of points earned,
    or of the deduction of a missed duty); the inactive threshold; the minimum sample; the
    first year of a term."""

    input_type = FormulaInput

    items = fields.Dict(
        keys=fields.String(), values=fields.Nested(WeightInputSchema), load_default=dict
    )
    inactive_below = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=100, error=_l("履职不足线应在0到100分之间")),
        error_messages={"invalid": _l("履职不足线应为数字")},
    )
    min_sample = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=1000, error=_l("最少人数应在1到1000之间")),
        error_messages={"invalid": _l("最少人数应为整数")},
    )
    term_first_year = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=2000, max=2100, error=_l("换届年份应在2000到2100之间")),
        error_messages={"invalid": _l("换届年份应为整数")},
    )


@dataclass(frozen=True)
class StepInput:
    representative_id: int
    year: int
    step: str
    taken_on: date
    note: str = ""


class StepInputSchema(InputSchema[StepInput]):
    """An escalation step the office took: whom, for which year, which step, when, and a note."""

    input_type = StepInput

    representative_id = fields.Integer(
        required=True,
        error_messages={"required": _l("请选择代表"), "invalid": _l("请选择代表")},
    )
    # The year's range is checked by the service, after the representative is found.
    year = fields.Integer(
        required=True,
        error_messages={"required": _l("请填写年度"), "invalid": _l("年度不正确")},
    )
    step = Text(
        required=True,
        validate=validate.OneOf([s.value for s in STEP_ORDER], error=_l("请选择处理步骤")),
        error_messages={"required": _l("请选择处理步骤")},
    )
    taken_on = fields.Date(
        required=True,
        error_messages={"required": BAD_DATE, "invalid": BAD_DATE, "null": BAD_DATE},
    )
    note = Text(load_default="", validate=at_most(500))
