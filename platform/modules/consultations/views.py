"""Pages of the consultations module (/t/<slug>/consultations) and its public answer page for
one-time links (/p/<slug>/consultations/answer). Every rule lives in the service; these pages
only call it. A foreign or unknown id is a 404 and a step the service refuses a 403 (those
errors propagate); bad input and rule breaks show the form again with what was typed (422) or
are flashed, nothing changed. Made for a phone: cards, big choices, one tap to answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.consultations import service
from lianxin.modules.consultations.inputs import (
    ConsultationAnswerSchema,
    ConsultationCaseSchema,
    ConsultationFeedbackSchema,
    ConsultationInputSchema,
    ConsultationVoteSchema,
)
from lianxin.modules.consultations.models import Consultation, Kind, Mode, Outcome
from lianxin.modules.kit import today
from lianxin.people import service as people
from lianxin.storage.service import FileTooLarge
from lianxin.storage.views import download_response
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import current_township, township_scope

pages = Blueprint("consultations", __name__, template_folder="templates")
public = Blueprint("consultations_public", __name__, template_folder="templates")

STEP_ERRORS = (ValidationFailed, Conflict, FileTooLarge)
LINK_KEY = "consultation_link"


@pages.context_processor
@public.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "kind_label": lambda v: service.label(service.KIND_LABELS, v),
        "mode_label": lambda v: service.label(service.MODE_LABELS, v),
        "state_label": lambda v: service.label(service.STATE_LABELS, v),
        "stance_label": lambda v: service.label(service.STANCE_LABELS, v),
        "outcome_label": lambda v: service.label(service.OUTCOME_LABELS, v),
        "KINDS": [k.value for k in Kind],
        "MODES": [m.value for m in Mode],
        "OUTCOMES": [o.value for o in Outcome],
        "percent": lambda rate: "—" if rate is None else f"{rate * 100:.0f}%",
    }


def _private(response: Any) -> Any:
    """Pages that carry a one-time link: never cached, never sent on as a referrer."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _xlsx(data: bytes, filename: str) -> Any:
    return spreadsheets.response(data, filename, ascii_name="consultations.xlsx")


# --- the list -------------------------------------------------------------------------------------


@pages.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    rows = service.list_consultations(actor, township)
    rep = service.own_representative(actor, township)
    mine: dict[int, bool] = {}
    if rep is not None:
        for c in rows:
            invitee = service.my_invitee(actor, township, c)
            if invitee is not None:
                mine[c.id] = service.has_answered(c, invitee)
    sees_all = service.sees_all(actor, township)
    return render_template(
        "consultations/index.html",
        rows=rows,
        mine=mine,
        sees_all=sees_all,
        is_office=service.is_office(actor, township),
        tallies={c.id: service.consultation_tally(c) for c in rows} if sees_all else {},
        is_open=service.is_open,
    )


@pages.get("/export.xlsx", endpoint="register_export")
def register_export():
    actor, township = township_scope()
    return _xlsx(service.register_xlsx(actor, township), _("征询意见台账.xlsx"))


# --- opening --------------------------------------------------------------------------------------


def _render_new(values: dict[str, Any], errors: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    return (
        render_template(
            "consultations/new.html",
            values=values,
            errors=errors,
            groups=[g for g in people.list_groups(actor, township) if g.group.is_active],
            reps=service.rep_choices(township),
            branch_names={b.id: b.name for b in tenants.list_branches(actor, township)[0]},
            minimum=int(service.settings(township.id)["min_representatives"]),
            selected={int(v) for v in values.get("representative_ids", []) if str(v).isdigit()},
            selected_groups={int(v) for v in values.get("group_ids", []) if str(v).isdigit()},
        ),
        status,
    )


@pages.route("/new", methods=["GET", "POST"], endpoint="new")
def new():
    actor, township = township_scope()
    service.page_consultations(actor, township, limit=0)  # a member, or 404
    if not service.is_office(actor, township):
        raise PermissionDenied()
    if request.method == "GET":
        days = int(service.settings(township.id)["default_days"])
        return _render_new(
            {"deadline": (today() + timedelta(days=days)).isoformat(), "mode": "opinion"}, {}
        )
    values: dict[str, Any] = request.form.to_dict()
    values["representative_ids"] = request.form.getlist("representative_ids")
    values["group_ids"] = request.form.getlist("group_ids")
    try:
        data = load_input(ConsultationInputSchema, request.form, form=True)
        uploads = [
            (f.stream, f.filename or "file") for f in request.files.getlist("files") if f.filename
        ]
        result = service.open_consultation(actor, township, data, uploads)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_new(values, exc.errors, 422)
    invited = service.consultation_tally(result.consultation).invited
    flash(_("已发出征询，共征询 %(n)d 名代表", n=invited), "success")
    unsent = [link for link in result.links if not link.sent]
    if unsent:
        return _private(
            render_template(
                "consultations/links.html", consultation=result.consultation, links=unsent
            )
        )
    return redirect(url_for("consultations.detail", consultation_id=result.consultation.id))


# --- one consultation -----------------------------------------------------------------------------


def _render_detail(
    consultation: Consultation,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    actor, township = township_scope()
    sees_all = service.sees_all(actor, township)
    invitee = service.my_invitee(actor, township, consultation)
    return (
        render_template(
            "consultations/detail.html",
            c=consultation,
            files=service.consultation_files(actor, township, consultation.id),
            invitee=invitee,
            answered=invitee is not None and service.has_answered(consultation, invitee),
            stances=[s.value for s in service.stances(consultation.mode)],
            open_now=service.is_open(consultation),
            sees_all=sees_all,
            is_office=service.is_office(actor, township),
            tally=service.consultation_tally(consultation) if sees_all else None,
            rows=service.answers(actor, township, consultation.id) if sees_all else [],
            vote=service.vote_of(township, consultation),
            parent=(
                service.find_consultation(township, consultation.parent_id)
                if consultation.parent_id
                else None
            ),
            values=values or {},
            errors=errors or {},
            default_deadline=(today() + timedelta(days=3)).isoformat(),
        ),
        status,
    )


@pages.get("/<int:consultation_id>", endpoint="detail")
def detail(consultation_id: int):
    actor, township = township_scope()
    return _render_detail(service.get_consultation(actor, township, consultation_id))


@pages.post("/<int:consultation_id>/answer", endpoint="answer")
def answer(consultation_id: int):
    actor, township = township_scope()
    consultation = service.get_consultation(actor, township, consultation_id)
    try:
        data = load_input(ConsultationAnswerSchema, request.form, form=True)
        service.answer(actor, township, consultation_id, data)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_detail(consultation, request.form.to_dict(), exc.errors, 422)
    flash(_("已提交您的答复，谢谢！"), "success")
    return redirect(url_for("consultations.detail", consultation_id=consultation_id))


def _step(consultation_id: int, fn: Any, ok: str) -> Any:
    """An office step on the consultation: the record first (a foreign id: 404), then the step;
    a rule break or bad input is flashed."""
    actor, township = township_scope()
    service.get_consultation(actor, township, consultation_id)
    try:
        fn(actor, township)
    except STEP_ERRORS as exc:
        flash_error(exc)
    else:
        flash(ok, "success")
    return redirect(url_for("consultations.detail", consultation_id=consultation_id))


@pages.post("/<int:consultation_id>/close", endpoint="close")
def close(consultation_id: int):
    return _step(
        consultation_id,
        lambda a, t: service.close_consultation(a, t, consultation_id),
        _("已截止征询"),
    )


@pages.post("/<int:consultation_id>/feedback", endpoint="feedback")
def feedback(consultation_id: int):
    return _step(
        consultation_id,
        lambda a, t: service.give_feedback(
            a, t, consultation_id, load_input(ConsultationFeedbackSchema, request.form, form=True)
        ),
        _("已反馈采纳情况，并通知了所有征询的代表"),
    )


@pages.post("/<int:consultation_id>/vote", endpoint="vote")
def vote(consultation_id: int):
    actor, township = township_scope()
    service.get_consultation(actor, township, consultation_id)
    try:
        data = load_input(ConsultationVoteSchema, request.form, form=True)
        result = service.call_vote(actor, township, consultation_id, data)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return redirect(url_for("consultations.detail", consultation_id=consultation_id))
    flash(_("已发起表决"), "success")
    unsent = [link for link in result.links if not link.sent]
    if unsent:
        return _private(
            render_template(
                "consultations/links.html", consultation=result.consultation, links=unsent
            )
        )
    return redirect(url_for("consultations.detail", consultation_id=result.consultation.id))


@pages.post("/invitees/<int:invitee_id>/case", endpoint="case")
def case(invitee_id: int):
    actor, township = township_scope()
    consultation_id = service.find_invitee(township, invitee_id).consultation_id
    try:
        data = load_input(ConsultationCaseSchema, request.form, form=True)
        new_case = service.raise_case(actor, township, invitee_id, data)
    except STEP_ERRORS as exc:
        flash_error(exc)
    else:
        flash(
            _(
                "已转为诉求（编号 %(id)s），查询码 %(code)s",
                id=new_case.case.id,
                code=new_case.tracking_code,
            ),
            "success",
        )
    return redirect(url_for("consultations.detail", consultation_id=consultation_id))


@pages.post("/invitees/<int:invitee_id>/link", endpoint="link")
def link(invitee_id: int):
    actor, township = township_scope()
    try:
        issued = service.reissue_link(actor, township, invitee_id)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return redirect(url_for("consultations.index"))
    consultation = service.find_consultation(township, issued.invitee.consultation_id)
    return _private(
        render_template("consultations/links.html", consultation=consultation, links=[issued])
    )


@pages.get("/<int:consultation_id>/export.xlsx", endpoint="export")
def export(consultation_id: int):
    actor, township = township_scope()
    consultation = service.get_consultation(actor, township, consultation_id)
    data = service.answers_xlsx(actor, township, consultation_id)
    return _xlsx(data, _("%(t)s 答复情况.xlsx", t=consultation.title[:40]))


# --- the one-time link (no account) ---------------------------------------------------------------

# The secret must not stay in access logs or a Referer: the first GET trades it for a value in
# the signed session cookie and redirects to the form without it.


@public.get("/answer/<token>", endpoint="answer")
def link_answer(token: str):
    session[LINK_KEY] = {"township": current_township().slug, "secret": token}
    response = redirect(url_for("consultations_public.answer_form"))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _remembered() -> str:
    kept = session.get(LINK_KEY) or {}
    if kept.get("township") != current_township().slug:
        return ""
    return str(kept.get("secret") or "")


@public.route("/answer", methods=["GET", "POST"], endpoint="answer_form")
def link_answer_form():
    township = current_township()
    token = _remembered()
    try:
        consultation, _invitee = service.by_link(township, token)
    except NotFound:  # a used or unknown link: the page says so
        return _private(
            (
                render_template("consultations/public_answer.html", state="used", public_page=True),
                404,
            )
        )
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST" and township.is_active:
        try:
            data = load_input(ConsultationAnswerSchema, request.form, form=True)
            service.answer_by_link(township, token, data)
        except STEP_ERRORS as exc:
            flash_error(exc)
            values, errors, status = request.form.to_dict(), exc.errors, 422
        else:
            session.pop(LINK_KEY, None)
            return _private(
                render_template(
                    "consultations/public_answer.html",
                    state="done",
                    c=consultation,
                    public_page=True,
                )
            )
    return _private(
        (
            render_template(
                "consultations/public_answer.html",
                state="form" if service.is_open(consultation) else "closed",
                c=consultation,
                files=service.files_of(consultation),
                stances=[s.value for s in service.stances(consultation.mode)],
                values=values,
                errors=errors,
                public_page=True,
            ),
            status,
        )
    )


@public.get("/answer/files/<int:file_id>", endpoint="answer_file")
def link_file(file_id: int):
    """A document of the consultation the link in this browser opens: its holder only, while
    the link works."""
    return download_response(
        service.linked_file(current_township(), _remembered(), file_id), private=True
    )
