"""Settings and API schemas of the evaluations module."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.api.base import BaseSchema


class EvaluationSettings(BaseSchema):
    min_answers = fields.Integer(
        load_default=5,
        validate=validate.Range(min=3, max=100),
        metadata={"label": _l("至少几份答卷才显示结果（保护评议人）")},
    )
    excellent_min = fields.Float(
        load_default=8.5,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("加权平均分不低于几分建议评为“优秀”（10分制）")},
    )
    competent_min = fields.Float(
        load_default=6.0,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("加权平均分不低于几分建议评为“称职”（10分制）")},
    )
    answer_batch = fields.Integer(
        load_default=5,
        validate=validate.Range(min=3, max=100),
        metadata={"label": _l("评议中每满几份答卷才成批开封入库（不少于上一项，保护评议人）")},
    )
    cannot_evaluate = fields.Boolean(
        load_default=True,
        metadata={
            "label": _l(
                "评议表每个评议对象可选“无法评价”（不了解的可不评，不计入结果；"
                "有效评价达到上面的份数才显示结果）"
            )
        },
    )
    reminder_days = fields.Integer(
        load_default=2,
        validate=validate.Range(min=0, max=30),
        metadata={"label": _l("结束前几天起每天提醒未提交的评议人")},
    )

    notice_days = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=60),
        metadata={"label": _l("评议预告至少提前几天发给被评议对象才能开始评议（0为不要求预告）")},
    )
    leader_opinion = fields.Boolean(
        load_default=True,
        metadata={"label": _l("党委确定等次前须先记录分管领导意见")},
    )

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data.get("competent_min", 6.0) > data.get("excellent_min", 8.5):
            raise ValidationError(str(_l("“称职”线不能高于“优秀”线")), field_name="competent_min")


# --- API schemas (every name prefixed, so they cannot clash with other modules' in OpenAPI) ---
# The bodies of the writes are the input schemas in `inputs.py`, shared with the pages.


class EvaluationDimensionSchema(BaseSchema):
    key = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    label = fields.String(required=True, validate=validate.Length(min=1, max=30))
    weight = fields.Float(load_default=1, validate=validate.Range(min=0, min_inclusive=False))


class EvaluationParticipationSchema(BaseSchema):
    eligible = fields.Integer(dump_only=True)
    answered = fields.Integer(dump_only=True)
    rate = fields.Float(dump_only=True, allow_none=True)


class EvaluationCampaignSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    shape = fields.String(dump_only=True)
    shape_label = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    opens_on = fields.Date(dump_only=True)
    closes_on = fields.Date(dump_only=True)
    opened_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    counted_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "结束后计票完成的时间；此后才有结果"},
    )
    min_answers = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "开始时固定：至少几份才显示结果"}
    )
    answer_batch = fields.Integer(dump_only=True, allow_none=True)
    cannot_evaluate = fields.Boolean(
        dump_only=True,
        metadata={"description": "评议表是否可选“无法评价”（开始时按乡镇设置固定）"},
    )
    created_at = fields.DateTime(dump_only=True)
    group_leader_id = fields.Integer(dump_only=True, allow_none=True)
    group_member1_id = fields.Integer(dump_only=True, allow_none=True)
    group_member2_id = fields.Integer(dump_only=True, allow_none=True)
    notice_sent_on = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "评议预告发出之日（上海时间）"}
    )


class EvaluationCampaignDetailSchema(EvaluationCampaignSchema):
    dimensions = fields.List(fields.Nested(EvaluationDimensionSchema), dump_only=True)
    scale_min = fields.Integer(dump_only=True)
    scale_max = fields.Integer(dump_only=True)
    participation = fields.Nested(EvaluationParticipationSchema, dump_only=True)


class EvaluationCommitmentSchema(BaseSchema):
    """One public commitment of the representative's year, beside their duty report."""

    content = fields.String(dump_only=True)
    due_on = fields.Date(dump_only=True)
    state = fields.String(
        dump_only=True, metadata={"description": "on_track / overdue / kept / not_kept"}
    )
    state_label = fields.String(
        dump_only=True, metadata={"description": "进行中 / 已逾期 / 已兑现 / 未兑现"}
    )


COMMITMENTS_HELP = (
    "述职评议的代表本年度公开承诺（与承诺公示栏相同：已公开、已兑现、未兑现），"
    "年度为评议结束日期所在年；未开通公开承诺模块时为空"
)


class EvaluationSubjectSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    campaign_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    representative_id = fields.Integer(dump_only=True, allow_none=True)
    unit_id = fields.Integer(dump_only=True, allow_none=True)
    kind = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "committee：班子整体；city_rep：市党代表；空：按评议类型"},
    )
    report_text = fields.String(dump_only=True, allow_none=True)
    report_file_id = fields.Integer(dump_only=True, allow_none=True)
    leader_name = fields.String(dump_only=True, allow_none=True)
    leader_opinion = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "分管领导意见（办公室、党委委员）"},
    )
    reported_at = fields.DateTime(
        dump_only=True, allow_none=True, metadata={"description": "不称职已报告县委组织部"}
    )
    proposed_grade = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "评议结束后（办公室、党委委员）"}
    )
    proposal_reason = fields.String(dump_only=True, allow_none=True)
    grade = fields.String(dump_only=True, allow_none=True)
    grade_reason = fields.String(dump_only=True, allow_none=True)
    graded_at = fields.DateTime(dump_only=True, allow_none=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    commitments = fields.List(
        fields.Nested(EvaluationCommitmentSchema),
        dump_only=True,
        metadata={"description": COMMITMENTS_HELP},
    )
    filed_session_id = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "市党代表履职报告已列入的年会（空：未列入）"},
    )
    filed_session_title = fields.String(dump_only=True, allow_none=True)
    filed_document_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "该年会文件的编号（最新一稿）"}
    )
    filed_stale = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "列入年会文件后履职报告已修改：年会文件中的是修改前的文本，"
            "可将修改后的报告再列入同一次年会（更新稿）"
        },
    )


class EvaluationReportSchema(BaseSchema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class EvaluationFileWithSessionSchema(BaseSchema):
    """The annual session (not ended) whose documents take a city representative's report."""

    session_id = fields.Integer(required=True, validate=validate.Range(min=1))


class EvaluationReportUploadSchema(BaseSchema):
    """multipart/form-data: the report file (PDF, Word, image); an optional `text` form field is
    read by the handler."""

    file = Upload(required=True)


class EvaluationLinkSchema(BaseSchema):
    rater_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    token = fields.String(dump_only=True, metadata={"description": "只显示这一次"})


class EvaluationRemindedSchema(BaseSchema):
    reminded = fields.Integer(dump_only=True, metadata={"description": "提醒了几人（不列姓名）"})


class EvaluationRaterSchema(BaseSchema):
    rater_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class EvaluationFormSubjectSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    report_text = fields.String(dump_only=True, allow_none=True)
    report_file_id = fields.Integer(dump_only=True, allow_none=True)
    commitments = fields.List(
        fields.Nested(EvaluationCommitmentSchema),
        dump_only=True,
        metadata={"description": COMMITMENTS_HELP},
    )


class EvaluationFormSchema(BaseSchema):
    campaign = fields.Nested(EvaluationCampaignSchema, dump_only=True)
    dimensions = fields.List(fields.Nested(EvaluationDimensionSchema), dump_only=True)
    scale_min = fields.Integer(dump_only=True)
    scale_max = fields.Integer(dump_only=True)
    subjects = fields.List(fields.Nested(EvaluationFormSubjectSchema), dump_only=True)
    answered = fields.Boolean(dump_only=True)
    cannot_evaluate = fields.Boolean(
        dump_only=True, metadata={"description": "每个评议对象可答“无法评价”"}
    )


class EvaluationCodesSchema(BaseSchema):
    codes = fields.List(fields.String(), dump_only=True, metadata={"description": "只显示这一次"})


class EvaluationDimensionResultSchema(BaseSchema):
    key = fields.String(dump_only=True)
    label = fields.String(dump_only=True)
    mean = fields.Float(dump_only=True)
    distribution = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        dump_only=True,
        metadata={"description": "分值 → 份数"},
    )


class EvaluationCategoryResultSchema(BaseSchema):
    category = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "评议人类别；空：不足份数的类别合并"},
    )
    label = fields.String(dump_only=True)
    count = fields.Integer(dump_only=True, metadata={"description": "不显示时为 0"})
    shown = fields.Boolean(
        dump_only=True, metadata={"description": "该类有效评价达到规定份数才单列"}
    )
    weighted_mean = fields.Float(dump_only=True, allow_none=True)
    overall = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)


class EvaluationGradeLimitSchema(BaseSchema):
    highest = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "最高可评等次"}
    )
    lowest_forced = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "规定应定的等次"}
    )
    cap = fields.String(dump_only=True, metadata={"description": "两者合计：最高可评等次"})
    reasons = fields.List(fields.String(), dump_only=True, metadata={"description": "依据"})


class EvaluationResultSchema(BaseSchema):
    subject = fields.Nested(EvaluationSubjectSchema, dump_only=True)
    count = fields.Integer(
        dump_only=True, metadata={"description": "有效评价（不含无法评价）份数；不显示时为 0"}
    )
    shown = fields.Boolean(dump_only=True, metadata={"description": "有效评价达到规定份数才显示"})
    cannot_evaluate = fields.Integer(
        dump_only=True,
        metadata={
            "description": "“无法评价”的份数，不计入结果；结果不显示时为 0（无有效评价时除外）"
        },
    )
    no_valid = fields.Boolean(
        dump_only=True, metadata={"description": "无有效评价：全部答卷都是“无法评价”"}
    )
    withheld = fields.Boolean(dump_only=True, metadata={"description": "本人的结果，公开前不显示"})
    dimensions = fields.List(fields.Nested(EvaluationDimensionResultSchema), dump_only=True)
    weighted_mean = fields.Float(dump_only=True, allow_none=True)
    overall = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    comments = fields.List(fields.String(), dump_only=True, metadata={"description": "已排序"})
    categories = fields.List(
        fields.Nested(EvaluationCategoryResultSchema),
        dump_only=True,
        metadata={"description": "按评议人类别分列（两类以上时）"},
    )
    proposed_grade = fields.String(dump_only=True, allow_none=True)
    proposal_reason = fields.String(dump_only=True, allow_none=True)
    grade = fields.String(dump_only=True, allow_none=True)
    grade_reason = fields.String(dump_only=True, allow_none=True)
    grade_limit = fields.Nested(
        EvaluationGradeLimitSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "述职评议：学习培训缺席等规定对本年度等次的限制"},
    )


class EvaluationPublishSchema(BaseSchema):
    published = fields.Boolean(required=True)


class EvaluationFeedbackSchema(BaseSchema):
    campaign = fields.Nested(EvaluationCampaignSchema, dump_only=True)
    result = fields.Nested(EvaluationResultSchema, dump_only=True)


class EvaluationGroupMemberSchema(BaseSchema):
    user_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True, metadata={"description": "组长 / 成员"})


class EvaluationGuestSchema(BaseSchema):
    rater_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    category_label = fields.String(dump_only=True)


class EvaluationHandedOutSchema(BaseSchema):
    handed_out = fields.Integer(dump_only=True)


class EvaluationMismatchSchema(BaseSchema):
    form = fields.Integer(dump_only=True, metadata={"description": "这批中的第几份"})
    subject = fields.String(dump_only=True)


class EvaluationPaperBatchOutSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    campaign_id = fields.Integer(dump_only=True)
    label = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    forms = fields.Integer(dump_only=True)
    teller1_id = fields.Integer(dump_only=True)
    teller2_id = fields.Integer(dump_only=True)
    state = fields.String(dump_only=True)


class EvaluationTallyStatusSchema(BaseSchema):
    state = fields.String(
        dump_only=True,
        metadata={"description": "waiting（未录齐）、mismatch（不一致）、agreed（一致已计入）"},
    )
    entered = fields.List(
        fields.Integer(), dump_only=True, metadata={"description": "已录入的录入人"}
    )
    mismatches = fields.List(fields.Nested(EvaluationMismatchSchema), dump_only=True)
