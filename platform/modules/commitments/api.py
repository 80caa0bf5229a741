"""REST API of the commitment module, mounted at /api/v1/t/<slug>/commitments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from marshmallow import fields

from lianxin.api.base import BaseSchema
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.commitments import service
from lianxin.modules.commitments.inputs import (
    CloseInput,
    CloseInputSchema,
    CommitmentInput,
    CommitmentInputSchema,
    ProgressInput,
    ProgressInputSchema,
    ReturnInput,
    ReturnInputSchema,
    RevisionInput,
    RevisionInputSchema,
)
from lianxin.modules.commitments.schemas import BoardRowSchema, CommitmentSchema, ProgressSchema
from lianxin.modules.kit import today
from lianxin.people.privacy import current_viewer
from lianxin.web.scope import township_scope

api = ApiBlueprint("commitments_api", __name__, description="公开承诺")


# Names of their own in /api/docs (other modules have a ProgressInput, a CloseInput …).
class CommitmentProgressInputSchema(ProgressInputSchema):
    pass


class CommitmentCloseInputSchema(CloseInputSchema):
    pass


class CommitmentReturnInputSchema(ReturnInputSchema):
    pass


class CommitmentRevisionInputSchema(RevisionInputSchema):
    pass


class CommitmentProgressSchema(ProgressSchema):
    pass


class ListArgs(BaseSchema):
    year = fields.Integer(load_default=None, metadata={"description": "年度"})
    status = fields.String(load_default=None, metadata={"description": "状态"})
    representative_id = fields.Integer(load_default=None)


class YearArgs(BaseSchema):
    year = fields.Integer(load_default=None, metadata={"description": "年度（默认今年）"})


def _page(
    list_page: Callable[..., tuple[list[Any], int]], pagination: Any, *args: Any, **kw: Any
) -> list:
    """One page of a `page_*` use case; the total goes to the X-Pagination header."""
    rows, total = list_page(
        *township_scope(), *args, offset=pagination.first_item, limit=pagination.page_size, **kw
    )
    pagination.item_count = total
    return rows


@api.route("/commitments")
class Commitments(MethodView):
    @api.arguments(ListArgs, location="query")
    @api.response(200, CommitmentSchema(many=True))
    @api.paginate()
    def get(self, args: dict[str, Any], pagination_parameters):
        """List the commitments the caller may see, by deadline"""
        return _page(service.page_commitments, pagination_parameters, **args)

    @api.arguments(CommitmentInputSchema)
    @api.response(201, CommitmentSchema)
    def post(self, data: CommitmentInput):
        """Write one's own commitment, or (the office) enter one for a representative"""
        return service.create_commitment(*township_scope(), data)


@api.route("/commitments/<int:commitment_id>")
class CommitmentById(MethodView):
    @api.response(200, CommitmentSchema)
    def get(self, commitment_id: int):
        """One commitment"""
        return service.get_commitment(*township_scope(), commitment_id)


@api.route("/commitments/<int:commitment_id>/revise")
class Revise(MethodView):
    @api.arguments(CommitmentRevisionInputSchema)
    @api.response(200, CommitmentSchema)
    def post(self, data: RevisionInput, commitment_id: int):
        """Revise one's own waiting or returned commitment"""
        return service.revise_commitment(*township_scope(), commitment_id, data)


@api.route("/commitments/<int:commitment_id>/approve")
class Approve(MethodView):
    @api.response(200, CommitmentSchema)
    def post(self, commitment_id: int):
        """Approve a waiting commitment: it goes on the public board"""
        return service.approve_commitment(*township_scope(), commitment_id)


@api.route("/commitments/<int:commitment_id>/return")
class Return(MethodView):
    @api.arguments(CommitmentReturnInputSchema)
    @api.response(200, CommitmentSchema)
    def post(self, data: ReturnInput, commitment_id: int):
        """Return a waiting commitment with a reason"""
        return service.return_commitment(*township_scope(), commitment_id, data)


@api.route("/commitments/<int:commitment_id>/progress")
class ProgressNotes(MethodView):
    @api.response(200, CommitmentProgressSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters, commitment_id: int):
        """The commitment's progress notes, oldest first"""
        return _page(service.page_progress, pagination_parameters, commitment_id)

    @api.arguments(CommitmentProgressInputSchema)
    @api.response(201, CommitmentProgressSchema)
    def post(self, data: ProgressInput, commitment_id: int):
        """Report progress on an approved commitment"""
        return service.add_progress(*township_scope(), commitment_id, data)


@api.route("/commitments/<int:commitment_id>/close")
class Close(MethodView):
    @api.arguments(CommitmentCloseInputSchema)
    @api.response(200, CommitmentSchema)
    def post(self, data: CloseInput, commitment_id: int):
        """Close as kept or (from the deadline on) not kept, with a note"""
        return service.close_commitment(*township_scope(), commitment_id, data)


@api.route("/board")
class Board(MethodView):
    @api.arguments(YearArgs, location="query")
    @api.response(200, BoardRowSchema(many=True))
    def get(self, args: dict[str, Any]):
        """The year's public commitments with their status"""
        actor, township = township_scope()
        year = args.get("year") or today().year
        return service.board_for(actor, township, current_viewer(), year)
