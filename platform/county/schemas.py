"""Schemas of the county comparison API."""

from __future__ import annotations

from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class PeriodQuerySchema(BaseSchema):
    period = fields.String(required=True, metadata={"description": "2026, 2026-Q1 or 2026-03"})
    sort = fields.String(load_default=None)
    order = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))


class TrendQuerySchema(BaseSchema):
    metric = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "the last period shown"})
    count = fields.Integer(load_default=12, validate=validate.Range(min=1, max=60))


class RankingQuerySchema(BaseSchema):
    period = fields.String(required=True)
    formula = fields.String(load_default="handling")
    min_count = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))


class EntityRankingQuerySchema(BaseSchema):
    period = fields.String(required=True)
    kind = fields.String(
        required=True, validate=validate.OneOf(["station", "unit", "representative"])
    )
    metric = fields.String(load_default=None)
    min_count = fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))


class ExportRequestSchema(BaseSchema):
    period = fields.String(required=True)
    # The table's sort on screen: the 汇总 sheet lists the townships in the same order.
    sort = fields.String(load_default=None, validate=validate.Length(max=80))
    order = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))


class SummaryQuerySchema(BaseSchema):
    period = fields.String(required=True, metadata={"description": "2026, 2026-Q1 or 2026-03"})


class RefreshRequestSchema(BaseSchema):
    full = fields.Boolean(load_default=False)


class JobSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    done = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)
    percent = fields.Integer(dump_only=True)
    params = fields.Dict(dump_only=True)
    error = fields.String(dump_only=True, allow_none=True)
    download_url = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    finished_at = fields.DateTime(dump_only=True, allow_none=True)
