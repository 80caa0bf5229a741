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
    # Thematic groups (专业小组, 002 海安, 003/6): their own minimum; 0 = none asked.
    thematic_min_per_half_year = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=12),
        metadata={"label": _l("每个专业小组每半年至少活动次数（0为不作要求）")},
    )
    # 001 张家港: "年初制定活动计划" — the plan is due by the end of this month.
    plan_due_month = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=12),
        metadata={"label": _l("年度活动计划须在几月底前制定")},
    )
    # 001 张家港 "每半年至少…一次…2～3天": an area group's activity days in the year (from the
    # first to the last day of each activity; a thematic group is not asked).
    min_days_per_year = fields.Integer(
        load_default=2,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("每个代表小组全年活动至少天数")},
    )
    # 001 张家港: "年会召开前15天，各代表小组向党委提交书面联络报告".
    report_days_before = fields.Integer(
        load_default=15,
        validate=validate.Range(min=0, max=90),
        metadata={"label": _l("年会召开前几天提交小组书面联络报告")},
    )
    # 001 张家港 "党委委员联系党代表小组组长工作日…每月一次，具体时间由各镇党委决定": the day
    # of the month (a shorter month: its last day).
    reception_day_of_month = fields.Integer(
        load_default=15,
        validate=validate.Range(min=1, max=31),
        metadata={"label": _l("党委委员接待代表小组组长：每月几日")},
    )
    # 001 张家港 "每半年确定一个月为党委委员走访党代表小组工作月".
    visit_month_first = fields.Integer(
        load_default=5,
        validate=validate.Range(min=1, max=6),
        metadata={"label": _l("上半年走访代表小组工作月（月份）")},
    )
    visit_month_second = fields.Integer(
        load_default=11,
        validate=validate.Range(min=7, max=12),
        metadata={"label": _l("下半年走访代表小组工作月（月份）")},
    )
    # "工作月前一个月…列出全体党委委员走访党代表小组的安排表".
    visit_schedule_days_ahead = fields.Integer(
        load_default=30,
        validate=validate.Range(min=0, max=120),
        metadata={"label": _l("走访安排表至少提前几天发布")},
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
    kind = fields.String(
        dump_only=True, metadata={"description": "area 地域小组 / thematic 专业小组"}
    )
    activities = fields.Integer(dump_only=True, metadata={"description": "本半年已活动次数"})
    need = fields.Integer(dump_only=True, metadata={"description": "每半年至少活动次数"})
    met = fields.Boolean(dump_only=True, metadata={"description": "已达到每半年活动次数"})
    plan_items = fields.Integer(dump_only=True, metadata={"description": "本年度计划活动数"})
    plan_due_on = fields.Date(
        dump_only=True, metadata={"description": "年度活动计划应制定日期（含）"}
    )
    plan_missing = fields.Boolean(
        dump_only=True, metadata={"description": "逾期未制定本年度活动计划"}
    )
    days = fields.Integer(dump_only=True, metadata={"description": "本年度已活动天数"})
    days_need = fields.Integer(dump_only=True, metadata={"description": "全年至少活动天数"})
    days_met = fields.Boolean(dump_only=True, metadata={"description": "已达到全年活动天数"})
    keeper_user_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "本年包组的党委委员"}
    )


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
    proposal_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "起草的建议草稿（提案编号）"}
    )


class GroupReportSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    group_id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    body = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True, metadata={"description": "应提交日期（含）"})
    submitted_on = fields.Date(dump_only=True)
    late = fields.Boolean(dump_only=True, metadata={"description": "逾期提交"})


class GroupCollectedSchema(BaseSchema):
    """An active group and its report for an annual session, filed or not yet."""

    group_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True, metadata={"description": "应提交日期（含）"})
    filed = fields.Boolean(dump_only=True, metadata={"description": "已提交"})
    report = fields.Nested(GroupReportSchema, dump_only=True, allow_none=True)


class GroupSessionDocumentSchema(BaseSchema):
    """The document the collected reports were filed as, among the session's documents."""

    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    file_id = fields.Integer(dump_only=True)


class GroupReceptionSchema(BaseSchema):
    """A monthly day on which a committee member receives the group leaders."""

    id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    member_user_id = fields.Integer(dump_only=True, metadata={"description": "接待的党委委员"})
    member = fields.String(dump_only=True, metadata={"description": "党委委员姓名"})
    group_ids = fields.List(
        fields.Integer(), dump_only=True, metadata={"description": "组长参加接待的代表小组"}
    )
    place = fields.String(dump_only=True)
    notes = fields.String(dump_only=True, allow_none=True, metadata={"description": "接待记录"})


class GroupVisitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    plan_id = fields.Integer(dump_only=True)
    member_user_id = fields.Integer(dump_only=True)
    member = fields.String(dump_only=True)
    group_id = fields.Integer(dump_only=True)
    day = fields.Date(dump_only=True)
    minutes = fields.String(dump_only=True, allow_none=True, metadata={"description": "会议纪要"})


class GroupVisitPlanSchema(BaseSchema):
    """A visiting month's schedule: published (the day) or a draft, with its visits."""

    id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    month = fields.Integer(dump_only=True)
    published_on = fields.Date(dump_only=True, allow_none=True)
    publish_by = fields.Date(dump_only=True, metadata={"description": "最迟发布日期（含）"})
    visits = fields.List(fields.Nested(GroupVisitSchema), dump_only=True)


class GroupKeeperSchema(BaseSchema):
    """The committee member who keeps a whole group for a year (包组)."""

    id = fields.Integer(dump_only=True)
    group_id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    member_user_id = fields.Integer(dump_only=True, metadata={"description": "包组的党委委员"})
    member = fields.String(dump_only=True, metadata={"description": "党委委员姓名"})
    committee = fields.Boolean(
        dump_only=True,
        metadata={"description": "仍是本镇党委委员（否：已不再担任，不再收到通知，请重新安排）"},
    )
