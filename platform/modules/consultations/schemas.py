"""Settings and API output schemas of the consultations module; the inputs are in inputs.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class ConsultationSettings(BaseSchema):
    min_representatives = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=1000),
        metadata={
            "label": _l("每次征询至少征询代表（名）"),
            "description": _l("重大决策、干部任职等必须征询10人以上党代表意见"),
        },
    )
    default_days = fields.Integer(
        load_default=7,
        validate=validate.Range(min=1, max=90),
        metadata={"label": _l("默认答复期限（天）")},
    )
    closing_days = fields.Integer(
        load_default=2,
        validate=validate.Range(min=0, max=30),
        metadata={"label": _l("截止前几天提醒办公室（天）")},
    )
    reminder_days_before_close = fields.Integer(
        load_default=2,
        validate=validate.Range(min=0, max=30),
        metadata={
            "label": _l("截止前几天提醒未答复的代表（天）"),
            "description": _l("每次征询提醒一次，只发给尚未答复的代表，不透露其他代表的答复情况"),
        },
    )
    secret_min_ballots = fields.Integer(
        load_default=5,
        validate=validate.Range(min=2, max=100),
        metadata={
            "label": _l("无记名表决公布结果的最少票数"),
            "description": _l("投票人数少于此数时不开启选票、不公布结果，以免推知个人投票"),
        },
    )


class ConsultationTallySchema(BaseSchema):
    invited = fields.Integer()
    answered = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    withheld = fields.Boolean()


class ConsultationFileSchema(BaseSchema):
    id = fields.Integer()
    filename = fields.String()


class ConsultationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String()
    kind = fields.String()
    mode = fields.String()
    body = fields.String()
    deadline = fields.Date()
    state = fields.String(dump_only=True)
    audience = fields.Dict(dump_only=True)
    parent_id = fields.Integer(dump_only=True, allow_none=True)
    opened_at = fields.DateTime(dump_only=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True, allow_none=True)
    feedback = fields.String(dump_only=True, allow_none=True)
    feedback_at = fields.DateTime(dump_only=True, allow_none=True)


class ConsultationDetailSchema(ConsultationSchema):
    files = fields.List(fields.Nested(ConsultationFileSchema), dump_only=True)
    tally = fields.Nested(ConsultationTallySchema, dump_only=True, allow_none=True)
    my_answer = fields.Dict(dump_only=True, allow_none=True)
    answered = fields.Boolean(dump_only=True, allow_none=True)


class ConsultationOpenedSchema(BaseSchema):
    consultation = fields.Nested(ConsultationSchema)
    links = fields.List(
        fields.Dict(),
        metadata={"description": "无账号且无手机号的代表的一次性答复链接（只返回一次）"},
    )


class ConsultationAnswerRowSchema(BaseSchema):
    invitee_id = fields.Integer()
    representative_id = fields.Integer()
    name = fields.String()
    answered = fields.Boolean()
    stance = fields.String(allow_none=True)
    opinion = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    case_id = fields.Integer(allow_none=True)


class ConsultationCaseBriefSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    tracking_code = fields.String(allow_none=True)


class ConsultationQuerySchema(BaseSchema):
    state = fields.String(validate=validate.OneOf(["open", "closed", "replied"]))
