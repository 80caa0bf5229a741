"""The county's queue of what its townships sent up, and its answers.

The queue is built only from the copies the townships sent (`county_escalations`); nothing
else of a township is read here.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin.auth import permissions
from lianxin.auth.forms import EmptyForm
from lianxin.casework import service as cases
from lianxin.casework.inputs import CountyAnswerInputSchema
from lianxin.errors import DomainError
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import current_actor, current_county

bp = Blueprint(
    "county_cases", __name__, url_prefix="/c/<county_slug>/escalations", template_folder="templates"
)


@bp.get("/", endpoint="index")
def index():
    actor, county = current_actor(), current_county()
    status = "answered" if request.args.get("status") == "answered" else "open"
    items = cases.county_queue(actor, county, status=status)
    names = {t.id: t.name for t in tenants.county_townships(actor, county)}
    return render_template(
        "casework/county_queue.html",
        items=items,
        names=names,
        status=status,
        can_answer=permissions.can_administer_county(actor, county.id),
    )


@bp.post("/<int:escalation_id>/answer", endpoint="answer")
def answer(escalation_id: int):
    actor, county = current_actor(), current_county()
    if request.method == "POST" and EmptyForm().validate_on_submit():
        try:
            data = load_input(CountyAnswerInputSchema, request.form, form=True)
            cases.county_answer(actor, county, escalation_id, data.answer)
            flash(_("已答复，答复已返回乡镇。"), "success")
        except DomainError as exc:
            if exc.status == 404:
                raise
            # A refused form is about an item of this county only: one not sent here is 404.
            cases.get_escalation(actor, county, escalation_id)
            flash_error(exc)
    return redirect(url_for(".index"))
