"""The privacy API's inputs and outputs."""

from __future__ import annotations

from marshmallow import fields

from lianxin.api.base import BaseSchema


class PhoneQuerySchema(BaseSchema):
    phone = fields.String(required=True, metadata={"description": "诉求上留下的号码"})


class ConfirmSchema(BaseSchema):
    confirm = fields.String(
        required=True, metadata={"description": "确认：该代表的现用姓名（操作不可撤销）"}
    )


class SubmitterEraseSchema(BaseSchema):
    phone = fields.String(required=True)
    confirm = fields.String(required=True, metadata={"description": "确认：再次输入该号码"})


class ErasedSchema(BaseSchema):
    name = fields.String(dump_only=True)
    cases_cleared = fields.Integer(dump_only=True)
    copies_renamed = fields.Integer(dump_only=True)
    messages_scrubbed = fields.Integer(dump_only=True)
    account_disabled = fields.Boolean(dump_only=True)
    memberships_removed = fields.Integer(dump_only=True)
    photo_removed = fields.Boolean(dump_only=True)
