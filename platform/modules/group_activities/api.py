"""REST API of the group-activities module, mounted at /api/v1/t/<slug>/group_activities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    ActivityInput,
    ActivityInputSchema,
    OutcomeCaseInput,
    OutcomeCaseInputSchema,
    OutcomeInput,
    OutcomeInputSchema,
    PlanItemInput,
    PlanItemInputSchema,
    ReportInput,
    ReportInputSchema,
)
from lianxin.modules.group_activities.schemas import (
    GroupActivitySchema,
    GroupAttendanceSchema,
    GroupOutcomeSchema,
    GroupPlanItemSchema,
    GroupReportSchema,
    GroupStandingSchema,
)
from lianxin.modules.kit import today
from lianxin.web.scope import township_scope

api = ApiBlueprint("group_activities_api", __name__, description="代表小组活动")


def _page(list_page: Callable[..., tuple[list[Any], int]], pagination: Any, **kw: Any) -> list:
    """One page of a `page_*` use case; the total goes to the X-Pagination header."""
    rows, total = list_page(
        *township_scope(), offset=pagination.first_item, limit=pagination.page_size, **kw
    )
    pagination.item_count = total
    return rows


@api.route("/groups")
class Groups(MethodView):
    @api.response(200, GroupStandingSchema(many=True))
    def get(self):
        """The active groups and their activities in the running half-year"""
        actor, township = township_scope()
        day = today()
        return [
            {
                "group_id": s.group.id,
                "name": s.group.name,
                "leader_id": s.group.leader.id if s.group.leader else None,
                "leader": s.group.leader.name if s.group.leader else None,
                "members": len(s.group.members),
                "activities": s.activities,
                "met": s.met,
            }
            for s in service.standings(actor, township, *service.half_of(day), day)
        ]


@api.route("/groups/<int:group_id>/plan/<int:year>")
class Plan(MethodView):
    @api.response(200, GroupPlanItemSchema(many=True))
    def get(self, group_id: int, year: int):
        """The group's plan for the year"""
        return service.plan_of(*township_scope(), group_id, year)


@api.route("/groups/<int:group_id>/plan")
class PlanItems(MethodView):
    @api.arguments(PlanItemInputSchema)
    @api.response(201, GroupPlanItemSchema)
    def post(self, data: PlanItemInput, group_id: int):
        """Add a planned activity (the group's leader or the office)"""
        return service.add_plan_item(*township_scope(), group_id, data)


@api.route("/plan/<int:item_id>")
class PlanItemById(MethodView):
    @api.response(204)
    def delete(self, item_id: int):
        """Remove a planned activity"""
        service.remove_plan_item(*township_scope(), item_id)


@api.route("/activities")
class Activities(MethodView):
    @api.response(200, GroupActivitySchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """The activities held, newest first"""
        return _page(service.page_activities, pagination_parameters)


@api.route("/groups/<int:group_id>/activities")
class GroupActivities(MethodView):
    @api.response(200, GroupActivitySchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters, group_id: int):
        """One group's activities, newest first"""
        return _page(service.page_activities, pagination_parameters, group_id=group_id)

    @api.arguments(ActivityInputSchema)
    @api.response(201, GroupActivitySchema)
    def post(self, data: ActivityInput, group_id: int):
        """Record an activity held, with who of the group came (not a day to come)"""
        return service.record_activity(*township_scope(), group_id, data)


@api.route("/activities/<int:activity_id>")
class ActivityById(MethodView):
    @api.response(200, GroupActivitySchema)
    def get(self, activity_id: int):
        """One activity"""
        return service.get_activity(*township_scope(), activity_id)


@api.route("/activities/<int:activity_id>/attendance")
class ActivityAttendance(MethodView):
    @api.response(200, GroupAttendanceSchema(many=True))
    def get(self, activity_id: int):
        """Who of the group came"""
        activity = service.get_activity(*township_scope(), activity_id)
        return [row for row, _rep in service.attendance_of(activity)]


@api.route("/activities/<int:activity_id>/outcomes")
class Outcomes(MethodView):
    @api.response(200, GroupOutcomeSchema(many=True))
    def get(self, activity_id: int):
        """What came of the activity"""
        return service.outcomes_of(service.get_activity(*township_scope(), activity_id))

    @api.arguments(OutcomeInputSchema)
    @api.response(201, GroupOutcomeSchema)
    def post(self, data: OutcomeInput, activity_id: int):
        """Record an outcome (a problem raised, a proposal draft)"""
        return service.record_outcome(*township_scope(), activity_id, data)


@api.route("/outcomes/<int:outcome_id>/case")
class OutcomeCase(MethodView):
    @api.arguments(OutcomeCaseInputSchema)
    @api.response(201, GroupOutcomeSchema)
    def post(self, data: OutcomeCaseInput, outcome_id: int):
        """Register the outcome as a case received by a member of the group"""
        actor, township = township_scope()
        service.outcome_to_case(actor, township, outcome_id, data)
        return service.get_outcome(actor, township, outcome_id)


@api.route("/groups/<int:group_id>/reports")
class GroupReports(MethodView):
    @api.arguments(ReportInputSchema)
    @api.response(201, GroupReportSchema)
    def post(self, data: ReportInput, group_id: int):
        """File the group's written liaison report for an annual session (409 when late and
        the township refuses late reports)"""
        return service.submit_report(*township_scope(), group_id, data)


@api.route("/reports")
class Reports(MethodView):
    @api.response(200, GroupReportSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """Every report filed (the office)"""
        return _page(service.page_reports, pagination_parameters)


@api.route("/reports/<int:report_id>")
class ReportById(MethodView):
    @api.response(200, GroupReportSchema)
    def get(self, report_id: int):
        """One report (its group's leaders and the office)"""
        return service.get_report(*township_scope(), report_id)
