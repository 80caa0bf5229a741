"""Pages of the sitting-in module (/t/<slug>/sittings): the office plans meetings, invites
batches by rotation, records attendance and the suggestions and answers them; a representative
confirms or declines on a phone and records their own suggestions. A foreign id is a 404
(NotFound propagates); rule breaks and bad input are flashed and nothing is changed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.modules.kit import today
from lianxin.modules.sittings import service
from lianxin.modules.sittings.inputs import (
    AnswerInputSchema,
    AttendanceInputSchema,
    InviteInputSchema,
    MeetingInputSchema,
    SuggestionCaseInputSchema,
    SuggestionInputSchema,
    WrittenAnswerInputSchema,
)
from lianxin.modules.sittings.models import Answer, Outcome
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch
from lianxin.usecases import load_input
from lianxin.web.forms import attempt
from lianxin.web.scope import township_scope

pages = Blueprint("sittings", __name__, template_folder="templates")


@pages.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "kind_label": lambda k: service.KIND_LABELS.get(k, k),
        "answer_label": lambda a: service.ANSWER_LABELS.get(a, a),
        "outcome_label": lambda o: service.OUTCOME_LABELS.get(o, o),
        "ANSWER": Answer,
        "OUTCOME": Outcome,
    }


def _names() -> dict[int, str]:
    return {
        rep_id: name
        for rep_id, name in db.session.execute(select(Representative.id, Representative.name))
    }


def _branches() -> list[Branch]:
    return list(
        db.session.scalars(select(Branch).where(Branch.is_active.is_(True)).order_by(Branch.name))
    )


@pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = township_scope()
    if request.method == "POST":
        made = attempt(
            lambda: service.plan_meeting(
                actor, township, load_input(MeetingInputSchema, request.form, form=True)
            ),
            ok=_("已安排会议，请邀请列席代表"),
        )
        if made is not None:
            return redirect(url_for("sittings.meeting", meeting_id=made.id))
        return redirect(url_for("sittings.index"))
    office = service.is_office(actor, township)
    meetings = service.list_meetings(actor, township)
    day = today()
    rows = service.rotation(actor, township) if office else []
    return render_template(
        "sittings/index.html",
        office=office,
        coming=[m for m in meetings if m.held_at is None and m.held_on >= day],
        past=[m for m in meetings if not (m.held_at is None and m.held_on >= day)],
        mine=service.my_invitations(actor, township),
        standings=rows,
        not_yet=service.not_yet(township.id, rows) if office else [],
        need=service.settings(township.id)["min_per_term"],
        term=service.current_term(),
        branches=_branches() if office else [],
        kinds=service.KIND_LABELS,
        today=day,
    )


@pages.get("/<int:meeting_id>")
def meeting(meeting_id: int):
    actor, township = township_scope()
    item = service.get_meeting(actor, township, meeting_id)
    office = service.is_office(actor, township)
    day = today()
    invitations = service.invitations_of(item)
    open_ = item.held_at is None and day <= item.held_on
    proposed = service.propose_batch(actor, township, meeting_id) if office and open_ else []
    invited = {i.representative_id for i in invitations}
    mine = service.my_invitation(actor, township, item)
    others: list[Representative] = []
    if office and open_:
        others = [
            r
            for r in db.session.scalars(
                select(Representative).order_by(Representative.name_pinyin, Representative.id)
            )
            if r.in_office and r.id not in invited
        ]
    branch = db.session.get(Branch, (township.id, item.branch_id)) if item.branch_id else None
    return render_template(
        "sittings/meeting.html",
        meeting=item,
        branch=branch,
        office=office,
        open=open_,
        can_record=office and day >= item.held_on,
        invitations=invitations,
        names=_names(),
        proposed=proposed,
        proposed_ids={s.representative_id for s in proposed},
        others=others,
        mine=mine,
        suggestions=service.suggestions_of(item),
        attended=[i for i in invitations if i.attended],
        categories=casework.CATEGORIES,
        case_url=lambda case_id: casework.case_link(township, case_id),
        today=day,
    )


# The meeting (or invitation, or suggestion) of the URL is looked up before a form is read:
# another township's id is a 404, not a form's error.


@pages.post("/<int:meeting_id>/invite")
def invite(meeting_id: int):
    actor, township = township_scope()
    service.get_meeting(actor, township, meeting_id)
    attempt(
        lambda: service.invite_batch(
            actor,
            township,
            meeting_id,
            load_input(InviteInputSchema, request.form, form=True).representative_ids,
        ),
        ok=_("已发出列席邀请"),
    )
    return redirect(url_for("sittings.meeting", meeting_id=meeting_id) + "#invitations")


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
        flash(_("已确认参加") if done.answer == Answer.CONFIRMED else _("已答复不参加"), "success")
    return redirect(url_for("sittings.meeting", meeting_id=invitation.meeting_id))


@pages.post("/<int:meeting_id>/attendance")
def attendance(meeting_id: int):
    actor, township = township_scope()
    service.get_meeting(actor, township, meeting_id)
    attempt(
        lambda: service.record_attendance(
            actor,
            township,
            meeting_id,
            load_input(AttendanceInputSchema, request.form, form=True).representative_ids,
        ),
        ok=_("已登记出席情况"),
    )
    return redirect(url_for("sittings.meeting", meeting_id=meeting_id) + "#attendance")


@pages.post("/<int:meeting_id>/suggestions")
def suggestion(meeting_id: int):
    actor, township = township_scope()
    service.get_meeting(actor, township, meeting_id)
    attempt(
        lambda: service.record_suggestion(
            actor, township, meeting_id, load_input(SuggestionInputSchema, request.form, form=True)
        ),
        ok=_("已登记意见建议"),
    )
    return redirect(url_for("sittings.meeting", meeting_id=meeting_id) + "#suggestions")


@pages.post("/suggestions/<int:suggestion_id>/case")
def suggestion_case(suggestion_id: int):
    actor, township = township_scope()
    item = service.get_suggestion(actor, township, suggestion_id)
    made = attempt(
        lambda: service.suggestion_to_case(
            actor,
            township,
            suggestion_id,
            load_input(SuggestionCaseInputSchema, request.form, form=True),
        )
    )
    if made is not None:
        flash(_("已转为诉求，查询码：%(c)s", c=made.tracking_code), "success")
    return redirect(url_for("sittings.meeting", meeting_id=item.meeting_id) + "#suggestions")


@pages.post("/suggestions/<int:suggestion_id>/answer")
def suggestion_answer(suggestion_id: int):
    actor, township = township_scope()
    item = service.get_suggestion(actor, township, suggestion_id)
    attempt(
        lambda: service.answer_suggestion(
            actor,
            township,
            suggestion_id,
            load_input(WrittenAnswerInputSchema, request.form, form=True),
        ),
        ok=_("已答复，答复已发送给代表"),
    )
    return redirect(url_for("sittings.meeting", meeting_id=item.meeting_id) + "#suggestions")


@pages.get("/register.xlsx")
def register_xlsx():
    actor, township = township_scope()
    data = service.register_xlsx(actor, township)
    day = today().isoformat()
    name = _("%(t)s代表列席登记簿-%(d)s.xlsx", t=township.name, d=day)
    return spreadsheets.response(data, name, ascii_name=f"sittings-{day}.xlsx")
