"""Casework API of a township: the list, registering, the history, and every step of a case.

Each step's body is loaded by its input schema (`inputs.py`) and handed to the use case, which
looks the case up itself (`get_case` applies who may see it): a case of another township, or one
the caller may not see, is 404. The answer is the case the use case returns, with its history.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields

from lianxin.api.base import BaseSchema, Blueprint
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.casework.inputs import (
    CaseInput,
    DecisionInput,
    DecisionInputSchema,
    EscalateInput,
    EscalateInputSchema,
    ExtensionInput,
    ExtensionInputSchema,
    FeedbackInput,
    FeedbackInputSchema,
    InadmissibleInput,
    InadmissibleInputSchema,
    OnSpotInput,
    OnSpotInputSchema,
    PaperSignOffInput,
    PaperSignOffInputSchema,
    ProposedHandlingInput,
    ProposedHandlingInputSchema,
    RatingInput,
    RatingInputSchema,
    ReassignInputSchema,
    ReceiveInput,
    ReceiveInputSchema,
    RecordedCaseInputSchema,
    ReferInput,
    ReferInputSchema,
    ReplyInput,
    ReplyInputSchema,
    ReturnInput,
    ReturnInputSchema,
    SendOnInput,
    SendOnInputSchema,
)
from lianxin.casework.models import Case
from lianxin.casework.schemas import (
    CaseCreatedSchema,
    CaseDetailSchema,
    CaseSchema,
    EmptySchema,
    ExtensionSchema,
    label,
)
from lianxin.casework.states import STATE_LABELS
from lianxin.web.scope import current_township, township_scope

blp = Blueprint(
    "cases_api", __name__, url_prefix="/api/v1/t/<township_slug>/cases", description="诉求办理"
)


_CASE_COLUMNS = tuple(c.key for c in Case.__table__.columns)


def case_out(case: Case, row: cases.CaseRow | None = None) -> dict[str, Any]:
    """A case with its state label and deadline flags, as the schemas dump it (a list passes its
    rows' flags)."""
    if row is None:
        township = current_township()
        row = cases.flag(case, cases.rule_for(township.id), deadlines.shanghai_today())
    out = {key: getattr(case, key) for key in _CASE_COLUMNS}
    out.update(
        state_label=label(STATE_LABELS, case.state),
        overdue=row.overdue,
        due_soon=row.due_soon,
        latest_due_on=row.latest_due_on,
    )
    return out


def _detail(case: Case) -> dict[str, Any]:
    return {**case_out(case), "history": cases.history_of(case)}


@blp.route("/")
class Cases(MethodView):
    @blp.arguments(cases.CaseFilterSchema, location="query")
    @blp.response(200, CaseSchema(many=True))
    @blp.paginate()
    def get(self, args: cases.CaseFilter, pagination_parameters):
        """Cases the caller may see (office: all; a unit: its own; a representative: received;
        a branch liaison: its branch's), newest first, with overdue and due-soon flags;
        filtered as the list page is (a station, representative or unit not of this township
        is 422)"""
        rows, total = cases.filtered_cases(
            *township_scope(),
            args,
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return [case_out(r.case, r) for r in rows]

    @blp.arguments(RecordedCaseInputSchema)
    @blp.response(201, CaseCreatedSchema)
    def post(self, data: CaseInput):
        """Register a case (staff on someone's behalf, or a representative); the tracking code
        is returned this once only"""
        created = cases.register(*township_scope(), data)
        return {**case_out(created.case), "tracking_code": created.tracking_code}


@blp.route("/<int:case_id>")
class CaseById(MethodView):
    @blp.response(200, CaseDetailSchema)
    def get(self, case_id: int):
        """One case with its whole history: events, assignments, replies, extensions"""
        return _detail(cases.get_case(*township_scope(), case_id))


@blp.route("/<int:case_id>/receive")
class Receive(MethodView):
    @blp.arguments(ReceiveInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: ReceiveInput, case_id: int):
        """Receive a registered case (the representative who received it answers for it)"""
        return _detail(cases.receive(*township_scope(), case_id, data.representative_id))


@blp.route("/<int:case_id>/inadmissible")
class Inadmissible(MethodView):
    @blp.arguments(InadmissibleInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: InadmissibleInput, case_id: int):
        """Not for this channel; the person is told where to go instead"""
        return _detail(
            cases.mark_inadmissible(
                *township_scope(), case_id, reason=data.reason, referral_text=data.referral_text
            )
        )


@blp.route("/<int:case_id>/handle-on-spot")
class HandleOnSpot(MethodView):
    @blp.arguments(OnSpotInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: OnSpotInput, case_id: int):
        """Answered there and then"""
        return _detail(cases.handle_on_spot(*township_scope(), case_id, data.answer))


@blp.route("/<int:case_id>/refer")
class Refer(MethodView):
    @blp.arguments(ReferInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: ReferInput, case_id: int):
        """Refer to a lead unit (主办) and optional co-units (协办); again to re-route"""
        return _detail(cases.refer(*township_scope(), case_id, data))


@blp.route("/<int:case_id>/reply")
class Reply(MethodView):
    @blp.arguments(ReplyInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: ReplyInput, case_id: int):
        """A unit's written answer (the lead unit's answer is the case's reply)"""
        return _detail(cases.unit_reply(*township_scope(), case_id, data.text))


@blp.route("/<int:case_id>/return")
class Return(MethodView):
    @blp.arguments(ReturnInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: ReturnInput, case_id: int):
        """A unit sends the case back as not its business, with a reason"""
        return _detail(cases.return_to_office(*township_scope(), case_id, data.reason))


@blp.route("/<int:case_id>/extension")
class Extension(MethodView):
    @blp.arguments(ExtensionInputSchema)
    @blp.response(201, ExtensionSchema)
    def post(self, data: ExtensionInput, case_id: int):
        """A unit asks for a later due date; the office decides"""
        return cases.request_extension(
            *township_scope(), case_id, until=data.until, reason=data.reason
        )


@blp.route("/extensions/<int:extension_id>/decision")
class ExtensionDecision(MethodView):
    @blp.arguments(DecisionInputSchema)
    @blp.response(200, ExtensionSchema)
    def post(self, data: DecisionInput, extension_id: int):
        """The office approves (the due date moves) or refuses an extension"""
        return cases.decide_extension(*township_scope(), extension_id, approve=data.approve)


@blp.route("/<int:case_id>/feedback")
class Feedback(MethodView):
    @blp.arguments(FeedbackInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: FeedbackInput, case_id: int):
        """The person has been told the answer"""
        return _detail(cases.give_feedback(*township_scope(), case_id, data.note))


@blp.route("/<int:case_id>/rate")
class Rate(MethodView):
    @blp.arguments(RatingInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: RatingInput, case_id: int):
        """The office records the person's rating (given by phone or in person)"""
        return _detail(cases.record_rating(*township_scope(), case_id, data.rating, data.comment))


@blp.route("/<int:case_id>/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: ReferInput, case_id: int):
        """再交办 after an unsatisfied rating; past the township's limit it goes to the county"""
        return _detail(
            cases.reassign(
                *township_scope(),
                case_id,
                lead_unit_id=data.lead_unit_id,
                co_unit_ids=data.co_unit_ids,
            )
        )


@blp.route("/<int:case_id>/escalate")
class Escalate(MethodView):
    @blp.arguments(EscalateInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: EscalateInput, case_id: int):
        """Send a copy up to the county's queue"""
        return _detail(cases.escalate(*township_scope(), case_id, reason=data.reason))


@blp.route("/<int:case_id>/archive")
class Archive(MethodView):
    @blp.arguments(EmptySchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, _data, case_id: int):
        """Close the case"""
        return _detail(cases.archive(*township_scope(), case_id))


class AttachmentUploadSchema(BaseSchema):
    file = Upload(required=True)


class AttachmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


@blp.route("/<int:case_id>/attachments")
class Attachments(MethodView):
    @blp.response(200, AttachmentSchema(many=True))
    def get(self, case_id: int):
        """A case's attachments (download them through the files API)"""
        return cases.attachments(*township_scope(), case_id)

    @blp.arguments(AttachmentUploadSchema, location="files")
    @blp.response(201, AttachmentSchema)
    def post(self, data, case_id: int):
        """Attach a file to a case (the office, or a unit working on it)"""
        upload = data["file"]
        return cases.attach(*township_scope(), case_id, upload.stream, upload.filename or "file")


# --- at the branch (000 第三篇 第九条, 第五篇): proposed handling, signature, sending on --------


@blp.route("/<int:case_id>/proposed-handling")
class ProposedHandling(MethodView):
    @blp.arguments(ProposedHandlingInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: ProposedHandlingInput, case_id: int):
        """Record the receiving representative's proposed handling (拟办意见); rewritten after
        signing, it is signed again"""
        return _detail(cases.propose_handling(*township_scope(), case_id, data.text))


@blp.route("/<int:case_id>/sign-off")
class SignOff(MethodView):
    @blp.arguments(EmptySchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, _data, case_id: int):
        """The receiving representative signs the proposed handling by their own account"""
        return _detail(cases.sign_off(*township_scope(), case_id))


@blp.route("/<int:case_id>/paper-sign-off")
class PaperSignOff(MethodView):
    @blp.arguments(PaperSignOffInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: PaperSignOffInput, case_id: int):
        """The branch's liaison records that the representative signed on the paper log
        (代表已签字), and on which day"""
        return _detail(cases.record_sign_off(*township_scope(), case_id, data))


@blp.route("/<int:case_id>/send-on")
class SendOn(MethodView):
    @blp.arguments(SendOnInputSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data: SendOnInput, case_id: int):
        """Send the signed case on to the branch head and the office (送办)"""
        return _detail(cases.send_on(*township_scope(), case_id, data.note))
