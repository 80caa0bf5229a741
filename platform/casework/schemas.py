"""API schemas of casework, and the Chinese labels the pages and the API share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.casework.models import (
    AssignmentRole,
    AssignmentStatus,
    CaseState,
    Channel,
    Complexity,
    ExtensionStatus,
    Rating,
)
from lianxin.people import privacy

CHANNEL_LABELS = {
    Channel.REGULAR_VISIT: _l("工作站常规接待"),
    Channel.THEMED_VISIT: _l("主题约见"),
    Channel.CONCENTRATED_VISIT: _l("集中接待"),
    Channel.APPOINTED_VISIT: _l("预约约见"),
    Channel.RECEPTION_DAY: _l("接待日"),
    Channel.LIAISON: _l("联系走访"),
    Channel.PUBLIC_WEB: _l("网上提交"),
    Channel.PHONE: _l("电话"),
    Channel.PAPER: _l("书面来信"),
}
COMPLEXITY_LABELS = {Complexity.SIMPLE: _l("简单件"), Complexity.COMPLEX: _l("复杂件")}
RATING_LABELS = {
    Rating.SATISFIED: _l("满意"),
    Rating.BASICALLY_SATISFIED: _l("基本满意"),
    Rating.UNSATISFIED: _l("不满意"),
}
ROLE_LABELS = {AssignmentRole.LEAD: _l("主办"), AssignmentRole.CO: _l("协办")}
ASSIGNMENT_STATUS_LABELS = {
    AssignmentStatus.ACTIVE: _l("办理中"),
    AssignmentStatus.RETURNED: _l("已退回"),
    AssignmentStatus.ANSWERED: _l("已答复"),
    AssignmentStatus.SUPERSEDED: _l("已重新交办"),
}
EXTENSION_STATUS_LABELS = {
    ExtensionStatus.PENDING: _l("待审批"),
    ExtensionStatus.APPROVED: _l("已同意"),
    ExtensionStatus.REFUSED: _l("未同意"),
}
REPLY_SOURCE_LABELS = {"unit": _l("承办单位"), "office": _l("联络站"), "county": _l("县级")}
ACTION_LABELS = {
    "register": _l("登记"),
    "propose_handling": _l("拟办意见"),
    "sign_off": _l("代表签字确认"),
    "record_sign_off": _l("登记代表已签字"),
    "send_on": _l("送支部负责人及联络办"),
    "receive": _l("接待"),
    "mark_inadmissible": _l("不予受理"),
    "handle_on_spot": _l("当场答复"),
    "refer": _l("交办"),
    "escalate": _l("上报县级"),
    "reply": _l("答复"),
    "give_feedback": _l("反馈群众"),
    "rate": _l("评价"),
    "reassign": _l("再交办"),
    "archive": _l("归档"),
    "return_to_office": _l("退回"),
    "request_extension": _l("申请延期"),
    "decide_extension": _l("审批延期"),
    "attach": _l("补充"),
    "due_recomputed": _l("期限重新计算"),
    "reissue_code": _l("补发查询码"),
}


_TRANSLATED: dict[int, tuple[dict, dict[str, str]]] = {}


def translated(mapping: dict) -> dict[str, str]:
    """A module constant of labels as plain strings, translated once (the app's locale is fixed,
    app.py): a page of rows asks once per row. Read only."""
    known = _TRANSLATED.get(id(mapping))
    if known is None or known[0] is not mapping:
        known = _TRANSLATED[id(mapping)] = (mapping, {str(k): str(t) for k, t in mapping.items()})
    return known[1]


def label(mapping: dict, value: str | None) -> str:
    """A value's Chinese label; an unknown value as it is."""
    if value is None:
        return ""
    return translated(mapping).get(str(value), value)


def event_note(event: object) -> str:
    """An event's note as people read it: a rating event keeps the rating's code (`satisfied`),
    shown by its label."""
    note = getattr(event, "note", None) or ""
    return label(RATING_LABELS, note) if getattr(event, "action", None) == "rate" else note


# --- output ---------------------------------------------------------------------------------------


class CaseSchema(privacy.Redacting, BaseSchema):
    """A case; who raised it (name, phone) only as people/privacy.py lets the caller see."""

    privacy_kind = privacy.Kind.CASE_RAISER

    id = fields.Integer(dump_only=True)
    state = fields.String(dump_only=True, validate=validate.OneOf(list(CaseState)))
    state_label = fields.String(dump_only=True)
    channel = fields.String(dump_only=True)
    source_type = fields.String(dump_only=True, allow_none=True)
    source_id = fields.Integer(dump_only=True, allow_none=True)
    raiser_name = fields.String(dump_only=True, allow_none=True)
    raiser_phone = fields.String(dump_only=True, allow_none=True)
    anonymous = fields.Boolean(dump_only=True)
    on_behalf = fields.Boolean(dump_only=True)
    recorded_by_id = fields.Integer(dump_only=True, allow_none=True)
    received_by_id = fields.Integer(dump_only=True, allow_none=True)
    branch_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "所属支部：其联络员跟踪办理"}
    )
    proposed_handling = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "接待代表的拟办意见"}
    )
    signed_on = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "代表签字确认拟办意见的日期"}
    )
    signed_on_paper = fields.Boolean(
        dump_only=True, metadata={"description": "代表在纸质记录上签字，由联络员登记"}
    )
    signoff_by_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "确认或登记签字的账号"}
    )
    from_paper = fields.Boolean(
        dump_only=True,
        metadata={"description": "纸质登记：据代表、记录人签字的社情民意收集表录入"},
    )
    paper_form_on = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "纸质表上填写的日期"}
    )
    category = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    complexity = fields.String(dump_only=True, allow_none=True)
    due_on = fields.Date(dump_only=True, allow_none=True)
    due_estimated = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "期限按周一至周五估算（该年国家节假日安排未公布），公布后重新计算"
        },
    )
    latest_due_on = fields.Date(
        dump_only=True,
        allow_none=True,
        metadata={"description": "办理时限上限：自登记之日起的自然日上限，延期不得超过"},
    )
    overdue = fields.Boolean(dump_only=True)
    due_soon = fields.Boolean(dump_only=True)
    reassign_count = fields.Integer(dump_only=True)
    inadmissible_reason = fields.String(dump_only=True, allow_none=True)
    referral_text = fields.String(dump_only=True, allow_none=True)
    answer = fields.String(dump_only=True, allow_none=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    rating = fields.String(dump_only=True, allow_none=True)
    rating_comment = fields.String(dump_only=True, allow_none=True)
    rated_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)


class CaseCreatedSchema(CaseSchema):
    tracking_code = fields.String(
        dump_only=True, metadata={"description": "查询码：只在登记时返回一次"}
    )


class EventSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    action = fields.String(dump_only=True)
    from_state = fields.String(dump_only=True, allow_none=True)
    to_state = fields.String(dump_only=True, allow_none=True)
    actor_user_id = fields.Integer(dump_only=True, allow_none=True)
    actor_name = fields.String(dump_only=True)
    note = fields.Function(event_note, dump_only=True, allow_none=True, metadata={"type": "string"})
    created_at = fields.DateTime(dump_only=True)


class AssignmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    unit_id = fields.Integer(dump_only=True)
    role = fields.String(dump_only=True)
    round = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True)
    return_reason = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ReplySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    unit_id = fields.Integer(dump_only=True, allow_none=True)
    source = fields.String(dump_only=True)
    author_name = fields.String(dump_only=True)
    text = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class ExtensionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    unit_id = fields.Integer(dump_only=True)
    requested_due_on = fields.Date(dump_only=True)
    reason = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    decided_by_id = fields.Integer(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class HistorySchema(BaseSchema):
    events = fields.List(fields.Nested(EventSchema), dump_only=True)
    assignments = fields.List(fields.Nested(AssignmentSchema), dump_only=True)
    replies = fields.List(fields.Nested(ReplySchema), dump_only=True)
    extensions = fields.List(fields.Nested(ExtensionSchema), dump_only=True)


class CaseDetailSchema(CaseSchema):
    history = fields.Nested(HistorySchema, dump_only=True)


class EscalationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    township_id = fields.Integer(dump_only=True, attribute="tenant_id")
    township_name = fields.String(dump_only=True)
    case_id = fields.Integer(dump_only=True)
    round = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    summary = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    answer = fields.String(dump_only=True, allow_none=True)
    answered_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


# --- query arguments (the bodies of the writes are in inputs.py) -------------------------------


class EmptySchema(BaseSchema):
    pass


class EscalationQuerySchema(BaseSchema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "answered"]))
