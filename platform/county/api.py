"""API of the county comparison: `/api/v1/c/<county>/comparison/…`, read from the rollups."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask.views import MethodView

from lianxin import spreadsheets
from lianxin.api.base import Blueprint
from lianxin.county import service
from lianxin.county.models import CountyJob
from lianxin.county.schemas import (
    EntityRankingQuerySchema,
    ExportRequestSchema,
    JobSchema,
    PeriodQuerySchema,
    RankingQuerySchema,
    RefreshRequestSchema,
    SummaryQuerySchema,
    TrendQuerySchema,
)
from lianxin.web.scope import current_actor, current_county

blp = Blueprint(
    "county_comparison_api",
    __name__,
    url_prefix="/api/v1/c/<county_slug>/comparison",
    description="县级：乡镇比较",
)


def cell_out(info: service.MetricInfo, cell: service.Cell) -> dict[str, Any]:
    return {
        "value": cell.value if cell.comparable else None,
        "n": cell.n,
        "status": cell.status,
        "note": cell.note,
        "display": service.format_value(info, cell),
    }


def metric_out(info: service.MetricInfo) -> dict[str, Any]:
    return {
        "key": info.key,
        "label": str(info.metric.label),
        "kind": info.metric.kind,
        "lower_is_better": info.metric.lower_is_better,
        "module": info.module_key,
        "module_name": str(info.module_name),
        "description": str(info.metric.description),
    }


def job_out(job: CountyJob) -> dict[str, Any]:
    out = {c: getattr(job, c) for c in JobSchema().fields if c != "download_url"}
    out["download_url"] = (
        url_for(".ExportDownload", job_id=job.id)
        if job.kind == "export" and job.status == "done"
        else None
    )
    return out


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.response(200)
    def get(self):
        """The figures the county compares, with how each is computed"""
        return [metric_out(m) for m in service.list_metrics(current_actor(), current_county())]


@blp.route("/")
class Comparison(MethodView):
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200)
    def get(self, args):
        """Every township side by side for one period (sortable by any figure)"""
        result = service.comparison(
            current_actor(),
            current_county(),
            args["period"],
            sort=args["sort"],
            descending=args["order"] == "desc",
        )
        return {
            "period": result.period.key,
            "label": result.period.label(),
            "refreshed_at": result.refreshed_at.isoformat() if result.refreshed_at else None,
            "metrics": [metric_out(m) for m in result.metrics],
            "townships": [
                {
                    "id": t.id,
                    "name": t.name,
                    "slug": t.slug,
                    "notes": result.notes(t.id),
                    "figures": {
                        m.key: cell_out(m, result.cell(t.id, m.key)) for m in result.metrics
                    },
                }
                for t in result.townships
            ],
        }


@blp.route("/trend")
class Trend(MethodView):
    @blp.arguments(TrendQuerySchema, location="query")
    @blp.response(200)
    def get(self, args):
        """One figure of every township over time"""
        info, series, lines, townships = service.trend(
            current_actor(), current_county(), args["metric"], args["period"], args["count"]
        )
        return {
            "metric": metric_out(info),
            "periods": [p.key for p in series],
            "townships": [
                {
                    "id": t.id,
                    "name": t.name,
                    "points": [cell_out(info, c) for c in lines[t.id]],
                }
                for t in townships
            ],
        }


def _entry_out(entry: service.RankEntry) -> dict[str, Any]:
    return {
        "rank": entry.rank,
        "name": entry.name,
        "township": entry.township_name,
        "score": entry.score,
        "ranked": entry.rank is not None,
        "reason": entry.reason,
        "parts": {
            k: {"value": c.value, "n": c.n, "status": c.status} for k, c in entry.parts.items()
        },
    }


@blp.route("/rankings")
class Rankings(MethodView):
    @blp.arguments(RankingQuerySchema, location="query")
    @blp.response(200)
    def get(self, args):
        """Townships ranked by a documented formula; too few cases: shown, not ranked"""
        formula, entries, minimum = service.township_ranking(
            current_actor(), current_county(), args["period"], args["formula"], args["min_count"]
        )
        return {
            "formula": {
                "key": formula.key,
                "label": str(formula.label),
                "description": str(formula.description),
            },
            "min_count": minimum,
            "entries": [_entry_out(e) for e in entries],
        }


@blp.route("/rankings/entities")
class EntityRankings(MethodView):
    @blp.arguments(EntityRankingQuerySchema, location="query")
    @blp.response(200)
    def get(self, args):
        """The best stations, handling units or representatives of the county"""
        metric, entries, minimum, available = service.entity_ranking(
            current_actor(),
            current_county(),
            args["period"],
            args["kind"],
            args["metric"],
            args["min_count"],
        )
        return {
            "kind": args["kind"],
            "metric": metric,
            "metrics": available,
            "min_count": minimum,
            "entries": [_entry_out(e) for e in entries],
        }


def _standing_out(standing: service.Standing | None) -> dict[str, Any] | None:
    if standing is None:
        return None
    return {"name": standing.name, "display": standing.display, "colour": standing.colour}


@blp.route("/summary")
class Summary(MethodView):
    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200)
    def get(self, args):
        """The leaders' summary: the county's figures, the leading and trailing township per
        figure, and the change against the previous period"""
        summary = service.leaders_summary(current_actor(), current_county(), args["period"])
        return {
            "period": summary.period.key,
            "previous": summary.previous.key,
            "townships": summary.townships,
            "min_count": summary.minimum,
            "without": summary.without,
            "rows": [
                {
                    "metric": metric_out(row.info),
                    "value": row.value,
                    "display": row.display,
                    "basis": row.basis,
                    "previous": row.previous_display,
                    "change": row.change,
                    "change_display": row.change_display,
                    "better": row.better,
                    "best": _standing_out(row.best),
                    "worst": _standing_out(row.worst),
                    "level": row.level,
                    "reporting": row.reporting,
                }
                for row in summary.rows
            ],
        }


@blp.route("/exports")
class Exports(MethodView):
    @blp.arguments(ExportRequestSchema)
    @blp.response(202, JobSchema)
    def post(self, data):
        """Build the comparison as .xlsx (one sheet per figure) in the worker"""
        return job_out(
            service.request_export(
                current_actor(),
                current_county(),
                data["period"],
                sort=data["sort"],
                descending=data["order"] == "desc",
            )
        )


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshRequestSchema)
    @blp.response(202, JobSchema)
    def post(self, data):
        """Refresh the rollups now (county admin)"""
        return job_out(
            service.request_refresh(current_actor(), current_county(), full=data["full"])
        )


@blp.route("/jobs/<int:job_id>")
class Job(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id: int):
        """A refresh's or an export's progress, and the export's download link"""
        return job_out(service.get_job(current_actor(), current_county(), job_id))


@blp.route("/exports/<int:job_id>/download")
class ExportDownload(MethodView):
    @blp.response(200)
    def get(self, job_id: int):
        """The finished workbook"""
        data, filename = service.open_export(current_actor(), current_county(), job_id)
        return xlsx_response(data, filename)


def xlsx_response(data: bytes, filename: str) -> Response:
    """The workbook as a download, through the platform's one writer of `.xlsx` responses."""
    return spreadsheets.response(data, filename)
