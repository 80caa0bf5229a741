"""REST API of the proposals module, mounted at /api/v1/t/<slug>/proposals.

Every rule lives in the service; a handler passes the typed input (the dataclass its schema
loads, or a body's plain values) to the use case, which finds the record itself (an id of
another township, or one the caller may not see, is 404 before anything else), and turns what it
returns into plain dicts for the schemas.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Page

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.casework.models import Rating
from lianxin.db import db
from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import (
    AssignInput,
    DraftInput,
    InviteInput,
    MergeInput,
    PaperInput,
    ProposalAssignSchema,
    ProposalDraftPatchSchema,
    ProposalDraftSchema,
    ProposalInviteSchema,
    ProposalMergeSchema,
    ProposalPaperSchema,
    ProposalWindowInputSchema,
    WindowInput,
)
from lianxin.modules.proposals.models import (
    Assignment,
    Event,
    Extension,
    Kind,
    Proposal,
    Signature,
    State,
)
from lianxin.modules.proposals.schemas import (
    ProposalAcceptSchema,
    ProposalAnswerSchema,
    ProposalAssignmentSchema,
    ProposalContactSchema,
    ProposalDashboardSchema,
    ProposalDecisionSchema,
    ProposalDetailSchema,
    ProposalDraftFromCaseSchema,
    ProposalEventSchema,
    ProposalExtensionRequestSchema,
    ProposalExtensionSchema,
    ProposalFileSchema,
    ProposalFileUploadSchema,
    ProposalInquiryAnswerSchema,
    ProposalNoteSchema,
    ProposalPublishSchema,
    ProposalQuerySchema,
    ProposalRateSchema,
    ProposalReasonSchema,
    ProposalReportSchema,
    ProposalSchema,
    ProposalSignerSchema,
    ProposalWindowSchema,
)
from lianxin.modules.proposals.states import KIND_LABELS, STATE_LABELS
from lianxin.people.models import HandlingUnit, Representative
from lianxin.usecases import Changes
from lianxin.web.scope import current_township, township_scope

api = ApiBlueprint("proposals_api", __name__, description="提案、建议意见和质询")


# --- rows → dicts --------------------------------------------------------------------------------


def _state_label(state: str) -> str:
    return str(STATE_LABELS[State(state)])


def _kind_label(kind: str) -> str:
    return str(KIND_LABELS[Kind(kind)])


def _rating_label(rating: str | None) -> str | None:
    return service.RATING_LABELS[Rating(rating)] if rating else None


def _unit_name(unit_id: int) -> str:
    unit = db.session.get(HandlingUnit, (current_township().id, unit_id))
    return unit.name if unit is not None else ""


def proposal_out(proposal: Proposal, author_name: str | None = None) -> dict[str, Any]:
    """A proposal's row; a list passes its author's name, looked up for the page at once."""
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "kind_label": _kind_label(proposal.kind),
        "title": proposal.title,
        "category": proposal.category,
        "complexity": proposal.complexity,
        "state": proposal.state,
        "state_label": _state_label(proposal.state),
        "number": proposal.number,
        "year": proposal.year,
        "author_id": proposal.author_id,
        "author_name": service.author_name(proposal) if author_name is None else author_name,
        "group_id": proposal.group_id,
        "group_discussed_on": proposal.group_discussed_on,
        "group_discussion": proposal.group_discussion,
        "round": proposal.round,
        "submitted_at": proposal.submitted_at,
        "from_paper": proposal.from_paper,
        "paper_form_on": proposal.paper_form_on,
        "answered_at": proposal.answered_at,
        "rating": proposal.rating,
        "published_at": proposal.published_at,
        "created_at": proposal.created_at,
        "updated_at": proposal.updated_at,
    }


def signer_out(signature: Signature, rep: Representative, author_id: int) -> dict[str, Any]:
    return {
        "id": signature.id,
        "representative_id": rep.id,
        "name": rep.name,
        "is_author": rep.id == author_id,
        "in_office": rep.in_office,
        "status": signature.status,
        "responded_at": signature.responded_at,
        "counted": signature.counted,
    }


def assignment_out(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.id,
        "unit_id": assignment.unit_id,
        "unit_name": _unit_name(assignment.unit_id),
        "role": assignment.role,
        "round": assignment.round,
        "status": assignment.status,
        "due_on": assignment.due_on,
        "due_estimated": bool(assignment.due_estimated),
        "contacted_at": assignment.contacted_at,
        "contact_note": assignment.contact_note,
        "answer": assignment.answer,
        "answered_at": assignment.answered_at,
        "return_reason": assignment.return_reason,
    }


def extension_out(extension: Extension) -> dict[str, Any]:
    return {
        "id": extension.id,
        "assignment_id": extension.assignment_id,
        "days": extension.days,
        "reason": extension.reason,
        "status": extension.status,
        "decided_at": extension.decided_at,
        "created_at": extension.created_at,
    }


def detail_out(proposal: Proposal) -> dict[str, Any]:
    """The proposal with its signers, the threshold (a draft's), assignments and extensions;
    each read through the service as the caller."""
    actor, township = township_scope()
    threshold = None
    if proposal.state == State.DRAFT:
        check = service.threshold(township, proposal)
        threshold = {
            "needed": check.needed,
            "valid": len(check.valid),
            "ended": [r.name for r in check.ended],
            "group": check.group,
            "discussed": check.discussed,
            "signers_waived": check.signers_waived,
            "met": check.met,
        }
    return {
        **proposal_out(proposal),
        "body": proposal.body,
        "review_note": proposal.review_note,
        "merged_into_id": proposal.merged_into_id,
        "answer": proposal.answer,
        "answer_public": bool(proposal.answer_public),
        "rating_label": _rating_label(proposal.rating),
        "rating_comment": proposal.rating_comment,
        "rated_at": proposal.rated_at,
        "closed_reason": proposal.closed_reason,
        "closed_at": proposal.closed_at,
        "lead_unit": service.lead_unit_name(proposal),
        "case_ids": [c.id for c in service.linked_cases(actor, township, proposal.id)],
        "signers": [
            signer_out(s, r, proposal.author_id)
            for s, r in service.signatures(actor, township, proposal.id)
        ],
        "threshold": threshold,
        "assignments": [
            assignment_out(a) for a in service.assignments(actor, township, proposal.id)
        ],
        "extensions": [extension_out(e) for e in service.extensions(actor, township, proposal.id)],
    }


def _signer(proposal_id: int, signature: Signature) -> dict[str, Any]:
    actor, township = township_scope()
    proposal = service.get_proposal(actor, township, proposal_id)
    for s, r in service.signatures(actor, township, proposal.id):
        if s.id == signature.id:
            return signer_out(s, r, proposal.author_id)
    raise AssertionError(f"signature {signature.id} is not on its proposal")  # pragma: no cover


# --- proposals -----------------------------------------------------------------------------------


@api.route("/proposals")
class Proposals(MethodView):
    @api.arguments(ProposalQuerySchema, location="query")
    @api.response(200, ProposalSchema(many=True))
    @api.paginate()
    def get(self, args, pagination_parameters):
        """The proposals the caller may see (the office and the committee every submitted one;
        a representative their own and those they are named on; a unit what it was assigned)"""
        rows, total = service.page_of_proposals(
            *township_scope(),
            state=args.get("state"),
            kind=args.get("kind"),
            mine=args["mine"],
            year=args.get("year"),
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        names = service.author_names(rows)
        return [proposal_out(p, names.get(p.author_id, "")) for p in rows]

    @api.arguments(ProposalDraftSchema)
    @api.response(201, ProposalDetailSchema)
    def post(self, data: DraftInput):
        """Draft a proposal, suggestion or inquiry (a representative in office; the author is
        its first signer)"""
        return detail_out(service.create_draft(*township_scope(), data))


@api.route("/proposals/paper")
class PaperProposals(MethodView):
    @api.arguments(ProposalPaperSchema)
    @api.response(201, ProposalDetailSchema)
    def post(self, data: PaperInput):
        """Key in a paper 提案提议表 (the office): the author's draft with the co-signers who
        signed the paper, submitted at once under the rules of the day it was handed in"""
        return detail_out(service.register_from_paper(*township_scope(), data))


@api.route("/proposals/<int:proposal_id>")
class ProposalById(MethodView):
    @api.response(200, ProposalDetailSchema)
    def get(self, proposal_id: int):
        """One proposal with its signers, threshold (drafts), assignments and extensions"""
        return detail_out(service.get_proposal(*township_scope(), proposal_id))

    @api.arguments(ProposalDraftPatchSchema)
    @api.response(200, ProposalDetailSchema)
    def patch(self, data: Changes[DraftInput], proposal_id: int):
        """Change the draft (the author); a changed title, text or kind asks the co-signers to
        sign again"""
        return detail_out(service.update_draft(*township_scope(), proposal_id, data))


@api.route("/proposals/<int:proposal_id>/invitations")
class Invitations(MethodView):
    @api.arguments(ProposalInviteSchema)
    @api.response(200, ProposalSignerSchema(many=True))
    def post(self, data: InviteInput, proposal_id: int):
        """Invite representatives in office to co-sign (the author, on a draft); answers the
        whole list of signers"""
        actor, township = township_scope()
        service.invite(actor, township, proposal_id, data.representative_ids)
        proposal = service.get_proposal(actor, township, proposal_id)
        return [
            signer_out(s, r, proposal.author_id)
            for s, r in service.signatures(actor, township, proposal.id)
        ]


@api.route("/proposals/<int:proposal_id>/signature")
class OwnSignature(MethodView):
    @api.response(200, ProposalSignerSchema)
    def post(self, proposal_id: int):
        """Co-sign (an invited representative, while it is a draft)"""
        return _signer(proposal_id, service.sign(*township_scope(), proposal_id))

    @api.response(200, ProposalSignerSchema)
    def delete(self, proposal_id: int):
        """Decline to co-sign (an invited representative, while it is a draft)"""
        return _signer(proposal_id, service.decline(*township_scope(), proposal_id))


@api.route("/proposals/<int:proposal_id>/submit")
class Submit(MethodView):
    @api.response(200, ProposalDetailSchema)
    def post(self, proposal_id: int):
        """Submit (the author): refused with 409 `signers_threshold` while too few signers in
        office have signed, and `submission_closed` outside a collection window; the signers
        are frozen"""
        return detail_out(service.submit(*township_scope(), proposal_id))


@api.route("/proposals/<int:proposal_id>/files")
class Files(MethodView):
    @api.response(200, ProposalFileSchema(many=True))
    def get(self, proposal_id: int):
        """Supporting files (download them through the files API)"""
        return service.files_of(*township_scope(), proposal_id)

    @api.arguments(ProposalFileUploadSchema, location="files")
    @api.response(201, ProposalFileSchema)
    def post(self, data, proposal_id: int):
        """Attach a file: the author to a draft, an assigned unit while handling it"""
        upload = data["file"]
        return service.attach(
            *township_scope(), proposal_id, upload.stream, upload.filename or "file"
        )


@api.route("/proposals/<int:proposal_id>/history")
class History(MethodView):
    @api.response(200, ProposalEventSchema(many=True))
    def get(self, proposal_id: int):
        """Every step, who took it and when"""
        rows: list[Event] = service.history(*township_scope(), proposal_id)
        return rows


# --- review (the proposal office) ----------------------------------------------------------------


@api.route("/proposals/<int:proposal_id>/accept")
class Accept(MethodView):
    @api.arguments(ProposalAcceptSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """立案: accept a submitted one and give it its number"""
        return detail_out(
            service.accept(*township_scope(), proposal_id, complexity=data["complexity"])
        )


@api.route("/proposals/<int:proposal_id>/convert")
class Convert(MethodView):
    @api.arguments(ProposalNoteSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """Accept it as a suggestion (转为建议意见), with the reason told to the author"""
        return detail_out(
            service.convert_to_suggestion(*township_scope(), proposal_id, data["note"])
        )


@api.route("/proposals/<int:proposal_id>/merge")
class Merge(MethodView):
    @api.arguments(ProposalMergeSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data: MergeInput, proposal_id: int):
        """并案: handle it together with an accepted proposal on the same matter"""
        return detail_out(service.merge(*township_scope(), proposal_id, data.into_id, data.note))


@api.route("/proposals/<int:proposal_id>/reject")
class Reject(MethodView):
    @api.arguments(ProposalReasonSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """不予立案, with the written reason the author reads"""
        return detail_out(service.reject(*township_scope(), proposal_id, data["reason"]))


@api.route("/proposals/<int:proposal_id>/assign")
class Assign(MethodView):
    @api.arguments(ProposalAssignSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data: AssignInput, proposal_id: int):
        """交办 to one lead unit and optional co-units (again after an unsatisfied rating or a
        lead unit's return); the deadline follows from the complexity"""
        return detail_out(service.assign(*township_scope(), proposal_id, data))


@api.route("/proposals/<int:proposal_id>/close")
class Close(MethodView):
    @api.arguments(ProposalReasonSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """办结 an accepted proposal at any point, with the reason"""
        return detail_out(service.close(*township_scope(), proposal_id, data["reason"]))


@api.route("/proposals/<int:proposal_id>/published")
class Published(MethodView):
    @api.arguments(ProposalPublishSchema)
    @api.response(200, ProposalDetailSchema)
    def put(self, data, proposal_id: int):
        """Publish the answered proposal on the public pages (or withdraw it)"""
        return detail_out(service.set_published(*township_scope(), proposal_id, data["published"]))


# --- handling (the units) ------------------------------------------------------------------------


@api.route("/proposals/<int:proposal_id>/contact")
class Contact(MethodView):
    @api.arguments(ProposalContactSchema)
    @api.response(200, ProposalAssignmentSchema)
    def post(self, data, proposal_id: int):
        """The unit records that it has contacted the author (办前联系), before answering"""
        return assignment_out(service.contact_author(*township_scope(), proposal_id, data["note"]))


@api.route("/proposals/<int:proposal_id>/answer")
class Answer(MethodView):
    @api.arguments(ProposalAnswerSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """The unit's written answer (409 `contact_first` before contacting the author); the
        lead unit's is the answer the author rates"""
        return detail_out(service.answer(*township_scope(), proposal_id, data["text"]))


@api.route("/proposals/<int:proposal_id>/return")
class Return(MethodView):
    @api.arguments(ProposalReasonSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """The unit sends it back as not its business (a lead unit's return puts it back with
        the office)"""
        return detail_out(service.return_to_office(*township_scope(), proposal_id, data["reason"]))


@api.route("/proposals/<int:proposal_id>/extensions")
class Extensions(MethodView):
    @api.response(200, ProposalExtensionSchema(many=True))
    def get(self, proposal_id: int):
        """The units' extension requests"""
        return [extension_out(e) for e in service.extensions(*township_scope(), proposal_id)]

    @api.arguments(ProposalExtensionRequestSchema)
    @api.response(201, ProposalExtensionSchema)
    def post(self, data, proposal_id: int):
        """The unit asks for more days (the office decides)"""
        extension = service.request_extension(
            *township_scope(), proposal_id, data["days"], data["reason"]
        )
        return extension_out(extension)


@api.route("/extensions/<int:extension_id>/decision")
class ExtensionDecision(MethodView):
    @api.arguments(ProposalDecisionSchema)
    @api.response(200, ProposalExtensionSchema)
    def post(self, data, extension_id: int):
        """The office approves (the deadline moves) or refuses an extension request"""
        extension = service.decide_extension(
            *township_scope(), extension_id, approve=data["approve"]
        )
        return extension_out(extension)


@api.route("/proposals/<int:proposal_id>/inquiry-answer")
class InquiryAnswer(MethodView):
    @api.arguments(ProposalInquiryAnswerSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """The Party committee answers an accepted inquiry (质询), to the author or publicly"""
        proposal = service.answer_inquiry(
            *township_scope(), proposal_id, data["text"], public=data["public"]
        )
        return detail_out(proposal)


@api.route("/proposals/<int:proposal_id>/rating")
class RateAnswer(MethodView):
    @api.arguments(ProposalRateSchema)
    @api.response(200, ProposalDetailSchema)
    def post(self, data, proposal_id: int):
        """The author rates the answer: satisfied or basically satisfied closes it; unsatisfied
        (with a comment) sends it back to the office to assign again"""
        return detail_out(
            service.rate(*township_scope(), proposal_id, data["rating"], data["comment"])
        )


# --- collection windows --------------------------------------------------------------------------


@api.route("/windows")
class Windows(MethodView):
    @api.response(200, ProposalWindowSchema(many=True))
    @api.paginate(Page)
    def get(self):
        """Collection windows (征集期): submissions are open within one"""
        return service.list_windows(*township_scope())

    @api.arguments(ProposalWindowInputSchema)
    @api.response(201, ProposalWindowSchema)
    def post(self, data: WindowInput):
        """Open a collection window (the office)"""
        return service.add_window(*township_scope(), data)


@api.route("/windows/<int:window_id>")
class WindowById(MethodView):
    @api.response(204)
    def delete(self, window_id: int):
        """Remove a collection window (the office)"""
        service.delete_window(*township_scope(), window_id)


# --- the office's dashboard and the report -------------------------------------------------------


@api.route("/dashboard")
class Dashboard(MethodView):
    @api.response(200, ProposalDashboardSchema)
    def get(self):
        """Counts by state and kind, each unit's load, overdue assignments and satisfaction
        (the office and the committee)"""
        actor, township = township_scope()
        dash = service.dashboard(actor, township)
        return {
            "submission_open": service.submission_open(township),
            "by_state": dash.by_state,
            "by_kind": dash.by_kind,
            "units": [
                {
                    "unit_id": r.unit.id,
                    "unit_name": r.unit.name,
                    "active": r.active,
                    "answered": r.answered,
                    "overdue": r.overdue,
                    "returned": r.returned,
                }
                for r in dash.units
            ],
            "overdue": [
                {
                    "proposal_id": p.id,
                    "number": p.number,
                    "title": p.title,
                    "unit_id": a.unit_id,
                    "unit_name": _unit_name(a.unit_id),
                    "role": a.role,
                    "due_on": a.due_on,
                }
                for p, a in dash.overdue
            ],
            "rated": dash.rated,
            "satisfied": dash.satisfied,
            "satisfaction": dash.satisfaction,
            "ratings": dash.ratings,
        }


@api.route("/reports/<int:year>")
class Report(MethodView):
    @api.response(200, ProposalReportSchema)
    def get(self, year: int):
        """The year's handling report (办理情况报告): every accepted proposal, its units, answer
        and rating; 404 for a year with none"""
        rows = service.handling_report(*township_scope(), year)
        return {
            "year": year,
            "rows": [
                {
                    "id": r.proposal.id,
                    "number": r.proposal.number,
                    "kind": r.proposal.kind,
                    "kind_label": _kind_label(r.proposal.kind),
                    "title": r.proposal.title,
                    "author": r.author,
                    "signers": r.signers,
                    "lead_unit": r.lead_unit,
                    "co_units": r.co_units,
                    "rounds": r.rounds,
                    "answer": r.proposal.answer,
                    "rating": r.proposal.rating,
                    "rating_label": _rating_label(r.proposal.rating),
                    "state": r.proposal.state,
                    "state_label": _state_label(r.proposal.state),
                }
                for r in rows
            ],
        }


# --- from a case ---------------------------------------------------------------------------------


@api.route("/cases/<int:case_id>/draft")
class DraftFromCase(MethodView):
    @api.arguments(ProposalDraftFromCaseSchema)
    @api.response(201, ProposalDetailSchema)
    def post(self, data, case_id: int):
        """Turn a case the representative received into a draft (title and text to edit)"""
        return detail_out(service.draft_from_case(*township_scope(), case_id, data["kind"]))
