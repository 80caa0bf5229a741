"""Pages of the commitment module (/t/<slug>/commitments) and the township's public board
(/p/<slug>/commitments). A representative writes their commitments, revises a returned one and
reports progress, on a phone; the office approves or returns them, enters one for a
representative (代为登记), closes them as kept or not kept, sees who is below the yearly minimum
and exports the year's register. A foreign id is a 404 (NotFound propagates); rule breaks and
bad input are flashed and the page comes back with what was typed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.db import db
from lianxin.modules.commitments import service
from lianxin.modules.commitments.inputs import (
    CloseInputSchema,
    CommitmentInputSchema,
    ProgressInputSchema,
    ReturnInputSchema,
    RevisionInputSchema,
)
from lianxin.modules.commitments.models import Status
from lianxin.modules.kit import today
from lianxin.people.models import Representative
from lianxin.people.privacy import PUBLIC, current_viewer
from lianxin.usecases import load_input
from lianxin.web.forms import attempt
from lianxin.web.scope import current_township, township_scope

pages = Blueprint("commitments", __name__, template_folder="templates")
public = Blueprint("commitments_public", __name__, template_folder="templates")


def _words() -> dict[str, Any]:
    return {
        "state_label": lambda s: service.STATE_LABELS.get(s, s),
        "status_label": lambda s: service.STATUS_LABELS.get(s, s),
        "STATUS": Status,
        "OVERDUE": service.OVERDUE,
        "state_of": lambda c: service.state_of(c, today()),
    }


pages.context_processor(_words)
public.context_processor(_words)


def _year() -> int:
    this = today().year
    try:
        year = int(request.args.get("year") or this)
    except ValueError:
        return this
    return year if 2000 <= year <= this + 1 else this


def _index(values: Any = None) -> Any:
    actor, township = township_scope()
    office = service.is_office(actor, township)
    day = today()
    year = _year()
    rep = service.representative_of(actor)
    reps: list[Representative] = service.representatives_in_office() if office else []
    return render_template(
        "commitments/index.html",
        office=office,
        rep=rep,
        year=year,
        this_year=day.year,
        today=day,
        mine=service.my_commitments(actor, township),
        pending=service.list_commitments(actor, township, status=Status.PENDING) if office else [],
        overdue=[
            c
            for c in service.list_commitments(actor, township, status=Status.APPROVED)
            if service.state_of(c, day) == service.OVERDUE
        ]
        if office
        else [],
        short=service.shortfalls(actor, township, year) if office else [],
        reps=reps,
        names={r.id: r.name for r in reps},
        rules=service.settings(township.id),
        values=values or {},
    )


@pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = township_scope()
    if request.method == "POST":
        made = attempt(
            lambda: service.create_commitment(
                actor, township, load_input(CommitmentInputSchema, request.form, form=True)
            )
        )
        if made is None:
            return _index(request.form)
        flash(
            _("已提交，等待联络办审核") if made.status == Status.PENDING else _("承诺已公开"),
            "success",
        )
        return redirect(url_for("commitments.commitment", commitment_id=made.id))
    return _index()


@pages.get("/board")
def board():
    actor, township = township_scope()
    year = _year()
    rows = service.board_for(actor, township, current_viewer(), year)
    return render_template(
        "commitments/board.html",
        rows=rows,
        tally=service.tally(rows),
        year=year,
        this_year=today().year,
        public_board=False,
    )


def _detail(commitment_id: int, values: Any = None, form: str | None = None) -> Any:
    actor, township = township_scope()
    row = service.get_commitment(actor, township, commitment_id)
    day = today()
    return render_template(
        "commitments/commitment.html",
        c=row,
        rep=_rep(township, row.representative_id),
        state=service.state_of(row, day),
        office=service.is_office(actor, township),
        own=service.is_own(actor, row),
        progress=service.progress_of(row),
        today=day,
        values=values or {},
        form=form,
    )


def _rep(township: Any, rep_id: int) -> Representative | None:
    return db.session.get(Representative, (township.id, rep_id))


@pages.get("/<int:commitment_id>")
def commitment(commitment_id: int):
    return _detail(commitment_id)


def _post(commitment_id: int, form: str, write: Any, ok: str) -> Any:
    """Look the commitment up first (another township's id is a 404, not a form's error),
    then write; a failure comes back to the page with what was typed."""
    actor, township = township_scope()
    service.get_commitment(actor, township, commitment_id)
    done = attempt(lambda: write(actor, township), ok=ok)
    if done is None:
        return _detail(commitment_id, request.form, form)
    return redirect(url_for("commitments.commitment", commitment_id=commitment_id))


@pages.post("/<int:commitment_id>/revise")
def revise(commitment_id: int):
    return _post(
        commitment_id,
        "revise",
        lambda a, t: service.revise_commitment(
            a, t, commitment_id, load_input(RevisionInputSchema, request.form, form=True)
        ),
        _("已修改并重新提交"),
    )


@pages.post("/<int:commitment_id>/approve")
def approve(commitment_id: int):
    return _post(
        commitment_id,
        "approve",
        lambda a, t: service.approve_commitment(a, t, commitment_id),
        _("已审核公开，代表已收到通知"),
    )


@pages.post("/<int:commitment_id>/return")
def return_(commitment_id: int):
    return _post(
        commitment_id,
        "return",
        lambda a, t: service.return_commitment(
            a, t, commitment_id, load_input(ReturnInputSchema, request.form, form=True)
        ),
        _("已退回，代表已收到通知"),
    )


@pages.post("/<int:commitment_id>/progress")
def progress(commitment_id: int):
    return _post(
        commitment_id,
        "progress",
        lambda a, t: service.add_progress(
            a, t, commitment_id, load_input(ProgressInputSchema, request.form, form=True)
        ),
        _("已记录进展"),
    )


@pages.post("/<int:commitment_id>/close")
def close(commitment_id: int):
    return _post(
        commitment_id,
        "close",
        lambda a, t: service.close_commitment(
            a, t, commitment_id, load_input(CloseInputSchema, request.form, form=True)
        ),
        _("已评定并通知代表"),
    )


@pages.get("/register.xlsx")
def register_xlsx():
    actor, township = township_scope()
    year = _year()
    return spreadsheets.response(
        service.register_xlsx(actor, township, year),
        _("%(t)s%(y)d年公开承诺登记簿.xlsx", t=township.name, y=year),
        ascii_name=f"commitments-{year}.xlsx",
    )


# --- public: the township's commitment board ------------------------------------------------------


@public.get("/", endpoint="index")
def public_index():
    township = current_township()
    year = _year()
    rows = service.board(township, PUBLIC, year)
    return render_template(
        "commitments/board.html",
        public_page=True,
        public_board=True,
        rows=rows,
        tally=service.tally(rows),
        year=year,
        this_year=today().year,
    )
