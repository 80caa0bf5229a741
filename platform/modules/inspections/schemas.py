"""Settings and API output schemas of the inspections module (the inputs are in inputs.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.api.base import BaseSchema


class InspectionSettings(BaseSchema):
    """The seeds' numbers as defaults (001张家港: teams of 3～5, the plan 5～10 days ahead;
    001果园: once or twice a year; 001宝应: a research month)."""

    plan_lead_days = fields.Integer(
        load_default=5,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("视察方案至少提前几天通报被视察单位")},
    )
    plan_lead_days_usual = fields.Integer(
        load_default=10,
        validate=validate.Range(min=0, max=90),
        metadata={"label": _l("一般最多提前几天通报（提示用）")},
    )
    team_min = fields.Integer(
        load_default=3,
        validate=validate.Range(min=1, max=100),
        metadata={"label": _l("视察组至少几名代表")},
    )
    team_max = fields.Integer(
        load_default=5,
        validate=validate.Range(min=1, max=100),
        metadata={"label": _l("小型视察组最多几名代表")},
    )
    yearly_minimum = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=24),
        metadata={"label": _l("每名代表每年至少参加视察调研几次")},
    )
    research_month = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=12),
        metadata={"label": _l("调研月（1–12月；0为不设）")},
    )

    @validates_schema
    def _in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("team_max", 5) < data.get("team_min", 3):
            raise ValidationError(
                str(_l("小型视察组最多人数不能少于最少人数")), field_name="team_max"
            )


class InspectionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    form = fields.String(dump_only=True)
    scale = fields.String(dump_only=True)
    subject = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    held_on = fields.Date(dump_only=True)
    group_id = fields.Integer(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True)
    notified_on = fields.Date(dump_only=True, allow_none=True)
    findings = fields.String(dump_only=True, allow_none=True)
    report = fields.String(dump_only=True, allow_none=True)
    cancel_reason = fields.String(dump_only=True, allow_none=True)


class InspectionDetailSchema(InspectionSchema):
    unit_ids = fields.List(fields.Integer(), dump_only=True)
    representative_ids = fields.List(fields.Integer(), dump_only=True)
    attended_ids = fields.List(fields.Integer(), dump_only=True)


class InspectionBriefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    inspection_id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    unit_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    due_on = fields.Date(dump_only=True, allow_none=True, metadata={"description": "答复期限"})
    answered = fields.Boolean(dump_only=True)
    overdue = fields.Boolean(dump_only=True)


class InspectionRepYearSchema(BaseSchema):
    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    taken_part = fields.Integer(dump_only=True)
    below_minimum = fields.Boolean(dump_only=True)


class InspectionYearSchema(BaseSchema):
    year = fields.Integer(dump_only=True)
    held = fields.Integer(dump_only=True)
    yearly_minimum = fields.Integer(dump_only=True)
    research_month = fields.Integer(dump_only=True, allow_none=True)
    held_in_research_month = fields.Integer(dump_only=True)
    representatives = fields.List(fields.Nested(InspectionRepYearSchema), dump_only=True)
