"""API schemas of accounts."""

from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class TokenRequestSchema(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=200)
    )
    name = fields.String(load_default="API", validate=validate.Length(min=1, max=100))


class ApiTokenSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    prefix = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)


class IssuedTokenSchema(ApiTokenSchema):
    token = fields.String(dump_only=True, metadata={"description": "只显示这一次，请妥善保存"})


class GrantSchema(BaseSchema):
    role = fields.String(dump_only=True)
    county_id = fields.Integer(dump_only=True, allow_none=True)
    township_id = fields.Integer(dump_only=True, allow_none=True, attribute="tenant_id")
    branch_id = fields.Integer(dump_only=True, allow_none=True)


class MeSchema(BaseSchema):
    id = fields.Integer(dump_only=True, attribute="user_id")
    name = fields.String(dump_only=True)
    grants = fields.List(fields.Nested(GrantSchema), dump_only=True)
