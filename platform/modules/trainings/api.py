"""REST API of the training module, mounted at /api/v1/t/<slug>/trainings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from marshmallow import fields

from lianxin.api.base import BaseSchema
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.trainings import service
from lianxin.modules.trainings.inputs import (
    AnswerInput,
    AnswerInputSchema,
    CheckInInput,
    CheckInInputSchema,
    LeaveDecisionInput,
    LeaveDecisionInputSchema,
    SessionInput,
    SessionInputSchema,
)
from lianxin.modules.trainings.schemas import (
    CheckInSchema,
    StandingSchema,
    TrainingInvitationSchema,
    TrainingSessionSchema,
)
from lianxin.web.scope import township_scope

api = ApiBlueprint("trainings_api", __name__, description="学习培训")


# Names of their own in /api/docs (the sittings module has an AnswerInput and a Standing too).
class TrainingAnswerInputSchema(AnswerInputSchema):
    pass


class TrainingStandingSchema(StandingSchema):
    pass


class YearArgs(BaseSchema):
    year = fields.Integer(load_default=None, metadata={"description": "年度（默认今年）"})


def _page(list_page: Callable[..., tuple[list[Any], int]], pagination: Any, *args: Any) -> list:
    """One page of a `page_*` use case; the total goes to the X-Pagination header."""
    rows, total = list_page(
        *township_scope(), *args, offset=pagination.first_item, limit=pagination.page_size
    )
    pagination.item_count = total
    return rows


@api.route("/sessions")
class Sessions(MethodView):
    @api.response(200, TrainingSessionSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """List the training sessions, newest first"""
        return _page(service.page_sessions, pagination_parameters)

    @api.arguments(SessionInputSchema)
    @api.response(201, TrainingSessionSchema)
    def post(self, data: SessionInput):
        """Schedule a session; its audience is invited"""
        return service.schedule_session(*township_scope(), data)


@api.route("/sessions/<int:session_id>")
class SessionById(MethodView):
    @api.response(200, TrainingSessionSchema)
    def get(self, session_id: int):
        """One session"""
        return service.get_session(*township_scope(), session_id)


@api.route("/sessions/<int:session_id>/invitations")
class Invitations(MethodView):
    @api.response(200, TrainingInvitationSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters, session_id: int):
        """The session's invitations with answers and leave"""
        return _page(service.page_invitations, pagination_parameters, session_id)


@api.route("/invitations/<int:invitation_id>/answer")
class InvitationAnswer(MethodView):
    @api.arguments(TrainingAnswerInputSchema)
    @api.response(200, TrainingInvitationSchema)
    def post(self, data: AnswerInput, invitation_id: int):
        """Confirm, or ask for leave with a reason (one's own; the office for anyone)"""
        return service.answer_invitation(*township_scope(), invitation_id, data)


@api.route("/invitations/<int:invitation_id>/leave")
class LeaveDecision(MethodView):
    @api.arguments(LeaveDecisionInputSchema)
    @api.response(200, TrainingInvitationSchema)
    def post(self, data: LeaveDecisionInput, invitation_id: int):
        """Approve (excused) or refuse a leave request"""
        return service.decide_leave(*township_scope(), invitation_id, data.approve)


@api.route("/sessions/<int:session_id>/check-ins")
class CheckIns(MethodView):
    @api.response(200, CheckInSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters, session_id: int):
        """The session's check-ins, by day"""
        return _page(service.page_check_ins, pagination_parameters, session_id)

    @api.arguments(CheckInInputSchema)
    @api.response(201, CheckInSchema)
    def post(self, data: CheckInInput, session_id: int):
        """Check a representative in on a day of the session (today when not given)"""
        return service.check_in(*township_scope(), session_id, data.representative_id, day=data.day)


@api.route("/standings")
class Standings(MethodView):
    @api.arguments(YearArgs, location="query")
    @api.response(200, TrainingStandingSchema(many=True))
    def get(self, args: dict[str, Any]):
        """Each representative's training in the year against the township's rules"""
        return service.standings(*township_scope(), args.get("year"))
