"""Settings and API output schemas of the briefings module (inputs: inputs.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class BriefingSettings(BaseSchema):
    read_days = fields.Integer(
        load_default=3,
        validate=validate.Range(min=1, max=30),
        metadata={"label": _l("通报发出后几天仍未阅读的提醒一次")},
    )


class BriefingSchema(BaseSchema):
    """A briefing as the API shows it, with its read counts once sent."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    audience = fields.String(dump_only=True)
    group_ids = fields.List(fields.Integer(), dump_only=True)
    representative_ids = fields.List(fields.Integer(), dump_only=True)
    corrects_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    sent_at = fields.DateTime(dump_only=True, allow_none=True)
    sent_on = fields.Date(dump_only=True, allow_none=True)
    read_days = fields.Integer(dump_only=True, allow_none=True)
    remind_on = fields.Date(dump_only=True, allow_none=True)
    recipients = fields.Integer(dump_only=True, metadata={"description": "通报对象人数"})
    read = fields.Integer(dump_only=True, metadata={"description": "已阅读人数"})


class BriefingReceiptSchema(BaseSchema):
    """One recipient of a sent briefing and their first read (not secret)."""

    id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    channel = fields.String(dump_only=True, metadata={"description": "inbox / sms / none"})
    read_at = fields.DateTime(dump_only=True, allow_none=True)
    reminded_on = fields.Date(dump_only=True, allow_none=True)


class BriefingFileUploadSchema(BaseSchema):
    file = Upload(required=True)


class BriefingFileSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class BriefingQuerySchema(BaseSchema):
    state = fields.String(
        load_default=None, validate=validate.OneOf(["draft", "sent"]), allow_none=True
    )
