"""Pages of the reception-days module (/t/<slug>/reception_days) and its public notice
(/p/<slug>/reception_days). Every rule lives in service.py; these pages load the form with the
use case's input schema (inputs.py) and call it. A foreign or unknown id is a 404 and a
non-office write a 403 (the errors propagate); rule breaks and bad input are flashed (or shown on
the re-rendered form, 422) and nothing is changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from functools import partial
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lianxin import spreadsheets
from lianxin.auth import permissions
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.errors import Conflict, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import (
    AbsenceInputSchema,
    DayCaseInputSchema,
    GenerateInputSchema,
    MoveInputSchema,
    PeopleReceivedInputSchema,
    PublishInputSchema,
    SiteInputSchema,
    SubstituteInputSchema,
    TeamInputSchema,
)
from lianxin.modules.reception_days.models import ScheduleStatus
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch
from lianxin.usecases import Changes, load_input
from lianxin.web.forms import attempt, flash_error
from lianxin.web.scope import current_actor, current_township, township_scope

pages = Blueprint("reception_days", __name__, template_folder="templates")
public = Blueprint("reception_days_public", __name__, template_folder="templates")

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def weekday(value: date) -> str:
    return WEEKDAYS[value.weekday()]


def hhmm(value: Any) -> str:
    return value.strftime("%H:%M") if value is not None else ""


@pages.context_processor
@public.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "weekday": weekday,
        "hhmm": hhmm,
        "site_kinds": service.SITE_KIND_LABELS,
        "state_label": service.state_label,
    }


def _checked(name: str) -> bool:
    return request.form.get(name) in {"1", "on", "true", "yes"}


def _posted(*, ticked: tuple[str, ...] = (), chosen: tuple[str, ...] = ()) -> MultiDict[str, Any]:
    """The form as posted, with what a browser leaves out when nothing is chosen: an unticked
    checkbox (each of `ticked`: "0", not the schema's default) and a list with nothing selected
    (each of `chosen`: empty, not missing)."""
    form = request.form.copy()
    for name in ticked:
        form[name] = "1" if _checked(name) else "0"
    for name in chosen:
        form.setlist(name, request.form.getlist(name))
    return form


# A refusal answers 403 on these pages; bad input and rule breaks are flashed.
_attempt = partial(attempt, flash_refusal=False)


def _require_office() -> None:
    permissions.require_office(current_actor(), current_township())


def _today() -> date:
    return kit.today()


def _branches() -> list[Branch]:
    return list(db.session.scalars(select(Branch).order_by(Branch.id)))


def _in_office_reps() -> list[Representative]:
    reps = db.session.scalars(
        select(Representative).order_by(
            Representative.is_grassroots_cadre.desc(), Representative.name_pinyin, Representative.id
        )
    )
    return [r for r in reps if r.in_office]


# --- index and generation ------------------------------------------------------------------------


@pages.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    schedules = service.list_schedules(actor, township)
    today = _today()
    years = (today.year, today.year + 1)
    by_year = {s.year: s for s in schedules}
    problems = {}
    for year in years:
        if year in by_year and by_year[year].status == ScheduleStatus.DRAFT:
            problems[year] = len(service.get_schedule(actor, township, year).problems)
    can_edit = permissions.can_work_in_office(actor, township.id)
    return render_template(
        "reception_days/index.html",
        schedules=schedules,
        by_year=by_year,
        years=years,
        problems=problems,
        sites=service.list_sites(actor, township, active_only=True) if can_edit else [],
        can_edit=can_edit,
        is_rep=casework.representative_of(actor, township) is not None,
        published=ScheduleStatus.PUBLISHED,
    )


@pages.post("/generate")
def generate():
    actor, township = township_scope()
    made = _attempt(
        lambda: service.generate(
            actor,
            township,
            load_input(
                GenerateInputSchema,
                _posted(ticked=("copy_teams",), chosen=("site_ids",)),
                form=True,
            ),
        ),
        ok=_("已生成接待日安排（草稿），请检查各接待点的代表配备后发布"),
    )
    if made is not None:
        return redirect(url_for("reception_days.schedule", year=made.schedule.year))
    return redirect(url_for("reception_days.index"))


# --- sites ---------------------------------------------------------------------------------------


@pages.route("/sites", methods=["GET", "POST"])
def sites():
    actor, township = township_scope()
    values: Mapping[str, Any] = {"is_active": True}
    status = 200
    if request.method == "POST":
        values = request.form  # shown again with the errors
        try:
            data = load_input(SiteInputSchema, _posted(ticked=("is_active",)), form=True)
            service.create_site(actor, township, data)
        except (ValidationFailed, Conflict) as exc:
            flash_error(exc)
            status = 422
        else:
            flash(_("已添加接待点"), "success")
            return redirect(url_for("reception_days.sites"))
    branches = _branches()
    return render_template(
        "reception_days/sites.html",
        sites=service.list_sites(actor, township),
        branches=branches,
        branch_names={b.id: b.name for b in branches},
        values=values,
        can_edit=permissions.can_work_in_office(actor, township.id),
    ), status


@pages.route("/sites/<int:site_id>", methods=["GET", "POST"])
def site(site_id: int):
    actor, township = township_scope()
    item = service.get_site(actor, township, site_id)
    values: Mapping[str, Any] = {
        "kind": item.kind,
        "name": item.name,
        "address": item.address,
        "branch_id": item.branch_id or "",
        "is_active": item.is_active,
    }
    status = 200
    if request.method == "POST":
        values = request.form  # shown again with the errors
        try:
            # The form names every field: a change to all of them (a field left out is cleared).
            data = load_input(SiteInputSchema, _posted(ticked=("is_active",)), form=True)
            service.update_site(actor, township, site_id, Changes(asdict(data)))
        except (ValidationFailed, Conflict) as exc:
            flash_error(exc)
            status = 422
        else:
            flash(_("已保存"), "success")
            return redirect(url_for("reception_days.sites"))
    return render_template(
        "reception_days/site.html",
        site=item,
        branches=_branches(),
        values=values,
        can_edit=permissions.can_work_in_office(actor, township.id),
    ), status


# --- the year's schedule -------------------------------------------------------------------------


def _render_schedule(
    year: int,
    refused: Any = None,
    status: int = 200,
    values: Mapping[str, Any] | None = None,
    asked: str | None = None,
) -> Any:
    actor, township = township_scope()
    view = service.get_schedule(actor, township, year)
    today = _today()
    published = view.schedule.status == ScheduleStatus.PUBLISHED
    return render_template(
        "reception_days/schedule.html",
        view=view,
        today=today,
        coming=view.coming_problems(today),
        refused=refused,
        published=published,
        can_edit=permissions.can_work_in_office(actor, township.id),
        rule=service.settings(township.id),
        short_days=[] if published else service.days_short_of_notice(township, view, today),
        confirm_label=service.CONFIRM_ESTIMATED,
        values=values or {},
        asked=asked,
    ), status


@pages.get("/<int:year>")
def schedule(year: int):
    return _render_schedule(year)


@pages.get("/<int:year>/export.xlsx", endpoint="schedule_export")
def schedule_export(year: int):
    actor, township = township_scope()
    data = service.schedule_xlsx(actor, township, year, today=_today())
    name = _("%(t)s%(y)d年接待日排班与到岗.xlsx", t=township.name, y=year)
    return spreadsheets.response(data, name, ascii_name=f"reception-days-{year}.xlsx")


@pages.post("/<int:year>/publish")
def publish(year: int):
    actor, township = township_scope()
    values = request.form  # shown again if the office is asked to confirm or give a reason
    try:
        data = load_input(PublishInputSchema, values, form=True)
        service.publish(
            actor,
            township,
            year,
            confirm_estimated_calendar=data.confirm_estimated_calendar,
            short_notice_reason=data.short_notice_reason,
        )
    except service.PairingRuleBroken as exc:
        flash(exc.message, "error")
        return _render_schedule(year, refused=exc, status=422, values=values)
    except (service.CalendarEstimated, service.ShortNotice) as exc:
        flash_error(exc)
        return _render_schedule(year, status=422, values=values, asked=exc.code)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return redirect(url_for("reception_days.schedule", year=year))
    flash(_("%(y)d 年接待日安排已发布", y=year), "success")
    return redirect(url_for("reception_days.schedule", year=year))


@pages.get("/<int:year>/report")
def report(year: int):
    actor, township = township_scope()
    return render_template(
        "reception_days/report.html",
        report=service.year_report(actor, township, year),
        today=_today(),
    )


# --- team editor ---------------------------------------------------------------------------------


def _site_view(day_view: Any, site_id: int) -> Any:
    for view in day_view.sites:
        if view.site.id == site_id:
            return view
    from lianxin.errors import NotFound

    raise NotFound(_("这一天没有安排该接待点"))


@pages.route("/days/<int:day_id>/sites/<int:site_id>/team", methods=["GET", "POST"])
def team(day_id: int, site_id: int):
    actor, township = township_scope()
    day_view = service.get_day(actor, township, day_id)
    site_view = _site_view(day_view, site_id)
    _require_office()  # the team editor is the office's, to read as well as to post
    year = service.schedule_of(day_view.day).year
    if request.method == "POST":

        def set_team() -> Any:
            form = _posted(chosen=("representative_ids",))
            data = load_input(TeamInputSchema, form, form=True)
            return service.set_team(
                actor,
                township,
                day_id,
                site_id,
                data.representative_ids,
                apply_to_rest=data.apply_to_rest,
            )

        done = _attempt(set_team, ok=_("已保存接待代表"))
        if done is not None:
            return redirect(
                url_for("reception_days.schedule", year=year) + f"#day-{day_id}-site-{site_id}"
            )
        return redirect(url_for("reception_days.team", day_id=day_id, site_id=site_id))
    elsewhere = {
        d.rep.id: other.site.name
        for other in day_view.sites
        if other.site.id != site_id
        for d in other.duties
    }
    absent = {d.rep.id for d in site_view.absent}
    current = {d.rep.id for d in site_view.on_duty}
    reps = sorted(_in_office_reps(), key=lambda r: r.id not in current)  # the team on top
    return render_template(
        "reception_days/team.html",
        day=day_view.day,
        site_view=site_view,
        year=year,
        reps=reps,
        current=current,
        absent=absent,
        elsewhere=elsewhere,
        rule=service.settings(township.id),
        past=day_view.day.day < _today(),
    )


# --- one reception day ---------------------------------------------------------------------------


def _render_day(
    day_id: int, case_values: Mapping[str, Any] | None = None, status: int = 200
) -> Any:
    actor, township = township_scope()
    view = service.get_day(actor, township, day_id)
    can_edit = permissions.can_work_in_office(actor, township.id)
    today = _today()
    candidates: dict[int, list[Representative]] = {}
    if can_edit and view.day.day >= today:
        for site_view in view.sites:
            for d in site_view.duties:
                if site_view.needs_substitute(d):
                    candidates[d.duty.id] = service.substitute_candidates(
                        actor, township, d.duty.id
                    )
    own = casework.representative_of(actor, township)
    cases = service.day_cases(actor, township, day_id)
    names = {d.rep.id: d.rep.name for s in view.sites for d in s.duties}
    held = view.day.day <= today
    return render_template(
        "reception_days/day.html",
        notice_days=service.notice_days(township.id),
        view=view,
        schedule=service.schedule_of(view.day),
        today=today,
        held=held,
        upcoming=view.day.day >= today,
        can_edit=can_edit,
        own_id=own.id if own is not None else None,
        candidates=candidates,
        cases=cases,
        rep_names=names,
        categories=casework.CATEGORIES,
        summary=view.day.summary or (service.compute_summary(township, view.day) if held else None),
        case_values=case_values or {},
    ), status


@pages.get("/days/<int:day_id>")
def day(day_id: int):
    return _render_day(day_id)


# The day of the URL is looked up before its form is read: another township's id is a 404, not
# a form's error.


@pages.post("/days/<int:day_id>/move")
def move(day_id: int):
    actor, township = township_scope()
    service.get_day(actor, township, day_id)
    _attempt(
        lambda: service.move_day(
            actor, township, day_id, load_input(MoveInputSchema, request.form, form=True)
        ),
        ok=_("已调整接待日"),
    )
    return redirect(url_for("reception_days.day", day_id=day_id))


def _back(default: str) -> Any:
    """Back to the page the form was on: `mine` or the day (never an outside address)."""
    if request.form.get("next") == "mine":
        return redirect(url_for("reception_days.mine"))
    return redirect(default)


@pages.post("/duties/<int:duty_id>/absence")
def absence(duty_id: int):
    actor, township = township_scope()
    duty = service.get_duty(actor, township, duty_id)  # the page to go back to
    _attempt(
        lambda: service.report_absence(
            actor, township, duty_id, load_input(AbsenceInputSchema, request.form, form=True).reason
        ),
        ok=_("已登记不能参加"),
    )
    return _back(url_for("reception_days.day", day_id=duty.day_id))


@pages.post("/duties/<int:duty_id>/substitute")
def substitute(duty_id: int):
    actor, township = township_scope()
    duty = service.get_duty(actor, township, duty_id)  # the page to go back to
    _attempt(
        lambda: service.substitute(
            actor,
            township,
            duty_id,
            load_input(SubstituteInputSchema, request.form, form=True).representative_id,
        ),
        ok=_("已安排替补代表"),
    )
    return redirect(url_for("reception_days.day", day_id=duty.day_id) + f"#site-{duty.site_id}")


@pages.post("/days/<int:day_id>/cases")
def record_case(day_id: int):
    actor, township = township_scope()
    service.get_day(actor, township, day_id)
    try:
        made = service.record_case(
            actor, township, day_id, load_input(DayCaseInputSchema, request.form, form=True)
        )
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_day(day_id, case_values=request.form, status=422)
    flash(_("已登记诉求，查询码：%(c)s", c=made.tracking_code), "success")
    return redirect(url_for("reception_days.day", day_id=day_id) + "#cases")


@pages.post("/days/<int:day_id>/sites/<int:site_id>/people")
def people_received(day_id: int, site_id: int):
    actor, township = township_scope()
    service.get_day(actor, township, day_id)

    def count() -> Any:
        data = load_input(PeopleReceivedInputSchema, request.form, form=True)
        return service.set_people_received(
            actor, township, day_id, site_id, data.people_received, data.note
        )

    _attempt(count, ok=_("已保存接待人数"))
    return redirect(url_for("reception_days.day", day_id=day_id) + f"#site-{site_id}")


@pages.post("/days/<int:day_id>/summary")
def send_summary(day_id: int):
    actor, township = township_scope()
    _attempt(service.send_summary, actor, township, day_id, ok=_("汇总已发送"))
    return redirect(url_for("reception_days.day", day_id=day_id) + "#summary")


# --- my duties -----------------------------------------------------------------------------------


@pages.get("/mine")
def mine():
    actor, township = township_scope()
    duties = service.my_duties(actor, township)
    today = _today()
    return render_template(
        "reception_days/mine.html",
        upcoming=[m for m in duties if m.day.day >= today],
        past=[m for m in duties if m.day.day < today],
        is_rep=casework.representative_of(actor, township) is not None,
        today=today,
    )


# --- public --------------------------------------------------------------------------------------


def _on_show(view: Any) -> list[Any]:
    """The people named on a notice: on duty and still in office."""
    return [d for d in view.duties if d.on_duty and d.rep.in_office]


@public.get("/", endpoint="index")
def public_index():
    township = current_township()
    return render_template(
        "reception_days/public_index.html",
        public_page=True,
        notices=service.public_notices(township),
        coming=service.next_announcements(township),
        on_show=_on_show,
    )


@public.get("/<int:day_id>/poster")
def poster(day_id: int):
    """The A4 poster, public from the notice date to the day (a 404 before and after)."""
    township = current_township()
    return render_template(
        "reception_days/poster.html",
        public_page=True,
        poster=service.public_poster(township, day_id),
    )


@pages.get("/days/<int:day_id>/poster")
def poster_preview(day_id: int):
    """The office's poster of any scheduled day, marked as a preview until it is public."""
    actor, township = township_scope()
    return render_template(
        "reception_days/poster.html",
        poster=service.poster_preview(actor, township, day_id),
    )
