"""The county's comparison pages: `/c/<county>/comparison/…` (read from the rollups only)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.auth import permissions
from lianxin.auth.forms import EmptyForm
from lianxin.casework.deadlines import shanghai_today
from lianxin.county import drill, service
from lianxin.county import periods as P
from lianxin.db import db
from lianxin.db.tenancy import ReadOnlyTenantContext
from lianxin.errors import DomainError
from lianxin.web.forms import flash_error
from lianxin.web.scope import current_actor, current_county

bp = Blueprint(
    "county_comparison",
    __name__,
    url_prefix="/c/<county_slug>/comparison",
    template_folder="templates",
)

STATUS_TEXT = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}


def _period_choices(kind: str) -> list[P.Period]:
    today = shanghai_today()
    last = P.containing(today, kind)
    count = {"month": 24, "quarter": 12, "year": 6}[kind]
    return list(reversed(P.series(last, count)))


def _default_period() -> str:
    return P.containing(shanghai_today(), "quarter").key


def _choices_with(period: P.Period) -> dict[str, list[P.Period]]:
    """The periods a page's select offers, by kind, the one shown among them."""
    choices = {k: _period_choices(k) for k in P.KINDS}
    if period not in choices[period.kind]:
        choices[period.kind].insert(0, period)
    return choices


@bp.get("/", endpoint="index")
def index():
    actor, county = current_actor(), current_county()
    period_key = request.args.get("period") or _default_period()
    sort = request.args.get("sort") or None
    order = request.args.get("order", "desc")
    try:
        result = service.comparison(actor, county, period_key, sort=sort, descending=order != "asc")
    except service.UnknownPeriod as exc:
        flash_error(exc)
        return redirect(url_for(".index"))
    except service.UnknownMetric as exc:
        flash_error(exc)
        return redirect(url_for(".index", period=period_key))
    keys = [m.key for m in result.metrics]
    chart_key = request.args.get("metric") or ""
    if chart_key not in keys:
        chart_key = service.default_metric(result)
    info, series, lines, _t = service.trend(actor, county, chart_key, result.period.key, 12)
    chart = _chart(info, result, series, lines)
    # The table's head: each figure's words translated once and its sort link, which differs
    # from the others only in its query (one url_for for them all).
    base = url_for(".index", period=result.period.key, metric=chart_key)
    heads = [
        {
            "key": m.key,
            "label": str(m.metric.label),
            "description": str(m.metric.description),
            "url": f"{base}&{urlencode({'sort': m.key, 'order': next_order})}",
            "arrow": (" ↓" if order == "desc" else " ↑") if result.sort == m.key else "",
        }
        for m in result.metrics
        for next_order in ("asc" if result.sort == m.key and order == "desc" else "desc",)
    ]
    # The table's cells, formatted once here: a county of thirty townships has hundreds.
    rows = [
        {
            "township": t,
            "colour": result.colours.get(t.id, ""),
            "notes": result.notes(t.id),
            "drill_url": url_for(".drill", township_id=t.id),
            "cells": [
                (
                    m.key,
                    service.format_value(m, cell),
                    cell.status,
                    cell.n if m.metric.kind in ("rate", "days") else None,
                    cell.comparable,
                )
                for m in result.metrics
                for cell in (result.cell(t.id, m.key),)
            ],
        }
        for t in result.townships
    ]
    return render_template(
        "county/compare.html",
        result=result,
        rows=rows,
        heads=heads,
        chart=chart,
        chart_key=chart_key,
        kind=result.period.kind,
        period_choices=_choices_with(result.period),
        format_value=service.format_value,
        order=order,
        form=EmptyForm(),
        can_admin=permissions.can_administer_county(actor, county.id),
    )


def _chart(
    info: service.MetricInfo,
    result: service.Comparison,
    series: list[P.Period],
    lines: dict[int, list[service.Cell]],
) -> dict[str, Any]:
    """What the charts draw, colours included: a township's colour comes from its place in the
    county (`township_colours`), so it is the same in the bars, the lines and every period."""
    kind = info.metric.kind
    unit = {"rate": "%", "days": _("天")}.get(kind, "")
    label = str(info.metric.label)
    return {
        "label": label,
        "kind": kind,
        "unit": unit,
        "percent": kind == "rate",
        "axis_title": f"{label}（{unit}）" if unit else label,
        "category_title": _("乡镇"),
        "period_title": _("期间"),
        "bars": [
            {
                "name": t.name,
                "value": _chart_value(info, result.cell(t.id, info.key)),
                "display": service.format_value(info, result.cell(t.id, info.key)),
                "colour": result.colours.get(t.id, service.colour_at(0)),
            }
            for t in result.townships
        ],
        "periods": [p.label() for p in series],
        "lines": [
            {
                "name": t.name,
                "colour": result.colours.get(t.id, service.colour_at(0)),
                "values": [_chart_value(info, c) for c in lines.get(t.id, [])],
            }
            for t in sorted(result.townships, key=lambda t: (t.name, t.id))
        ],
    }


def _chart_value(info: service.MetricInfo, cell: service.Cell) -> float | None:
    if not cell.comparable or cell.value is None:
        return None
    return round(cell.value * 100, 1) if info.metric.kind == "rate" else cell.value


@bp.get("/rankings", endpoint="rankings")
def rankings():
    actor, county = current_actor(), current_county()
    period_key = request.args.get("period") or _default_period()
    formula_key = request.args.get("formula") or "handling"
    kind = request.args.get("kind") or "unit"
    try:
        formula, entries, minimum = service.township_ranking(actor, county, period_key, formula_key)
        metric, entity_entries, _m, available = service.entity_ranking(
            actor, county, period_key, kind, request.args.get("entity_metric") or None
        )
    except (service.UnknownPeriod, service.UnknownMetric) as exc:
        flash_error(exc)
        return redirect(url_for(".rankings"))
    labels = {m.key: m.metric.label for m in service.catalog()}
    period = service.parse_period(period_key)
    return render_template(
        "county/rankings.html",
        period=period,
        period_choices=_choices_with(period),
        formula=formula,
        formulas=service.FORMULAS,
        entries=entries,
        minimum=minimum,
        kind=kind,
        kinds=service.ENTITY_KINDS,
        entity_metric=metric,
        entity_entries=entity_entries,
        entity_metrics=available,
        labels=labels,
        catalog={m.key: m for m in service.catalog()},
        format_cell=lambda info, cell: service.format_value(info, cell or service.MISSING),
        form=EmptyForm(),
        can_admin=permissions.can_administer_county(actor, county.id),
    )


@bp.post("/settings", endpoint="settings")
def settings():
    actor, county = current_actor(), current_county()
    if EmptyForm().validate_on_submit():
        try:
            service.set_min_count(actor, county, int(request.form.get("min_count", "0") or 0))
            flash(_("已保存排名的最少件数。"), "success")
        except (DomainError, ValueError) as exc:
            db.session.rollback()
            if isinstance(exc, DomainError) and exc.status == 403:
                raise
            flash(_("最少件数应在1到1000之间。"), "error")
    return redirect(request.form.get("next") or url_for(".rankings"))


@bp.post("/exports", endpoint="export")
def export():
    actor, county = current_actor(), current_county()
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".index"))
    try:
        job = service.request_export(
            actor,
            county,
            request.form.get("period", ""),
            sort=request.form.get("sort") or None,
            descending=request.form.get("order", "desc") != "asc",
        )
    except (service.UnknownPeriod, service.UnknownMetric) as exc:
        flash_error(exc)
        return redirect(url_for(".index"))
    return redirect(url_for(".job", job_id=job.id))


@bp.get("/summary", endpoint="summary")
def summary():
    """The leaders' summary: one A4 page to print for a county meeting."""
    actor, county = current_actor(), current_county()
    period_key = request.args.get("period") or _default_period()
    try:
        result = service.leaders_summary(actor, county, period_key)
    except service.UnknownPeriod as exc:
        flash_error(exc)
        return redirect(url_for(".summary"))
    return render_template(
        "county/summary.html",
        summary=result,
        period_choices=_choices_with(result.period),
        today=shanghai_today(),
    )


@bp.post("/refresh", endpoint="refresh")
def refresh():
    actor, county = current_actor(), current_county()
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".index"))
    job = service.request_refresh(actor, county, full=request.form.get("full") == "1")
    return redirect(url_for(".job", job_id=job.id))


@bp.get("/jobs/<int:job_id>", endpoint="job")
def job(job_id: int):
    item = service.get_job(current_actor(), current_county(), job_id)
    return render_template("county/job.html", job=item, statuses=STATUS_TEXT)


@bp.get("/jobs/<int:job_id>/progress", endpoint="progress")
def progress(job_id: int):
    item = service.get_job(current_actor(), current_county(), job_id)
    return {
        "status": item.status,
        "percent": item.percent,
        "done": item.done,
        "total": item.total,
        "download_url": url_for(".download", job_id=item.id)
        if item.kind == "export" and item.status == "done"
        else None,
    }


@bp.get("/exports/<int:job_id>/download", endpoint="download")
def download(job_id: int):
    data, filename = service.open_export(current_actor(), current_county(), job_id)
    return spreadsheets.response(data, filename)


@bp.app_errorhandler(ReadOnlyTenantContext)
def _read_only(exc: ReadOnlyTenantContext):
    """A page that would write while a county viewer drills down: refused, saying why."""
    from lianxin.api.base import error_body, is_api_request
    from lianxin.web.errors import render_error_page

    db.session.rollback()
    message = _("县级只读查看：不能在本乡镇作任何修改。") if g.get("drill_down") else None
    if is_api_request():
        return error_body(403, message), 403
    return render_error_page(403, message)


@bp.post("/drill/<int:township_id>", endpoint="drill")
def drill_down(township_id: int):
    actor, county = current_actor(), current_county()
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".index"))
    township = service.drill_down(actor, county, township_id)
    drill.grant(township)
    flash(_("您正以县级身份只读查看%(name)s，本次进入已记入审计日志。", name=township.name), "warn")
    return redirect(url_for("township.home", township_slug=township.slug))


@bp.post("/drill/leave", endpoint="leave")
def leave():
    current_actor(), current_county()
    drill.leave()
    return redirect(url_for(".index"))
