"""Pages of the briefings module (/t/<slug>/briefings) and the reading page of a link sent by
SMS (/p/<slug>/briefings/read). Every rule lives in service.py; these pages only call it. A
foreign or unknown id is a 404 and a step the service refuses a 403 (the errors propagate);
a rule break or bad input is flashed and the form shown again with what was typed (422).

A representative opens a briefing on a phone from the inbox link; that first opening is the
read receipt. The office sees who read and who did not (not secret)."""

from __future__ import annotations

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
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.briefings import service
from lianxin.modules.briefings.inputs import BriefingInputSchema, BriefingPatchSchema
from lianxin.modules.briefings.models import Audience, Kind, State
from lianxin.people import service as people
from lianxin.storage.service import FileTooLarge
from lianxin.storage.views import download_response
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error, label
from lianxin.web.scope import current_township, township_scope

pages = Blueprint("briefings", __name__, template_folder="templates")
public = Blueprint("briefings_public", __name__, template_folder="templates")

STEP_ERRORS = (ValidationFailed, Conflict, FileTooLarge)


@pages.context_processor
@public.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "kind_label": lambda k: label(service.KIND_LABELS, k),
        "state_label": lambda s: label(service.STATE_LABELS, s),
        "audience_label": lambda a: label(service.AUDIENCE_LABELS, a),
        "KINDS": [k.value for k in Kind],
        "AUDIENCES": [a.value for a in Audience],
        "local_time": _local_time,
    }


def _local_time(moment: Any) -> str:
    from lianxin.modules.registry import SHANGHAI

    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def _xlsx(body: bytes, filename: str) -> Any:
    return spreadsheets.response(body, filename, ascii_name="briefings.xlsx")


# --- the list ------------------------------------------------------------------------------------


@pages.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    office = service.is_office(actor, township)
    briefings = service.list_briefings(actor, township)
    counts = service.read_counts([b.id for b in briefings if b.state == State.SENT])
    mine: dict[int, Any] = {}
    if not office:
        for b in briefings:
            mine[b.id] = service.my_receipt(actor, township, b)
        briefings.sort(key=lambda b: mine[b.id] is not None and mine[b.id].read_at is not None)
    return render_template(
        "briefings/index.html",
        briefings=briefings,
        counts=counts,
        mine=mine,
        is_office=office,
        read_days=int(service.settings(township.id)["read_days"]),
    )


@pages.get("/export.xlsx", endpoint="export")
def export():
    body = service.export_register(*township_scope())
    return _xlsx(body, _("通报登记.xlsx"))


# --- drafting ------------------------------------------------------------------------------------


def _form_values() -> dict[str, Any]:
    return {
        "kind": request.form.get("kind", ""),
        "title": request.form.get("title", ""),
        "text": request.form.get("text", ""),
        "audience": request.form.get("audience", Audience.ALL.value),
        "group_ids": [int(i) for i in request.form.getlist("group_ids") if i.isdigit()],
        "representative_ids": [
            int(i) for i in request.form.getlist("representative_ids") if i.isdigit()
        ],
        "corrects_id": request.form.get("corrects_id", ""),
    }


def _render_form(values: dict[str, Any], *, briefing: Any = None, errors: Any = None, status=200):
    actor, township = township_scope()
    groups = [g.group for g in people.list_groups(actor, township) if g.group.is_active]
    reps, _n = people.list_representatives(actor, township, status="in_office")
    corrects = None
    if values.get("corrects_id"):
        corrects = service.find_briefing(township, int(values["corrects_id"]))
    return render_template(
        "briefings/form.html",
        values=values,
        briefing=briefing,
        errors=errors or {},
        groups=groups,
        reps=reps,
        corrects=corrects,
    ), status


@pages.route("/new", methods=["GET", "POST"], endpoint="new")
def new():
    actor, township = township_scope()
    if request.method == "GET":
        values: dict[str, Any] = {"audience": Audience.ALL.value, "group_ids": []}
        values["representative_ids"] = []
        old_id = request.args.get("corrects", "")
        if old_id.isdigit():
            old = service.get_briefing(actor, township, int(old_id))
            values.update(
                kind=old.kind,
                title=_("更正：%(t)s", t=old.title)[:100],
                audience=old.audience,
                group_ids=list(old.group_ids or []),
                representative_ids=list(old.representative_ids or []),
                corrects_id=old.id,
            )
        if not service.is_office(actor, township):
            raise PermissionDenied()  # the office alone drafts (the use case checks it again)
        return _render_form(values)
    values = _form_values()
    try:
        data = load_input(BriefingInputSchema, request.form, form=True)
        briefing = service.create_briefing(actor, township, data)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_form(values, errors=getattr(exc, "errors", {}), status=422)
    flash(_("草稿已保存，确认无误后请发出"), "success")
    return redirect(url_for("briefings.briefing", briefing_id=briefing.id))


@pages.route("/<int:briefing_id>/edit", methods=["GET", "POST"], endpoint="edit")
def edit(briefing_id: int):
    actor, township = township_scope()
    briefing = service.get_briefing(actor, township, briefing_id)
    if request.method == "GET":
        if briefing.state != State.DRAFT or not service.is_office(actor, township):
            return redirect(url_for("briefings.briefing", briefing_id=briefing.id))
        values = {
            "kind": briefing.kind,
            "title": briefing.title,
            "text": briefing.text,
            "audience": briefing.audience,
            "group_ids": list(briefing.group_ids or []),
            "representative_ids": list(briefing.representative_ids or []),
            "corrects_id": briefing.corrects_id or "",
        }
        return _render_form(values, briefing=briefing)
    values = _form_values()
    form = request.form.to_dict(flat=False)
    # An unticked list is absent from a form: the whole draft is sent each time.
    form.setdefault("group_ids", [])
    form.setdefault("representative_ids", [])
    data = {k: (v if k in ("group_ids", "representative_ids") else v[0]) for k, v in form.items()}
    try:
        changes = load_input(BriefingPatchSchema, data, form=True)
        service.update_briefing(actor, township, briefing.id, changes)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_form(
            values, briefing=briefing, errors=getattr(exc, "errors", {}), status=422
        )
    flash(_("草稿已保存"), "success")
    return redirect(url_for("briefings.briefing", briefing_id=briefing.id))


def _step(briefing_id: int, fn: Any, *, ok: str) -> Any:
    try:
        fn()
    except STEP_ERRORS as exc:
        flash_error(exc)
    else:
        flash(ok, "success")
    return redirect(url_for("briefings.briefing", briefing_id=briefing_id))


@pages.post("/<int:briefing_id>/send", endpoint="send")
def send(briefing_id: int):
    actor, township = township_scope()
    service.get_briefing(actor, township, briefing_id)
    return _step(
        briefing_id,
        lambda: service.send_briefing(actor, township, briefing_id),
        ok=_("通报已发出"),
    )


@pages.post("/<int:briefing_id>/delete", endpoint="delete")
def delete(briefing_id: int):
    actor, township = township_scope()
    service.get_briefing(actor, township, briefing_id)
    try:
        service.delete_draft(actor, township, briefing_id)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return redirect(url_for("briefings.briefing", briefing_id=briefing_id))
    flash(_("草稿已删除"), "success")
    return redirect(url_for("briefings.index"))


@pages.post("/<int:briefing_id>/files", endpoint="attach")
def attach(briefing_id: int):
    actor, township = township_scope()
    service.get_briefing(actor, township, briefing_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("请选择文件"), "error")
        return redirect(url_for("briefings.briefing", briefing_id=briefing_id))
    return _step(
        briefing_id,
        lambda: service.attach_file(actor, township, briefing_id, upload.stream, upload.filename),
        ok=_("附件已上传"),
    )


@pages.post("/<int:briefing_id>/files/<int:file_id>/remove", endpoint="remove_file")
def remove_file(briefing_id: int, file_id: int):
    actor, township = township_scope()
    service.get_briefing(actor, township, briefing_id)
    return _step(
        briefing_id,
        lambda: service.remove_file(actor, township, briefing_id, file_id),
        ok=_("附件已移除"),
    )


# --- one briefing --------------------------------------------------------------------------------


def _render_briefing(briefing_id: int, issued: tuple[Any, str] | None = None) -> Any:
    actor, township = township_scope()
    office = service.is_office(actor, township)
    # A recipient's opening is their read receipt (the office opening it is not).
    briefing = service.read_briefing(actor, township, briefing_id)
    corrects = (
        service.find_briefing(township, briefing.corrects_id) if briefing.corrects_id else None
    )
    values: dict[str, Any] = {
        "briefing": briefing,
        "files": service.briefing_files(briefing),
        "corrects": corrects,
        "corrections": service.corrections_of(briefing),
        "is_office": office,
        "receipt": service.my_receipt(actor, township, briefing),
        "issued": issued,
    }
    if office:
        values["receipts"] = service.receipts(actor, township, briefing.id)
        values["audience_size"] = service.audience_size(actor, township, briefing.id)
    template = "briefings/briefing.html" if office else "briefings/read.html"
    return render_template(template, **values)


@pages.get("/<int:briefing_id>", endpoint="briefing")
def briefing(briefing_id: int):
    return _render_briefing(briefing_id)


@pages.post("/<int:briefing_id>/recipients/<int:recipient_id>/link", endpoint="issue_link")
def issue_link(briefing_id: int, recipient_id: int):
    actor, township = township_scope()
    service.get_briefing(actor, township, briefing_id)
    recipient, token = service.issue_link(actor, township, briefing_id, recipient_id)
    response = make_response(
        _render_briefing(briefing_id, issued=(recipient, service.reading_link(township, token)))
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@pages.get("/<int:briefing_id>/receipts.xlsx", endpoint="export_receipts")
def export_receipts(briefing_id: int):
    actor, township = township_scope()
    briefing = service.get_briefing(actor, township, briefing_id)
    body = service.export_receipts(actor, township, briefing.id)
    return _xlsx(body, _("%(t)s阅读情况.xlsx", t=briefing.title))


# --- the reading link of someone without an account ----------------------------------------------

# The link's secret must not stay in access logs or a Referer: the first GET trades it for a
# value in the signed session cookie and redirects to the page without it.
LINK_KEY = "briefing_link"


@public.get("/read/<token>", endpoint="read")
def read_link(token: str):
    session[LINK_KEY] = {"township": current_township().slug, "secret": token}
    response = redirect(url_for("briefings_public.read_page"))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_secret() -> str:
    kept = session.get(LINK_KEY) or {}
    return str(kept.get("secret") or "") if kept.get("township") == current_township().slug else ""


@public.get("/read", endpoint="read_page")
def read_page():
    township = current_township()
    token = _link_secret()
    briefing, recipient = service.read_by_link(township, token)
    response = make_response(
        render_template(
            "briefings/read.html",
            briefing=briefing,
            files=service.briefing_files(briefing),
            corrects=None,
            corrections=service.corrections_of(briefing),
            receipt=recipient,
            public_page=True,
            is_office=False,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@public.get("/read/files/<int:file_id>", endpoint="read_file")
def read_file(file_id: int):
    """An attachment of the briefing the link in this browser opens: its holder only."""
    return download_response(
        service.linked_file(current_township(), _link_secret(), file_id), private=True
    )
