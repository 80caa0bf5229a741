"""REST API of the duty record: the township's at /api/v1/t/<slug>/duty_records (records, the
list, the formula it is scored by, the escalation steps), the county's at
/api/v1/c/<county>/duty (the formula, which only the county admin changes, and the scores of
every township from the rollups)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.duty_records import service
from lianxin.duty_records.inputs import FormulaInput, FormulaInputSchema, StepInput, StepInputSchema
from lianxin.duty_records.schemas import (
    DutyFormulaSchema,
    DutyListRowSchema,
    DutyRecordSchema,
    DutyStepSchema,
)
from lianxin.duty_records.stages.county import distribution
from lianxin.web.scope import current_actor, current_county, township_scope

api = ApiBlueprint("duty_records_api", __name__, description="履职档案")
county_api = ApiBlueprint(
    "duty_records_county_api",
    __name__,
    url_prefix="/api/v1/c/<county_slug>/duty",
    description="县级：履职积分办法与各乡镇得分",
)


class DutyYearArgs(BaseSchema):
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "年度（默认今年）"},
    )


class DutyListArgs(DutyYearArgs):
    sort = fields.String(load_default="score", validate=validate.OneOf(service.SORTS))
    order = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))
    flagged = fields.Boolean(load_default=False, metadata={"description": "只列履职不足的代表"})


def formula_out(formula: service.Formula) -> dict[str, Any]:
    items = []
    for part, item in service.all_items():
        weight = formula.weight(item)
        items.append(
            {
                "key": item.key,
                "part": str(part),
                "label": str(item.label),
                "kind": item.kind,
                "unit": str(item.unit),
                "points": weight.points,
                "cap": weight.cap,
                "default": weight.default,
            }
        )
    return {
        "items": items,
        "inactive_below": formula.inactive_below,
        "min_sample": formula.min_sample,
        "term_first_year": formula.term_first_year,
        "is_default": formula.is_default,
        "year": formula.year,
        "from_year": formula.from_year,
        "caps_total": formula.caps_total(),
    }


@api.route("/records")
class Records(MethodView):
    @api.arguments(DutyListArgs, location="query")
    @api.response(200, DutyListRowSchema(many=True))
    def get(self, args):
        """Every representative's record of the year with the score (the office's)"""
        listing = service.list_records(
            *township_scope(),
            args["year"],
            sort=args["sort"],
            descending=args["order"] == "desc",
            flagged_only=args["flagged"],
        )
        return listing.records


@api.route("/records/<int:rep_id>")
class RecordById(MethodView):
    @api.arguments(DutyYearArgs, location="query")
    @api.response(200, DutyRecordSchema)
    def get(self, args, rep_id: int):
        """One representative's record of a year: lines, score and how it was reached"""
        return service.get_record(*township_scope(), rep_id, args["year"])


@api.route("/records/<int:rep_id>/term")
class TermRecord(MethodView):
    @api.arguments(DutyYearArgs, location="query")
    @api.response(200, DutyRecordSchema)
    def get(self, args, rep_id: int):
        """One representative's record over the term that holds the year"""
        return service.get_term_record(*township_scope(), rep_id, args["year"])


@api.route("/formula")
class TownshipFormula(MethodView):
    @api.arguments(DutyYearArgs, location="query")
    @api.response(200, DutyFormulaSchema)
    def get(self, args):
        """The county's scoring formula the records of the year are scored by (read only)"""
        actor, township = township_scope()
        from lianxin.auth import permissions

        permissions.require_member(actor, township)
        return formula_out(service.get_formula(township.county_id, args["year"]))


@api.route("/steps")
class Steps(MethodView):
    @api.arguments(DutyYearArgs, location="query")
    @api.response(200, DutyStepSchema(many=True))
    def get(self, args):
        """The escalation steps of the year (the office's)"""
        return service.list_steps(*township_scope(), args["year"])

    @api.arguments(StepInputSchema)
    @api.response(201, DutyStepSchema)
    def post(self, data: StepInput):
        """Record an escalation step: 谈话提醒 → 批评 → 罢免建议, in order"""
        return service.record_step(*township_scope(), data)


@county_api.route("/formula")
class CountyFormula(MethodView):
    @county_api.arguments(DutyYearArgs, location="query")
    @county_api.response(200, DutyFormulaSchema)
    def get(self, args):
        """The county's scoring formula in force in the year (this year by default), defaults
        for what it has not set"""
        return formula_out(service.read_formula(current_actor(), current_county(), args["year"]))

    @county_api.arguments(FormulaInputSchema)
    @county_api.response(200, DutyFormulaSchema)
    def put(self, data: FormulaInput):
        """Change the formula from this year on; past years keep the version in force then
        (county admin only; audited with before and after)"""
        return formula_out(service.set_formula(current_actor(), current_county(), data))


@county_api.route("/scores")
class CountyScores(MethodView):
    @county_api.arguments(DutyYearArgs, location="query")
    @county_api.response(200)
    def get(self, args):
        """Each township's score distribution and rank of the year (from the rollups)"""
        year = args["year"] or service.this_year()
        result = distribution(current_actor(), current_county(), year)
        return {
            "year": year,
            "min_sample": result.formula.min_sample,
            "townships": [
                {
                    "township": row.township.name,
                    "slug": row.township.slug,
                    "median": row.median,
                    "mean": row.mean,
                    "inactive_share": row.inactive_share,
                    "n": row.n,
                    "bands": row.bands,
                    "rank": row.rank,
                    "reason": row.reason,
                }
                for row in result.rows
            ],
        }
