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
    """A shift as the API shows it (the input is inputs.ShiftInputSchema)."""

    id = fields.Integer(dump_only=True)
    station_id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(required=True)
    day = fields.Date(required=True)
    starts_at = fields.String(required=True)  # "HH:MM"
    ends_at = fields.String(required=True)
    published = fields.Boolean(dump_only=True)
    swap_reason = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "值班前不足公布期时替补的原因"}
    )
    replaced_representative_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "被替补的代表"}
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
