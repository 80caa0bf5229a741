"""API output schemas of the awards (inputs: inputs.py)."""

from __future__ import annotations

from marshmallow import fields

from lianxin.api.base import BaseSchema


class AdoptionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    item_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    representative_id = fields.Integer(dump_only=True, allow_none=True)
    adopted_by = fields.String(dump_only=True)
    adopted_on = fields.Date(dump_only=True)
    note = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class AdoptedItemSchema(BaseSchema):
    """An adopted item: a mark, or a consultation's own 采纳 feedback (`adoption_id` null)."""

    kind = fields.String(dump_only=True)
    item_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    adopted_by = fields.String(dump_only=True)
    adopted_on = fields.Date(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True)
    adoption_id = fields.Integer(dump_only=True, allow_none=True)


class SelectionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    township_id = fields.Integer(dump_only=True, allow_none=True)  # set: a township's own
    state = fields.String(dump_only=True)
    quota_representative = fields.Integer(dump_only=True)
    quota_station = fields.Integer(dump_only=True)
    quota_suggestion = fields.Integer(dump_only=True)
    quota_unit = fields.Integer(dump_only=True)
    metric_representative = fields.String(dump_only=True)
    metric_station = fields.String(dump_only=True)
    metric_unit = fields.String(dump_only=True)
    opened_at = fields.DateTime(dump_only=True)
    gathered_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)


class CandidateSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    selection_id = fields.Integer(dump_only=True)
    category = fields.String(dump_only=True)
    township_id = fields.Integer(dump_only=True, attribute="tenant_id")
    kind = fields.String(dump_only=True)
    entity_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    summary = fields.String(dump_only=True)
    value = fields.Float(dump_only=True, allow_none=True)
    rank = fields.Integer(dump_only=True, allow_none=True)
    nominated = fields.Boolean(dump_only=True)
    chosen = fields.Boolean(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)


class GatheredSchema(BaseSchema):
    representative = fields.Integer(dump_only=True)
    station = fields.Integer(dump_only=True)
    unit = fields.Integer(dump_only=True)
    suggestion = fields.Integer(dump_only=True)  # a township's own selection: its adopted items
