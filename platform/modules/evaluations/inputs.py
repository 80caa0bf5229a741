"""Typed inputs of the evaluations use cases: one schema per write, loaded by the API (JSON) and
by the pages (`request.form`) alike, into the frozen dataclass the service takes. The schemas
keep the API's names (`EvaluationGradeSchema`, …), so the OpenAPI document is unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.usecases import InputSchema

GRADES = ["excellent", "competent", "incompetent"]
PICK_GRADE = _l("请选择优秀、称职或不称职")
CODE_COUNT = _l("一次生成 1 到 500 个")


class Text(fields.String):
    """A string with its surrounding spaces cut; `blank_is_none`: an empty one is None."""

    def __init__(self, *, blank_is_none: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.blank_is_none = blank_is_none

    def _deserialize(  # type: ignore[override]  # None for a blank, by design
        self, value: Any, attr: Any, data: Any, **kwargs: Any
    ) -> str | None:
        text = str(super()._deserialize(value, attr, data, **kwargs)).strip()
        return None if self.blank_is_none and not text else text


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
