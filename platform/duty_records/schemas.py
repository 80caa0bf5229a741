"""Output schemas of the duty record's API."""

from __future__ import annotations

from marshmallow import fields

from lianxin.api.base import BaseSchema


class DutyLineSchema(BaseSchema):
    key = fields.String()
    label = fields.String()
    unit = fields.String()
    kind = fields.String(metadata={"description": "done: 履职加分 / missed: 缺勤扣分"})
    suggestion = fields.Boolean()
    count = fields.Float()
    details = fields.List(fields.String())
    points = fields.Float(metadata={"description": "每单位分值（加分或扣分）"})
    cap = fields.Float(metadata={"description": "该项加分（或扣分）上限"})
    raw = fields.Float(metadata={"description": "次数 × 分值"})
    applied = fields.Float(metadata={"description": "计入的分值（不超过上限）"})
    capped = fields.Boolean()
    explanation = fields.Function(lambda line: line.explain())


class DutyPartSchema(BaseSchema):
    key = fields.String()
    name = fields.String()
    lines = fields.List(fields.Nested(DutyLineSchema))


class DutyScoreSchema(BaseSchema):
    earned = fields.Float()
    deducted = fields.Float()
    raw = fields.Float()
    total = fields.Float()
    clipped = fields.String(metadata={"description": "low: 低于0按0计 / high: 超过100按100计"})
    explanation = fields.Function(lambda score: score.explain())


class DutyStepSchema(BaseSchema):
    id = fields.Integer()
    representative_id = fields.Integer()
    year = fields.Integer()
    step = fields.String(
        metadata={"description": "talk 谈话提醒 / criticism 批评 / recall 罢免建议"}
    )
    taken_on = fields.Date()
    note = fields.String()
    recorded_by_id = fields.Integer(allow_none=True)
    recorded_at = fields.DateTime()


class DutyRecordSchema(BaseSchema):
    representative_id = fields.Integer()
    name = fields.String()
    term = fields.Integer()
    years = fields.List(fields.Integer())
    term_years = fields.List(fields.Integer())
    parts = fields.List(fields.Nested(DutyPartSchema))
    score = fields.Nested(DutyScoreSchema)
    year_scores = fields.List(fields.List(fields.Float()))
    threshold = fields.Float()
    flagged = fields.Boolean()
    has_suggestion = fields.Boolean()
    steps = fields.List(fields.Nested(DutyStepSchema))


class DutyListRowSchema(BaseSchema):
    representative_id = fields.Integer()
    name = fields.String()
    term = fields.Integer()
    score = fields.Function(lambda r: r.score.total)
    flagged = fields.Boolean()
    has_suggestion = fields.Boolean()


class DutyWeightSchema(BaseSchema):
    key = fields.String()
    part = fields.String()
    label = fields.String()
    kind = fields.String()
    unit = fields.String()
    points = fields.Float()
    cap = fields.Float()
    default = fields.Boolean(metadata={"description": "县里未设置，按默认值"})


class DutyFormulaSchema(BaseSchema):
    items = fields.List(fields.Nested(DutyWeightSchema))
    inactive_below = fields.Float()
    min_sample = fields.Integer()
    term_first_year = fields.Integer()
    is_default = fields.Boolean()
    year = fields.Integer(metadata={"description": "the year it scores"})
    from_year = fields.Integer(
        allow_none=True,
        metadata={"description": "the year its version took effect (null: the defaults)"},
    )
    caps_total = fields.Float(metadata={"description": "the caps of the work done added up"})
