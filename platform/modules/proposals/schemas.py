"""Settings and API schemas of the proposals module."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.api.base import BaseSchema
from lianxin.casework.models import Complexity, Rating
from lianxin.modules.proposals.models import (
    AssignmentRole,
    AssignmentStatus,
    ExtensionStatus,
    Kind,
    SignatureStatus,
    State,
)


class ProposalSettings(BaseSchema):
    min_signers = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=100),
        metadata={"label": _l("提案至少几名代表联名（含领衔代表）")},
    )
    allow_groups = fields.Boolean(
        load_default=True,
        metadata={"label": _l("代表小组可以小组名义提出提案（须经小组讨论，并有足够代表联名）")},
    )
    # Seed 001: a group's proposal is discussed in the group *and* signed by ten or more; no
    # seed lets the group's name stand for the signatures, so a township must choose it.
    group_name_replaces_signers = fields.Boolean(
        load_default=False,
        metadata={"label": _l("以代表小组名义提出的提案不需要代表联名（小组名义代替联名）")},
    )
    # Suggestions and inquiries are taken all year; proposals too unless the township collects
    # them in campaigns (征集期, a month before the annual session).
    all_year = fields.Boolean(
        load_default=True,
        metadata={
            "label": _l(
                "提案全年均可提交（不勾选则提案只在征集期内提交；建议意见和质询全年均可提交）"
            )
        },
    )
    day_count = fields.String(
        load_default="calendar",
        validate=validate.OneOf(["calendar", "working"]),
        metadata={
            "label": _l("办理期限计算方式"),
            "choices": (("calendar", _l("自然日")), ("working", _l("工作日"))),
        },
    )
    simple_days = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=90),
        metadata={"label": _l("简单件办理期限（天）")},
    )
    # [002]: complex matters are answered "一个月内".
    complex_days = fields.Integer(
        load_default=30,
        validate=validate.Range(
            min=1, max=31, error=_l("复杂件办理期限为 1 到 31 天（至多一个月）")
        ),
        metadata={"label": _l("复杂件办理期限（天）")},
    )
    due_soon_days = fields.Integer(
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"label": _l("到期前几天提醒承办单位")},
    )
    max_extension_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=90),
        metadata={"label": _l("一次延期最多几天")},
    )

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data.get("simple_days", 10) > data.get("complex_days", 30):
            raise ValidationError(str(_l("简单件期限不能长于复杂件")), field_name="simple_days")


# --- API schemas (dump-only unless said otherwise) -----------------------------------------------

KINDS = [k.value for k in Kind]
STATES = [s.value for s in State]
COMPLEXITIES = [c.value for c in Complexity]


class ProposalQuerySchema(BaseSchema):
    state = fields.String(validate=validate.OneOf(STATES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    mine = fields.Boolean(load_default=False, metadata={"description": "只列出本人领衔的"})
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


# The input schemas shared with the pages (a draft, a window, an invitation, a merge, an
# assignment): `inputs.py`. The bodies below carry one or two plain values for a step.


class ProposalSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": KINDS})
    kind_label = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    complexity = fields.String(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True, metadata={"enum": STATES})
    state_label = fields.String(dump_only=True)
    number = fields.String(dump_only=True, allow_none=True, metadata={"example": "2026-007"})
    year = fields.Integer(dump_only=True, allow_none=True)
    author_id = fields.Integer(dump_only=True)
    author_name = fields.String(dump_only=True)
    group_id = fields.Integer(dump_only=True, allow_none=True)
    group_discussed_on = fields.Date(dump_only=True, allow_none=True)
    group_discussion = fields.String(dump_only=True, allow_none=True)
    round = fields.Integer(dump_only=True, metadata={"description": "交办轮次（0 为尚未交办）"})
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    from_paper = fields.Boolean(
        dump_only=True, metadata={"description": "由联络办据纸质提案提议表登记"}
    )
    paper_form_on = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "纸质表的递交日期"}
    )
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    rating = fields.String(dump_only=True, allow_none=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ProposalSignerSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    representative_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    is_author = fields.Boolean(dump_only=True)
    in_office = fields.Boolean(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in SignatureStatus]})
    responded_at = fields.DateTime(dump_only=True, allow_none=True)
    counted = fields.Boolean(
        dump_only=True, metadata={"description": "提交时在任、计入联名人数（提交后确定）"}
    )


class ProposalThresholdSchema(BaseSchema):
    needed = fields.Integer(dump_only=True, metadata={"description": "至少几名在任代表联名"})
    valid = fields.Integer(dump_only=True, metadata={"description": "已联名且在任的人数"})
    ended = fields.List(
        fields.String(), dump_only=True, metadata={"description": "已联名但代表资格已终止"}
    )
    group = fields.Boolean(dump_only=True, metadata={"description": "以代表小组名义提出"})
    discussed = fields.Boolean(
        dump_only=True, metadata={"description": "以小组名义提出时：已记录小组讨论"}
    )
    signers_waived = fields.Boolean(
        dump_only=True,
        metadata={"description": "本乡镇设置小组名义代替联名，不需要联名人数"},
    )
    met = fields.Boolean(dump_only=True)


class ProposalAssignmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    unit_id = fields.Integer(dump_only=True)
    unit_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True, metadata={"enum": [r.value for r in AssignmentRole]})
    round = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in AssignmentStatus]})
    due_on = fields.Date(dump_only=True)
    due_estimated = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "预计期限：按工作日计算且跨越尚无国家正式节假日安排的年份；"
            "载入该年日历后重新计算"
        },
    )
    contacted_at = fields.DateTime(dump_only=True, allow_none=True)
    contact_note = fields.String(dump_only=True, allow_none=True)
    answer = fields.String(dump_only=True, allow_none=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    return_reason = fields.String(dump_only=True, allow_none=True)


class ProposalExtensionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    assignment_id = fields.Integer(dump_only=True)
    days = fields.Integer(dump_only=True)
    reason = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in ExtensionStatus]})
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ProposalDetailSchema(ProposalSchema):
    body = fields.String(dump_only=True)
    review_note = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "不予立案、并案或转为建议的理由"}
    )
    merged_into_id = fields.Integer(dump_only=True, allow_none=True)
    answer = fields.String(dump_only=True, allow_none=True)
    answer_public = fields.Boolean(dump_only=True)
    rating_label = fields.String(dump_only=True, allow_none=True)
    rating_comment = fields.String(dump_only=True, allow_none=True)
    rated_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_reason = fields.String(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    lead_unit = fields.String(dump_only=True, allow_none=True)
    case_ids = fields.List(fields.Integer(), dump_only=True)
    signers = fields.List(fields.Nested(ProposalSignerSchema), dump_only=True)
    threshold = fields.Nested(
        ProposalThresholdSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "能否提交（仅草稿）"},
    )
    assignments = fields.List(fields.Nested(ProposalAssignmentSchema), dump_only=True)
    extensions = fields.List(fields.Nested(ProposalExtensionSchema), dump_only=True)


class ProposalAcceptSchema(BaseSchema):
    complexity = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(COMPLEXITIES)
    )


class ProposalNoteSchema(BaseSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ProposalReasonSchema(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ProposalContactSchema(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ProposalAnswerSchema(BaseSchema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class ProposalInquiryAnswerSchema(ProposalAnswerSchema):
    public = fields.Boolean(load_default=False, metadata={"description": "公开答复"})


class ProposalExtensionRequestSchema(BaseSchema):
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=90))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ProposalDecisionSchema(BaseSchema):
    approve = fields.Boolean(required=True)


class ProposalRateSchema(BaseSchema):
    rating = fields.String(required=True, validate=validate.OneOf([r.value for r in Rating]))
    comment = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "不满意时必填"},
    )


class ProposalPublishSchema(BaseSchema):
    published = fields.Boolean(required=True)


class ProposalDraftFromCaseSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class ProposalFileUploadSchema(BaseSchema):
    file = Upload(required=True)


class ProposalFileSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class ProposalEventSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    action = fields.String(dump_only=True)
    from_state = fields.String(dump_only=True, allow_none=True)
    to_state = fields.String(dump_only=True, allow_none=True)
    actor_name = fields.String(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ProposalWindowSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    created_at = fields.DateTime(dump_only=True)


class ProposalDashboardUnitSchema(BaseSchema):
    unit_id = fields.Integer(dump_only=True)
    unit_name = fields.String(dump_only=True)
    active = fields.Integer(dump_only=True)
    answered = fields.Integer(dump_only=True)
    overdue = fields.Integer(dump_only=True)
    returned = fields.Integer(dump_only=True)


class ProposalOverdueSchema(BaseSchema):
    proposal_id = fields.Integer(dump_only=True)
    number = fields.String(dump_only=True, allow_none=True)
    title = fields.String(dump_only=True)
    unit_id = fields.Integer(dump_only=True)
    unit_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True)


class ProposalDashboardSchema(BaseSchema):
    submission_open = fields.Boolean(dump_only=True, metadata={"description": "现在可以提交"})
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    units = fields.List(fields.Nested(ProposalDashboardUnitSchema), dump_only=True)
    overdue = fields.List(fields.Nested(ProposalOverdueSchema), dump_only=True)
    rated = fields.Integer(dump_only=True)
    satisfied = fields.Integer(dump_only=True, metadata={"description": "满意或基本满意"})
    satisfaction = fields.Float(dump_only=True, allow_none=True)
    ratings = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)


class ProposalReportRowSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    number = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    kind_label = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    author = fields.String(dump_only=True)
    signers = fields.Integer(dump_only=True)
    lead_unit = fields.String(dump_only=True, allow_none=True)
    co_units = fields.List(fields.String(), dump_only=True)
    rounds = fields.Integer(dump_only=True)
    answer = fields.String(dump_only=True, allow_none=True)
    rating = fields.String(dump_only=True, allow_none=True)
    rating_label = fields.String(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)


class ProposalReportSchema(BaseSchema):
    year = fields.Integer(dump_only=True)
    rows = fields.List(fields.Nested(ProposalReportRowSchema), dump_only=True)
