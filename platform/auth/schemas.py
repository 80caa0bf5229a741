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
    expires_at = fields.DateTime(dump_only=True)


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


class UserAccountSchema(BaseSchema):
    id = fields.Integer(dump_only=True, attribute="user.id")
    username = fields.String(dump_only=True, attribute="user.username")
    display_name = fields.String(dump_only=True, attribute="user.display_name")
    is_active = fields.Boolean(dump_only=True, attribute="user.is_active")
    last_login_at = fields.DateTime(dump_only=True, allow_none=True, attribute="user.last_login_at")
    grants = fields.List(fields.Nested(GrantSchema), dump_only=True)
    manageable = fields.Boolean(
        dump_only=True,
        metadata={"description": "我能否停用该账号或为其发送设置链接（须管理其所有任职之处）"},
    )


class UserAccountPatchSchema(BaseSchema):
    is_active = fields.Boolean(required=True)


class SetupLinkSchema(BaseSchema):
    setup_url = fields.String(dump_only=True, metadata={"description": "一次性设置链接"})
    expires_at = fields.DateTime(dump_only=True)
