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
    BAD_DATE,
    AnswerInput,
    AnswerInputSchema,
    CancelInput,
    CancelInputSchema,
    CheckInInput,
    CheckInInputSchema,
    LeaveDecisionInput,
    LeaveDecisionInputSchema,
    SelfCheckInInput,
    SelfCheckInInputSchema,
    SessionInput,
    SessionInputSchema,
    SessionPatchSchema,
)
from lianxin.modules.trainings.schemas import (
    CheckInCodeSchema,
    CheckInSchema,
    StandingSchema,
    TrainingInvitationSchema,
    TrainingSessionSchema,
)
from lianxin.usecases import Changes
from lianxin.web.scope import township_scope

api = ApiBlueprint("trainings_api", __name__, description="学习培训")


# Names of their own in /api/docs (the sittings module has an AnswerInput and a Standing too).
class TrainingAnswerInputSchema(AnswerInputSchema):
    pass


class TrainingStandingSchema(StandingSchema):
    pass


class TrainingSessionPatchSchema(SessionPatchSchema):
    pass


class TrainingCancelInputSchema(CancelInputSchema):
    pass


class CodeDayArgs(BaseSchema):
    day = fields.Date(
        load_default=None,
        error_messages={"invalid": BAD_DATE},
        metadata={
            "description": "培训的某一天（北京时间）。现场码只能是今天；"
            "纸质码默认今天，或离今天最近的一天"
        },
    )
    printed = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true：打印用的纸质签到码，当天全天有效"
            "（照片转发也能用，请只张贴在会场）；"
            "false（默认）：现场屏幕显示的签到码，每 5 分钟更新，显示后约 10 分钟内有效"
        },
    )


class YearArgs(BaseSchema):
    year = fields.Integer(load_default=None, metadata={"description": "年度（默认今年）"})


def _page(list_page: Callable[..., tuple[list[Any], int]], pagination: Any, *args: Any) -> list:
    """One page of a `page_*` use case; the total goes to the X-Pagination header."""
    rows, total = list_page(
        *township_scope(), *args, offset=pagination.first_item, limit=pagination.page_size
    )
    pagination.item_count = total
    return rows


_CHECK_IN_FIELDS = ("id", "session_id", "representative_id", "day", "half", "checked_in_at")


def _check_ins_out(rows: list[Any]) -> list[dict[str, Any]]:
    """Check-ins as `CheckInSchema` shows them, with whether each was made by scanning the
    day's code (`service.scanned_ids`)."""
    scanned = service.scanned_ids(rows)
    return [
        {**{name: getattr(row, name) for name in _CHECK_IN_FIELDS}, "by_scan": row.id in scanned}
        for row in rows
    ]


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

    @api.arguments(TrainingSessionPatchSchema)
    @api.response(200, TrainingSessionSchema)
    def patch(self, data: Changes[SessionInput], session_id: int):
        """Change a session before it starts; those affected are told"""
        return service.update_session(*township_scope(), session_id, data)


@api.route("/sessions/<int:session_id>/cancel")
class SessionCancel(MethodView):
    @api.arguments(TrainingCancelInputSchema)
    @api.response(200, TrainingSessionSchema)
    def post(self, data: CancelInput, session_id: int):
        """Cancel a session with the reason; everyone invited is told"""
        return service.cancel_session(*township_scope(), session_id, data.reason)


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
        """The session's check-ins, by day; `by_scan`: the representative checked in by
        scanning the day's code, not the office"""
        return _check_ins_out(_page(service.page_check_ins, pagination_parameters, session_id))

    @api.arguments(CheckInInputSchema)
    @api.response(201, CheckInSchema)
    def post(self, data: CheckInInput, session_id: int):
        """Check a representative in on a day of the session (today when not given)"""
        row = service.check_in(
            *township_scope(), session_id, data.representative_id, day=data.day, half=data.half
        )
        return _check_ins_out([row])[0]


@api.route("/sessions/<int:session_id>/check-in-code")
class CheckInCode(MethodView):
    @api.arguments(CodeDayArgs, location="query")
    @api.response(200, CheckInCodeSchema)
    def get(self, args: dict[str, Any], session_id: int):
        """The office's check-in code and the link of its QR code. By default the code shown on
        a screen today: it turns every 5 minutes (Asia/Shanghai) and is refused from
        `valid_until` on (409 `check_in_code_expired`), `refresh_in` seconds say when to fetch
        the next. `printed=true`: the code of a day, to print before it, good all that day"""
        return service.check_in_code(
            *township_scope(), session_id, args.get("day"), printed=args["printed"]
        )


@api.route("/sessions/<int:session_id>/self-check-in")
class SelfCheckIn(MethodView):
    @api.arguments(SelfCheckInInputSchema)
    @api.response(200, CheckInSchema)
    def post(self, data: SelfCheckInInput, session_id: int):
        """An invited representative checks themselves in with a code (from its QR code): on
        its day only (409 `training_rule` otherwise), a shown code only in its 5-minute window
        and the next (409 `check_in_code_expired`); a second time answers the same check-in;
        404 for a wrong code, 403 for one not invited. The office sees it as made by scanning
        (`by_scan`) and may take it back"""
        return _check_ins_out([service.self_check_in(*township_scope(), session_id, data.token)])[0]


@api.route("/standings")
class Standings(MethodView):
    @api.arguments(YearArgs, location="query")
    @api.response(200, TrainingStandingSchema(many=True))
    def get(self, args: dict[str, Any]):
        """Each representative's training in the year against the township's rules"""
        return service.standings(*township_scope(), args.get("year"))
