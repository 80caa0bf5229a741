"""Pages of the structure statistics (代表结构) and the printable contact card (连心卡)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.casework import deadlines
from lianxin.errors import ValidationFailed
from lianxin.people import cards as contact_cards
from lianxin.people import choices, statistics
from lianxin.people import service as people
from lianxin.people.structure_export import EARLIEST, LATEST, structure_xlsx
from lianxin.tenants import service as tenants
from lianxin.web.scope import township_scope

bp = Blueprint(
    "people_structure",
    __name__,
    url_prefix="/t/<township_slug>/people",
    template_folder="templates",
)


def _structure_on() -> tuple[date, str | None]:
    """The day of the structure page and its export: today unless `on` names one; a bad date
    is reported (and today's figures shown)."""
    raw = (request.args.get("on") or "").strip()[:40]
    if raw:
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            on = None
        if on is not None and EARLIEST <= on <= LATEST:
            return on, None
        error = _("日期无效：%(v)s（格式为 2026-01-31），已按今天统计。", v=raw)
        return deadlines.shanghai_today(), error
    return deadlines.shanghai_today(), None


@bp.get("/structure", endpoint="structure")
def structure():
    actor, township = township_scope()
    on, error = _structure_on()
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


@bp.get("/structure/export.xlsx", endpoint="structure_export")
def structure_export():
    actor, township = township_scope()
    on, error = _structure_on()
    if error is not None:  # a file of other figures than asked for would mislead: refused
        message = _("统计日期无效（格式为 2026-01-31）。")
        raise ValidationFailed(message, errors={"on": [message]})
    figures = statistics.structure(actor, township, on)
    return spreadsheets.response(
        structure_xlsx(figures, township.name),
        _("%(t)s代表结构（%(d)s）.xlsx", t=township.name, d=on.isoformat()),
        ascii_name=f"structure-{on.isoformat()}.xlsx",
    )


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


def _card_set() -> tuple[contact_cards.CardSet, list[contact_cards.Card]]:
    """The cards the query chose (all, one branch or one area group): screen and print alike."""
    actor, township = township_scope()
    chosen = contact_cards.card_set(request.args)
    found = contact_cards.cards(
        actor, township, branch_id=chosen.branch_id, group_id=chosen.group_id
    )
    return chosen, found


@bp.get("/cards", endpoint="cards")
def cards():
    actor, township = township_scope()
    chosen, all_cards = _card_set()
    branches, _total = tenants.list_branches(actor, township, include_inactive=False)
    return render_template(
        "people/card.html",
        cards=all_cards,
        single=False,
        branches=branches,
        branch_id=chosen.branch_id,
        groups=[v.group for v in people.list_groups(actor, township) if v.group.is_active],
        group_id=chosen.group_id,
        station_pending=not contact_cards.workstations_available(),
    )


@bp.get("/cards/print", endpoint="cards_print")
def cards_print():
    """The chosen cards in business-card size, 8 to an A4 page (ceil(n / 8) pages)."""
    chosen, all_cards = _card_set()
    return render_template(
        "people/cards_print.html",
        sheets=contact_cards.pages_of(all_cards),
        count=len(all_cards),
        chosen=chosen,
        station_pending=not contact_cards.workstations_available(),
    )
