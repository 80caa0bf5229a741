"""Pages: the operator's calendar (/admin/calendar), a county's local holidays
(/c/<county>/calendar), and the warning banner from November (every page, to those it concerns).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from lianxin.auth import permissions
from lianxin.errors import ValidationFailed
from lianxin.web.scope import current_actor, current_county, current_user_or_none
from lianxin.work_calendar import fileformat, lookup, service

log = logging.getLogger("lianxin.work_calendar")

bp = Blueprint("work_calendar", __name__, template_folder="templates")

UPLOAD_LIMIT = 1024 * 1024  # a year's notice is a few hundred bytes


@bp.before_app_request
def _new_request() -> None:
    # `g` may outlive one request (a test's or a command's app context): the revision is read
    # again by each request.
    g.pop(lookup.CHECKED, None)


@bp.app_context_processor
def _calendar_warning() -> dict[str, Any]:
    """`calendar_missing_year` for the banner (base.html), shown to the operator and county
    admins from November while next year's official calendar is missing."""
    try:
        if current_user_or_none() is None:
            return {}
        actor = current_actor(required=False)
        if not service.is_warned(actor):
            return {}
        return {
            "calendar_missing_year": service.missing_next_year(),
            "calendar_can_load": actor.is_platform_admin,
        }
    except SQLAlchemyError:  # an error page while the database is away: no banner
        log.warning("working calendar banner skipped: database unavailable")
        return {}


# --- the operator -------------------------------------------------------------------------------


def _platform_page(*, errors: list[str] | None = None, text: str = "", status: int = 200):
    return (
        render_template(
            "work_calendar/platform.html",
            years=service.year_statuses(),
            errors=errors or [],
            text=text,
        ),
        status,
    )


@bp.get("/admin/calendar/", endpoint="platform")
def platform_page():
    service.require_operator(current_actor())
    return _platform_page()


def _submitted_text() -> tuple[str, str | None]:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.stream.read(UPLOAD_LIMIT + 1)
        if len(data) > UPLOAD_LIMIT:
            raise ValidationFailed(_("文件过大（不超过 1 MB）。"), errors={"file": [_("文件过大")]})
        return fileformat.decode(data), upload.filename
    return request.form.get("text", ""), None


@bp.post("/admin/calendar/load", endpoint="load")
def load():
    actor = current_actor()
    service.require_operator(actor)
    text = request.form.get("text", "")
    try:
        text, filename = _submitted_text()
        if not text.strip():
            raise ValidationFailed(
                _("请上传文件或粘贴国务院通知中的日期。"), errors={"file": [_("内容为空")]}
            )
        result = service.load_calendar(actor, text, filename=filename)
    except ValidationFailed as exc:
        return _platform_page(errors=exc.errors.get("file") or [exc.message], text=text, status=422)
    years = "、".join(str(y) for y in result.years)
    flash(
        _(
            "已载入 %(years)s 年工作日历（正式）：%(off)d 个工作日放假，%(work)d 个周末调休上班。",
            years=years,
            off=result.off_days,
            work=result.working_days,
        ),
        "success",
    )
    for note in result.ignored:
        flash(note, "warn")
    for year, counts in result.recomputed.items():
        changed = sum(counts.values())
        if changed:
            flash(_("%(y)d 年：重新计算了 %(n)d 项期限。", y=year, n=changed), "success")
    return redirect(url_for(".platform"))


# --- a county's local holidays ------------------------------------------------------------------


def _selected_year() -> int:
    from lianxin.casework import deadlines

    today = deadlines.shanghai_today()
    try:
        year = int(request.args.get("year", today.year))
    except ValueError:
        year = today.year
    return year if fileformat.FIRST_YEAR <= year <= fileformat.LAST_YEAR else today.year


@bp.route("/c/<county_slug>/calendar/", methods=["GET", "POST"], endpoint="county")
def county_page():
    actor, county = current_actor(), current_county()
    year = _selected_year()
    errors: list[str] = []
    status = 200
    form = {"day": "", "name": ""}
    if request.method == "POST":
        action = request.form.get("action")
        form = {"day": request.form.get("day", ""), "name": request.form.get("name", "")}
        try:
            if action == "remove":
                service.remove_local_holiday(actor, county, form["day"])
                flash(_("已取消地方假日 %(d)s。", d=form["day"]), "success")
            else:
                row = service.add_local_holiday(actor, county, form["day"], form["name"])
                flash(_("已添加地方假日 %(d)s。", d=row.day.isoformat()), "success")
                year = row.day.year
            return redirect(url_for(".county", year=year))
        except ValidationFailed as exc:
            errors, status = [exc.message], 422
    from lianxin import work_calendar

    return (
        render_template(
            "work_calendar/county.html",
            year=year,
            holidays=service.local_holidays(actor, county, year),
            official=work_calendar.is_official(year),
            can_admin=permissions.can_administer_county(actor, county.id),
            errors=errors,
            form=form,
        ),
        status,
    )
