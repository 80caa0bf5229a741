"""The delivery report's API shapes: the filters, a message and its recipients."""

from __future__ import annotations

from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.messages.service import FAILED, SENT, SKIPPED, UNREACHED


class MessageQuerySchema(BaseSchema):
    kind = fields.String(
        load_default=None, metadata={"description": "消息类型，如 reminder、case.referred"}
    )
    status = fields.String(
        load_default=None,
        validate=validate.OneOf([SENT, FAILED, SKIPPED, UNREACHED]),
        metadata={"description": "有某一状态的消息；unreached：有人未被任何渠道送达"},
    )


class ChannelResultSchema(BaseSchema):
    channel = fields.String(metadata={"description": "inbox / sms / email / wecom"})
    channel_label = fields.String()
    status = fields.String(metadata={"description": "sent / failed / skipped"})
    status_label = fields.String()
    code = fields.String(
        allow_none=True, metadata={"description": "未发送的原因，或服务商的错误码"}
    )
    reason = fields.String(metadata={"description": "原因（中文）"})
    provider = fields.String(allow_none=True)
    provider_id = fields.String(allow_none=True, metadata={"description": "服务商的消息编号"})
    attempts = fields.Integer()
    at = fields.DateTime()


class RecipientSchema(BaseSchema):
    recipient = fields.String(metadata={"description": "user:<id> 或 phone:<n>（无账号者）"})
    name = fields.String()
    user_id = fields.Integer(allow_none=True)
    phone_masked = fields.String(allow_none=True)
    reached = fields.Boolean()
    reached_by = fields.List(fields.String())
    results = fields.List(fields.Nested(ChannelResultSchema))


class MessageSchema(BaseSchema):
    outbox_id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    created_at = fields.DateTime(allow_none=True)
    total = fields.Integer(metadata={"description": "收件人数"})
    reached = fields.Integer(metadata={"description": "至少一个渠道送达的人数"})
    not_reached = fields.Integer()
    sent_by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
    confidential = fields.Boolean(metadata={"description": "只显示人数，不显示是谁"})


class OutcomesSchema(BaseSchema):
    channel = fields.String()
    channel_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    code = fields.String(allow_none=True)
    reason = fields.String()
    count = fields.Integer()


class MessageDetailSchema(MessageSchema):
    recipients = fields.List(
        fields.Nested(RecipientSchema),
        attribute="shown",
        metadata={"description": "每位收件人；保密的消息（如评议提醒）不列出"},
    )
    outcomes = fields.List(
        fields.Nested(OutcomesSchema), metadata={"description": "各渠道各结果的人数"}
    )
