"""REST API of the group-activities module, mounted at /api/v1/t/<slug>/group_activities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import fields

from lianxin.api.base import BaseSchema
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.errors import ValidationFailed
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    YEAR_FIRST,
    YEAR_LAST,
    YEARS,
    ActivityInput,
    ActivityInputSchema,
    KeeperInput,
    KeeperInputSchema,
    NotesInput,
    NotesInputSchema,
    OutcomeCaseInput,
    OutcomeCaseInputSchema,
    OutcomeInput,
    OutcomeInputSchema,
    OutcomeProposalInput,
    OutcomeProposalInputSchema,
    PlanItemInput,
    PlanItemInputSchema,
    ReceptionMemberInput,
    ReceptionMemberInputSchema,
    ReceptionPlanInput,
    ReceptionPlanInputSchema,
    ReportInput,
    ReportInputSchema,
    VisitInput,
    VisitInputSchema,
    VisitPlanInput,
    VisitPlanInputSchema,
)
from lianxin.modules.group_activities.schemas import (
    GroupActivitySchema,
    GroupAttendanceSchema,
    GroupCollectedSchema,
    GroupKeeperSchema,
    GroupOutcomeSchema,
    GroupPlanItemSchema,
    GroupReceptionSchema,
    GroupReportSchema,
    GroupSessionDocumentSchema,
    GroupStandingSchema,
    GroupVisitPlanSchema,
    GroupVisitSchema,
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
        """The active groups, their half-year and their year

        The half-year's activities against the minimum; the year's plan (`plan_missing` once
        the due month is over without one) and its activity days against the minimum."""
        actor, township = township_scope()
        day = today()
        year = {y.group.id: y for y in service.year_standings(actor, township, day.year, day)}
        kept = {k.group_id: k.member_user_id for k in service.keepers(actor, township, day.year)}
        return [
            {
                "group_id": s.group.id,
                "name": s.group.name,
                "leader_id": s.group.leader.id if s.group.leader else None,
                "leader": s.group.leader.name if s.group.leader else None,
                "members": len(s.group.members),
                "kind": s.group.kind,
                "activities": s.activities,
                "need": s.need,
                "met": s.met,
                "plan_items": year[s.group.id].planned,
                "plan_due_on": year[s.group.id].plan_due_on,
                "plan_missing": year[s.group.id].plan_missing,
                "days": year[s.group.id].days,
                "days_need": year[s.group.id].days_need,
                "days_met": year[s.group.id].days_met,
                "keeper_user_id": kept.get(s.group.id),
            }
            for s in service.standings(actor, township, *service.half_of(day), day)
        ]


@api.route("/groups/<int:group_id>/plan/<int:year>")
class Plan(MethodView):
    @api.response(200, GroupPlanItemSchema(many=True))
    def get(self, group_id: int, year: int):
        """The group's plan for the year (2000–2100; another year is 422)"""
        actor, township = township_scope()
        service.find_group(actor, township, group_id)  # a foreign group is 404 whatever the year
        if not YEAR_FIRST <= year <= YEAR_LAST:
            raise ValidationFailed(errors={"year": [_("年份不正确")]})
        return service.plan_of(actor, township, group_id, year)


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
        """Record an outcome (a problem raised; a proposal draft, drafted at once)"""
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


@api.route("/outcomes/<int:outcome_id>/proposal")
class OutcomeProposal(MethodView):
    @api.arguments(OutcomeProposalInputSchema)
    @api.response(201, GroupOutcomeSchema)
    def post(self, data: OutcomeProposalInput, outcome_id: int):
        """Draft a proposal from the outcome (the group's leader or deputy, as its author)"""
        actor, township = township_scope()
        service.outcome_to_proposal(actor, township, outcome_id, data)
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


@api.route("/sessions/<int:session_id>/reports")
class SessionReports(MethodView):
    @api.response(200, GroupCollectedSchema(many=True))
    def get(self, session_id: int):
        """Which groups filed their report for an annual session and which have not (the office)"""
        _session, rows = service.collected(*township_scope(), session_id)
        return [
            {
                "group_id": row.group_id,
                "name": row.name,
                "due_on": row.due_on,
                "filed": row.report is not None,
                "report": row.report,
            }
            for row in rows
        ]


@api.route("/sessions/<int:session_id>/file")
class SessionFile(MethodView):
    @api.response(201, GroupSessionDocumentSchema)
    def post(self, session_id: int):
        """File the collected reports among the session's documents (a spreadsheet; 409 when
        no group has filed)"""
        return service.file_with_session(*township_scope(), session_id)


# --- the committee members: reception days and visiting months --------------------------------


class GroupNotesInputSchema(NotesInputSchema):
    """Names of their own in /api/docs."""


class GroupYearArgs(BaseSchema):
    year = fields.Integer(
        load_default=None, validate=YEARS, metadata={"description": "年度（2000–2100，默认今年）"}
    )


def _reception_out(row: Any, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "day": row.day,
        "member_user_id": row.member_user_id,
        "member": names.get(row.member_user_id, ""),
        "group_ids": list(row.group_ids or []),
        "place": row.place,
        "notes": row.notes,
    }


def _plan_out(plan: Any) -> dict[str, Any]:
    _actor, township = township_scope()
    names = service.member_names(township)
    return {
        "id": plan.id,
        "year": plan.year,
        "month": plan.month,
        "published_on": plan.published_on,
        "publish_by": service.publish_by(township.id, plan),
        "visits": [_visit_out(v, names) for v in service.visits_of(plan)],
    }


def _visit_out(visit: Any, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": visit.id,
        "plan_id": visit.plan_id,
        "member_user_id": visit.member_user_id,
        "member": names.get(visit.member_user_id, ""),
        "group_id": visit.group_id,
        "day": visit.day,
        "minutes": visit.minutes,
    }


@api.route("/receptions")
class Receptions(MethodView):
    @api.arguments(GroupYearArgs, location="query")
    @api.response(200, GroupReceptionSchema(many=True))
    def get(self, args: dict[str, Any]):
        """The year's reception days of the committee members, in order"""
        actor, township = township_scope()
        names = service.member_names(township)
        rows = service.list_receptions(actor, township, args.get("year") or today().year)
        return [_reception_out(r, names) for r in rows]

    @api.arguments(ReceptionPlanInputSchema)
    @api.response(201, GroupReceptionSchema(many=True))
    def post(self, data: ReceptionPlanInput):
        """Lay out the year's reception days, the committee members in turn"""
        actor, township = township_scope()
        names = service.member_names(township)
        return [_reception_out(r, names) for r in service.plan_receptions(actor, township, data)]


@api.route("/receptions/<int:reception_id>/member")
class ReceptionMember(MethodView):
    @api.arguments(ReceptionMemberInputSchema)
    @api.response(200, GroupReceptionSchema)
    def post(self, data: ReceptionMemberInput, reception_id: int):
        """Give a reception day to another committee member"""
        actor, township = township_scope()
        row = service.reassign_reception(actor, township, reception_id, data.member_user_id)
        return _reception_out(row, service.member_names(township))


@api.route("/receptions/<int:reception_id>/notes")
class ReceptionNotes(MethodView):
    @api.arguments(GroupNotesInputSchema)
    @api.response(200, GroupReceptionSchema)
    def post(self, data: NotesInput, reception_id: int):
        """Record what the group leaders raised (the member or the office, on the day or after)"""
        actor, township = township_scope()
        row = service.record_reception(actor, township, reception_id, data)
        return _reception_out(row, service.member_names(township))


@api.route("/visit-plans")
class VisitPlans(MethodView):
    @api.response(200, GroupVisitPlanSchema(many=True))
    def get(self):
        """The visiting months' schedules, newest first (drafts: the office only)"""
        return [_plan_out(p) for p in service.list_plans(*township_scope())]

    @api.arguments(VisitPlanInputSchema)
    @api.response(201, GroupVisitPlanSchema)
    def post(self, data: VisitPlanInput):
        """Draft the schedule of a visiting month"""
        return _plan_out(service.create_plan(*township_scope(), data))


@api.route("/visit-plans/<int:plan_id>")
class VisitPlanById(MethodView):
    @api.response(200, GroupVisitPlanSchema)
    def get(self, plan_id: int):
        """One visiting month's schedule with its visits"""
        return _plan_out(service.get_plan(*township_scope(), plan_id))


@api.route("/visit-plans/<int:plan_id>/visits")
class VisitPlanVisits(MethodView):
    @api.arguments(VisitInputSchema)
    @api.response(201, GroupVisitSchema)
    def post(self, data: VisitInput, plan_id: int):
        """Add a committee member's visit to a group (1–2 groups each)"""
        actor, township = township_scope()
        visit = service.add_visit(actor, township, plan_id, data)
        return _visit_out(visit, service.member_names(township))


@api.route("/visit-plans/<int:plan_id>/publish")
class VisitPlanPublish(MethodView):
    @api.response(200, GroupVisitPlanSchema)
    def post(self, plan_id: int):
        """Publish the schedule (at least N days before the month); members and groups told"""
        return _plan_out(service.publish_plan(*township_scope(), plan_id))


@api.route("/visits/<int:visit_id>")
class VisitById(MethodView):
    @api.response(204)
    def delete(self, visit_id: int):
        """Remove a visit from a draft schedule"""
        service.remove_visit(*township_scope(), visit_id)


@api.route("/visits/<int:visit_id>/minutes")
class VisitMinutes(MethodView):
    @api.arguments(GroupNotesInputSchema)
    @api.response(200, GroupVisitSchema)
    def post(self, data: NotesInput, visit_id: int):
        """Record a visit's minutes; they are circulated to the group's members"""
        actor, township = township_scope()
        visit = service.record_minutes(actor, township, visit_id, data)
        return _visit_out(visit, service.member_names(township))


# --- the committee member who keeps a group (包组) -----------------------------------------------


def _keeper_out(row: Any) -> dict[str, Any]:
    _actor, township = township_scope()
    names = service.member_names(township)
    return {
        "id": row.id,
        "group_id": row.group_id,
        "year": row.year,
        "member_user_id": row.member_user_id,
        "member": names.get(row.member_user_id, ""),
        "committee": row.member_user_id in names,
    }


@api.route("/keepers")
class Keepers(MethodView):
    @api.arguments(GroupYearArgs, location="query")
    @api.response(200, GroupKeeperSchema(many=True))
    def get(self, args: dict[str, Any]):
        """The year's committee members keeping a group, by group"""
        actor, township = township_scope()
        rows = service.keepers(actor, township, args.get("year") or today().year)
        return [_keeper_out(r) for r in rows]


@api.route("/groups/<int:group_id>/keeper")
class GroupKeeper(MethodView):
    @api.arguments(KeeperInputSchema)
    @api.response(200, GroupKeeperSchema)
    def put(self, data: KeeperInput, group_id: int):
        """Name the committee member who keeps the group for the year (replaces one named)"""
        return _keeper_out(service.assign_keeper(*township_scope(), group_id, data))


@api.route("/keepers/<int:keeper_id>")
class KeeperById(MethodView):
    @api.response(204)
    def delete(self, keeper_id: int):
        """The group is no longer kept by that member for the year"""
        service.remove_keeper(*township_scope(), keeper_id)
