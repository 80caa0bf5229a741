"""The operator's page of dead letters (/admin/outbox/dead): what failed every attempt, and a
button that sends it again. Platform admins only (others get 403); the POST carries the CSRF
token that CSRFProtect checks for every form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lianxin.errors import Conflict, NotFound
from lianxin.notify import dead_letters
from lianxin.web.scope import current_actor

bp = Blueprint("notify_admin", __name__, url_prefix="/admin/outbox", template_folder="templates")


@bp.get("/dead", endpoint="dead_letters")
def dead_letters_page():
    rows = dead_letters.list_dead(current_actor())
    return render_template("notify/dead_letters.html", rows=rows)


@bp.post("/dead/<int:letter_id>/replay", endpoint="replay")
def replay(letter_id: int):
    try:
        dead_letters.replay(current_actor(), letter_id)
    except (NotFound, Conflict) as exc:
        flash(exc.message, "error")
    else:
        flash(_("死信 #%(id)d 已重新放入发送队列。", id=letter_id), "success")
    return redirect(url_for(".dead_letters"))
