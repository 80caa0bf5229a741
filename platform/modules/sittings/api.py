"""REST API of the sitting-in module, mounted at /api/v1/t/<slug>/sittings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.sittings import service
from lianxin.modules.sittings.inputs import (
    AnswerInput,
    AnswerInputSchema,
    AttendanceInput,
    AttendanceInputSchema,
    InviteInput,
    InviteInputSchema,
    MeetingInput,
    MeetingInputSchema,
    SuggestionCaseInput,
    SuggestionCaseInputSchema,
    SuggestionInput,
    SuggestionInputSchema,
    WrittenAnswerInput,
    WrittenAnswerInputSchema,
)
from lianxin.modules.sittings.schemas import (
    InvitationSchema,
    SittingMeetingSchema,
    StandingSchema,
    SuggestionSchema,
)
from lianxin.web.scope import township_scope

api = ApiBlueprint("sittings_api", __name__, description="代表列席会议")


def _page(list_page: Callable[..., tuple[list[Any], int]], pagination: Any, *args: Any) -> list:
    """One page of a `page_*` use case; the total goes to the X-Pagination header."""
    rows, total = list_page(
        *township_scope(), *args, offset=pagination.first_item, limit=pagination.page_size
    )
    pagination.item_count = total
    return rows


@api.route("/meetings")
class Meetings(MethodView):
    @api.response(200, SittingMeetingSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """List the meetings representatives sit in on, newest first"""
        return _page(service.page_meetings, pagination_parameters)

    @api.arguments(MeetingInputSchema)
    @api.response(201, SittingMeetingSchema)
    def post(self, data: MeetingInput):
        """Plan a meeting (a branch meeting names its branch)"""
        return service.plan_meeting(*township_scope(), data)


@api.route("/meetings/<int:meeting_id>")
class MeetingById(MethodView):
    @api.response(200, SittingMeetingSchema)
    def get(self, meeting_id: int):
        """One meeting"""
        return service.get_meeting(*township_scope(), meeting_id)


@api.route("/meetings/<int:meeting_id>/proposal")
class Proposal(MethodView):
    @api.response(200, StandingSchema(many=True))
    def get(self, meeting_id: int):
        """The next batch the rotation proposes: fewest sittings this term first"""
        return service.propose_batch(*township_scope(), meeting_id)


@api.route("/meetings/<int:meeting_id>/invitations")
class Invitations(MethodView):
    @api.response(200, InvitationSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters, meeting_id: int):
        """The meeting's invitations, by batch"""
        return _page(service.page_invitations, pagination_parameters, meeting_id)

    @api.arguments(InviteInputSchema)
    @api.response(201, InvitationSchema(many=True))
    def post(self, data: InviteInput, meeting_id: int):
        """Invite a batch, up to the meeting's day (409 sitting_rule after it)"""
        return service.invite_batch(*township_scope(), meeting_id, data.representative_ids)


@api.route("/invitations/<int:invitation_id>/answer")
class InvitationAnswer(MethodView):
    @api.arguments(AnswerInputSchema)
    @api.response(200, InvitationSchema)
    def post(self, data: AnswerInput, invitation_id: int):
        """Confirm or decline an invitation (the representative's own; the office for them)"""
        return service.answer_invitation(*township_scope(), invitation_id, data)


@api.route("/meetings/<int:meeting_id>/attendance")
class Attendance(MethodView):
    @api.arguments(AttendanceInputSchema)
    @api.response(200, InvitationSchema(many=True))
    def post(self, data: AttendanceInput, meeting_id: int):
        """Record who of the invited came, on the meeting's day or later"""
        return service.record_attendance(*township_scope(), meeting_id, data.representative_ids)


@api.route("/meetings/<int:meeting_id>/suggestions")
class Suggestions(MethodView):
    @api.response(200, SuggestionSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters, meeting_id: int):
        """The suggestions made at the meeting"""
        return _page(service.page_suggestions, pagination_parameters, meeting_id)

    @api.arguments(SuggestionInputSchema)
    @api.response(201, SuggestionSchema)
    def post(self, data: SuggestionInput, meeting_id: int):
        """Record a suggestion of a representative who sat in"""
        return service.record_suggestion(*township_scope(), meeting_id, data)


@api.route("/suggestions/<int:suggestion_id>/case")
class SuggestionCase(MethodView):
    @api.arguments(SuggestionCaseInputSchema)
    @api.response(201, SuggestionSchema)
    def post(self, data: SuggestionCaseInput, suggestion_id: int):
        """Register the suggestion as a case"""
        actor, township = township_scope()
        service.suggestion_to_case(actor, township, suggestion_id, data)
        return service.get_suggestion(actor, township, suggestion_id)


@api.route("/suggestions/<int:suggestion_id>/answer")
class SuggestionAnswer(MethodView):
    @api.arguments(WrittenAnswerInputSchema)
    @api.response(200, SuggestionSchema)
    def post(self, data: WrittenAnswerInput, suggestion_id: int):
        """Answer the suggestion in writing; the answer goes back to the representative"""
        return service.answer_suggestion(*township_scope(), suggestion_id, data)


@api.route("/standings")
class Standings(MethodView):
    @api.response(200, StandingSchema(many=True))
    def get(self):
        """Every representative in office and their sittings this term, in rotation order"""
        return service.rotation(*township_scope())
