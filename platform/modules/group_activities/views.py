"""Pages of the group-activities module (/t/<slug>/group_activities): the groups and how they
stand in the half-year; a group's page where its leader (or the office) plans the year, records
activities with attendance and files the report before the annual session; an activity's page
with its outcomes (one may become a case); the office's collection of the reports. A foreign id
is a 404 (NotFound propagates); rule breaks and bad input are flashed and nothing is changed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.casework import service as casework
from lianxin.errors import NotFound
from lianxin.modules.group_activities import service
from lianxin.modules.group_activities.inputs import (
    YEAR_FIRST,
    YEAR_LAST,
    ActivityInputSchema,
    KeeperInputSchema,
    NotesInputSchema,
    OutcomeCaseInputSchema,
    OutcomeInputSchema,
    OutcomeProposalInputSchema,
    PlanItemInputSchema,
    ReceptionMemberInputSchema,
    ReceptionPlanInputSchema,
    ReportInputSchema,
    VisitInputSchema,
    VisitPlanInputSchema,
)
from lianxin.modules.group_activities.models import OutcomeState
from lianxin.modules.kit import today
from lianxin.usecases import load_input
from lianxin.web.forms import attempt
from lianxin.web.scope import township_scope

pages = Blueprint("group_activities", __name__, template_folder="templates")


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
        years={y.group.id: y for y in service.year_standings(actor, township, year, day)},
        last=service.standings(actor, township, *service.previous_half(year, half), day)
        if office
        else [],
        last_half=service.previous_half(year, half),
        mine=service.led_groups(actor, township),
        activities=service.list_activities(actor, township)[:20],
        names={g.id: g.name for g in service.groups(actor, township)},
        sessions=service.coming_sessions(actor, township, day) if office else [],
        need=service.settings(township.id)["min_per_half_year"],
        thematic_need=service.settings(township.id)["thematic_min_per_half_year"],
    )


@pages.get("/groups/<int:group_id>")
def group(group_id: int):
    actor, township = township_scope()
    item = service.find_group(actor, township, group_id)
    day = today()
    year = _year()
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
        need=service.need_of(township.id, item),
        standing=next(
            y for y in service.year_standings(actor, township, year, day) if y.group.id == item.id
        ),
        days_before=settings["report_days_before"],
        today=day,
        keeper=service.keeper_of(item.id, year),
        office=service.is_office(actor, township),
        members=service.committee_members(township),
        member_names=service.member_names(township),
    )


@pages.post("/groups/<int:group_id>/keeper")
def keeper(group_id: int):
    actor, township = township_scope()
    service.find_group(actor, township, group_id)
    data = request.form
    attempt(
        lambda: service.assign_keeper(
            actor, township, group_id, load_input(KeeperInputSchema, data, form=True)
        ),
        ok=_("已安排包组党委委员，并已通知本人"),
    )
    year = data.get("year", type=int)
    return redirect(url_for("group_activities.group", group_id=group_id, year=year) + "#members")


@pages.post("/keepers/<int:keeper_id>/remove")
def keeper_remove(keeper_id: int):
    actor, township = township_scope()
    row = service.find_keeper(township, keeper_id)
    attempt(lambda: service.remove_keeper(actor, township, keeper_id), ok=_("已取消包组安排"))
    return redirect(
        url_for("group_activities.group", group_id=row.group_id, year=row.year) + "#members"
    )


@pages.post("/groups/<int:group_id>/plan")
def plan(group_id: int):
    actor, township = township_scope()
    service.find_group(actor, township, group_id)
    attempt(
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
    attempt(lambda: service.remove_plan_item(actor, township, item_id), ok=_("已删除"))
    return redirect(url_for("group_activities.group", group_id=item.group_id) + "#plan")


@pages.post("/groups/<int:group_id>/activities")
def record(group_id: int):
    actor, township = township_scope()
    service.find_group(actor, township, group_id)
    made = attempt(
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
        proposals_on=service.proposals_on(township),
    )


@pages.post("/activities/<int:activity_id>/outcomes")
def outcome(activity_id: int):
    actor, township = township_scope()
    service.get_activity(actor, township, activity_id)
    attempt(
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
    made = attempt(
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


@pages.post("/outcomes/<int:outcome_id>/proposal")
def outcome_proposal(outcome_id: int):
    actor, township = township_scope()
    item = service.get_outcome(actor, township, outcome_id)
    attempt(
        lambda: service.outcome_to_proposal(
            actor,
            township,
            outcome_id,
            load_input(OutcomeProposalInputSchema, request.form, form=True),
        ),
        ok=_("已起草建议草稿，可在提案中修改并征集联名"),
    )
    return redirect(
        url_for("group_activities.activity", activity_id=item.activity_id) + "#outcomes"
    )


@pages.post("/groups/<int:group_id>/reports")
def report(group_id: int):
    actor, township = township_scope()
    service.find_group(actor, township, group_id)
    made = attempt(
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
    attempt(
        lambda: service.file_with_session(actor, township, session_id),
        ok=_("已列入年会文件"),
    )
    return redirect(url_for("group_activities.reports", session_id=session_id))


@pages.get("/register.xlsx")
def register_xlsx():
    actor, township = township_scope()
    data = service.register_xlsx(actor, township)
    day = today().isoformat()
    name = _("%(t)s代表小组活动登记簿-%(d)s.xlsx", t=township.name, d=day)
    return spreadsheets.response(data, name, ascii_name=f"group-activities-{day}.xlsx")


# --- the committee members: reception days and visiting months (001 张家港) --------------------


def _year() -> int:
    """The year asked in the query (this year when none): one outside 2000–2100 or not a number
    is not found (as on the duty record's pages), never a date out of range further down."""
    raw = request.args.get("year") or ""
    if not raw:
        return today().year
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not YEAR_FIRST <= year <= YEAR_LAST:
        raise NotFound(_("年份不正确：应在%(a)s至%(b)s年之间", a=YEAR_FIRST, b=YEAR_LAST))
    return year


@pages.route("/committee", methods=["GET", "POST"])
def committee():
    """The year's reception days (the members in turn) and the visiting months' schedules."""
    actor, township = township_scope()
    year = _year()
    if request.method == "POST":
        what = request.form.get("what")
        if what == "receptions":
            attempt(
                lambda: service.plan_receptions(
                    actor, township, load_input(ReceptionPlanInputSchema, request.form, form=True)
                ),
                ok=_("已安排接待日，党委委员已收到通知"),
            )
        else:
            made = attempt(
                lambda: service.create_plan(
                    actor, township, load_input(VisitPlanInputSchema, request.form, form=True)
                ),
                ok=_("已建立走访安排，请逐一添加走访"),
            )
            if made is not None:
                return redirect(url_for("group_activities.visit_plan", plan_id=made.id))
        return redirect(url_for("group_activities.committee", year=year))
    office = service.is_office(actor, township)
    groups = {g.id: g.name for g in service.groups(actor, township)}
    return render_template(
        "group_activities/committee.html",
        year=year,
        office=office,
        is_committee=service.is_committee(actor, township),
        me=actor.user_id,
        receptions=service.list_receptions(actor, township, year),
        plans=service.list_plans(actor, township),
        members=service.committee_members(township),
        names=service.member_names(township),
        groups=groups,
        months=service.visit_months(township.id),
        rules=service.settings(township.id),
        today=today(),
        kept=service.kept_groups(actor, township, today()),
        keepers=service.keepers(actor, township, year),
    )


@pages.get("/committee.xlsx")
def committee_xlsx():
    """The year's reception days and visiting months as a workbook."""
    actor, township = township_scope()
    year = _year()
    data = service.committee_xlsx(actor, township, year)
    name = _("%(t)s党委委员接待与走访-%(y)s年.xlsx", t=township.name, y=year)
    return spreadsheets.response(data, name, ascii_name=f"group-committee-{year}.xlsx")


@pages.post("/receptions/<int:reception_id>/member")
def reception_member(reception_id: int):
    actor, township = township_scope()
    row = service.find_reception(township, reception_id)
    attempt(
        lambda: service.reassign_reception(
            actor,
            township,
            reception_id,
            load_input(ReceptionMemberInputSchema, request.form, form=True).member_user_id,
        ),
        ok=_("已调整接待的党委委员"),
    )
    return redirect(url_for("group_activities.committee", year=row.day.year) + f"#r-{row.id}")


@pages.post("/receptions/<int:reception_id>/notes")
def reception_notes(reception_id: int):
    actor, township = township_scope()
    row = service.find_reception(township, reception_id)
    attempt(
        lambda: service.record_reception(
            actor, township, reception_id, load_input(NotesInputSchema, request.form, form=True)
        ),
        ok=_("已保存接待记录"),
    )
    return redirect(url_for("group_activities.committee", year=row.day.year) + f"#r-{row.id}")


@pages.get("/visits/<int:plan_id>")
def visit_plan(plan_id: int):
    actor, township = township_scope()
    plan = service.get_plan(actor, township, plan_id)
    return render_template(
        "group_activities/visit_plan.html",
        plan=plan,
        visits=service.visits_of(plan),
        check=service.check_plan(township, plan),
        office=service.is_office(actor, township),
        me=actor.user_id,
        members=service.committee_members(township),
        names=service.member_names(township),
        groups=service.groups(actor, township),
        group_names={g.id: g.name for g in service.groups(actor, township)},
        today=today(),
    )


@pages.post("/visits/<int:plan_id>/add")
def visit_add(plan_id: int):
    actor, township = township_scope()
    service.get_plan(actor, township, plan_id)
    attempt(
        lambda: service.add_visit(
            actor, township, plan_id, load_input(VisitInputSchema, request.form, form=True)
        ),
        ok=_("已添加走访"),
    )
    return redirect(url_for("group_activities.visit_plan", plan_id=plan_id))


@pages.post("/visits/<int:plan_id>/publish")
def visit_publish(plan_id: int):
    actor, township = township_scope()
    service.get_plan(actor, township, plan_id)
    attempt(
        lambda: service.publish_plan(actor, township, plan_id),
        ok=_("走访安排已发布，党委委员和各代表小组已收到通知"),
    )
    return redirect(url_for("group_activities.visit_plan", plan_id=plan_id))


@pages.post("/visit/<int:visit_id>/remove")
def visit_remove(visit_id: int):
    actor, township = township_scope()
    visit = service.find_visit(township, visit_id)
    attempt(lambda: service.remove_visit(actor, township, visit_id), ok=_("已删除该走访"))
    return redirect(url_for("group_activities.visit_plan", plan_id=visit.plan_id))


@pages.post("/visit/<int:visit_id>/minutes")
def visit_minutes(visit_id: int):
    actor, township = township_scope()
    visit = service.find_visit(township, visit_id)
    service.get_plan(actor, township, visit.plan_id)
    attempt(
        lambda: service.record_minutes(
            actor, township, visit_id, load_input(NotesInputSchema, request.form, form=True)
        ),
        ok=_("已保存走访纪要，并已发送给该小组的代表"),
    )
    return redirect(
        url_for("group_activities.visit_plan", plan_id=visit.plan_id) + f"#v-{visit_id}"
    )
