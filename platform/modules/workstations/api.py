"""REST API of the workstations module, mounted at /api/v1/t/<slug>/workstations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.workstations import service
from lianxin.modules.workstations.inputs import (
    CommitmentInput,
    CommitmentInputSchema,
    RosterPublishInput,
    RosterPublishInputSchema,
    ShiftInput,
    ShiftInputSchema,
    StationInput,
    StationInputSchema,
    StationPatchSchema,
    SwapInput,
    SwapInputSchema,
)
from lianxin.modules.workstations.schemas import CommitmentSchema, ShiftSchema, StationSchema
from lianxin.usecases import Changes
from lianxin.web.scope import township_scope

api = ApiBlueprint("workstations_api", __name__, description="代表工作站")


def _page(list_page: Callable[..., tuple[list[Any], int]], pagination: Any, *args: Any) -> list:
    """One page of a `page_*` use case; the total goes to the X-Pagination header."""
    rows, total = list_page(
        *township_scope(), *args, offset=pagination.first_item, limit=pagination.page_size
    )
    pagination.item_count = total
    return rows


@api.route("/stations")
class Stations(MethodView):
    @api.response(200, StationSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """List stations"""
        return _page(service.page_stations, pagination_parameters)

    @api.arguments(StationInputSchema)
    @api.response(201, StationSchema)
    def post(self, data: StationInput):
        """Create a station"""
        return service.create_station(*township_scope(), data)


@api.route("/stations/<int:station_id>")
class StationById(MethodView):
    @api.response(200, StationSchema)
    def get(self, station_id: int):
        """One station"""
        return service.get_station(*township_scope(), station_id)

    @api.arguments(StationPatchSchema)
    @api.response(200, StationSchema)
    def patch(self, data: Changes[StationInput], station_id: int):
        """Change a station"""
        return service.update_station(*township_scope(), station_id, data)


@api.route("/stations/<int:station_id>/shifts")
class Shifts(MethodView):
    @api.response(200, ShiftSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters, station_id: int):
        """The station's duty roster"""
        return _page(service.page_shifts, pagination_parameters, station_id)

    @api.arguments(ShiftInputSchema)
    @api.response(201, ShiftSchema)
    def post(self, data: ShiftInput, station_id: int):
        """Add a shift (unpublished)"""
        return service.add_shift(*township_scope(), station_id, data)


@api.route("/stations/<int:station_id>/publish")
class Publish(MethodView):
    @api.arguments(RosterPublishInputSchema)
    @api.response(200, ShiftSchema(many=True))
    def post(self, data: RosterPublishInput, station_id: int):
        """Publish the roster for a date range: each shift N working days before its day
        (409 roster_rule); over a year whose holidays are not known only with
        `confirm_estimated_calendar` (409 calendar_estimated)"""
        return service.publish_roster(*township_scope(), station_id, data)


@api.route("/shifts/<int:shift_id>/swap")
class Swap(MethodView):
    @api.arguments(SwapInputSchema)
    @api.response(200, ShiftSchema)
    def post(self, data: SwapInput, shift_id: int):
        """Put another representative on a shift; a published shift inside the lead time only as
        a substitute with a `reason` (409 roster_rule without one)"""
        return service.swap_shift(
            *township_scope(), shift_id, data.representative_id, reason=data.reason
        )


@api.route("/commitments")
class Commitments(MethodView):
    @api.response(200, CommitmentSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """Public commitments of the township's representatives"""
        return _page(service.page_commitments, pagination_parameters)

    @api.arguments(CommitmentInputSchema)
    @api.response(201, CommitmentSchema)
    def post(self, data: CommitmentInput):
        """Add a commitment"""
        return service.add_commitment(*township_scope(), data)
