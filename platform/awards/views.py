"""Pages of the awards.

- The county's (/c/<county>/awards): its selections, the open form, one selection's candidates
  by category with the committee's choices, and the steps (gather, fix, publish); the
  candidates and a closed selection's honour roll as .xlsx (the page's category filter applied).
- The township's (/t/<slug>/awards): the county's selections taking nominations and what the
  office nominated, its adopted items and their register as .xlsx (/adoptions.xlsx), the
  marking of items as adopted (/adopt), and the county's honour rolls with the township's own
  winners; the township's own selection (/own/: open one a year, one selection's candidates,
  the steps and the choices, the candidates and a closed one's honour roll as .xlsx), its
  office's, which the township's committee (党委委员) reads without changing anything.
- The public honour roll (光荣榜): each township's (/p/<slug>/awards: its own latest published
  selection beside the county's) and the county's (/honours/<county>): names, townships and
  reasons only.

A foreign id is a 404 (NotFound propagates); rule breaks and bad input are flashed and nothing
is changed."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.auth.forms import EmptyForm
from lianxin.awards import service
from lianxin.awards.inputs import (
    FIRST_YEAR,
    LAST_YEAR,
    AdoptionInputSchema,
    ChoiceInputSchema,
    NominationInputSchema,
    SelectionInputSchema,
)
from lianxin.awards.models import AdoptionKind, SelectionState
from lianxin.modules.kit import today
from lianxin.usecases import load_input
from lianxin.web.forms import attempt
from lianxin.web.scope import current_actor, current_county, current_township, township_scope

county_pages = Blueprint(
    "county_awards", __name__, url_prefix="/c/<county_slug>/awards", template_folder="templates"
)
pages = Blueprint(
    "awards", __name__, url_prefix="/t/<township_slug>/awards", template_folder="templates"
)
public_pages = Blueprint(
    "awards_public", __name__, url_prefix="/p/<township_slug>/awards", template_folder="templates"
)
honours = Blueprint("awards_honours", __name__, url_prefix="/honours", template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADOPTIONS = "adoptions.xlsx"  # the file's name for clients that cannot read a Chinese one


def _words() -> dict[str, Any]:
    return {
        "category_labels": service.CATEGORY_LABELS,
        "state_labels": service.STATE_LABELS,
        "kind_labels": service.KIND_LABELS,
        "adopted_by_labels": service.ADOPTED_BY_LABELS,
        "categories": service.CATEGORIES,
        "STATE": SelectionState,
    }


for _bp in (county_pages, pages, public_pages, honours):
    _bp.context_processor(_words)


# --- the county --------------------------------------------------------------------------------


def _metric_choices() -> dict[str, list[tuple[str, str]]]:
    """The rollup figures each figure-based category may be ranked by."""
    from lianxin.county import service as county_figures

    known = {m.key: str(m.metric.label) for m in county_figures.catalog()}
    known.update({k: str(v) for k, v in service.EXTRA_METRIC_LABELS.items()})
    by_kind = {
        "representative": ["duty_score", "cases_received", "inspections_held"],
        "station": ["stations_meetings"],
        "unit": ["cases_satisfaction", "cases_on_time"],
    }
    return {kind: [(k, known[k]) for k in keys if k in known] for kind, keys in by_kind.items()}


@county_pages.route("/", methods=["GET", "POST"], endpoint="index")
def county_index():
    actor, county = current_actor(), current_county()
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            return redirect(url_for(".index"))
        made = attempt(
            lambda: service.open_selection(
                actor, county, load_input(SelectionInputSchema, request.form, form=True)
            ),
            ok=_("已开启评选，已通知各乡镇推荐"),
        )
        if made is not None:
            return redirect(url_for(".selection", selection_id=made.id))
        return redirect(url_for(".index"))
    return render_template(
        "awards/county_index.html",
        selections=service.list_selections(actor, county),
        can_manage=service.can_manage(actor, county),
        metric_choices=_metric_choices(),
        year=today().year - 1,
    )


def _category_filter() -> str | None:
    """The category the selection's page shows alone (?category=…); none or unknown: all."""
    wanted = request.args.get("category") or None
    return wanted if wanted in {c.value for c in service.CATEGORIES} else None


@county_pages.get("/<int:selection_id>", endpoint="selection")
def county_selection(selection_id: int):
    actor, county = current_actor(), current_county()
    roll = service.selection_roll(actor, county, selection_id)
    category = _category_filter()
    return render_template(
        "awards/selection.html",
        own=False,
        roll=roll,
        selection=roll.selection,
        can_manage=service.can_manage(actor, county),
        category=category,
        shown_categories=[c for c in service.CATEGORIES if category in (None, c.value)],
    )


def _xlsx(body: bytes, name: str) -> Any:
    return send_file(io.BytesIO(body), mimetype=XLSX, as_attachment=True, download_name=name)


@county_pages.get("/<int:selection_id>/candidates.xlsx", endpoint="candidates_xlsx")
def county_candidates_xlsx(selection_id: int):
    actor, county = current_actor(), current_county()
    body = service.candidates_xlsx(actor, county, selection_id, _category_filter())
    return _xlsx(body, f"award-candidates-{selection_id}.xlsx")


@county_pages.get("/<int:selection_id>/roll.xlsx", endpoint="roll_xlsx")
def county_roll_xlsx(selection_id: int):
    actor, county = current_actor(), current_county()
    body = service.honour_roll_xlsx(actor, county, selection_id, _category_filter())
    return _xlsx(body, f"honour-roll-{selection_id}.xlsx")


def _step(selection_id: int, fn: Any, ok: str) -> Any:
    actor, county = current_actor(), current_county()
    service.get_selection(actor, county, selection_id)  # another county's: 404 before the form
    if EmptyForm().validate_on_submit():
        attempt(lambda: fn(actor, county, selection_id), ok=ok)
    return redirect(url_for(".selection", selection_id=selection_id))


@county_pages.post("/<int:selection_id>/gather", endpoint="gather")
def county_gather(selection_id: int):
    return _step(selection_id, service.gather_candidates, _("已按年度统计生成候选名单"))


@county_pages.post("/<int:selection_id>/choosing", endpoint="choosing")
def county_choosing(selection_id: int):
    return _step(selection_id, service.start_choosing, _("候选名单已确定，乡镇推荐已截止"))


@county_pages.post("/<int:selection_id>/close", endpoint="close")
def county_close(selection_id: int):
    return _step(selection_id, service.close_selection, _("评选结果已公布"))


@county_pages.post("/candidates/<int:candidate_id>/choose", endpoint="choose")
def county_choose(candidate_id: int):
    actor, county = current_actor(), current_county()
    row = service.get_candidate(actor, county, candidate_id)  # another county's: 404
    if EmptyForm().validate_on_submit():
        attempt(
            lambda: service.choose(
                actor, county, candidate_id, load_input(ChoiceInputSchema, request.form, form=True)
            ),
            ok=_("已评选为先进"),
        )
    return redirect(url_for(".selection", selection_id=row.selection_id))


@county_pages.post("/candidates/<int:candidate_id>/unchoose", endpoint="unchoose")
def county_unchoose(candidate_id: int):
    actor, county = current_actor(), current_county()
    row = service.get_candidate(actor, county, candidate_id)
    if EmptyForm().validate_on_submit():
        attempt(lambda: service.unchoose(actor, county, candidate_id), ok=_("已撤回"))
    return redirect(url_for(".selection", selection_id=row.selection_id))


# --- the township ------------------------------------------------------------------------------


@pages.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    office = service.is_office(actor, township)
    committee = service.is_committee(actor, township)
    open_ = service.open_selections(actor, township)
    adopted = service.adopted_items(actor, township) if office else []
    nominated = {s.id: service.nominations(actor, township, s.id) for s in open_} if office else {}
    # Each selection takes the items adopted in its own year only.
    nominable = {s.id: service.nominable(actor, township, s) for s in open_} if office else {}
    roll = service.honour_roll(township.county_id)
    return render_template(
        "awards/index.html",
        office=office,
        committee=committee,
        open_selections=open_,
        adopted=adopted,
        nominated=nominated,
        nominable=nominable,
        nominated_keys={(c.kind, c.entity_id) for rows in nominated.values() for c in rows},
        roll=roll,
        township=township,
        kinds=service.MARKABLE,
    )


@pages.route("/adopt", methods=["GET", "POST"], endpoint="adopt")
def adopt():
    actor, township = township_scope()
    kinds_on = [k for k in service.MARKABLE if k in service.kinds_on(township)]
    kind = request.values.get("kind") or (kinds_on[0] if kinds_on else AdoptionKind.CASE)
    if kind not in kinds_on:
        kind = AdoptionKind.CASE
    if request.method == "POST":
        if EmptyForm().validate_on_submit():
            attempt(
                lambda: service.mark_adopted(
                    actor, township, load_input(AdoptionInputSchema, request.form, form=True)
                ),
                ok=_("已标记为采纳"),
            )
        return redirect(url_for(".adopt", kind=kind))
    return render_template(
        "awards/adopt.html",
        kind=kind,
        kinds_on=kinds_on,
        rows=service.adoptable(actor, township, kind),
        today=today(),
    )


@pages.get("/adoptions.xlsx", endpoint="adoptions_xlsx")
def adoptions_xlsx():
    """The adoption register (采纳台账) as .xlsx: every year, or one (?year=2025)."""
    actor, township = township_scope()
    raw = request.args.get("year") or ""
    year = int(raw) if raw.isdigit() else None
    if raw and (year is None or not FIRST_YEAR <= year <= LAST_YEAR):
        abort(404)  # a year no calendar of ours holds: not found, as the API's 422 says
    body = service.adoptions_xlsx(actor, township, year=year)
    name = service.adoptions_file_name(township, year)
    return spreadsheets.response(body, name, ascii_name=ADOPTIONS)


@pages.post("/adoptions/<int:adoption_id>/delete", endpoint="unadopt")
def unadopt(adoption_id: int):
    actor, township = township_scope()
    if EmptyForm().validate_on_submit():
        attempt(
            lambda: service.unmark_adopted(actor, township, adoption_id), ok=_("已取消采纳标记")
        )
    return redirect(url_for(".index"))


@pages.post("/selections/<int:selection_id>/nominate", endpoint="nominate")
def nominate(selection_id: int):
    actor, township = township_scope()
    service.township_selection(actor, township, selection_id)
    if EmptyForm().validate_on_submit():
        attempt(
            lambda: service.nominate(
                actor,
                township,
                selection_id,
                load_input(NominationInputSchema, request.form, form=True),
            ),
            ok=_("已推荐参评"),
        )
    return redirect(url_for(".index"))


@pages.post("/nominations/<int:candidate_id>/withdraw", endpoint="withdraw")
def withdraw(candidate_id: int):
    actor, township = township_scope()
    if EmptyForm().validate_on_submit():
        attempt(
            lambda: service.withdraw_nomination(actor, township, candidate_id), ok=_("已撤回推荐")
        )
    return redirect(url_for(".index"))


# --- the township's own selection (本镇评选): the office's -------------------------------------


@pages.route("/own/", methods=["GET", "POST"], endpoint="own_index")
def own_index():
    actor, township = township_scope()
    form: Any = {}
    if request.method == "POST":
        service.own_selections(actor, township)  # neither office nor committee: refused
        if EmptyForm().validate_on_submit():
            made = attempt(
                lambda: service.open_own_selection(
                    actor, township, load_input(SelectionInputSchema, request.form, form=True)
                ),
                ok=_("已开启本镇评选"),
            )
            if made is not None:
                return redirect(url_for(".own_selection", selection_id=made.id))
            form = request.form  # what was typed stays on the page
        else:
            return redirect(url_for(".own_index"))
    return render_template(
        "awards/own_index.html",
        selections=service.own_selections(actor, township),
        can_manage=service.is_office(actor, township),
        metric_choices=_metric_choices(),
        year=today().year - 1,
        township=township,
        form=form,
    )


@pages.get("/own/<int:selection_id>", endpoint="own_selection")
def own_selection(selection_id: int):
    actor, township = township_scope()
    roll = service.own_roll(actor, township, selection_id)
    category = _category_filter()
    return render_template(
        "awards/selection.html",
        own=True,
        roll=roll,
        selection=roll.selection,
        can_manage=service.is_office(actor, township),  # the committee reads only
        category=category,
        shown_categories=[c for c in service.CATEGORIES if category in (None, c.value)],
    )


@pages.get("/own/<int:selection_id>/candidates.xlsx", endpoint="own_candidates_xlsx")
def own_candidates_xlsx(selection_id: int):
    """The own selection's candidates as .xlsx (the page's category filter applied)."""
    actor, township = township_scope()
    body = service.own_candidates_xlsx(actor, township, selection_id, _category_filter())
    selection = service.get_own_selection(actor, township, selection_id)
    name, ascii_name = service.own_file_names(selection, "candidates")
    return spreadsheets.response(body, name, ascii_name=ascii_name)


@pages.get("/own/<int:selection_id>/roll.xlsx", endpoint="own_roll_xlsx")
def own_roll_xlsx(selection_id: int):
    """A closed own selection's honour roll as .xlsx (the page's category filter applied)."""
    actor, township = township_scope()
    body = service.own_honour_roll_xlsx(actor, township, selection_id, _category_filter())
    selection = service.get_own_selection(actor, township, selection_id)
    name, ascii_name = service.own_file_names(selection, "roll")
    return spreadsheets.response(body, name, ascii_name=ascii_name)


def _own_step(selection_id: int, fn: Any, ok: str) -> Any:
    actor, township = township_scope()
    service.get_own_selection(actor, township, selection_id)  # another's: 404 before the form
    if EmptyForm().validate_on_submit():
        attempt(lambda: fn(actor, township, selection_id), ok=ok)
    return redirect(url_for(".own_selection", selection_id=selection_id))


@pages.post("/own/<int:selection_id>/gather", endpoint="own_gather")
def own_gather(selection_id: int):
    return _own_step(selection_id, service.gather_own_candidates, _("已生成候选名单"))


@pages.post("/own/<int:selection_id>/choosing", endpoint="own_choosing")
def own_choosing(selection_id: int):
    return _own_step(selection_id, service.start_own_choosing, _("候选名单已确定，可以评选"))


@pages.post("/own/<int:selection_id>/close", endpoint="own_close")
def own_close(selection_id: int):
    return _own_step(selection_id, service.close_own_selection, _("评选结果已公布"))


@pages.post("/own/candidates/<int:candidate_id>/choose", endpoint="own_choose")
def own_choose(candidate_id: int):
    actor, township = township_scope()
    row = service.get_own_candidate(actor, township, candidate_id)  # another's: 404
    if EmptyForm().validate_on_submit():
        attempt(
            lambda: service.choose_own(
                actor,
                township,
                candidate_id,
                load_input(ChoiceInputSchema, request.form, form=True),
            ),
            ok=_("已评选为先进"),
        )
    return redirect(url_for(".own_selection", selection_id=row.selection_id))


@pages.post("/own/candidates/<int:candidate_id>/unchoose", endpoint="own_unchoose")
def own_unchoose(candidate_id: int):
    actor, township = township_scope()
    row = service.get_own_candidate(actor, township, candidate_id)
    if EmptyForm().validate_on_submit():
        attempt(lambda: service.unchoose_own(actor, township, candidate_id), ok=_("已撤回"))
    return redirect(url_for(".own_selection", selection_id=row.selection_id))


# --- the public honour roll --------------------------------------------------------------------


@public_pages.get("/", endpoint="index")
def public_index():
    township = current_township()
    roll = service.honour_roll(township.county_id)
    return render_template(
        "awards/public_roll.html",
        roll=roll,
        own_roll=service.own_honour_roll(township),
        township=township,
        county=None,
        others=service.published(township.county_id),
        county_key=service.county_key(township),
    )


@honours.get("/<county_key>/", endpoint="county")
def county_roll(county_key: str):
    county = service.public_county(county_key)
    selection_id = request.args.get("selection", type=int)
    roll = service.honour_roll(county.id, selection_id)
    return render_template(
        "awards/public_roll.html",
        roll=roll,
        township=None,
        county=county,
        others=service.published(county.id),
        county_key=county.slug,
    )
