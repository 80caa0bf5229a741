"""Pages of the training module (/t/<slug>/trainings): the office schedules sessions, decides
leave requests, takes attendance day by day on a phone (a searchable roll, one tap each) and
sees each representative's standing; a representative confirms or asks for leave and sees their
own standing. A foreign id is a 404 (NotFound propagates); rule breaks and bad input are flashed
and nothing is changed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.db import db
from lianxin.errors import PermissionDenied
from lianxin.modules.kit import WINDOW_MINUTES, is_read_only, today
from lianxin.modules.trainings import service
from lianxin.modules.trainings.errors import TrainingRuleBroken
from lianxin.modules.trainings.inputs import (
    AnswerInputSchema,
    CancelInputSchema,
    CheckInInputSchema,
    LeaveDecisionInputSchema,
    SessionInputSchema,
    SessionPatchSchema,
)
from lianxin.modules.trainings.models import Answer, Audience, Half, Leave
from lianxin.people.models import Representative, RepresentativeGroup
from lianxin.usecases import load_input
from lianxin.web.forms import attempt, flash_error
from lianxin.web.qr import qr_svg
from lianxin.web.scope import township_scope

pages = Blueprint("trainings", __name__, template_folder="templates")


@pages.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "kind_label": lambda k: service.KIND_LABELS.get(k, k),
        "audience_label": lambda a: service.AUDIENCE_LABELS.get(a, a),
        "answer_label": lambda a: service.ANSWER_LABELS.get(a, a),
        "leave_label": lambda v: service.LEAVE_LABELS.get(v, v),
        "half_label": lambda h: service.HALF_LABELS.get(h, h),
        "fmt_days": lambda d: f"{float(d):g}",
        "HALF": Half,
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
        made = attempt(
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
        groups, reps = _choices()
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


def _choices() -> tuple[list[RepresentativeGroup], list[Representative]]:
    """The active groups (area and thematic) and the representatives in office, for the form."""
    groups = list(
        db.session.scalars(
            select(RepresentativeGroup)
            .where(RepresentativeGroup.is_active.is_(True))
            .order_by(RepresentativeGroup.kind, RepresentativeGroup.name)
        )
    )
    reps = [
        r
        for r in db.session.scalars(
            select(Representative).order_by(Representative.name_pinyin, Representative.id)
        )
        if r.in_office
    ]
    return groups, reps


@pages.route("/<int:session_id>/edit", methods=["GET", "POST"])
def edit(session_id: int):
    """Change a session before it starts (the office); those affected are told."""
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    if not service.is_office(actor, township):
        raise PermissionDenied()
    if request.method == "POST":
        done = attempt(
            lambda: service.update_session(
                actor,
                township,
                session_id,
                load_input(SessionPatchSchema, request.form, form=True, partial=True),
            ),
            ok=_("已修改，相关代表已收到通知"),
        )
        if done is not None:
            return redirect(url_for("trainings.session", session_id=session_id))
    groups, reps = _choices()
    invited = {i.representative_id for i in service.invitations_of(item)}
    return render_template(
        "trainings/edit.html",
        s=item,
        kinds=service.KIND_LABELS,
        audiences=service.AUDIENCE_LABELS,
        groups=groups,
        reps=reps,
        named=invited if item.audience == Audience.NAMED else set(),
        can_edit=not item.cancelled and today() < item.starts_on,
    )


@pages.post("/<int:session_id>/cancel")
def cancel(session_id: int):
    actor, township = township_scope()
    service.get_session(actor, township, session_id)
    attempt(
        lambda: service.cancel_session(
            actor,
            township,
            session_id,
            load_input(CancelInputSchema, request.form, form=True).reason,
        ),
        ok=_("已取消该培训，参训代表已收到通知"),
    )
    return redirect(url_for("trainings.session", session_id=session_id))


@pages.get("/<int:session_id>")
def session(session_id: int):
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    office = service.is_office(actor, township)
    day = today()
    invitations = service.invitations_of(item) if office else []
    present: dict[int, float] = {}
    for c in service.check_ins_of(item):
        share = 1.0 if c.half == Half.FULL else 0.5
        present[c.representative_id] = present.get(c.representative_id, 0) + share
    mine = service.my_invitation(actor, township, item)
    return render_template(
        "trainings/session.html",
        s=item,
        office=office,
        open=day <= item.ends_on and not item.cancelled,
        started=day >= item.starts_on,
        editable=not item.cancelled and day < item.starts_on,
        days=service.session_days(item),
        invitations=invitations,
        leave_requests=[]
        if item.cancelled
        else [i for i in invitations if i.leave == Leave.REQUESTED],
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
    done = attempt(
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
    done = attempt(
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
    # The QR code: shown on the day (its own page, which turns it every 5 minutes), or printed
    # for the day before it; a past day's is of no use.
    # Not to a county drilling down: a code is a credential (`check_in_code._issuing`).
    open_ = not item.cancelled
    issues = open_ and not is_read_only()
    return render_template(
        "trainings/attendance.html",
        s=item,
        day=day,
        days=service.session_days(item),
        q=q,
        rows=rows,
        total=total,
        checked=checked,
        can_check=day <= today() and open_,
        can_show_code=issues and day == today(),
        can_print_code=issues and day >= today(),
        window_minutes=WINDOW_MINUTES,
    )


@pages.get("/<int:session_id>/checkin-code")
def check_in_code(session_id: int):
    """The QR code the office shows on a screen at the venue: the current 5-minute window's,
    the page reloading itself for the next (`<meta http-equiv="refresh">`: no script, the CSP
    allows none inline). `?printed=1&day=`: the day's code to print, good all day, marked so."""
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    day = _day(request.args.get("day"))
    printed = request.args.get("printed") in ("1", "true")
    try:
        code = service.check_in_code(actor, township, session_id, day, printed=printed)
    except TrainingRuleBroken as exc:
        flash_error(exc)
        back = day.isoformat() if day else None
        return redirect(url_for("trainings.attendance", session_id=session_id, day=back))
    return render_template(
        "trainings/checkin_code.html",
        s=item,
        code=code,
        qr=qr_svg(code.url),
        window_minutes=WINDOW_MINUTES,
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
    attempt(
        lambda: service.check_in(
            actor,
            township,
            session_id,
            rep_id,
            day=day,
            half=load_input(
                CheckInInputSchema,
                {"representative_id": rep_id, **request.form.to_dict()},
                form=True,
            ).half,
        ),
        ok=_("已签到"),
    )
    return _back(session_id, day, rep_id)


@pages.post("/<int:session_id>/attendance/<int:rep_id>/undo")
def undo_check_in(session_id: int, rep_id: int):
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    day = _day(request.form.get("day")) or service.default_day(item)
    attempt(
        lambda: service.undo_check_in(actor, township, session_id, rep_id, day),
        ok=_("已撤销签到"),
    )
    return _back(session_id, day, rep_id)


@pages.route("/<int:session_id>/checkin/<token>", methods=["GET", "POST"])
def scan(session_id: int, token: str):
    """The page a QR code opens on a representative's phone: one tap to check in. A wrong code
    is a 404; outside its day, a shown code too late (`CheckInCodeExpired`), or for one not
    invited, the reason is shown in Chinese and nothing is recorded (another township's member
    finds no such page)."""
    actor, township = township_scope()
    item = service.get_session(actor, township, session_id)
    try:
        if request.method == "POST":
            done = service.self_check_in(actor, township, session_id, token)
            flash(_("签到成功"), "success")
            day = done.day
        else:
            found = service.scan(actor, township, session_id, token)
            done, day = found.done, found.day
    except (TrainingRuleBroken, PermissionDenied) as exc:
        flash_error(exc)
        status = 403 if isinstance(exc, PermissionDenied) else 409
        return render_template(
            "trainings/checkin.html", s=item, day=None, token=token, refused=True, done=None
        ), status
    return render_template(
        "trainings/checkin.html", s=item, day=day, token=token, refused=False, done=done
    )


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
    day = today().isoformat()
    return spreadsheets.response(
        service.register_xlsx(actor, township),
        _("%(t)s学习培训登记簿-%(d)s.xlsx", t=township.name, d=day),
        ascii_name=f"trainings-{day}.xlsx",
    )


@pages.get("/standing.xlsx")
def standing_xlsx():
    actor, township = township_scope()
    try:
        year = int(request.args.get("year") or today().year)
    except ValueError:
        year = today().year
    return spreadsheets.response(
        service.standing_xlsx(actor, township, year),
        _("%(t)s%(y)d年代表参训情况.xlsx", t=township.name, y=year),
        ascii_name=f"training-standing-{year}.xlsx",
    )
