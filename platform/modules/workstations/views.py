"""Pages of the workstations module (/t/<slug>/workstations) and its public pages
(/p/<slug>/workstations). A foreign or unknown id is a 404 (NotFound propagates); rule breaks
and bad input are flashed and nothing is changed."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin import spreadsheets
from lianxin.auth import permissions
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.errors import ValidationFailed
from lianxin.extensions import limiter
from lianxin.modules.kit import today
from lianxin.modules.workstations import service
from lianxin.modules.workstations.inputs import (
    AppointmentInputSchema,
    CommitmentChangeSchema,
    CommitmentInputSchema,
    MeetingCaseInputSchema,
    MeetingInputSchema,
    RepresentativesInputSchema,
    RosterPublishInputSchema,
    ShiftInputSchema,
    StationInputSchema,
    SwapInputSchema,
)
from lianxin.modules.workstations.models import Shift
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web.forms import attempt
from lianxin.web.scope import client_ip, current_township, township_scope

log = logging.getLogger("lianxin.workstations")

pages = Blueprint("workstations", __name__, template_folder="templates")
public = Blueprint("workstations_public", __name__, template_folder="templates")

HONEYPOT = "website"


def _checked(name: str) -> bool:
    return request.form.get(name) in {"1", "on", "true", "yes"}


def _reps() -> list[Representative]:
    from sqlalchemy import select

    return list(
        db.session.scalars(
            select(Representative).order_by(Representative.name_pinyin, Representative.id)
        )
    )


WEEKDAYS = (_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日"))


def _weekday(day: date) -> str:
    return str(WEEKDAYS[day.weekday()])


def _branch_names() -> dict[int, str]:
    """Electoral units by id: with the birth year they tell same-name representatives apart."""
    actor, township = township_scope()
    branches, _total = tenants.list_branches(actor, township)
    return {b.id: b.name for b in branches}


@pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = township_scope()
    if request.method == "POST":
        made = attempt(
            lambda: service.create_station(
                actor, township, load_input(StationInputSchema, request.form, form=True)
            ),
            ok=_("已创建"),
        )
        if made is not None:
            return redirect(url_for("workstations.station", station_id=made.id))
        return redirect(url_for("workstations.index"))
    return render_template(
        "workstations/index.html",
        stations=service.list_stations(actor, township),
        kinds=service.KIND_LABELS,
        can_edit=permissions.can_work_in_office(actor, township.id),
    )


@pages.route("/<int:station_id>", methods=["GET", "POST"])
def station(station_id: int):
    actor, township = township_scope()
    item = service.get_station(actor, township, station_id)
    if request.method == "POST":
        attempt(
            lambda: service.update_station(
                actor,
                township,
                station_id,
                load_input(StationInputSchema, request.form, form=True, partial=True),
            ),
            ok=_("已保存"),
        )
        return redirect(url_for("workstations.station", station_id=station_id))
    reps = service.station_representatives(township, item)
    meetings = service.list_meetings(actor, township, station_id)
    shifts = service.list_shifts(actor, township, station_id)
    unpublished = [s for s in shifts if not s.published]
    everyone = _reps()
    attached = {r.id for r in reps}
    in_office = [r for r in everyone if r.in_office]
    # 换班: the station's own representatives first, then anyone else in office (the service
    # checks qualification and overlaps); each shift's form starts on the person already on it.
    swap_choices = [r for r in in_office if r.id in attached] + [
        r for r in in_office if r.id not in attached
    ]
    earliest = service.earliest_publishable(township.id)
    # The roster to work on is what is ahead; what was is kept apart, newest first.
    day = today()
    upcoming = [s for s in shifts if s.day >= day]
    past = sorted(
        (s for s in shifts if s.day < day), key=lambda s: (s.day, s.starts_at), reverse=True
    )
    return render_template(
        "workstations/station.html",
        station=item,
        kinds=service.KIND_LABELS,
        reps=reps,
        all_reps=everyone,
        rep_choices=[r for r in everyone if r.in_office or r.id in attached],
        station_rep_ids=attached,
        duty_reps=[r for r in reps if r.in_office],
        swap_choices=swap_choices,
        swap_ids={r.id for r in swap_choices},
        reps_by_id={r.id: r for r in everyone},
        station_marks={r.id: _("驻站") for r in reps},
        branch_names=_branch_names(),
        weekday=_weekday,
        today=day,
        publish_until=earliest + timedelta(days=30),
        shifts=shifts,
        upcoming=upcoming,
        past=past,
        estimated_years=service.estimated_years(unpublished),
        estimated_shift_ids={s.id for s in unpublished if service.estimated_years([s])},
        confirm_label=service.CONFIRM_ESTIMATED,
        rep_names={r.id: r.name for r in everyone},
        meetings=[(m, service.meeting_representatives(m)) for m in meetings],
        meeting_kinds=service.MEETING_LABELS,
        categories=casework.CATEGORIES,
        commitments=service.list_commitments(actor, township, [r.id for r in reps]),
        reports=service.list_reports(actor, township, station_id),
        earliest=earliest,
        can_edit=permissions.can_work_in_office(actor, township.id),
    )


@pages.post("/<int:station_id>/representatives")
def representatives(station_id: int):
    actor, township = township_scope()
    attempt(
        lambda: service.set_representatives(
            actor,
            township,
            station_id,
            load_input(RepresentativesInputSchema, request.form, form=True).representative_ids,
        ),
        ok=_("已保存"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


# The station (or shift, or meeting) of the URL is looked up before a form is read: another
# township's id is a 404, not a form's error.


@pages.post("/<int:station_id>/shifts")
def add_shift(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    attempt(
        lambda: service.add_shift(
            actor, township, station_id, load_input(ShiftInputSchema, request.form, form=True)
        ),
        ok=_("已排班"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/<int:station_id>/publish")
def publish(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    attempt(
        lambda: service.publish_roster(
            actor,
            township,
            station_id,
            load_input(RosterPublishInputSchema, request.form, form=True),
        ),
        ok=_("值班表已公布"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/shifts/<int:shift_id>/swap")
def swap(shift_id: int):
    actor, township = township_scope()
    shift = service.get_shift(actor, township, shift_id)  # the page to go back to

    before = shift.representative_id

    def swap_it() -> Shift:
        data = load_input(SwapInputSchema, request.form, form=True)
        return service.swap_shift(
            actor, township, shift_id, data.representative_id, reason=data.reason
        )

    done = attempt(swap_it)
    if done is not None:
        if done.representative_id == before:  # the person already on it: nothing changed
            flash(_("没有改变：值班代表未换"), "success")
        else:
            flash(_("已换班"), "success")
    back = url_for("workstations.station", station_id=shift.station_id)
    return redirect(f"{back}#shift-{shift_id}")


@pages.post("/shifts/<int:shift_id>/publish")
def publish_shift(shift_id: int):
    actor, township = township_scope()
    shift = service.get_shift(actor, township, shift_id)
    attempt(
        service.publish_shift,
        actor,
        township,
        shift_id,
        confirm_estimated_calendar=_checked("confirm_estimated_calendar"),
        ok=_("已公布"),
    )
    return redirect(url_for("workstations.station", station_id=shift.station_id))


@pages.post("/<int:station_id>/meetings")
def add_meeting(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    attempt(
        lambda: service.create_meeting(
            actor, township, station_id, load_input(MeetingInputSchema, request.form, form=True)
        ),
        ok=_("已记录约见"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/meetings/<int:meeting_id>/cases")
def meeting_case(meeting_id: int):
    actor, township = township_scope()
    meeting = service.get_meeting(actor, township, meeting_id)
    made = attempt(
        lambda: service.record_case(
            actor, township, meeting_id, load_input(MeetingCaseInputSchema, request.form, form=True)
        )
    )
    if made is not None:
        flash(_("已登记诉求，查询码：%(c)s", c=made.tracking_code), "success")
    return redirect(url_for("workstations.station", station_id=meeting.station_id))


@pages.post("/<int:station_id>/commitments")
def add_commitment(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    attempt(
        lambda: service.add_commitment(
            actor, township, load_input(CommitmentInputSchema, request.form, form=True)
        ),
        ok=_("已添加承诺"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/commitments/<int:commitment_id>")
def commitment(commitment_id: int):
    actor, township = township_scope()
    attempt(
        lambda: service.update_commitment(
            actor,
            township,
            commitment_id,
            load_input(
                CommitmentChangeSchema, {"outcome": request.form.get("outcome", "")}, partial=True
            ),
        ),
        ok=_("已保存"),
    )
    # Back to the station whose page the form was on (the commitment is the representative's).
    station_id = request.form.get("station_id", type=int)
    if station_id is not None:
        return redirect(url_for("workstations.station", station_id=station_id))
    return redirect(url_for("workstations.index"))


def _month_arg() -> date:
    raw = request.args.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return today().replace(day=1)


@pages.get("/<int:station_id>/report")
def report(station_id: int):
    actor, township = township_scope()
    month = _month_arg()
    figures = service.monthly_figures(actor, township, station_id, month)
    return render_template(
        "workstations/report.html",
        figures=figures,
        station=figures.station,
        state_label=service.state_label,
        pct=service.percent,
    )


@pages.get("/<int:station_id>/report.xlsx")
def report_xlsx(station_id: int):
    actor, township = township_scope()
    month = _month_arg()
    figures = service.monthly_figures(actor, township, station_id, month)
    data = service.report_xlsx(township, figures)
    name = _("%(s)s%(m)s月度报告.xlsx", s=figures.station.name, m=month.strftime("%Y年%m月"))
    ascii_name = f"workstation-{station_id}-{month.strftime('%Y-%m')}.xlsx"
    return spreadsheets.response(data, name, ascii_name=ascii_name)


@pages.get("/<int:station_id>/door")
def door(station_id: int):
    """The duty roster for the door (值班表): one printable A4 page of a month, names and posts."""
    actor, township = township_scope()
    service.get_station(actor, township, station_id)  # a foreign station: 404 before the query
    roster = service.door_roster(
        actor, township, station_id, service.parse_month(request.args.get("month"))
    )
    return render_template(
        "workstations/door.html",
        roster=roster,
        station=roster.station,
        weekday=_weekday,
        kinds=service.KIND_LABELS,
    )


# --- public --------------------------------------------------------------------------------------


def _submit_limit() -> str:
    return str(current_app.config.get("PUBLIC_SUBMIT_RATE_LIMIT", "5 per minute; 30 per day"))


def _private(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def index_public():
    from sqlalchemy import select

    from lianxin.modules.workstations.models import Station

    stations = list(
        db.session.scalars(select(Station).where(Station.is_active.is_(True)).order_by(Station.id))
    )
    return render_template(
        "workstations/public_index.html",
        public_page=True,
        stations=stations,
        kinds=service.KIND_LABELS,
    )


# The registry's public_nav names this endpoint.
public.add_url_rule("/", endpoint="index", view_func=index_public)


@public.get("/<int:station_id>")
def station_public(station_id: int):
    township = current_township()
    item = service.public_station(township, station_id)
    reps = [r for r in service.station_representatives(township, item) if r.in_office]
    shifts = service.station_shifts(item, published_only=True, since=today())
    everyone = _reps()
    names = {r.id: r.name for r in everyone}
    return render_template(
        "workstations/public_station.html",
        rep_posts={r.id: r.post for r in everyone},  # 职务: the office held, public
        public_page=True,
        station=item,
        kinds=service.KIND_LABELS,
        reps=reps,
        shifts=shifts,
        rep_names=names,
        commitments=service.commitments_of([r.id for r in reps]),
    )


def _appoint_form(
    item: Any, reps: list[Any], values: Mapping[str, Any], errors: dict, status: int = 200
) -> Any:
    return _private(
        make_response(
            render_template(
                "workstations/public_appoint.html",
                public_page=True,
                station=item,
                reps=reps,
                values=values,
                errors=errors,
                categories=casework.CATEGORIES,
                honeypot=HONEYPOT,
            ),
            status,
        )
    )


@public.route("/<int:station_id>/appoint", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"])
def appoint(station_id: int):
    """指定约见: a person asks a named representative of the station for a meeting."""
    township = current_township()
    item = service.public_station(township, station_id)
    reps = [r for r in service.station_representatives(township, item) if r.in_office]
    if request.method == "GET" or not township.is_active:
        return _appoint_form(item, reps, {"representative_id": request.args.get("rep", "")}, {})
    if request.form.get(HONEYPOT, "").strip():
        log.warning("appointment form: honeypot filled (%s, %s)", township.slug, client_ip())
        return _private(
            make_response(
                render_template(
                    "workstations/public_done.html",
                    public_page=True,
                    station=item,
                    tracking_code=casework.new_tracking_code(),
                )
            )
        )
    try:
        made = service.request_appointment(
            township, station_id, load_input(AppointmentInputSchema, request.form, form=True)
        )
    except ValidationFailed as exc:  # the form again, as it was filled in
        return _appoint_form(item, reps, request.form, exc.errors, 422)
    return _private(
        make_response(
            render_template(
                "workstations/public_done.html",
                public_page=True,
                station=item,
                tracking_code=made.tracking_code,
            )
        )
    )
