"""REST API of the by-elections module, mounted at /api/v1/t/<slug>/by_elections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.by_elections import service
from lianxin.modules.by_elections.inputs import (
    AnnounceInput,
    ByElectionAnnounceInputSchema,
    ByElectionCandidateInputSchema,
    ByElectionInput,
    ByElectionInputSchema,
    ByElectionOpenInputSchema,
    ByElectionPaperCountInputSchema,
    ByElectionQuotasInputSchema,
    ByElectionRecommendInputSchema,
    ByElectionReviewInputSchema,
    ByElectionStepInputSchema,
    CandidateInput,
    OpenInput,
    PaperCountInput,
    QuotasInput,
    RecommendInput,
    ReviewInput,
    StepInput,
)
from lianxin.modules.by_elections.schemas import (
    ByElectionCandidateSchema,
    ByElectionLinkSchema,
    ByElectionSchema,
    ByElectionStepSchema,
)
from lianxin.web import links
from lianxin.web.scope import township_scope

api = ApiBlueprint("by_elections_api", __name__, description="补选")


def _page(list_page: Callable[..., tuple[list[Any], int]], pagination: Any, *args: Any) -> list:
    rows, total = list_page(
        *township_scope(), *args, offset=pagination.first_item, limit=pagination.page_size
    )
    pagination.item_count = total
    return rows


def _links(issued: list[service.IssuedLink]) -> list[dict[str, Any]]:
    _actor, township = township_scope()
    return [
        {
            "voter_id": link.voter.id,
            "name": link.name,
            "url": links.public_url(
                "by_elections_public.vote", township_slug=township.slug, token=link.token
            ),
        }
        for link in issued
    ]


@api.route("/elections")
class Elections(MethodView):
    @api.response(200, ByElectionSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """List by-elections"""
        return _page(service.page_elections, pagination_parameters)

    @api.arguments(ByElectionInputSchema)
    @api.response(201, ByElectionSchema)
    def post(self, data: ByElectionInput):
        """Register a by-election (登记): the electoral unit, seats, term and vacancies"""
        return service.create_by_election(*township_scope(), data)


@api.route("/elections/<int:election_id>")
class ElectionById(MethodView):
    @api.response(200, ByElectionSchema)
    def get(self, election_id: int):
        """One by-election"""
        return service.get_election(*township_scope(), election_id)


@api.route("/elections/<int:election_id>/quotas")
class QuotasOf(MethodView):
    @api.arguments(ByElectionQuotasInputSchema)
    @api.response(200, ByElectionSchema)
    def put(self, data: QuotasInput, election_id: int):
        """Set the structure quotas (结构名额: kind → minimum candidates passing the review),
        all at once, while the sign-up (报名) is open (else 409 step_order)"""
        return service.set_quotas(*township_scope(), election_id, data)


@api.route("/elections/<int:election_id>/steps")
class Steps(MethodView):
    @api.response(200, ByElectionStepSchema(many=True))
    def get(self, election_id: int):
        """The steps recorded, in order"""
        election = service.get_election(*township_scope(), election_id)
        return sorted(service.steps_of(election).values(), key=lambda r: (r.on, r.id))


@api.route("/elections/<int:election_id>/candidates")
class Candidates(MethodView):
    @api.response(200, ByElectionCandidateSchema(many=True))
    def get(self, election_id: int):
        """The candidates"""
        return service.candidates_of(service.get_election(*township_scope(), election_id))

    @api.arguments(ByElectionCandidateInputSchema)
    @api.response(201, ByElectionCandidateSchema)
    def post(self, data: CandidateInput, election_id: int):
        """Add a candidate (报名; while registration is open, else 409 step_order)"""
        return service.add_candidate(*township_scope(), election_id, data)


@api.route("/elections/<int:election_id>/nomination")
class Nomination(MethodView):
    @api.arguments(ByElectionStepInputSchema)
    @api.response(201, ByElectionStepSchema)
    def post(self, data: StepInput, election_id: int):
        """Close the sign-up (报名 recorded)"""
        return service.close_nomination(*township_scope(), election_id, data)


@api.route("/elections/<int:election_id>/recommendation")
class Recommendation(MethodView):
    @api.arguments(ByElectionRecommendInputSchema)
    @api.response(201, ByElectionStepSchema)
    def post(self, data: RecommendInput, election_id: int):
        """Record the recommendation (推选): the candidates recommended"""
        return service.recommend(*township_scope(), election_id, data)


@api.route("/elections/<int:election_id>/notice")
class Notice(MethodView):
    @api.arguments(ByElectionStepInputSchema)
    @api.response(201, ByElectionStepSchema)
    def post(self, data: StepInput, election_id: int):
        """Publish the candidates' notice (公示) for the township's period"""
        return service.publish_notice(*township_scope(), election_id, data)


@api.route("/elections/<int:election_id>/candidates/<int:candidate_id>/review")
class Review(MethodView):
    @api.arguments(ByElectionReviewInputSchema)
    @api.response(200, ByElectionCandidateSchema)
    def post(self, data: ReviewInput, election_id: int, candidate_id: int):
        """Review one candidate (审查): passed, or failed with a reason; 409 notice_period
        before the notice period has ended"""
        return service.review_candidate(*township_scope(), election_id, candidate_id, data)


@api.route("/elections/<int:election_id>/review")
class ReviewDone(MethodView):
    @api.arguments(ByElectionStepInputSchema)
    @api.response(201, ByElectionStepSchema)
    def post(self, data: StepInput, election_id: int):
        """Record the review (审查) once every candidate is reviewed"""
        return service.close_review(*township_scope(), election_id, data)


@api.route("/elections/<int:election_id>/election")
class Election(MethodView):
    @api.arguments(ByElectionOpenInputSchema)
    @api.response(201, ByElectionLinkSchema(many=True))
    def post(self, data: OpenInput, election_id: int):
        """Open the election (直选): 409 margin below the township's candidate margin, 409
        quota when the candidates passing the review miss a structure quota; online,
        each voter's one-time link (shown once)"""
        return _links(service.open_election(*township_scope(), election_id, data))


@api.route("/elections/<int:election_id>/count")
class Count(MethodView):
    @api.response(200, ByElectionSchema)
    def post(self, election_id: int):
        """Close the online ballot and count (tallies only)"""
        return service.close_and_count(*township_scope(), election_id)


@api.route("/elections/<int:election_id>/paper-count")
class PaperCount(MethodView):
    @api.arguments(ByElectionPaperCountInputSchema)
    @api.response(200, ByElectionSchema)
    def post(self, data: PaperCountInput, election_id: int):
        """Enter the tellers' count of a paper ballot"""
        return service.record_paper_count(*township_scope(), election_id, data)


@api.route("/elections/<int:election_id>/announce")
class Announce(MethodView):
    @api.arguments(ByElectionAnnounceInputSchema)
    @api.response(200, ByElectionCandidateSchema(many=True))
    def post(self, data: AnnounceInput, election_id: int):
        """Publish the result notice: the elected join the roll"""
        return service.announce(*township_scope(), election_id, data)
