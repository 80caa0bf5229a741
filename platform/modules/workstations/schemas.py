"""Settings and API schemas of the workstations module."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.modules.workstations.models import MeetingKind, StationKind


class WorkstationSettings(BaseSchema):
    roster_lead_working_days = fields.Integer(
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"label": _l("值班表至少提前几个工作日公布")},
    )


class StationSchema(BaseSchema):
    """A station as the API shows it (the input is inputs.StationInputSchema)."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in StationKind]))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    phone = fields.String(load_default=None, allow_none=True)
    hours = fields.String(load_default="", validate=validate.Length(max=200))
    liaison_name = fields.String(load_default=None, allow_none=True)
    liaison_phone = fields.String(load_default=None, allow_none=True)
    rules = fields.String(load_default="")
    is_active = fields.Boolean(dump_only=True)


class ShiftSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    station_id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(required=True)
    day = fields.Date(required=True)
    # "HH:MM"; checked by the service (after the station and representative are found).
    starts_at = fields.String(required=True)
    ends_at = fields.String(required=True)
    published = fields.Boolean(dump_only=True)
    swap_reason = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "值班前不足公布期时替补的原因"}
    )
    replaced_representative_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "被替补的代表"}
    )


class SwapSchema(BaseSchema):
    representative_id = fields.Integer(required=True)
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "已公布且距值班不足公布期（工作日）时必填：替补原因，如代表生病；"
            "否则 409 roster_rule"
        },
    )


class PublishSchema(BaseSchema):
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    confirm_estimated_calendar = fields.Boolean(
        load_default=False,
        metadata={
            "description": "班次所在年度的国家节假日尚未公布时须为 true，确认按周一至周五预估；"
            "否则 409 calendar_estimated"
        },
    )


class MeetingSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    station_id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in MeetingKind]))
    held_on = fields.Date(required=True)
    topic = fields.String(load_default=None, allow_none=True)
    representative_ids = fields.List(fields.Integer(), load_default=list)


class CommitmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    deadline = fields.Date(required=True)
    outcome = fields.String(load_default=None, allow_none=True)
