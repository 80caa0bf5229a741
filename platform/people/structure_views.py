"""Pages of the structure statistics (代表结构) and the printable contact card (连心卡)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from lianxin.casework import deadlines
from lianxin.people import cards as contact_cards
from lianxin.people import choices, statistics
from lianxin.tenants import service as tenants
from lianxin.web.scope import township_scope

bp = Blueprint(
    "people_structure",
    __name__,
    url_prefix="/t/<township_slug>/people",
    template_folder="templates",
)


@bp.get("/structure", endpoint="structure")
def structure():
    actor, township = township_scope()
    raw = (request.args.get("on") or "").strip()
    on, error = deadlines.shanghai_today(), None
    if raw:
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            error = _("日期无效：%(v)s（格式为 2026-01-31），已按今天统计。", v=raw)
    figures = statistics.structure(actor, township, on)
    return render_template(
        "people/structure.html",
        s=figures,
        on=on,
        date_error=error,
        percent=statistics.percent,
        grassroots_words="、".join(
            str(choices.CATEGORY[c]) for c in statistics.GRASSROOTS_CATEGORIES
        ),
    ), (200 if error is None else 400)


@bp.get("/<int:rep_id>/card", endpoint="card")
def card(rep_id: int):
    actor, township = township_scope()
    one = contact_cards.card(actor, township, rep_id)
    return render_template(
        "people/card.html",
        cards=[one],
        single=True,
        branches=[],
        branch_id=None,
        station_pending=not contact_cards.workstations_available(),
    )


@bp.get("/cards", endpoint="cards")
def cards():
    actor, township = township_scope()
    branch_id = request.args.get("branch_id", type=int)
    all_cards = contact_cards.cards(actor, township, branch_id=branch_id)
    branches, _total = tenants.list_branches(actor, township, include_inactive=False)
    return render_template(
        "people/card.html",
        cards=all_cards,
        single=False,
        branches=branches,
        branch_id=branch_id,
        station_pending=not contact_cards.workstations_available(),
    )
