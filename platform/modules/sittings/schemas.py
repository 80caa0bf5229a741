"""Settings and API output schemas of the sitting-in module (inputs: inputs.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class SittingSettings(BaseSchema):
    # 000 第二篇, 001 宝应, 002 海安: every representative sits in during the term.
    min_per_term = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=20),
        metadata={"label": _l("每位代表每届至少列席次数")},
    )
    # The seeds give no size (003/6: 31 at a district plenary; 004: "2个批次"): a proposal only.
    batch_size = fields.Integer(
        load_default=5,
        validate=validate.Range(min=1, max=100),
        metadata={"label": _l("每批建议邀请代表人数")},
    )
    # 000 第二篇: "各支部党代表列席本支部的支部会".
    branch_own_only = fields.Boolean(
        load_default=True,
        metadata={"label": _l("支部会议只邀请本支部（选举单位）的代表")},
    )


class SittingMeetingSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    held_on = fields.Date(dump_only=True)
    starts_at = fields.Time(dump_only=True, allow_none=True, format="%H:%M")
    place = fields.String(dump_only=True)
    topics = fields.String(dump_only=True)
    branch_id = fields.Integer(dump_only=True, allow_none=True)
    term = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "届次"})
    held_at = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "登记出席情况的时间"}
    )


class InvitationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    meeting_id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    batch = fields.Integer(dump_only=True, metadata={"description": "第几批邀请"})
    term = fields.Integer(dump_only=True, metadata={"description": "计入的届次"})
    answer = fields.String(
        dump_only=True,
        metadata={"description": "pending 待确认 / confirmed 参加 / declined 不参加"},
    )
    decline_reason = fields.String(dump_only=True, allow_none=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    answered_by_office = fields.Boolean(dump_only=True)
    attended = fields.Boolean(
        dump_only=True, allow_none=True, metadata={"description": "是否出席（未登记为空）"}
    )


class SuggestionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    meeting_id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    text = fields.String(dump_only=True)
    outcome = fields.String(
        dump_only=True,
        metadata={"description": "pending 待处理 / case 转为诉求 / answered 书面答复"},
    )
    case_id = fields.Integer(dump_only=True, allow_none=True)
    answer = fields.String(dump_only=True, allow_none=True)
    answered_on = fields.Date(dump_only=True, allow_none=True)


class StandingSchema(BaseSchema):
    """A representative in office and their sittings in their term."""

    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    term = fields.Integer(dump_only=True)
    sittings = fields.Integer(dump_only=True, metadata={"description": "本届已列席次数"})
    last_on = fields.Date(dump_only=True, allow_none=True, metadata={"description": "最近一次列席"})
