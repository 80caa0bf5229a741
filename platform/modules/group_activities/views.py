"""Pages of the group-activities module (/t/<slug>/group_activities): the groups and how they
stand in the half-year; a group's page where its leader (or the office) plans the year, records
activities with attendance and files the report before the annual session; an activity's page
with its outcomes (one may become a case); the office's collection of the reports. A foreign id
is a 404 (NotFound propagates); rule breaks and bad input are flashed and nothing is changed."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from lianxin.casework import service as casework
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    ActivityInputSchema,
    OutcomeCaseInputSchema,
    OutcomeInputSchema,
    PlanItemInputSchema,
    ReportInputSchema,
)
from lianxin.modules.group_activities.models import OutcomeState
from lianxin.modules.kit import today
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import township_scope

pages = Blueprint("group_activities", __name__, template_folder="templates")


def _attempt(fn: Any, *, ok: str | None = None) -> Any:
    """Run a write; a rule break or bad input is flashed, rolled back and nothing changes."""
    try:
        result = fn()
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        flash_error(exc)
        return None
    if ok:
        flash(ok, "success")
    return result


@pages.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "outcome_label": lambda o: service.OUTCOME_LABELS.get(o, o),
        "half_label": lambda h: service.HALF_LABELS.get(h, h),
        "OUTCOME": OutcomeState,
    }


@pages.get("/")
def index():
    actor, township = township_scope()
    day = today()
    year, half = service.half_of(day)
    office = service.is_office(actor, township)
    return render_template(
        "group_activities/index.html",
        office=office,
        year=year,
        half=half,
        now=service.standings(actor, township, year, half, day),
        last=service.standings(actor, township, *service.previous_half(year, half), day)
        if office
        else [],
        last_half=service.previous_half(year, half),
        mine=service.led_groups(actor, township),
        activities=service.list_activities(actor, township)[:20],
        names={g.id: g.name for g in service.groups(actor, township)},
        sessions=service.coming_sessions(actor, township, day) if office else [],
        need=service.settings(township.id)["min_per_half_year"],
    )


@pages.get("/groups/<int:group_id>")
def group(group_id: int):
    actor, township = township_scope()
    item = service.find_group(actor, township, group_id)
    day = today()
    year = request.args.get("year", type=int) or day.year
    leads = service.can_lead(actor, township, item)
    sessions = service.coming_sessions(actor, township, day)
    settings = service.settings(township.id)
    return render_template(
        "group_activities/group.html",
        group=item,
        leads=leads,
        year=year,
        plan=service.plan_of(actor, township, group_id, year),
        activities=service.list_activities(actor, township, group_id=group_id),
        sessions=[
            (s, service.due_on(township.id, s.held_on), service.report_of(item.id, s.id))
            for s in sessions
        ],
        need=settings["min_per_half_year"],
        days_before=settings["report_days_before"],
        today=day,
    )


@pages.post("/groups/<int:group_id>/plan")
def plan(group_id: int):
    actor, township = township_scope()
    service.find_group(actor, township, group_id)
    _attempt(
        lambda: service.add_plan_item(
            actor, township, group_id, load_input(PlanItemInputSchema, request.form, form=True)
        ),
        ok=_("已列入年度计划"),
    )
    return redirect(url_for("group_activities.group", group_id=group_id) + "#plan")


@pages.post("/plan/<int:item_id>/remove")
def plan_remove(item_id: int):
    actor, township = township_scope()
    item = service.plan_item(actor, township, item_id)
    _attempt(lambda: service.remove_plan_item(actor, township, item_id), ok=_("已删除"))
    return redirect(url_for("group_activities.group", group_id=item.group_id) + "#plan")


@pages.post("/groups/<int:group_id>/activities")
def record(group_id: int):
    actor, township = township_scope()
    service.find_group(actor, township, group_id)
    made = _attempt(
        lambda: service.record_activity(
            actor, township, group_id, load_input(ActivityInputSchema, request.form, form=True)
        ),
        ok=_("已登记小组活动"),
    )
    if made is not None:
        return redirect(url_for("group_activities.activity", activity_id=made.id))
    return redirect(url_for("group_activities.group", group_id=group_id) + "#record")


@pages.get("/activities/<int:activity_id>")
def activity(activity_id: int):
    actor, township = township_scope()
    item = service.get_activity(actor, township, activity_id)
    grp = service.find_group(actor, township, item.group_id)
    return render_template(
        "group_activities/activity.html",
        activity=item,
        group=grp,
        leads=service.can_lead(actor, township, grp),
        attendance=service.attendance_of(item),
        outcomes=service.outcomes_of(item),
        categories=casework.CATEGORIES,
    )


@pages.post("/activities/<int:activity_id>/outcomes")
def outcome(activity_id: int):
    actor, township = township_scope()
    service.get_activity(actor, township, activity_id)
    _attempt(
        lambda: service.record_outcome(
            actor, township, activity_id, load_input(OutcomeInputSchema, request.form, form=True)
        ),
        ok=_("已登记活动成果"),
    )
    return redirect(url_for("group_activities.activity", activity_id=activity_id) + "#outcomes")


@pages.post("/outcomes/<int:outcome_id>/case")
def outcome_case(outcome_id: int):
    actor, township = township_scope()
    item = service.get_outcome(actor, township, outcome_id)
    made = _attempt(
        lambda: service.outcome_to_case(
            actor,
            township,
            outcome_id,
            load_input(OutcomeCaseInputSchema, request.form, form=True),
        )
    )
    if made is not None:
        flash(_("已转为诉求，查询码：%(c)s", c=made.tracking_code), "success")
    return redirect(
        url_for("group_activities.activity", activity_id=item.activity_id) + "#outcomes"
    )


@pages.post("/groups/<int:group_id>/reports")
def report(group_id: int):
    actor, township = township_scope()
    service.find_group(actor, township, group_id)
    made = _attempt(
        lambda: service.submit_report(
            actor, township, group_id, load_input(ReportInputSchema, request.form, form=True)
        )
    )
    if made is not None:
        flash(_("已提交（逾期）") if made.late else _("已按时提交"), "success")
    return redirect(url_for("group_activities.group", group_id=group_id) + "#reports")


@pages.get("/reports/<int:report_id>")
def report_page(report_id: int):
    actor, township = township_scope()
    item = service.get_report(actor, township, report_id)
    return render_template(
        "group_activities/report.html",
        report=item,
        group=service.find_group(actor, township, item.group_id),
    )


@pages.get("/sessions/<int:session_id>/reports")
def reports(session_id: int):
    actor, township = township_scope()
    session, rows = service.collected(actor, township, session_id)
    return render_template(
        "group_activities/reports.html", session=session, rows=rows, today=today()
    )


@pages.post("/sessions/<int:session_id>/file")
def file_reports(session_id: int):
    actor, township = township_scope()
    service.collected(actor, township, session_id)
    _attempt(
        lambda: service.file_with_session(actor, township, session_id),
        ok=_("已列入年会文件"),
    )
    return redirect(url_for("group_activities.reports", session_id=session_id))


@pages.get("/register.xlsx")
def register_xlsx():
    actor, township = township_scope()
    data = service.register_xlsx(actor, township)
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"group-activities-{today().isoformat()}.xlsx",
    )
