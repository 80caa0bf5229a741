"""Settings and API schemas of the annual-session module."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema


class AnnualSessionSettings(BaseSchema):
    quorum_percent = fields.Integer(
        load_default=80,
        validate=validate.Range(min=50, max=100),
        metadata={"label": _l("开会须到会代表占应到代表的百分比（4/5 即 80）")},
    )
    # Two deadlines (issue 23): one seed has both at 10 days (001张家港), another has the
    # committee set its items 20 days before and groups propose 15 days before (001方案).
    agenda_days_before = fields.Integer(
        load_default=10,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("党委提出议题须在会前几天")},
    )
    group_agenda_days_before = fields.Integer(
        load_default=10,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("代表小组或代表联名提出议题须在会前几天")},
    )
    mandatory_listing = fields.Boolean(
        load_default=True,
        metadata={
            "label": _l(
                "达到联名人数或小组数的议题必须列入议程（不选：所有议题均由党委决定是否列入）"
            )
        },
    )
    joint_proposers = fields.Integer(
        load_default=10,
        validate=validate.Range(min=2, max=100),
        metadata={"label": _l("几名以上代表联名提出的议题必须列入议程")},
    )
    groups_for_rule = fields.Integer(
        load_default=2,
        validate=validate.Range(min=1, max=20),
        metadata={"label": _l("几个以上代表小组提出的议题必须列入议程")},
    )
    session_item_percent = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=100),
        metadata={"label": _l("会议期间临时议题须应到代表的百分之几联名（1/10 即 10）")},
    )
    session_item_groups = fields.Integer(
        load_default=2,
        validate=validate.Range(min=1, max=20),
        metadata={"label": _l("会议期间几个以上代表小组联名可提出临时议题")},
    )
    pass_rule = fields.String(
        load_default="expected",
        validate=validate.OneOf(["expected", "present"]),
        metadata={
            "label": _l("表决通过须超过"),
            "choices": {"expected": _l("应到代表的半数"), "present": _l("实到代表的半数")},
        },
    )
    competitive_election = fields.Boolean(
        load_default=True, metadata={"label": _l("选举实行差额（候选人多于应选名额）")}
    )
    ballot_batch = fields.Integer(
        load_default=5,
        validate=validate.Range(min=3, max=100),
        metadata={
            "label": _l("网上无记名投票每批至少几张才开封入箱；少于此数不计票（保护投票秘密）")
        },
    )


# --- API schemas (every name prefixed, so they cannot clash with other modules' in OpenAPI) ---
# The input schemas of the writes that the pages share are in inputs.py.


class SessionProposalWindowSchema(BaseSchema):
    opened = fields.Boolean(dump_only=True, metadata={"description": "是否已开启"})
    window_id = fields.Integer(dump_only=True, allow_none=True)
    opens_on = fields.Date(dump_only=True)
    closes_on = fields.Date(dump_only=True)
    message = fields.String(dump_only=True)


class SessionObserverCountSchema(BaseSchema):
    registered = fields.Integer(dump_only=True, metadata={"description": "登记列席人数"})
    checked_in = fields.Integer(dump_only=True, metadata={"description": "已签到列席人数"})


class SessionRollSchema(BaseSchema):
    expected = fields.Integer(dump_only=True, metadata={"description": "应到"})
    present = fields.Integer(
        dump_only=True, metadata={"description": "实到（会期内任一天签到，整个会期计一次）"}
    )
    left_early = fields.Integer(
        dump_only=True, metadata={"description": "其中签到后获准请假（余下会期）"}
    )
    on_leave = fields.Integer(dump_only=True, metadata={"description": "请假获准"})
    leave_requested = fields.Integer(dump_only=True, metadata={"description": "请假待批"})
    absent = fields.Integer(dump_only=True)
    quorum_needed = fields.Integer(dump_only=True, metadata={"description": "开会须到会人数"})
    quorum_met = fields.Boolean(dump_only=True)


class SessionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    held_on = fields.Date(dump_only=True, metadata={"description": "开始日期"})
    ends_on = fields.Date(dump_only=True, metadata={"description": "结束日期"})
    place = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    agenda_fixed_at = fields.DateTime(dump_only=True, allow_none=True)
    opened_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class SessionDetailSchema(SessionSchema):
    agenda_deadline = fields.Date(
        dump_only=True,
        metadata={"description": "议题提出截止日（党委与代表小组、代表联名两个截止日中较晚的）"},
    )
    committee_agenda_deadline = fields.Date(
        dump_only=True, metadata={"description": "党委提出议题截止日"}
    )
    group_agenda_deadline = fields.Date(
        dump_only=True, metadata={"description": "代表小组或代表联名提出议题截止日"}
    )
    mandatory_listing = fields.Boolean(
        dump_only=True,
        metadata={"description": "达到联名人数或小组数的议题必须列入议程；否则均由党委决定"},
    )
    observers = fields.Nested(
        SessionObserverCountSchema,
        dump_only=True,
        metadata={"description": "列席人员（不计入应到、法定人数和表决）"},
    )
    proposal_window = fields.Nested(
        SessionProposalWindowSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "创建时要求开启提案征集的结果；未要求为空"},
    )
    roll = fields.Nested(SessionRollSchema, dump_only=True)
    checkin_token = fields.String(
        dump_only=True, metadata={"description": "签到码（仅办公室可见）"}
    )


class SessionObserverSchema(BaseSchema):
    """One observer (列席人员) of a session: not a representative, never in 应到 or the quorum."""

    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(
        dump_only=True,
        metadata={
            "description": "migrant_member 流动党员 / congress_deputy 人大代表 / "
            "cppcc_member 政协委员 / other 其他"
        },
    )
    unit = fields.String(dump_only=True, metadata={"description": "单位或身份"})
    checked_in_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class SessionDocumentUploadSchema(BaseSchema):
    """multipart/form-data: the file and its title (a form field, read by the handler: one
    request body can document only one schema)."""

    file = Upload(required=True)
    title = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "文件标题（必填），如“党委工作报告”"},
    )


class SessionDocumentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    file_id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class AgendaItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    proposer = fields.String(dump_only=True)
    proposed_by_id = fields.Integer(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    by_rule = fields.Boolean(dump_only=True, metadata={"description": "按规则列入议程"})
    decline_reason = fields.String(dump_only=True, allow_none=True)
    during_session = fields.Boolean(dump_only=True)
    supporters = fields.Integer(dump_only=True, metadata={"description": "联名代表人数"})
    groups = fields.Integer(dump_only=True, metadata={"description": "提出的代表小组数"})
    created_at = fields.DateTime(dump_only=True)


class AgendaDecisionSchema(BaseSchema):
    accept = fields.Boolean(required=True)
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "不列入议程时必填"},
    )


class SessionLeaveDecisionSchema(BaseSchema):
    approve = fields.Boolean(required=True)


class SessionCheckInSchema(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=64))


class AttendanceQuerySchema(BaseSchema):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=100),
        metadata={"description": "查找代表：姓名、拼音（首字母）或选区（单位）"},
    )


class SessionAttendanceSchema(BaseSchema):
    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    status = fields.String(dump_only=True, allow_none=True, metadata={"description": "无记录为空"})
    leave_reason = fields.String(dump_only=True, allow_none=True)
    leave_from = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "请假起始日（至会期结束）"}
    )
    checked_in_at = fields.DateTime(dump_only=True, allow_none=True)
    self_checked_in = fields.Boolean(dump_only=True)


class SessionDeliverySchema(BaseSchema):
    """How one representative was sent the agenda and each resolution: `inbox` (站内信), `sms`
    (短信, no account) or `none` (未送达：无手机号); null when not sent yet."""

    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    agenda = fields.String(dump_only=True, allow_none=True)
    resolutions = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        dump_only=True,
        metadata={"description": "决议 id → 渠道"},
    )


class BallotCandidateSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    elected = fields.Boolean(dump_only=True, allow_none=True)


class BallotVoteSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    item_id = fields.Integer(dump_only=True)
    item_title = fields.String(dump_only=True)
    method = fields.String(dump_only=True)
    channel = fields.String(dump_only=True, allow_none=True)
    seats = fields.Integer(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True)
    expected_count = fields.Integer(dump_only=True)
    turnout = fields.Integer(dump_only=True, metadata={"description": "已投票人数（网上）"})
    voted = fields.Boolean(dump_only=True, metadata={"description": "调用者是否已投票"})
    candidates = fields.List(fields.Nested(BallotCandidateSchema), dump_only=True)
    teller1_id = fields.Integer(dump_only=True, allow_none=True)
    teller2_id = fields.Integer(dump_only=True, allow_none=True)
    scrutineer_id = fields.Integer(dump_only=True, allow_none=True)
    tally_status = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "纸质投票：waiting/mismatch/agreed"},
    )
    passed = fields.Boolean(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)


class BallotResultSchema(BaseSchema):
    passed = fields.Boolean(dump_only=True, allow_none=True)
    base = fields.Integer(dump_only=True, metadata={"description": "过半数的基数"})
    yes = fields.Integer(dump_only=True)
    no = fields.Integer(dump_only=True)
    abstain = fields.Integer(dump_only=True)
    ballots = fields.Integer(dump_only=True)
    candidates = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    elected = fields.List(fields.String(), dump_only=True)
    withheld = fields.Boolean(
        dump_only=True,
        metadata={"description": "选票少于规定张数：不开封计票，无任何票数（保护投票秘密）"},
    )


class SessionResolutionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    item_id = fields.Integer(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    implementation = fields.String(dump_only=True, allow_none=True)
    implementation_reported_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class SessionResolutionPublishSchema(BaseSchema):
    published = fields.Boolean(required=True)


class SessionReportVoteSchema(BaseSchema):
    vote = fields.Nested(BallotVoteSchema, dump_only=True)
    item_title = fields.String(dump_only=True)
    outcome = fields.Nested(BallotResultSchema, dump_only=True, allow_none=True)


class SessionReportSchema(BaseSchema):
    session = fields.Nested(SessionSchema, dump_only=True)
    roll = fields.Nested(SessionRollSchema, dump_only=True)
    agenda = fields.List(fields.Nested(AgendaItemSchema), dump_only=True)
    declined = fields.List(fields.Nested(AgendaItemSchema), dump_only=True)
    votes = fields.List(fields.Nested(SessionReportVoteSchema), dump_only=True)
    resolutions = fields.List(fields.Nested(SessionResolutionSchema), dump_only=True)
    previous = fields.List(
        fields.Nested(SessionResolutionSchema),
        dump_only=True,
        metadata={"description": "上次会议的决议及落实情况"},
    )
    reception = fields.Dict(dump_only=True, metadata={"description": "接待日情况（模块开启时）"})
    proposals = fields.Dict(dump_only=True, metadata={"description": "提案办理情况（模块开启时）"})
