"""REST API of the inspections module, mounted at /api/v1/t/<slug>/inspections."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.modules.inspections import service
from lianxin.modules.inspections.inputs import (
    BriefInput,
    CancelInput,
    FindingsInput,
    InspectionBriefInputSchema,
    InspectionCancelInputSchema,
    InspectionFindingsInputSchema,
    InspectionPlanInputSchema,
    InspectionReportInputSchema,
    InspectionTeamInputSchema,
    PlanInput,
    ReportInput,
    TeamInput,
)
from lianxin.modules.inspections.models import Inspection
from lianxin.modules.inspections.schemas import (
    InspectionBriefSchema,
    InspectionDetailSchema,
    InspectionSchema,
    InspectionYearSchema,
)
from lianxin.web.scope import township_scope

api = ApiBlueprint("inspections_api", __name__, description="视察调研")


def _detail(inspection: Inspection) -> dict[str, Any]:
    team = service.team_of(inspection)
    return {
        **{k: getattr(inspection, k) for k in InspectionSchema().fields},
        "unit_ids": service.unit_ids(inspection),
        "representative_ids": [m.representative.id for m in team],
        "attended_ids": [m.representative.id for m in team if m.attended]
        if inspection.state in service.DONE
        else [],
    }


def _brief(row: service.BriefRow) -> dict[str, Any]:
    b = row.brief
    return {
        "id": b.id,
        "inspection_id": b.inspection_id,
        "kind": b.kind,
        "unit_id": b.unit_id,
        "title": b.title,
        "body": b.body,
        "case_id": b.case_id,
        "due_on": row.due_on,
        "answered": row.answered,
        "overdue": row.overdue,
    }


@api.route("/inspections")
class Inspections(MethodView):
    @api.response(200, InspectionSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """List visits (newest date first)"""
        rows, total = service.page_inspections(
            *township_scope(),
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = total
        return rows

    @api.arguments(InspectionPlanInputSchema)
    @api.response(201, InspectionDetailSchema)
    def post(self, data: PlanInput):
        """Plan a visit: the team's size and the lead time are checked (409 inspection_rule)"""
        return _detail(service.create_plan(*township_scope(), data))


@api.route("/inspections/<int:inspection_id>")
class InspectionById(MethodView):
    @api.response(200, InspectionDetailSchema)
    def get(self, inspection_id: int):
        """One visit, with its units and team"""
        return _detail(service.get_inspection(*township_scope(), inspection_id))


@api.route("/inspections/<int:inspection_id>/team")
class Team(MethodView):
    @api.arguments(InspectionTeamInputSchema)
    @api.response(200, InspectionDetailSchema)
    def put(self, data: TeamInput, inspection_id: int):
        """Replace the team (the size rule applies; 409 inspection_rule)"""
        actor, township = township_scope()
        service.set_team(actor, township, inspection_id, data.representative_ids)
        return _detail(service.get_inspection(actor, township, inspection_id))


@api.route("/inspections/<int:inspection_id>/send")
class Send(MethodView):
    @api.response(200, InspectionDetailSchema)
    def post(self, inspection_id: int):
        """Send the plan to the units visited: at least N days before (409 inspection_rule)"""
        return _detail(service.send_plan(*township_scope(), inspection_id))


@api.route("/inspections/<int:inspection_id>/findings")
class Findings(MethodView):
    @api.arguments(InspectionFindingsInputSchema)
    @api.response(200, InspectionDetailSchema)
    def post(self, data: FindingsInput, inspection_id: int):
        """Record what the team found and who took part (on or after the date)"""
        return _detail(service.record_findings(*township_scope(), inspection_id, data))


@api.route("/inspections/<int:inspection_id>/report")
class Report(MethodView):
    @api.arguments(InspectionReportInputSchema)
    @api.response(200, InspectionDetailSchema)
    def post(self, data: ReportInput, inspection_id: int):
        """Write (or revise) the report"""
        return _detail(service.write_report(*township_scope(), inspection_id, data.report))


@api.route("/inspections/<int:inspection_id>/cancel")
class Cancel(MethodView):
    @api.arguments(InspectionCancelInputSchema)
    @api.response(200, InspectionDetailSchema)
    def post(self, data: CancelInput, inspection_id: int):
        """Cancel a visit not held yet"""
        return _detail(service.cancel(*township_scope(), inspection_id, data.reason))


@api.route("/inspections/<int:inspection_id>/briefs")
class Briefs(MethodView):
    @api.response(200, InspectionBriefSchema(many=True))
    def get(self, inspection_id: int):
        """The visit's written briefs, with each one's answer deadline"""
        return [_brief(r) for r in service.briefs_of(*township_scope(), inspection_id)]

    @api.arguments(InspectionBriefInputSchema)
    @api.response(201, InspectionBriefSchema)
    def post(self, data: BriefInput, inspection_id: int):
        """A written brief (督办 / 建议) to a unit: a case referred to it"""
        actor, township = township_scope()
        brief = service.add_brief(actor, township, inspection_id, data)
        return _brief(service.get_brief(actor, township, brief.id))


@api.route("/years/<int:year>")
class Year(MethodView):
    @api.response(200, InspectionYearSchema)
    def get(self, year: int):
        """The year: visits held, the research month, each representative against the minimum"""
        figures = service.year_figures(*township_scope(), year)
        return {
            "year": figures.year,
            "held": figures.held,
            "yearly_minimum": figures.yearly_minimum,
            "research_month": figures.research_month,
            "held_in_research_month": figures.held_in_research_month,
            "representatives": [vars(r) for r in figures.representatives],
        }
