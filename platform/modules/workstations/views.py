"""Pages of the workstations module (/t/<slug>/workstations) and its public pages
(/p/<slug>/workstations). A foreign or unknown id is a 404 (NotFound propagates); rule breaks
and bad input are flashed and nothing is changed."""

from __future__ import annotations

import io
import logging
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from lianxin.auth import permissions
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.extensions import limiter
from lianxin.modules.kit import today
from lianxin.modules.workstations import service
from lianxin.modules.workstations.inputs import (
    CommitmentChangeSchema,
    CommitmentInputSchema,
    StationInputSchema,
    StationPatchSchema,
)
from lianxin.people.models import Representative
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import client_ip, current_township, township_scope

log = logging.getLogger("lianxin.workstations")

pages = Blueprint("workstations", __name__, template_folder="templates")
public = Blueprint("workstations_public", __name__, template_folder="templates")

HONEYPOT = "website"
CASE_FIELDS = ("title", "body", "category", "raiser_name", "raiser_phone")


def _form(names: tuple[str, ...]) -> dict[str, Any]:
    return {n: request.form.get(n, "").strip() for n in names}


def _attempt(fn: Any, *args: Any, ok: str | None = None, **kwargs: Any) -> Any:
    """Run a write; a rule break or bad input is flashed, rolled back and nothing changes."""
    try:
        result = fn(*args, **kwargs)
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        flash_error(exc)  # the use case has rolled back
        return None
    if ok:
        flash(ok, "success")
    return result


def _checked(name: str) -> bool:
    return request.form.get(name) in {"1", "on", "true", "yes"}


def _reps() -> list[Representative]:
    from sqlalchemy import select

    return list(
        db.session.scalars(
            select(Representative).order_by(Representative.name_pinyin, Representative.id)
        )
    )


@pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = township_scope()
    if request.method == "POST":
        made = _attempt(
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
        _attempt(
            lambda: service.update_station(
                actor,
                township,
                station_id,
                load_input(StationPatchSchema, request.form, form=True, partial=True),
            ),
            ok=_("已保存"),
        )
        return redirect(url_for("workstations.station", station_id=station_id))
    reps = service.station_representatives(township, item)
    meetings = service.list_meetings(actor, township, station_id)
    shifts = service.list_shifts(actor, township, station_id)
    unpublished = [s for s in shifts if not s.published]
    return render_template(
        "workstations/station.html",
        station=item,
        kinds=service.KIND_LABELS,
        reps=reps,
        all_reps=_reps(),
        shifts=shifts,
        estimated_years=service.estimated_years(unpublished),
        estimated_shift_ids={s.id for s in unpublished if service.estimated_years([s])},
        confirm_label=service.CONFIRM_ESTIMATED,
        rep_names={r.id: r.name for r in _reps()},
        meetings=[(m, service.meeting_representatives(m)) for m in meetings],
        meeting_kinds=service.MEETING_LABELS,
        categories=casework.CATEGORIES,
        commitments=service.list_commitments(actor, township, [r.id for r in reps]),
        reports=service.list_reports(actor, township, station_id),
        earliest=service.earliest_publishable(township.id),
        can_edit=permissions.can_work_in_office(actor, township.id),
    )


@pages.post("/<int:station_id>/representatives")
def representatives(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    _attempt(
        service.set_representatives,
        actor,
        township,
        station_id,
        request.form.getlist("representative_ids"),
        ok=_("已保存"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/<int:station_id>/shifts")
def add_shift(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    data = _form(("representative_id", "day", "starts_at", "ends_at"))
    data["representative_id"] = data["representative_id"] or None
    if data["representative_id"] is not None:
        service.find_representative(township, data["representative_id"])  # a foreign id: 404
    _attempt(service.add_shift, actor, township, station_id, data, ok=_("已排班"))
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/<int:station_id>/publish")
def publish(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    _attempt(
        service.publish_roster,
        actor,
        township,
        station_id,
        request.form.get("date_from", ""),
        request.form.get("date_to", ""),
        confirm_estimated_calendar=_checked("confirm_estimated_calendar"),
        ok=_("值班表已公布"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/shifts/<int:shift_id>/swap")
def swap(shift_id: int):
    actor, township = township_scope()
    shift = service.get_shift(actor, township, shift_id)
    rep_id = request.form.get("representative_id") or None
    if rep_id is not None:
        service.find_representative(township, rep_id)
    _attempt(
        service.swap_shift,
        actor,
        township,
        shift_id,
        rep_id,
        reason=request.form.get("reason", "").strip() or None,
        ok=_("已换班"),
    )
    return redirect(url_for("workstations.station", station_id=shift.station_id))


@pages.post("/shifts/<int:shift_id>/publish")
def publish_shift(shift_id: int):
    actor, township = township_scope()
    shift = service.get_shift(actor, township, shift_id)
    _attempt(
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
    data: dict[str, Any] = _form(("kind", "held_on", "topic"))
    data["representative_ids"] = request.form.getlist("representative_ids")
    for rep_id in data["representative_ids"]:
        service.find_representative(township, rep_id)
    _attempt(service.create_meeting, actor, township, station_id, data, ok=_("已记录约见"))
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/meetings/<int:meeting_id>/cases")
def meeting_case(meeting_id: int):
    actor, township = township_scope()
    meeting = service.get_meeting(actor, township, meeting_id)
    data: dict[str, Any] = _form(CASE_FIELDS)
    data["anonymous"] = request.form.get("anonymous") in {"1", "on", "true"}
    data["received_by_id"] = request.form.get("received_by_id") or None
    if data["received_by_id"] is not None:
        service.find_representative(township, data["received_by_id"])
    made = _attempt(service.record_case, actor, township, meeting_id, data)
    if made is not None:
        flash(_("已登记诉求，查询码：%(c)s", c=made.tracking_code), "success")
    return redirect(url_for("workstations.station", station_id=meeting.station_id))


@pages.post("/<int:station_id>/commitments")
def add_commitment(station_id: int):
    actor, township = township_scope()
    service.get_station(actor, township, station_id)
    service.find_representative(township, request.form.get("representative_id") or 0)  # 404
    _attempt(
        lambda: service.add_commitment(
            actor, township, load_input(CommitmentInputSchema, request.form, form=True)
        ),
        ok=_("已添加承诺"),
    )
    return redirect(url_for("workstations.station", station_id=station_id))


@pages.post("/commitments/<int:commitment_id>")
def commitment(commitment_id: int):
    actor, township = township_scope()
    _attempt(
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
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"workstation-{station_id}-{month.strftime('%Y-%m')}.xlsx",
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
    names = {r.id: r.name for r in _reps()}
    return render_template(
        "workstations/public_station.html",
        public_page=True,
        station=item,
        kinds=service.KIND_LABELS,
        reps=reps,
        shifts=shifts,
        rep_names=names,
        commitments=service.commitments_of([r.id for r in reps]),
    )


def _appoint_form(item: Any, reps: list[Any], values: dict[str, Any], errors: dict, status=200):
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
    values: dict[str, Any] = _form((*CASE_FIELDS, "representative_id"))
    values["anonymous"] = False
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
        made = service.request_appointment(township, station_id, values)
    except ValidationFailed as exc:
        return _appoint_form(item, reps, values, exc.errors, 422)
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
