"""Pages of the training module (/t/<slug>/trainings): the office schedules sessions, decides
leave requests, takes attendance day by day on a phone (a searchable roll, one tap each) and
sees each representative's standing; a representative confirms or asks for leave and sees their
own standing. A foreign id is a 404 (NotFound propagates); rule breaks and bad input are flashed
and nothing is changed."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.db import db
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.kit import today
from lianxin.modules.trainings import service
from lianxin.modules.trainings.inputs import (
    AnswerInputSchema,
    LeaveDecisionInputSchema,
    SessionInputSchema,
)
from lianxin.modules.trainings.models import Answer, Leave
from lianxin.people.models import Representative, RepresentativeGroup
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import township_scope

pages = Blueprint("trainings", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        "kind_label": lambda k: service.KIND_LABELS.get(k, k),
        "audience_label": lambda a: service.AUDIENCE_LABELS.get(a, a),
        "answer_label": lambda a: service.ANSWER_LABELS.get(a, a),
        "leave_label": lambda v: service.LEAVE_LABELS.get(v, v),
        "consequence_label": lambda c: service.CONSEQUENCE_LABELS.get(c, ""),
        "ANSWER": Answer,
        "LEAVE": Leave,
    }


def _names() -> dict[int, str]:
    return {i: n for i, n in db.session.execute(select(Representative.id, Representative.name))}


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(404)


@pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = township_scope()
    if request.method == "POST":
        made = _attempt(
            lambda: service.schedule_session(
                actor, township, load_input(SessionInputSchema, request.form, form=True)
            ),
            ok=_("已安排学习培训，参训代表已收到通知"),
        )
        if made is not None:
            return redirect(url_for("trainings.session", session_id=made.id))
        return redirect(url_for("trainings.index") + "#plan")
    office = service.is_office(actor, township)
    sessions = service.list_sessions(actor, township)
    day = today()
    groups: list[RepresentativeGroup] = []
    reps: list[Representative] = []
    if office:
        groups = list(
            db.session.scalars(
                select(RepresentativeGroup)
                .where(RepresentativeGroup.is_active.is_(True))
                .order_by(RepresentativeGroup.name)
            )
        )
        reps = [
            r
            for r in db.session.scalars(
                select(Representative).order_by(Representative.name_pinyin, Representative.id)
            )
            if r.in_office
        ]
    return render_template(
        "trainings/index.html",
        office=office,
        coming=[s for s in sessions if s.ends_on >= day],
        past=[s for s in sessions if s.ends_on < day],
        mine=service.my_invitations(actor, township),
        leave_waiting=service.leave_to_decide(actor, township).count if office else 0,
        kinds=service.KIND_LABELS,
        audiences=service.AUDIENCE_LABELS,
        groups=groups,
        reps=reps,
        today=day,
    )


@pages.get("/<int:session_id>")
def session(session_id: int):
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    office = service.is_office(actor, township)
    day = today()
    invitations = service.invitations_of(item) if office else []
    present: dict[int, int] = {}
    for c in service.check_ins_of(item):
        present[c.representative_id] = present.get(c.representative_id, 0) + 1
    mine = service.my_invitation(actor, township, item)
    return render_template(
        "trainings/session.html",
        s=item,
        office=office,
        open=day <= item.ends_on,
        started=day >= item.starts_on,
        invitations=invitations,
        leave_requests=[i for i in invitations if i.leave == Leave.REQUESTED],
        names=_names(),
        present=present,
        mine=mine,
        mine_days=present.get(mine.representative_id, 0) if mine else 0,
        today=day,
    )


@pages.post("/invitations/<int:invitation_id>/answer")
def answer(invitation_id: int):
    actor, township = township_scope()
    invitation = service.get_invitation(actor, township, invitation_id)
    done = _attempt(
        lambda: service.answer_invitation(
            actor, township, invitation_id, load_input(AnswerInputSchema, request.form, form=True)
        )
    )
    if done is not None:
        flash(
            _("已确认参加") if done.answer == Answer.CONFIRMED else _("已提交请假，等待审批"),
            "success",
        )
    return redirect(url_for("trainings.session", session_id=invitation.session_id))


@pages.post("/invitations/<int:invitation_id>/leave")
def leave(invitation_id: int):
    actor, township = township_scope()
    invitation = service.get_invitation(actor, township, invitation_id)
    done = _attempt(
        lambda: service.decide_leave(
            actor,
            township,
            invitation_id,
            load_input(LeaveDecisionInputSchema, request.form, form=True).approve,
        )
    )
    if done is not None:
        flash(_("已准假") if done.leave == Leave.APPROVED else _("已不准假"), "success")
    return redirect(url_for("trainings.session", session_id=invitation.session_id) + "#leave")


@pages.get("/<int:session_id>/attendance")
def attendance(session_id: int):
    """The check-in roll of one day, searchable, one tap a representative (on a phone)."""
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    if not service.is_office(actor, township):
        raise PermissionDenied()
    day = _day(request.args.get("day")) or service.default_day(item)
    if not item.starts_on <= day <= item.ends_on:
        day = service.default_day(item)
    q = (request.args.get("q") or "").strip()
    rows, total, checked = service.roll(actor, township, session_id, day, q)
    return render_template(
        "trainings/attendance.html",
        s=item,
        day=day,
        days=service.session_days(item),
        q=q,
        rows=rows,
        total=total,
        checked=checked,
        can_check=day <= today(),
    )


def _back(session_id: int, day: date, rep_id: int | None = None) -> Any:
    q = request.form.get("q") or None
    url = url_for("trainings.attendance", session_id=session_id, day=day.isoformat(), q=q)
    return redirect(url + (f"#rep-{rep_id}" if rep_id else ""))


@pages.post("/<int:session_id>/attendance/<int:rep_id>/check-in")
def check_in(session_id: int, rep_id: int):
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    day = _day(request.form.get("day")) or service.default_day(item)
    _attempt(lambda: service.check_in(actor, township, session_id, rep_id, day=day), ok=_("已签到"))
    return _back(session_id, day, rep_id)


@pages.post("/<int:session_id>/attendance/<int:rep_id>/undo")
def undo_check_in(session_id: int, rep_id: int):
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    day = _day(request.form.get("day")) or service.default_day(item)
    _attempt(
        lambda: service.undo_check_in(actor, township, session_id, rep_id, day),
        ok=_("已撤销签到"),
    )
    return _back(session_id, day, rep_id)


@pages.get("/standing")
def standing():
    actor, township = township_scope()
    day = today()
    try:
        year = int(request.args.get("year") or day.year)
    except ValueError:
        year = day.year
    rows = service.standings(actor, township, year)
    return render_template(
        "trainings/standing.html",
        rows=rows,
        year=year,
        this_year=day.year,
        office=service.is_office(actor, township),
        rules=service.settings(township.id),
    )


@pages.get("/register.xlsx")
def register_xlsx():
    actor, township = township_scope()
    return send_file(
        io.BytesIO(service.register_xlsx(actor, township)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"trainings-{today().isoformat()}.xlsx",
    )


@pages.get("/standing.xlsx")
def standing_xlsx():
    actor, township = township_scope()
    try:
        year = int(request.args.get("year") or today().year)
    except ValueError:
        year = today().year
    return send_file(
        io.BytesIO(service.standing_xlsx(actor, township, year)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"training-standing-{year}.xlsx",
    )
