"""The privacy pages (/t/<slug>/privacy), for the township administrator: find a person, read
and download what is held about them, and erase it where the law allows."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin.db import db
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.people import service as people
from lianxin.privacy import service
from lianxin.web.scope import township_scope

bp = Blueprint(
    "privacy", __name__, url_prefix="/t/<township_slug>/privacy", template_folder="templates"
)


def _download(data: dict, filename: str) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _message(exc: ValidationFailed | Conflict | NotFound) -> str:
    return " ".join(m for ms in exc.errors.values() for m in ms) if exc.errors else exc.message


@bp.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    service.require_admin(actor, township)
    reps, _total = people.list_representatives(actor, township)
    return render_template(
        "privacy/index.html",
        reps=reps,
        months=service.months_kept(township.id),
        svc=service,
    )


@bp.get("/representatives/<int:rep_id>", endpoint="representative")
def representative(rep_id: int):
    actor, township = township_scope()
    data = service.export_representative(actor, township, rep_id)
    if request.args.get("format") == "json":
        return _download(data, f"representative-{rep_id}.json")
    return render_template("privacy/person.html", data=data, rep_id=rep_id, svc=service)


@bp.post("/representatives/<int:rep_id>/anonymise", endpoint="anonymise")
def anonymise(rep_id: int):
    actor, township = township_scope()
    try:
        erased = service.anonymise_representative(
            actor, township, rep_id, confirm=request.form.get("confirm", "")
        )
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        flash(_message(exc), "error")
        return redirect(url_for(".representative", rep_id=rep_id))
    flash(
        _(
            "已匿名化为“%(n)s”：清除 %(c)d 件诉求上的联系方式，更新 %(k)d 处姓名副本。",
            n=erased.name,
            c=erased.cases_cleared,
            k=erased.copies_renamed,
        ),
        "success",
    )
    return redirect(url_for(".representative", rep_id=rep_id))


# The number travels in a form's body, never in a URL: URLs end up in access logs.
@bp.post("/submitter", endpoint="submitter")
def submitter():
    actor, township = township_scope()
    phone = request.form.get("phone", "")
    try:
        data = service.export_submitter(actor, township, phone)
    except (ValidationFailed, NotFound) as exc:
        db.session.rollback()
        flash(_message(exc), "error")
        return redirect(url_for(".index"))
    if request.form.get("format") == "json":
        return _download(data, "submitter.json")
    return render_template("privacy/submitter.html", data=data, svc=service)


@bp.post("/submitter/erase", endpoint="erase_submitter")
def erase_submitter():
    actor, township = township_scope()
    phone = request.form.get("phone", "")
    try:
        erased = service.erase_submitter(
            actor, township, phone, confirm=request.form.get("confirm", "")
        )
    except (ValidationFailed, NotFound) as exc:
        db.session.rollback()
        flash(_message(exc), "error")
        return redirect(url_for(".index"))
    flash(_("已清除 %(c)d 件诉求上的姓名和号码。", c=erased.cases_cleared), "success")
    return redirect(url_for(".index"))
