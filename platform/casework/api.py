"""Casework API of a township: the list, registering, the history, and every step of a case.

Each handler loads the case first (`service.get_case`, which applies who may see it), so a case
of another township, or one the caller may not see, is 404 before anything else is looked at.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields

from lianxin.api.base import BaseSchema, Blueprint
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.casework.models import Case
from lianxin.casework.schemas import (
    AnswerSchema,
    CaseCreatedSchema,
    CaseCreateSchema,
    CaseDetailSchema,
    CaseQuerySchema,
    CaseSchema,
    DecisionSchema,
    EmptySchema,
    ExtensionRequestSchema,
    ExtensionSchema,
    FeedbackSchema,
    InadmissibleSchema,
    RateSchema,
    ReasonSchema,
    ReassignSchema,
    ReceiveSchema,
    ReferSchema,
    ReplyTextSchema,
    label,
)
from lianxin.casework.states import STATE_LABELS
from lianxin.web.scope import current_actor, current_township

blp = Blueprint(
    "cases_api", __name__, url_prefix="/api/v1/t/<township_slug>/cases", description="诉求办理"
)


def _ctx():
    return current_actor(), current_township()


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


def _detail(case_id: int) -> dict[str, Any]:
    actor, township = _ctx()
    case = cases.get_case(actor, township, case_id)
    return {**case_out(case), "history": cases.history_of(case)}


@blp.route("/")
class Cases(MethodView):
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CaseSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Cases the caller may see (office: all; a unit: its own; a representative: received),
        newest first, with overdue and due-soon flags"""
        rows, total = cases.list_cases(
            *_ctx(),
            state=args["state"],
            overdue_only=args["overdue"],
            q=args["q"],
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return [case_out(r.case, r) for r in rows]

    @blp.arguments(CaseCreateSchema)
    @blp.response(201, CaseCreatedSchema)
    def post(self, data):
        """Register a case (staff on someone's behalf, or a representative); the tracking code
        is returned this once only"""
        created = cases.register(*_ctx(), data)
        return {**case_out(created.case), "tracking_code": created.tracking_code}


@blp.route("/<int:case_id>")
class CaseById(MethodView):
    @blp.response(200, CaseDetailSchema)
    def get(self, case_id: int):
        """One case with its whole history: events, assignments, replies, extensions"""
        return _detail(case_id)


def _step(case_id: int) -> tuple[Any, Any]:
    """The case first (404 if not visible), then the actor and township for the step."""
    actor, township = _ctx()
    cases.get_case(actor, township, case_id)
    return actor, township


@blp.route("/<int:case_id>/receive")
class Receive(MethodView):
    @blp.arguments(ReceiveSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """Receive a registered case (the representative who received it answers for it)"""
        cases.receive(*_step(case_id), case_id, data["representative_id"])
        return _detail(case_id)


@blp.route("/<int:case_id>/inadmissible")
class Inadmissible(MethodView):
    @blp.arguments(InadmissibleSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """Not for this channel; the person is told where to go instead"""
        cases.mark_inadmissible(
            *_step(case_id), case_id, reason=data["reason"], referral_text=data["referral_text"]
        )
        return _detail(case_id)


@blp.route("/<int:case_id>/handle-on-spot")
class HandleOnSpot(MethodView):
    @blp.arguments(AnswerSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """Answered there and then"""
        cases.handle_on_spot(*_step(case_id), case_id, data["answer"])
        return _detail(case_id)


@blp.route("/<int:case_id>/refer")
class Refer(MethodView):
    @blp.arguments(ReferSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """Refer to a lead unit (主办) and optional co-units (协办); again to re-route"""
        cases.refer(
            *_step(case_id),
            case_id,
            lead_unit_id=data["lead_unit_id"],
            co_unit_ids=data["co_unit_ids"],
            complexity=data["complexity"],
        )
        return _detail(case_id)


@blp.route("/<int:case_id>/reply")
class Reply(MethodView):
    @blp.arguments(ReplyTextSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """A unit's written answer (the lead unit's answer is the case's reply)"""
        cases.unit_reply(*_step(case_id), case_id, data["text"])
        return _detail(case_id)


@blp.route("/<int:case_id>/return")
class Return(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """A unit sends the case back as not its business, with a reason"""
        cases.return_to_office(*_step(case_id), case_id, data["reason"])
        return _detail(case_id)


@blp.route("/<int:case_id>/extension")
class Extension(MethodView):
    @blp.arguments(ExtensionRequestSchema)
    @blp.response(201, ExtensionSchema)
    def post(self, data, case_id: int):
        """A unit asks for a later due date; the office decides"""
        return cases.request_extension(
            *_step(case_id), case_id, until=data["until"], reason=data["reason"]
        )


@blp.route("/extensions/<int:extension_id>/decision")
class ExtensionDecision(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, ExtensionSchema)
    def post(self, data, extension_id: int):
        """The office approves (the due date moves) or refuses an extension"""
        return cases.decide_extension(*_ctx(), extension_id, approve=data["approve"])


@blp.route("/<int:case_id>/feedback")
class Feedback(MethodView):
    @blp.arguments(FeedbackSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """The person has been told the answer"""
        cases.give_feedback(*_step(case_id), case_id, data["note"])
        return _detail(case_id)


@blp.route("/<int:case_id>/rate")
class Rate(MethodView):
    @blp.arguments(RateSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """The office records the person's rating (given by phone or in person)"""
        cases.record_rating(*_ctx(), case_id, data["rating"], data["comment"])
        return _detail(case_id)


@blp.route("/<int:case_id>/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """再交办 after an unsatisfied rating; past the township's limit it goes to the county"""
        cases.reassign(
            *_step(case_id),
            case_id,
            lead_unit_id=data["lead_unit_id"],
            co_unit_ids=data["co_unit_ids"],
        )
        return _detail(case_id)


@blp.route("/<int:case_id>/escalate")
class Escalate(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, data, case_id: int):
        """Send a copy up to the county's queue"""
        cases.escalate(*_step(case_id), case_id, reason=data["reason"])
        return _detail(case_id)


@blp.route("/<int:case_id>/archive")
class Archive(MethodView):
    @blp.arguments(EmptySchema)
    @blp.response(200, CaseDetailSchema)
    def post(self, _data, case_id: int):
        """Close the case"""
        cases.archive(*_step(case_id), case_id)
        return _detail(case_id)


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
        return cases.attachments(*_ctx(), case_id)

    @blp.arguments(AttachmentUploadSchema, location="files")
    @blp.response(201, AttachmentSchema)
    def post(self, data, case_id: int):
        """Attach a file to a case (the office, or a unit working on it)"""
        upload = data["file"]
        return cases.attach(*_ctx(), case_id, upload.stream, upload.filename or "file")
