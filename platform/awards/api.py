"""REST API of the awards: the township's (/api/v1/t/<slug>/awards: adoption marks,
nominations, and its own selection under /own-selections and /own-candidates, with its .xlsx
exports; the committee reads it, the office runs it) and the county's
(/api/v1/c/<county>/awards: selections, candidates, choices)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields, validate

from lianxin import spreadsheets
from lianxin.api.base import BaseSchema, Blueprint
from lianxin.awards import service
from lianxin.awards.inputs import (
    FIRST_YEAR,
    LAST_YEAR,
    AdoptionInput,
    AdoptionInputSchema,
    ChoiceInput,
    ChoiceInputSchema,
    NominationInput,
    NominationInputSchema,
    SelectionInput,
    SelectionInputSchema,
)
from lianxin.awards.schemas import (
    AdoptedItemSchema,
    AdoptionSchema,
    CandidateSchema,
    GatheredSchema,
    SelectionSchema,
)
from lianxin.web.scope import current_actor, current_county, township_scope

township_api = Blueprint(
    "awards_api",
    __name__,
    url_prefix="/api/v1/t/<township_slug>/awards",
    description="评先评优：采纳标记和推荐",
)
county_api = Blueprint(
    "county_awards_api",
    __name__,
    url_prefix="/api/v1/c/<county_slug>/awards",
    description="县级评先评优（四十佳）",
)


class YearQuerySchema(BaseSchema):
    year = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR)
    )


# --- the township ------------------------------------------------------------------------------


@township_api.route("/adoptions")
class Adoptions(MethodView):
    @township_api.arguments(YearQuerySchema, location="query")
    @township_api.response(200, AdoptionSchema(many=True))
    @township_api.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any):
        """List the items marked as adopted (采纳), by the year they were adopted"""
        rows, total = service.page_adoptions(
            *township_scope(),
            year=args["year"],
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return rows

    @township_api.arguments(AdoptionInputSchema)
    @township_api.response(201, AdoptionSchema)
    def post(self, data: AdoptionInput):
        """Mark a proposal, a closed case's answer or a sitting-in suggestion as adopted"""
        return service.mark_adopted(*township_scope(), data)


@township_api.route("/adoptions/export")
class AdoptionsExport(MethodView):
    @township_api.arguments(YearQuerySchema, location="query")
    @township_api.response(200, description="采纳台账.xlsx（联络办公室）")
    def get(self, args: dict[str, Any]):
        """The adoption register (采纳台账) as .xlsx, of every year or of one (the office)"""
        actor, township = township_scope()
        body = service.adoptions_xlsx(actor, township, year=args["year"])
        name = service.adoptions_file_name(township, args["year"])
        return spreadsheets.response(body, name, ascii_name="adoptions.xlsx")


@township_api.route("/adoptions/<int:adoption_id>")
class AdoptionById(MethodView):
    @township_api.response(204)
    def delete(self, adoption_id: int):
        """Take a mark back (refused once the item is nominated)"""
        service.unmark_adopted(*township_scope(), adoption_id)


@township_api.route("/adopted")
class AdoptedItems(MethodView):
    @township_api.arguments(YearQuerySchema, location="query")
    @township_api.response(200, AdoptedItemSchema(many=True))
    def get(self, args: dict[str, Any]):
        """Every adopted item, consultations' own 采纳 feedback included: what may be nominated"""
        return service.adopted_items(*township_scope(), year=args["year"])


@township_api.route("/selections")
class TownshipSelections(MethodView):
    @township_api.response(200, SelectionSchema(many=True))
    def get(self):
        """The county's selections taking nominations"""
        return service.open_selections(*township_scope())


@township_api.route("/selections/<int:selection_id>/nominations")
class Nominations(MethodView):
    @township_api.response(200, CandidateSchema(many=True))
    def get(self, selection_id: int):
        """This township's nominations to a selection"""
        return service.nominations(*township_scope(), selection_id)

    @township_api.arguments(NominationInputSchema)
    @township_api.response(201, CandidateSchema)
    def post(self, data: NominationInput, selection_id: int):
        """Nominate one of the township's adopted items for the best suggestions"""
        return service.nominate(*township_scope(), selection_id, data)


@township_api.route("/nominations/<int:candidate_id>")
class NominationById(MethodView):
    @township_api.response(204)
    def delete(self, candidate_id: int):
        """Withdraw one of the township's nominations while the selection takes them"""
        service.withdraw_nomination(*township_scope(), candidate_id)


# --- the township's own selection (本镇评选): the office's -------------------------------------


@township_api.route("/own-selections")
class OwnSelections(MethodView):
    @township_api.response(200, SelectionSchema(many=True))
    def get(self):
        """The township's own selections, newest year first"""
        return service.own_selections(*township_scope())

    @township_api.arguments(SelectionInputSchema)
    @township_api.response(201, SelectionSchema)
    def post(self, data: SelectionInput):
        """Open the township's own selection of a year (one a year)"""
        return service.open_own_selection(*township_scope(), data)


@township_api.route("/own-selections/<int:selection_id>")
class OwnSelectionById(MethodView):
    @township_api.response(200, SelectionSchema)
    def get(self, selection_id: int):
        """One of the township's own selections"""
        return service.get_own_selection(*township_scope(), selection_id)


@township_api.route("/own-selections/<int:selection_id>/candidates")
class OwnCandidates(MethodView):
    @township_api.response(200, CandidateSchema(many=True))
    def get(self, selection_id: int):
        """Its candidates of every category, winners first"""
        roll = service.own_roll(*township_scope(), selection_id)
        return [c for category in service.CATEGORIES for c in roll.candidates.get(category, [])]


class CategoryQuerySchema(BaseSchema):
    category = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([c.value for c in service.CATEGORIES]),
    )


@township_api.route("/own-selections/<int:selection_id>/candidates/export")
class OwnCandidatesExport(MethodView):
    @township_api.arguments(CategoryQuerySchema, location="query")
    @township_api.response(200, description="候选名单.xlsx（联络办公室、党委委员）")
    def get(self, args: dict[str, Any], selection_id: int):
        """Its candidates as .xlsx (one category, or all): figures, rank, chosen and reason"""
        actor, township = township_scope()
        body = service.own_candidates_xlsx(actor, township, selection_id, args["category"])
        selection = service.get_own_selection(actor, township, selection_id)
        name, ascii_name = service.own_file_names(selection, "candidates")
        return spreadsheets.response(body, name, ascii_name=ascii_name)


@township_api.route("/own-selections/<int:selection_id>/roll/export")
class OwnRollExport(MethodView):
    @township_api.arguments(CategoryQuerySchema, location="query")
    @township_api.response(200, description="光荣榜.xlsx（已公布的评选）")
    def get(self, args: dict[str, Any], selection_id: int):
        """A closed selection's honour roll as .xlsx: the winners with their reasons"""
        actor, township = township_scope()
        body = service.own_honour_roll_xlsx(actor, township, selection_id, args["category"])
        selection = service.get_own_selection(actor, township, selection_id)
        name, ascii_name = service.own_file_names(selection, "roll")
        return spreadsheets.response(body, name, ascii_name=ascii_name)


@township_api.route("/own-selections/<int:selection_id>/gather")
class OwnGather(MethodView):
    @township_api.response(200, GatheredSchema)
    def post(self, selection_id: int):
        """Take the candidates from the duty scores, the township's rollups and adopted items"""
        return service.gather_own_candidates(*township_scope(), selection_id)


@township_api.route("/own-selections/<int:selection_id>/choosing")
class OwnChoosing(MethodView):
    @township_api.response(200, SelectionSchema)
    def post(self, selection_id: int):
        """Fix the candidates: the winners may now be chosen"""
        return service.start_own_choosing(*township_scope(), selection_id)


@township_api.route("/own-selections/<int:selection_id>/close")
class OwnClose(MethodView):
    @township_api.response(200, SelectionSchema)
    def post(self, selection_id: int):
        """Close the selection and publish the township's honour roll"""
        return service.close_own_selection(*township_scope(), selection_id)


@township_api.route("/own-candidates/<int:candidate_id>/choose")
class OwnChoose(MethodView):
    @township_api.arguments(ChoiceInputSchema)
    @township_api.response(200, CandidateSchema)
    def post(self, data: ChoiceInput, candidate_id: int):
        """Choose a candidate as a winner, with the reason"""
        return service.choose_own(*township_scope(), candidate_id, data)


@township_api.route("/own-candidates/<int:candidate_id>/unchoose")
class OwnUnchoose(MethodView):
    @township_api.response(200, CandidateSchema)
    def post(self, candidate_id: int):
        """Take a choice back while still choosing"""
        return service.unchoose_own(*township_scope(), candidate_id)


# --- the county --------------------------------------------------------------------------------


def _county() -> tuple[Any, Any]:
    return current_actor(), current_county()


@county_api.route("/selections")
class Selections(MethodView):
    @county_api.response(200, SelectionSchema(many=True))
    def get(self):
        """The county's selections, newest year first"""
        return service.list_selections(*_county())

    @county_api.arguments(SelectionInputSchema)
    @county_api.response(201, SelectionSchema)
    def post(self, data: SelectionInput):
        """Open the selection of a year (one a year), with each category's number of winners"""
        return service.open_selection(*_county(), data)


@county_api.route("/selections/<int:selection_id>")
class SelectionById(MethodView):
    @county_api.response(200, SelectionSchema)
    def get(self, selection_id: int):
        """One selection"""
        return service.get_selection(*_county(), selection_id)


@county_api.route("/selections/<int:selection_id>/candidates")
class Candidates(MethodView):
    @county_api.response(200, CandidateSchema(many=True))
    def get(self, selection_id: int):
        """Its candidates of every category, winners first"""
        roll = service.selection_roll(*_county(), selection_id)
        return [c for category in service.CATEGORIES for c in roll.candidates.get(category, [])]


@county_api.route("/selections/<int:selection_id>/gather")
class Gather(MethodView):
    @county_api.response(200, GatheredSchema)
    def post(self, selection_id: int):
        """Take the best representatives', stations' and units' candidates from the rollups"""
        return service.gather_candidates(*_county(), selection_id)


@county_api.route("/selections/<int:selection_id>/choosing")
class Choosing(MethodView):
    @county_api.response(200, SelectionSchema)
    def post(self, selection_id: int):
        """Fix the candidates and close the nominations: the committee may now choose"""
        return service.start_choosing(*_county(), selection_id)


@county_api.route("/selections/<int:selection_id>/close")
class Close(MethodView):
    @county_api.response(200, SelectionSchema)
    def post(self, selection_id: int):
        """Close the selection and publish its honour roll"""
        return service.close_selection(*_county(), selection_id)


@county_api.route("/candidates/<int:candidate_id>/choose")
class Choose(MethodView):
    @county_api.arguments(ChoiceInputSchema)
    @county_api.response(200, CandidateSchema)
    def post(self, data: ChoiceInput, candidate_id: int):
        """Choose a candidate as a winner, with the committee's reason"""
        return service.choose(*_county(), candidate_id, data)


@county_api.route("/candidates/<int:candidate_id>/unchoose")
class Unchoose(MethodView):
    @county_api.response(200, CandidateSchema)
    def post(self, candidate_id: int):
        """Take a choice back while the committee is still choosing"""
        return service.unchoose(*_county(), candidate_id)
