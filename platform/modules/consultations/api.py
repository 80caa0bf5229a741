"""REST API of the consultations module (征询意见), mounted at /api/v1/t/<slug>/consultations.

Every rule lives in the service; the handlers turn its results into plain dicts for the
schemas. Lists come in pages (`page`, `page_size`; the total in the X-Pagination header)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.consultations import service
from lianxin.modules.consultations.inputs import (
    AnswerInput,
    ConsultationAnswerSchema,
    ConsultationCaseSchema,
    ConsultationFeedbackSchema,
    ConsultationInput,
    ConsultationInputSchema,
    ConsultationVoteSchema,
    FeedbackInput,
    OpinionCaseInput,
    VoteInput,
)
from lianxin.modules.consultations.models import Consultation
from lianxin.modules.consultations.schemas import (
    ConsultationAnswerRowSchema,
    ConsultationCaseBriefSchema,
    ConsultationDetailSchema,
    ConsultationOpenedSchema,
    ConsultationQuerySchema,
    ConsultationSchema,
    ConsultationTallySchema,
)
from lianxin.web.scope import township_scope

api = ApiBlueprint("consultations_api", __name__, description="征询意见")


def detail(consultation: Consultation) -> dict[str, Any]:
    actor, township = township_scope()
    out: dict[str, Any] = {
        k: getattr(consultation, k) for k in ConsultationSchema().fields if k != "id"
    }
    out["id"] = consultation.id
    out["files"] = [
        {"id": f.id, "filename": f.filename}
        for f in service.consultation_files(actor, township, consultation.id)
    ]
    out["tally"] = (
        service.consultation_tally(consultation) if service.sees_all(actor, township) else None
    )
    mine = service.my_invitee(actor, township, consultation)
    out["answered"] = None if mine is None else service.has_answered(consultation, mine)
    out["my_answer"] = (
        {"stance": mine.stance, "opinion": mine.opinion}
        if mine is not None and mine.answered_at is not None
        else None
    )
    return out


def opened(result: service.Opened) -> dict[str, Any]:
    return {
        "consultation": result.consultation,
        "links": [
            {"invitee_id": link.invitee.id, "name": link.name, "url": link.url}
            for link in result.links
            if not link.sent
        ],
    }


@api.route("/consultations")
class Consultations(MethodView):
    @api.arguments(ConsultationQuerySchema, location="query")
    @api.response(200, ConsultationSchema(many=True))
    @api.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: Any):
        """List consultations (the office and committee: all; a representative: theirs)"""
        rows, total = service.page_consultations(
            *township_scope(),
            state=query.get("state"),
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return rows

    @api.arguments(ConsultationInputSchema)
    @api.response(201, ConsultationOpenedSchema)
    def post(self, data: ConsultationInput):
        """Open a consultation (at least the township's minimum of representatives)"""
        return opened(service.open_consultation(*township_scope(), data))


@api.route("/consultations/<int:consultation_id>")
class ConsultationById(MethodView):
    @api.response(200, ConsultationDetailSchema)
    def get(self, consultation_id: int):
        """One consultation, with the tally for the office and one's own answer"""
        return detail(service.get_consultation(*township_scope(), consultation_id))


@api.route("/consultations/<int:consultation_id>/answer")
class Answer(MethodView):
    @api.arguments(ConsultationAnswerSchema)
    @api.response(200, ConsultationDetailSchema)
    def post(self, data: AnswerInput, consultation_id: int):
        """Answer: agree, disagree or an opinion (in a vote: abstain), once"""
        actor, township = township_scope()
        service.answer(actor, township, consultation_id, data)
        return detail(service.get_consultation(actor, township, consultation_id))


@api.route("/consultations/<int:consultation_id>/answers")
class Answers(MethodView):
    @api.response(200, ConsultationAnswerRowSchema(many=True))
    def get(self, consultation_id: int):
        """Each representative asked and their answer (none listed for a secret vote)"""
        return [
            {
                "invitee_id": row.invitee.id,
                "representative_id": row.representative.id,
                "name": row.representative.name,
                "answered": row.answered,
                "stance": row.invitee.stance,
                "opinion": row.invitee.opinion,
                "answered_at": row.invitee.answered_at,
                "case_id": row.invitee.case_id,
            }
            for row in service.answers(*township_scope(), consultation_id)
        ]


@api.route("/consultations/<int:consultation_id>/tally")
class TallyView(MethodView):
    @api.response(200, ConsultationTallySchema)
    def get(self, consultation_id: int):
        """How many were asked, answered, and the count of each answer"""
        return service.tally(*township_scope(), consultation_id)


@api.route("/consultations/<int:consultation_id>/close")
class Close(MethodView):
    @api.response(200, ConsultationSchema)
    def post(self, consultation_id: int):
        """Close to answers (a secret vote is then counted)"""
        return service.close_consultation(*township_scope(), consultation_id)


@api.route("/consultations/<int:consultation_id>/feedback")
class Feedback(MethodView):
    @api.arguments(ConsultationFeedbackSchema)
    @api.response(200, ConsultationSchema)
    def post(self, data: FeedbackInput, consultation_id: int):
        """The committee's answer: adopted, partly adopted or not, sent to everyone asked"""
        return service.give_feedback(*township_scope(), consultation_id, data)


@api.route("/consultations/<int:consultation_id>/vote")
class Vote(MethodView):
    @api.arguments(ConsultationVoteSchema)
    @api.response(201, ConsultationOpenedSchema)
    def post(self, data: VoteInput, consultation_id: int):
        """Turn a personnel consultation into a recorded (secret or named) vote"""
        return opened(service.call_vote(*township_scope(), consultation_id, data))


@api.route("/invitees/<int:invitee_id>/case")
class OpinionCase(MethodView):
    @api.arguments(ConsultationCaseSchema)
    @api.response(201, ConsultationCaseBriefSchema)
    def post(self, data: OpinionCaseInput, invitee_id: int):
        """Register a representative's opinion as a case"""
        new = service.raise_case(*township_scope(), invitee_id, data)
        return {"id": new.case.id, "title": new.case.title, "tracking_code": new.tracking_code}
