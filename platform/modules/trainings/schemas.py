"""Settings and API output schemas of the training module (inputs: inputs.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class TrainingSettings(BaseSchema):
    # 001 宝应 "每季度一次学习日"; 001 果园 "每季度不得少于一次".
    sessions_per_quarter = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=20),
        metadata={"label": _l("每位代表每季度至少参加学习次数")},
    )
    # 001 果园 "全年党代表集中学习培训不少于五天".
    days_per_year = fields.Integer(
        load_default=5,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("每位代表每年至少参加学习培训天数")},
    )
    # 001 宝应 "任期内，至少轮训一次".
    rotation_per_term = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("每位代表每届至少参加轮训次数")},
    )
    # 001 果园 "凡连续两次不参加学习的，民主评议党员时不能评为优秀等次".
    consecutive_absences_bar_excellent = fields.Boolean(
        load_default=True,
        metadata={"label": _l("连续两次不参加学习的，不得评为优秀")},
    )
    # 001 果园 "无故不参加学习的，民主评议党员时定为不合格等次".
    unexcused_absence_fails = fields.Boolean(
        load_default=True,
        metadata={"label": _l("无故不参加学习的，评为不合格")},
    )


class TrainingSessionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    kind = fields.String(
        dump_only=True,
        metadata={"description": "study 集中学习 / rotation 轮训 / party_school 党校培训 / other"},
    )
    starts_on = fields.Date(dump_only=True)
    ends_on = fields.Date(dump_only=True)
    days = fields.Integer(dump_only=True, metadata={"description": "天数"})
    place = fields.String(dump_only=True)
    content = fields.String(dump_only=True)
    audience = fields.String(
        dump_only=True,
        metadata={"description": "all 全体在任代表 / groups 代表小组 / named 指定代表"},
    )
    group_ids = fields.List(fields.Integer(), dump_only=True)
    term = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "届次"})
    cancelled_at = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "取消时间（未取消为空）"}
    )
    cancel_reason = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "取消原因"}
    )


class TrainingInvitationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    term = fields.Integer(dump_only=True)
    answer = fields.String(
        dump_only=True, metadata={"description": "pending 待确认 / confirmed 参加 / leave 请假"}
    )
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    leave = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "requested 待批 / approved 准假 / refused 不准假"},
    )
    leave_reason = fields.String(dump_only=True, allow_none=True)
    leave_day = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "请假半天的日期（整期请假为空）"}
    )
    leave_half = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "morning 上午 / afternoon 下午"}
    )


class CheckInSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    half = fields.String(
        dump_only=True,
        metadata={"description": "full 全天 / morning 上午 / afternoon 下午（半天）"},
    )
    checked_in_at = fields.DateTime(dump_only=True)
    by_scan = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "true：代表本人扫签到二维码签到（联络站可核实，存疑可撤销）；"
            "false：联络站工作人员点名签到"
        },
    )


class CheckInCodeSchema(BaseSchema):
    """A check-in code of a session and the link its QR code carries."""

    session_id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True, metadata={"description": "只在这一天（北京时间）有效"})
    token = fields.String(
        dump_only=True, metadata={"description": "签到码（含日期；现场码还含时段）"}
    )
    url = fields.String(dump_only=True, metadata={"description": "扫码打开的签到页面"})
    printed = fields.Boolean(
        dump_only=True,
        metadata={"description": "true：纸质签到码（全天有效）；false：现场码（每 5 分钟更新）"},
    )
    valid_until = fields.DateTime(
        dump_only=True, metadata={"description": "从此时起不再接受此码（UTC）"}
    )
    refresh_in = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "再过几秒显示下一个现场码；纸质码为 null"},
    )


class QuarterSchema(BaseSchema):
    quarter = fields.Integer(dump_only=True)
    sessions = fields.Integer(dump_only=True)
    state = fields.String(
        dump_only=True,
        metadata={"description": "met 达到 / short 未达到 / open 进行中 / future 未到"},
    )


class StandingSchema(BaseSchema):
    """A representative's training in a year against the township's rules."""

    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    term = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    quarters = fields.List(fields.Nested(QuarterSchema), dump_only=True)
    days = fields.Float(dump_only=True, metadata={"description": "本年参训天数（半天计0.5）"})
    days_met = fields.Boolean(dump_only=True)
    rotations = fields.Integer(dump_only=True, metadata={"description": "本届参加轮训次数"})
    rotation_met = fields.Boolean(dump_only=True)
    absences = fields.Integer(dump_only=True)
    excused = fields.Integer(dump_only=True, metadata={"description": "准假缺席"})
    unexcused = fields.Integer(dump_only=True, metadata={"description": "无故缺席"})
    consecutive = fields.Boolean(dump_only=True, metadata={"description": "连续两次缺席"})
    consequence = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "fail 不合格 / not_excellent 不得评为优秀（仅提示，不改评议）"},
    )
