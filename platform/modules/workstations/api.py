"""REST API of the workstations module, mounted at /api/v1/t/<slug>/workstations."""

from __future__ import annotations

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.workstations import service
from lianxin.modules.workstations.schemas import (
    CommitmentSchema,
    PublishSchema,
    ShiftSchema,
    StationPatchSchema,
    StationSchema,
    SwapSchema,
)
from lianxin.web.scope import current_actor, current_township

api = ApiBlueprint("workstations_api", __name__, description="代表工作站")


@api.route("/stations")
class Stations(MethodView):
    @api.response(200, StationSchema(many=True))
    def get(self):
        """List stations"""
        return service.list_stations(current_actor(), current_township())

    @api.arguments(StationSchema)
    @api.response(201, StationSchema)
    def post(self, data):
        """Create a station"""
        return service.create_station(current_actor(), current_township(), data)


@api.route("/stations/<int:station_id>")
class StationById(MethodView):
    @api.response(200, StationSchema)
    def get(self, station_id: int):
        """One station"""
        return service.get_station(current_actor(), current_township(), station_id)

    @api.arguments(StationPatchSchema(partial=True))
    @api.response(200, StationSchema)
    def patch(self, data, station_id: int):
        """Change a station"""
        return service.update_station(current_actor(), current_township(), station_id, data)


@api.route("/stations/<int:station_id>/shifts")
class Shifts(MethodView):
    @api.response(200, ShiftSchema(many=True))
    def get(self, station_id: int):
        """The station's duty roster"""
        return service.list_shifts(current_actor(), current_township(), station_id)

    @api.arguments(ShiftSchema)
    @api.response(201, ShiftSchema)
    def post(self, data, station_id: int):
        """Add a shift (unpublished)"""
        return service.add_shift(current_actor(), current_township(), station_id, data)


@api.route("/stations/<int:station_id>/publish")
class Publish(MethodView):
    @api.arguments(PublishSchema)
    @api.response(200, ShiftSchema(many=True))
    def post(self, data, station_id: int):
        """Publish the roster for a date range: each shift N working days before its day
        (409 roster_rule); over a year whose holidays are not known only with
        `confirm_estimated_calendar` (409 calendar_estimated)"""
        return service.publish_roster(
            current_actor(),
            current_township(),
            station_id,
            data["date_from"],
            data["date_to"],
            confirm_estimated_calendar=data["confirm_estimated_calendar"],
        )


@api.route("/shifts/<int:shift_id>/swap")
class Swap(MethodView):
    @api.arguments(SwapSchema)
    @api.response(200, ShiftSchema)
    def post(self, data, shift_id: int):
        """Put another representative on a shift; a published shift inside the lead time only as
        a substitute with a `reason` (409 roster_rule without one)"""
        return service.swap_shift(
            current_actor(),
            current_township(),
            shift_id,
            data["representative_id"],
            reason=data["reason"],
        )


@api.route("/commitments")
class Commitments(MethodView):
    @api.response(200, CommitmentSchema(many=True))
    def get(self):
        """Public commitments of the township's representatives"""
        return service.list_commitments(current_actor(), current_township())

    @api.arguments(CommitmentSchema)
    @api.response(201, CommitmentSchema)
    def post(self, data):
        """Add a commitment"""
        return service.add_commitment(current_actor(), current_township(), data)
