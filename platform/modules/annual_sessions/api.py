"""REST API of the annual-session module, mounted at /api/v1/t/<slug>/annual_sessions.

Every rule lives in the service; a handler hands the loaded input (the dataclass of its schema
in `inputs.py`) to the use case, which loads the record itself (an id of another township is
404 before anything else), and turns what it returns into plain dicts for the schemas. The
session's check-in code (its QR code) is shown to the office only; a secret ballot answers
with the caller's `voted` and the turnout, never with what anyone chose; a vote's result is
409 `vote_open` until it has closed.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest.pagination import PaginationParameters

from lianxin import spreadsheets
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import (
    AgendaItemCreateSchema,
    AgendaJoinGroupSchema,
    BallotCastSchema,
    BallotChoiceSchema,
    BallotHandsSchema,
    BallotInput,
    BallotPaperTallySchema,
    BallotVoteCreateSchema,
    HandsInput,
    ImplementationInput,
    ItemInput,
    JoinGroupInput,
    LeaveInput,
    ObserverInput,
    ResolutionInput,
    SessionCreateSchema,
    SessionImplementationSchema,
    SessionInput,
    SessionLeaveSchema,
    SessionObserverCreateSchema,
    SessionResolutionCreateSchema,
    TallyInput,
    VoteInput,
)
from lianxin.modules.annual_sessions.models import (
    Attendance,
    BallotChannel,
    Document,
    Item,
    Observer,
    Resolution,
    Session,
    Vote,
)
from lianxin.modules.annual_sessions.schemas import (
    AgendaDecisionSchema,
    AgendaItemSchema,
    AttendanceQuerySchema,
    BallotResultSchema,
    BallotVoteSchema,
    SessionAttendanceSchema,
    SessionCheckInSchema,
    SessionDeliverySchema,
    SessionDetailSchema,
    SessionDocumentSchema,
    SessionDocumentUploadSchema,
    SessionLeaveDecisionSchema,
    SessionObserverSchema,
    SessionProposalWindowSchema,
    SessionReportSchema,
    SessionResolutionPublishSchema,
    SessionResolutionSchema,
    SessionRollSchema,
    SessionSchema,
)
from lianxin.people.models import Representative
from lianxin.web.scope import current_township, township_scope

api = ApiBlueprint("annual_sessions_api", __name__, description="党代表年会")

# Lists are paged (`page`, `page_size`; the `X-Pagination` header says the total) by the
# blueprint's one policy: 100 rows unless asked, at most 1000.
T = TypeVar("T")


def _page(rows: list[T], pagination: PaginationParameters) -> list[T]:
    """The requested page of `rows` (in the service's order), the total set for the header."""
    pagination.item_count = len(rows)
    return rows[pagination.first_item : pagination.first_item + pagination.page_size]


# --- rows → dicts --------------------------------------------------------------------------------


def session_out(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "title": session.title,
        "held_on": session.held_on,
        "ends_on": session.ends_on,
        "place": session.place,
        "state": session.state,
        "agenda_fixed_at": session.agenda_fixed_at,
        "opened_at": session.opened_at,
        "closed_at": session.closed_at,
        "created_at": session.created_at,
    }


def roll_out(roll: service.Roll) -> dict[str, Any]:
    return {
        "expected": roll.expected,
        "present": roll.present,
        "on_leave": roll.on_leave,
        "leave_requested": roll.leave_requested,
        "absent": roll.absent,
        "quorum_needed": roll.quorum_needed,
        "quorum_met": roll.quorum_met,
        "left_early": roll.left_early,
    }


def window_out(offer: service.WindowOffer) -> dict[str, Any]:
    return {
        "opened": offer.opened,
        "window_id": offer.window_id,
        "opens_on": offer.opens_on,
        "closes_on": offer.closes_on,
        "message": offer.message,
    }


def session_detail(session: Session) -> dict[str, Any]:
    actor, township = township_scope()
    rules = service.agenda_rules(township, session)
    out = {
        **session_out(session),
        "agenda_deadline": service.agenda_deadline(township, session),
        "committee_agenda_deadline": rules.committee_deadline,
        "group_agenda_deadline": rules.group_deadline,
        "mandatory_listing": rules.mandatory_listing,
        "roll": roll_out(service.roll(township, session)),
    }
    if service.is_office(actor, township):  # the QR code is for the office to show, no one else
        out["checkin_token"] = session.checkin_token
        count = service.observer_count(township, session)
        out["observers"] = {"registered": count.registered, "checked_in": count.checked_in}
    return out


def observer_out(row: Observer) -> dict[str, Any]:
    return {
        "id": row.id,
        "session_id": row.session_id,
        "name": row.name,
        "kind": row.kind,
        "unit": row.unit,
        "checked_in_at": row.checked_in_at,
        "created_at": row.created_at,
    }


def document_out(document: Document) -> dict[str, Any]:
    from lianxin.storage.models import StoredFile

    stored = db.session.get(StoredFile, (current_township().id, document.file_id))
    return {
        "id": document.id,
        "title": document.title,
        "file_id": document.file_id,
        "filename": stored.filename if stored is not None else "",
        "content_type": stored.content_type if stored is not None else "",
        "size": stored.size if stored is not None else 0,
        "created_at": document.created_at,
    }


def item_out(item: Item) -> dict[str, Any]:
    support = service.support_of(item)
    return {
        "id": item.id,
        "session_id": item.session_id,
        "title": item.title,
        "description": item.description,
        "kind": item.kind,
        "proposer": item.proposer,
        "proposed_by_id": item.proposed_by_id,
        "status": item.status,
        "by_rule": bool(item.by_rule),
        "decline_reason": item.decline_reason,
        "during_session": bool(item.during_session),
        "supporters": support.representatives,
        "groups": support.groups,
        "created_at": item.created_at,
    }


def _reason_reader() -> int | None:
    """Leave reasons are for the office, and each representative's own for them: the
    representative id whose reason the caller may read besides (0 for the office: all)."""
    actor, township = township_scope()
    if service.is_office(actor, township):
        return 0
    rep = casework.representative_of(actor, township)
    return rep.id if rep is not None else None


def attendance_out(
    rep: Representative, row: Attendance | None, reader: int | None
) -> dict[str, Any]:
    readable = row is not None and reader is not None and reader in (0, rep.id)
    return {
        "representative_id": rep.id,
        "name": rep.name,
        "status": row.status if row is not None else None,
        "leave_reason": row.leave_reason if readable and row is not None else None,
        "leave_from": row.leave_from if row is not None else None,
        "checked_in_at": row.checked_in_at if row is not None else None,
        "self_checked_in": bool(row.self_checked_in) if row is not None else False,
    }


def _attendance_of(session_id: int, rep_id: int) -> dict[str, Any]:
    actor, township = township_scope()
    reader = _reason_reader()
    for rep, row in service.attendance(actor, township, session_id):
        if rep.id == rep_id:
            return attendance_out(rep, row, reader)
    raise AssertionError(f"representative {rep_id} is not expected")  # pragma: no cover


def vote_out(vote: Vote) -> dict[str, Any]:
    actor, township = township_scope()
    item = service.get_item(actor, township, vote.item_id)
    return {
        "id": vote.id,
        "session_id": vote.session_id,
        "item_id": vote.item_id,
        "item_title": item.title,
        "method": vote.method,
        "channel": vote.channel,
        "seats": vote.seats,
        "state": vote.state,
        "expected_count": vote.expected_count,
        "turnout": service.turnout(actor, township, vote.id),
        "voted": service.voted(actor, township, vote.id),
        "candidates": [
            {"id": c.id, "name": c.name, "elected": c.elected} for c in service.candidates(vote)
        ],
        "teller1_id": vote.teller1_id,
        "teller2_id": vote.teller2_id,
        "scrutineer_id": vote.scrutineer_id,
        "tally_status": (
            service.tally_status(actor, township, vote.id)
            if vote.channel == BallotChannel.PAPER
            else None
        ),
        "passed": vote.passed,
        "closed_at": vote.closed_at,
    }


def resolution_out(resolution: Resolution) -> dict[str, Any]:
    return {
        "id": resolution.id,
        "session_id": resolution.session_id,
        "item_id": resolution.item_id,
        "title": resolution.title,
        "text": resolution.text,
        "published_at": resolution.published_at,
        "implementation": resolution.implementation,
        "implementation_reported_at": resolution.implementation_reported_at,
        "created_at": resolution.created_at,
    }


# --- sessions ------------------------------------------------------------------------------------


@api.route("/sessions")
class Sessions(MethodView):
    @api.response(200, SessionSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters: PaginationParameters):
        """Every session of the township, the latest first"""
        rows = service.list_sessions(*township_scope())
        return [session_out(s) for s in _page(rows, pagination_parameters)]

    @api.arguments(SessionCreateSchema)
    @api.response(201, SessionDetailSchema)
    def post(self, data: SessionInput):
        """Plan a session (the office), from its first day to its last (`ends_on`, the same
        day by default); items may be proposed until the agenda deadline. With
        `open_proposal_window` the proposal collection window opens a month before the first
        day (`proposal_window` says what came of it: opened, or why not)"""
        planned = service.plan_session(*township_scope(), data)
        out = session_detail(planned.session)
        out["proposal_window"] = window_out(planned.window) if planned.window else None
        return out


@api.route("/sessions/<int:session_id>")
class SessionById(MethodView):
    @api.response(200, SessionDetailSchema)
    def get(self, session_id: int):
        """One session with its roll (应到, 实到, leave, quorum) and the agenda deadline; the
        check-in code only for the office"""
        return session_detail(service.get_session(*township_scope(), session_id))


@api.route("/sessions/<int:session_id>/proposal-window")
class ProposalWindow(MethodView):
    @api.response(200, SessionProposalWindowSchema)
    def post(self, session_id: int):
        """Open the proposal collection window a month before the session (the office): 409
        `proposal_windows_off` when the township takes proposals without windows (or has no
        proposals module), `proposal_window_exists` when a window already covers the month"""
        return window_out(service.open_proposal_window(*township_scope(), session_id))


@api.route("/sessions/<int:session_id>/deliveries")
class Deliveries(MethodView):
    @api.response(200, SessionDeliverySchema(many=True))
    @api.paginate()
    def get(self, session_id: int, pagination_parameters: PaginationParameters):
        """Who was reached by which channel with the agenda and each resolution (the office):
        `inbox` (站内信), `sms` (短信, no account) or `none` (未送达：无手机号) — never a phone"""
        report = service.deliveries(*township_scope(), session_id)
        return [
            {
                "representative_id": row.representative.id,
                "name": row.representative.name,
                "agenda": row.channels.get("agenda"),
                "resolutions": {
                    key.split(":", 1)[1]: channel
                    for key, channel in row.channels.items()
                    if key.startswith("resolution:")
                },
            }
            for row in _page(report.rows, pagination_parameters)
        ]


@api.route("/sessions/<int:session_id>/fix-agenda")
class FixAgenda(MethodView):
    @api.response(200, SessionDetailSchema)
    def post(self, session_id: int):
        """Fix the agenda and send it to every representative (the office; 409 while items
        wait for the committee's decision)"""
        return session_detail(service.fix_agenda(*township_scope(), session_id))


@api.route("/sessions/<int:session_id>/open")
class OpenSession(MethodView):
    @api.response(200, SessionDetailSchema)
    def post(self, session_id: int):
        """Open the session (the office): 409 `quorum_not_met` below 4/5 of 应到 present"""
        return session_detail(service.open_session(*township_scope(), session_id))


@api.route("/sessions/<int:session_id>/close")
class CloseSession(MethodView):
    @api.response(200, SessionDetailSchema)
    def post(self, session_id: int):
        """Close the session (the office; 409 while a vote is open)"""
        return session_detail(service.close_session(*township_scope(), session_id))


@api.route("/sessions/<int:session_id>/roll")
class Roll(MethodView):
    @api.response(200, SessionRollSchema)
    def get(self, session_id: int):
        """The live count: 应到, 实到, on leave, leave requested and the quorum"""
        actor, township = township_scope()
        session = service.get_session(actor, township, session_id)
        return roll_out(service.roll(township, session))


@api.route("/sessions/<int:session_id>/documents")
class Documents(MethodView):
    @api.response(200, SessionDocumentSchema(many=True))
    @api.paginate()
    def get(self, session_id: int, pagination_parameters: PaginationParameters):
        """The session's documents (download them through the files API)"""
        rows = service.documents(*township_scope(), session_id)
        return [document_out(d) for d in _page(rows, pagination_parameters)]

    @api.arguments(SessionDocumentUploadSchema, location="files")
    @api.response(201, SessionDocumentSchema)
    def post(self, files, session_id: int):
        """Upload a document (multipart: `file` and its `title`), such as the committee's work
        report (the office)"""
        upload = files["file"]
        # The title is a form field beside the file: the service checks it after the session
        # and the office's role (422 naming `title`).
        title = request.form.get("title", "")
        document = service.add_document(
            *township_scope(), session_id, upload.stream, upload.filename or "file", title
        )
        return document_out(document)


# --- agenda --------------------------------------------------------------------------------------


@api.route("/sessions/<int:session_id>/items")
class Items(MethodView):
    @api.response(200, AgendaItemSchema(many=True))
    @api.paginate()
    def get(self, session_id: int, pagination_parameters: PaginationParameters):
        """Every item proposed for the session, with its support and status"""
        rows = service.items(*township_scope(), session_id)
        return [item_out(i) for i in _page(rows, pagination_parameters)]

    @api.arguments(AgendaItemCreateSchema)
    @api.response(201, AgendaItemSchema)
    def post(self, data: ItemInput, session_id: int):
        """Propose an item: the committee (before the deadline), a group by its leader, or a
        representative for others to join; 409 `agenda_closed` after the deadline"""
        return item_out(service.propose_item(*township_scope(), session_id, data))


@api.route("/items/<int:item_id>")
class ItemById(MethodView):
    @api.response(200, AgendaItemSchema)
    def get(self, item_id: int):
        """One item"""
        return item_out(service.get_item(*township_scope(), item_id))


@api.route("/items/<int:item_id>/join")
class JoinItem(MethodView):
    @api.response(200, AgendaItemSchema)
    def post(self, item_id: int):
        """Add one's name to an item proposed by representatives jointly (409 `already_joined`);
        enough names put it on the agenda by rule"""
        return item_out(service.join_item(*township_scope(), item_id))


@api.route("/items/<int:item_id>/join-group")
class JoinItemAsGroup(MethodView):
    @api.arguments(AgendaJoinGroupSchema)
    @api.response(200, AgendaItemSchema)
    def post(self, data: JoinGroupInput, item_id: int):
        """Another group joins an item proposed by a group (its leader or deputy)"""
        return item_out(service.join_item_as_group(*township_scope(), item_id, data.group_id))


@api.route("/items/<int:item_id>/decision")
class DecideItem(MethodView):
    @api.arguments(AgendaDecisionSchema)
    @api.response(200, AgendaItemSchema)
    def post(self, data, item_id: int):
        """The committee puts an item on the agenda or declines it with a reason"""
        item = service.decide_item(
            *township_scope(), item_id, accept=data["accept"], reason=data["reason"]
        )
        return item_out(item)


# --- attendance ----------------------------------------------------------------------------------


@api.route("/sessions/<int:session_id>/attendance")
class AttendanceList(MethodView):
    @api.response(200, SessionAttendanceSchema(many=True))
    @api.paginate()
    def get(self, session_id: int, pagination_parameters: PaginationParameters):
        """Every expected representative and their attendance (leave reasons for the office,
        and one's own)"""
        actor, township = township_scope()
        reader = _reason_reader()
        rows = service.attendance(actor, township, session_id)
        return [attendance_out(rep, row, reader) for rep, row in _page(rows, pagination_parameters)]


@api.route("/sessions/<int:session_id>/attendance/export")
class AttendanceExport(MethodView):
    @api.arguments(AttendanceQuerySchema, location="query")
    @api.response(200, description="出席情况.xlsx（应到、实到、请假；工作人员）")
    def get(self, args: dict[str, Any], session_id: int):
        """The attendance register as .xlsx, with the roll's search (the office)"""
        actor, township = township_scope()
        session = service.get_session(actor, township, session_id)
        data = service.attendance_xlsx(actor, township, session_id, q=args["q"])
        name = _("%(t)s 出席情况.xlsx", t=session.title[:40])
        return spreadsheets.response(data, name, ascii_name="attendance.xlsx")


@api.route("/sessions/<int:session_id>/leave")
class RequestLeave(MethodView):
    @api.arguments(SessionLeaveSchema)
    @api.response(200, SessionAttendanceSchema)
    def post(self, data: LeaveInput, session_id: int):
        """A representative asks for leave from `leave_from` to the session's last day: before
        it opens (the whole session by default) or, once open, for the days that remain — never
        a day already past (422 `leave_from`); the office decides"""
        row = service.request_leave(
            *township_scope(), session_id, data.reason, leave_from=data.leave_from
        )
        return _attendance_of(session_id, row.representative_id)


@api.route("/sessions/<int:session_id>/attendance/<int:representative_id>/leave-decision")
class LeaveDecision(MethodView):
    @api.arguments(SessionLeaveDecisionSchema)
    @api.response(200, SessionAttendanceSchema)
    def post(self, data, session_id: int, representative_id: int):
        """The office approves or refuses a leave request"""
        row = service.decide_leave(
            *township_scope(), session_id, representative_id, approve=data["approve"]
        )
        return _attendance_of(session_id, row.representative_id)


@api.route("/sessions/<int:session_id>/attendance/<int:representative_id>/check-in")
class StaffCheckIn(MethodView):
    @api.response(200, SessionAttendanceSchema)
    def post(self, session_id: int, representative_id: int):
        """Staff check a representative in on any day of the session (the Asia/Shanghai date;
        409 `already_checked_in`)"""
        row = service.check_in(*township_scope(), session_id, representative_id)
        return _attendance_of(session_id, row.representative_id)


@api.route("/sessions/<int:session_id>/check-in")
class SelfCheckIn(MethodView):
    @api.arguments(SessionCheckInSchema)
    @api.response(200, SessionAttendanceSchema)
    def post(self, data, session_id: int):
        """A representative checks in with the session's code (from its QR code); 404 for a
        wrong code"""
        row = service.self_check_in(*township_scope(), session_id, data["token"])
        return _attendance_of(session_id, row.representative_id)


# --- observers (列席人员) -------------------------------------------------------------------------


@api.route("/sessions/<int:session_id>/observers")
class Observers(MethodView):
    @api.response(200, SessionObserverSchema(many=True))
    @api.paginate()
    def get(self, session_id: int, pagination_parameters: PaginationParameters):
        """The session's observers (列席人员, the office): not representatives, never counted in
        应到, the quorum or a vote"""
        rows = service.observers(*township_scope(), session_id)
        return [observer_out(o) for o in _page(rows, pagination_parameters)]

    @api.arguments(SessionObserverCreateSchema)
    @api.response(201, SessionObserverSchema)
    def post(self, data: ObserverInput, session_id: int):
        """Record an observer (the office): a migrant party member, a people's-congress deputy,
        a CPPCC member or another the committee invites; until the session closes"""
        return observer_out(service.add_observer(*township_scope(), session_id, data))


@api.route("/observers/<int:observer_id>")
class ObserverById(MethodView):
    @api.response(200, SessionObserverSchema)
    def get(self, observer_id: int):
        """One observer (the office)"""
        return observer_out(service.get_observer(*township_scope(), observer_id))

    @api.response(204)
    def delete(self, observer_id: int):
        """Take off an observer recorded by mistake (409 once checked in or the session closed)"""
        service.remove_observer(*township_scope(), observer_id)


@api.route("/observers/<int:observer_id>/check-in")
class ObserverCheckIn(MethodView):
    @api.response(200, SessionObserverSchema)
    def post(self, observer_id: int):
        """Staff check an observer in on a day of the session (409 `already_checked_in`); the
        roll (应到, 到会, the quorum) does not change"""
        return observer_out(service.check_in_observer(*township_scope(), observer_id))


# --- votes ---------------------------------------------------------------------------------------


@api.route("/sessions/<int:session_id>/votes")
class SessionVotes(MethodView):
    @api.response(200, BallotVoteSchema(many=True))
    @api.paginate()
    def get(self, session_id: int, pagination_parameters: PaginationParameters):
        """Every vote of the session"""
        rows = service.votes(*township_scope(), session_id)
        return [vote_out(v) for v in _page(rows, pagination_parameters)]


@api.route("/items/<int:item_id>/vote")
class ItemVote(MethodView):
    @api.response(200, BallotVoteSchema)
    def get(self, item_id: int):
        """The item's vote (404 before there is one)"""
        actor, township = township_scope()
        item = service.get_item(actor, township, item_id)
        for vote in service.votes(actor, township, item.session_id):
            if vote.item_id == item.id:
                return vote_out(vote)
        raise NotFound(_("该议题还没有表决"))

    @api.arguments(BallotVoteCreateSchema)
    @api.response(201, BallotVoteSchema)
    def post(self, data: VoteInput, item_id: int):
        """Put an item on the agenda to the vote while the session is open (the office):
        hands, named, or secret online or on paper (two tellers and a scrutineer); elections
        and personnel items only secret; an election with seats and candidates"""
        return vote_out(service.create_vote(*township_scope(), item_id, data))


@api.route("/votes/<int:vote_id>")
class VoteById(MethodView):
    @api.response(200, BallotVoteSchema)
    def get(self, vote_id: int):
        """One vote: its state, method, turnout, candidates and whether the caller has voted"""
        return vote_out(service.get_vote(*township_scope(), vote_id))


@api.route("/votes/<int:vote_id>/hands")
class Hands(MethodView):
    @api.arguments(BallotHandsSchema)
    @api.response(200, BallotVoteSchema)
    def post(self, data: HandsInput, vote_id: int):
        """Record a show of hands (the office); the vote closes with the counts"""
        return vote_out(service.record_hands(*township_scope(), vote_id, data))


@api.route("/votes/<int:vote_id>/named")
class Named(MethodView):
    @api.arguments(BallotChoiceSchema)
    @api.response(200, BallotVoteSchema)
    def post(self, data: BallotInput, vote_id: int):
        """Cast a named vote (a representative present; 409 `already_voted`)"""
        actor, township = township_scope()
        service.cast_named(actor, township, vote_id, data)
        return vote_out(service.get_vote(actor, township, vote_id))


@api.route("/votes/<int:vote_id>/ballot")
class SecretBallot(MethodView):
    @api.arguments(BallotCastSchema)
    @api.response(200, BallotVoteSchema)
    def post(self, data: BallotInput, vote_id: int):
        """Cast a secret ballot online (a representative present): a choice, or for an
        election the chosen candidates; 409 `already_voted`, `vote_closed`. The answer says
        only that one has voted"""
        actor, township = township_scope()
        service.cast_secret(actor, township, vote_id, data)
        return vote_out(service.get_vote(actor, township, vote_id))


@api.route("/votes/<int:vote_id>/close")
class CloseVote(MethodView):
    @api.response(200, BallotVoteSchema)
    def post(self, vote_id: int):
        """Close an online vote (named or secret) and count it (the office)"""
        return vote_out(service.close_vote(*township_scope(), vote_id))


@api.route("/votes/<int:vote_id>/paper-tally")
class PaperTallyEntry(MethodView):
    @api.arguments(BallotPaperTallySchema)
    @api.response(200, BallotVoteSchema)
    def post(self, data: TallyInput, vote_id: int):
        """A teller enters the count of the paper ballots; when both tellers agree the vote
        closes, otherwise `tally_status` is `mismatch` for the scrutineer"""
        return vote_out(service.enter_paper_tally(*township_scope(), vote_id, data))


@api.route("/votes/<int:vote_id>/recount")
class Recount(MethodView):
    @api.response(200, BallotVoteSchema)
    def post(self, vote_id: int):
        """The scrutineer has the paper ballots counted again (both tellers' entries cleared)"""
        return vote_out(service.reset_paper_tally(*township_scope(), vote_id))


@api.route("/votes/<int:vote_id>/result")
class VoteResult(MethodView):
    @api.response(200, BallotResultSchema)
    def get(self, vote_id: int):
        """The tally and whether it passed (more than half of 应到); 409 `vote_open` until the
        vote has closed"""
        return service.result(*township_scope(), vote_id)


# --- resolutions ---------------------------------------------------------------------------------


@api.route("/sessions/<int:session_id>/resolutions")
class Resolutions(MethodView):
    @api.response(200, SessionResolutionSchema(many=True))
    @api.paginate()
    def get(self, session_id: int, pagination_parameters: PaginationParameters):
        """The session's resolutions"""
        rows = service.resolutions(*township_scope(), session_id)
        return [resolution_out(r) for r in _page(rows, pagination_parameters)]

    @api.arguments(SessionResolutionCreateSchema)
    @api.response(201, SessionResolutionSchema)
    def post(self, data: ResolutionInput, session_id: int):
        """Write a resolution (from an item the session passed); it goes to every
        representative (the office)"""
        return resolution_out(service.create_resolution(*township_scope(), session_id, data))


@api.route("/resolutions/<int:resolution_id>/published")
class ResolutionPublished(MethodView):
    @api.arguments(SessionResolutionPublishSchema)
    @api.response(200, SessionResolutionSchema)
    def put(self, data, resolution_id: int):
        """Publish the resolution on the public pages (or withdraw it) (the office)"""
        resolution = service.set_resolution_published(
            *township_scope(), resolution_id, data["published"]
        )
        return resolution_out(resolution)


@api.route("/resolutions/<int:resolution_id>/implementation")
class ResolutionImplementation(MethodView):
    @api.arguments(SessionImplementationSchema)
    @api.response(200, SessionResolutionSchema)
    def put(self, data: ImplementationInput, resolution_id: int):
        """How the resolution was carried out, reported at the next session (the office)"""
        return resolution_out(
            service.report_implementation(*township_scope(), resolution_id, data.text)
        )


# --- the report ----------------------------------------------------------------------------------


def _reception_out(report: Any) -> dict[str, Any]:
    return {"year": report.year, "days": len(report.days), "totals": report.totals}


def _proposals_out(rows: Any) -> dict[str, Any]:
    return {
        "count": len(rows),
        "rows": [
            {
                "id": r.proposal.id,
                "number": r.proposal.number,
                "title": r.proposal.title,
                "author": r.author,
                "lead_unit": r.lead_unit,
                "state": r.proposal.state,
                "rating": r.proposal.rating,
            }
            for r in rows
        ],
    }


@api.route("/sessions/<int:session_id>/report")
class Report(MethodView):
    @api.response(200, SessionReportSchema)
    def get(self, session_id: int):
        """The session's report: the roll, the agenda, items declined with reasons, every vote
        with its outcome, the resolutions and how the last session's were carried out; the
        year's reception days and proposals when those modules are on"""
        report = service.session_report(*township_scope(), session_id)
        out: dict[str, Any] = {
            "session": session_out(report.session),
            "roll": roll_out(report.roll),
            "agenda": [item_out(i) for i in report.agenda],
            "declined": [item_out(i) for i in report.declined],
            "votes": [
                {"vote": vote_out(v), "item_title": i.title, "outcome": outcome}
                for v, i, outcome in report.votes
            ],
            "resolutions": [resolution_out(r) for r in report.resolutions],
            "previous": [resolution_out(r) for r in report.previous],
        }
        if report.reception is not None:
            out["reception"] = _reception_out(report.reception)
        if report.proposals is not None:
            out["proposals"] = _proposals_out(report.proposals)
        return out
