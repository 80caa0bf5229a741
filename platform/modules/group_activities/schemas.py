"""Settings and API output schemas of the group-activities module (inputs: inputs.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class GroupActivitySettings(BaseSchema):
    # 001 张家港: "代表小组每半年至少开展一次活动".
    min_per_half_year = fields.Integer(
        load_default=1,
        validate=validate.Range(min=0, max=12),
        metadata={"label": _l("每个代表小组每半年至少活动次数")},
    )
    # 001 张家港: "年初制定活动计划" — the plan is due by the end of this month.
    plan_due_month = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=12),
        metadata={"label": _l("年度活动计划须在几月底前制定")},
    )
    # 001 张家港: "年会召开前15天，各代表小组向党委提交书面联络报告".
    report_days_before = fields.Integer(
        load_default=15,
        validate=validate.Range(min=0, max=90),
        metadata={"label": _l("年会召开前几天提交小组书面联络报告")},
    )
    accept_late_reports = fields.Boolean(
        load_default=True,
        metadata={"label": _l("逾期仍可提交书面联络报告（标记为逾期）")},
    )


class GroupStandingSchema(BaseSchema):
    """A representative group (the people module's) and its standing in the half-year."""

    group_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    leader_id = fields.Integer(dump_only=True, allow_none=True)
    leader = fields.String(dump_only=True, allow_none=True)
    members = fields.Integer(dump_only=True)
    activities = fields.Integer(dump_only=True, metadata={"description": "本半年已活动次数"})
    met = fields.Boolean(dump_only=True, metadata={"description": "已达到每半年活动次数"})


class GroupPlanItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    group_id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    month = fields.Integer(dump_only=True)
    topic = fields.String(dump_only=True)


class GroupActivitySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    group_id = fields.Integer(dump_only=True)
    topic = fields.String(dump_only=True)
    held_on = fields.Date(dump_only=True)
    ends_on = fields.Date(dump_only=True)
    place = fields.String(dump_only=True)
    content = fields.String(dump_only=True)


class GroupAttendanceSchema(BaseSchema):
    representative_id = fields.Integer(dump_only=True)
    attended = fields.Boolean(dump_only=True)


class GroupOutcomeSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    activity_id = fields.Integer(dump_only=True)
    text = fields.String(dump_only=True)
    state = fields.String(
        dump_only=True,
        metadata={
            "description": "pending 待处理 / case 已转为诉求 / proposal 建议草稿 / closed 已办结"
        },
    )
    case_id = fields.Integer(dump_only=True, allow_none=True)


class GroupReportSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    group_id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True, metadata={"description": "应提交日期（含）"})
    submitted_on = fields.Date(dump_only=True)
    late = fields.Boolean(dump_only=True, metadata={"description": "逾期提交"})
