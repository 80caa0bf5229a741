"""Pages of the duty record.

- The township's (/t/<slug>/duty_records): the office's list of the year's records with scores
  (sortable, the flagged marked, the escalation steps recorded there); one representative's
  record of a year or of the term, printable on A4 and as .xlsx; a representative reaches only
  their own (我的履职档案).
- The county's (/c/<county>/duty): the score distribution per township as bars and the
  townships ranked by median (from the rollups), and the scoring formula (the county admin
  edits it, a county viewer reads it).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.auth import permissions
from lianxin.auth.forms import EmptyForm
from lianxin.duty_records import service
from lianxin.duty_records.api import formula_out
from lianxin.duty_records.inputs import FormulaInputSchema, StepInputSchema
from lianxin.duty_records.metrics import BANDS
from lianxin.duty_records.stages.county import distribution
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import current_actor, current_county, township_scope

pages = Blueprint("duty_records", __name__, template_folder="templates")
county_pages = Blueprint(
    "duty_records_county",
    __name__,
    url_prefix="/c/<county_slug>/duty",
    template_folder="templates",
)
assets = Blueprint(
    "duty_records_assets",
    __name__,
    url_prefix="/assets/duty-records",
    static_folder="static",
)


def _year() -> int:
    raw = request.args.get("year") or ""
    if not raw:
        return service.this_year()
    try:
        year = int(raw)
    except ValueError:
        abort(404)
    if not 2000 <= year <= 2100:
        abort(404)
    return year


def _xlsx(data: bytes, filename: str) -> Response:
    response: Response = spreadsheets.response(data, filename, ascii_name="duty.xlsx")
    return response


@pages.context_processor
def _helpers() -> dict[str, Any]:
    return {"step_label": lambda s: service.STEP_LABELS.get(s, s)}


@pages.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    permissions.require_member(actor, township)
    if not service.is_office(actor, township):
        return redirect(url_for("duty_records.mine"))
    year = _year()
    sort = request.args.get("sort", "score")
    if sort not in service.SORTS:
        sort = "score"
    order = request.args.get("order", "desc")
    flagged_only = request.args.get("flagged") == "1"
    listing = service.list_records(
        actor, township, year, sort=sort, descending=order != "asc", flagged_only=flagged_only
    )
    return render_template(
        "duty_records/index.html",
        listing=listing,
        year=year,
        this_year=service.this_year(),
        sort=sort,
        order=order,
        flagged_only=flagged_only,
    )


@pages.get("/list.xlsx", endpoint="list_xlsx")
def list_xlsx():
    actor, township = township_scope()
    year = _year()
    listing = service.list_records(actor, township, year)
    rows = [
        (
            r.name,
            r.term,
            r.score.total,
            _("履职不足") if r.flagged else "",
            _("有") if r.has_suggestion else _("无"),
            "、".join(
                f"{service.STEP_LABELS[s.step]}（{s.taken_on.isoformat()}）"
                for s in listing.steps.get(r.representative_id, [])
            ),
        )
        for r in listing.records
    ]
    data = spreadsheets.table(
        _("%(y)s年履职档案", y=year),
        [_("姓名"), _("届次"), _("得分"), _("标记"), _("本届建言"), _("处理步骤")],
        rows,
        widths=(14, 8, 10, 12, 10, 30),
    )
    return _xlsx(data, _("%(t)s%(y)s年履职档案.xlsx", t=township.name, y=year))


@pages.get("/steps.xlsx", endpoint="steps_xlsx")
def steps_xlsx():
    """The year's escalation steps, one a row: whom, which step, when, the note, who recorded."""
    actor, township = township_scope()
    year = _year()
    rows = [
        (
            r.name,
            r.step.year,
            str(service.STEP_LABELS.get(r.step.step, r.step.step)),
            r.step.taken_on,
            r.step.note or "",
            r.recorded_by,
        )
        for r in service.steps_register(actor, township, year)
    ]
    data = spreadsheets.table(
        _("%(y)s年履职不足处理步骤", y=year),
        [_("姓名"), _("年度"), _("处理步骤"), _("日期"), _("说明"), _("记录人")],
        rows,
        widths=(14, 8, 12, 12, 50, 14),
    )
    return _xlsx(data, _("%(t)s%(y)s年履职不足处理步骤.xlsx", t=township.name, y=year))


@pages.get("/mine", endpoint="mine")
def mine():
    actor, township = township_scope()
    rep = service.my_representative(actor, township)
    if rep is None:
        return render_template("duty_records/none.html")
    return redirect(url_for("duty_records.record", rep_id=rep.id, year=request.args.get("year")))


@pages.get("/<int:rep_id>", endpoint="record")
def record(rep_id: int):
    actor, township = township_scope()
    year = _year()
    item = service.get_record(actor, township, rep_id, year)
    office = service.is_office(actor, township)
    return render_template(
        "duty_records/record.html",
        record=item,
        year=year,
        this_year=service.this_year(),
        office=office,
        term=False,
        next_step=service.next_step(list(item.steps)) if office and item.flagged else None,
        today=kit.today(),
        form=EmptyForm(),
    )


@pages.get("/<int:rep_id>/term", endpoint="term")
def term(rep_id: int):
    actor, township = township_scope()
    year = _year()
    item = service.get_term_record(actor, township, rep_id, year)
    return render_template(
        "duty_records/record.html",
        record=item,
        year=year,
        this_year=service.this_year(),
        office=service.is_office(actor, township),
        term=True,
        next_step=None,
        today=kit.today(),
        form=EmptyForm(),
    )


@pages.get("/<int:rep_id>.xlsx", endpoint="record_xlsx")
def record_xlsx(rep_id: int):
    actor, township = township_scope()
    year = _year()
    term_wanted = request.args.get("term") == "1"
    item = (
        service.get_term_record(actor, township, rep_id, year)
        if term_wanted
        else service.get_record(actor, township, rep_id, year)
    )
    span = f"{item.years[0]}–{item.years[-1]}" if len(item.years) > 1 else str(item.years[0])
    book = spreadsheets.Book()
    sheet = book.sheet(_("履职档案"))
    sheet.widths((14, 22, 10, 8, 30, 50))
    sheet.append([_("%(n)s %(s)s年履职档案", n=item.name, s=span)], bold=True)
    sheet.append([_("得分"), item.score.total, item.score.explain()])
    sheet.append([_("履职不足线"), item.threshold, _("履职不足") if item.flagged else ""])
    sheet.append([_("本届建言"), _("有") if item.has_suggestion else _("尚无")])
    sheet.append(
        [
            _("积分办法"),
            _("%(f)s年起施行", f=item.formula_from) if item.formula_from else _("默认"),
        ]
    )
    sheet.append([])
    sheet.header([_("栏目"), _("项目"), _("数量"), _("单位"), _("计分"), _("明细")])
    for part in item.parts:
        for line in part.lines:
            sheet.append(
                [
                    part.name,
                    line.label + (_("（扣分）") if line.kind == "missed" else ""),
                    line.shown_count,
                    line.unit,
                    line.explain(),
                    "；".join(line.details),
                ],
                wrap=True,
            )
    if item.year_scores:
        sheet.append([])
        sheet.header([_("年度"), _("得分")])
        for y, s in item.year_scores:
            sheet.append([y, s])
    return _xlsx(book.to_bytes(), _("%(n)s%(s)s年履职档案.xlsx", n=item.name, s=span))


@pages.post("/<int:rep_id>/steps", endpoint="add_step")
def add_step(rep_id: int):
    actor, township = township_scope()
    year = _year()
    service.step_target(actor, township, rep_id)
    if EmptyForm().validate_on_submit():
        form = {**request.form.to_dict(), "representative_id": str(rep_id), "year": str(year)}
        try:
            service.record_step(actor, township, load_input(StepInputSchema, form, form=True))
            flash(_("已记录处理步骤"), "success")
        except (ValidationFailed, Conflict) as exc:
            flash_error(exc)
    return redirect(url_for("duty_records.record", rep_id=rep_id, year=year) + "#steps")


# --- the county's pages --------------------------------------------------------------------------


@county_pages.get("/", endpoint="index")
def county_index():
    actor, county = current_actor(), current_county()
    year = _year()
    result = distribution(actor, county, year)
    chart = {
        "townships": [row.township.name for row in result.rows],
        "bands": [
            {"label": str(label), "values": [row.bands.get(key) for row in result.rows]}
            for key, label, *_r in BANDS
        ],
    }
    return render_template(
        "duty_records/county.html",
        result=result,
        year=year,
        this_year=service.this_year(),
        chart=chart,
        can_edit=service.can_edit_formula(actor, county),
    )


@county_pages.get("/scores.xlsx", endpoint="scores_xlsx")
def county_scores_xlsx():
    """The county page's table: each township's median, mean, share flagged, scored count,
    rank (or why not ranked) and score bands."""
    actor, county = current_actor(), current_county()
    year = _year()
    result = distribution(actor, county, year)
    bands = [(key, str(label)) for key, label in result.bands]
    rows = [
        (
            row.township.name,
            row.rank if row.rank is not None else (row.reason or ""),
            row.median,
            row.mean,
            row.inactive_share,
            row.n,
            *(row.bands.get(key) for key, _label in bands),
        )
        for row in result.rows
    ]
    data = spreadsheets.table(
        _("%(y)s年代表履职积分", y=year),
        [
            _("乡镇"),
            _("排名"),
            _("中位数"),
            _("平均分"),
            _("履职不足占比"),
            _("计分人数"),
            *(label for _key, label in bands),
        ],
        rows,
        widths=(16, 14, 10, 10, 12, 10, *(10 for _b in bands)),
    )
    return _xlsx(data, _("%(c)s%(y)s年代表履职积分.xlsx", c=county.name, y=year))


@county_pages.route("/formula", methods=["GET", "POST"], endpoint="formula")
def county_formula():
    actor, county = current_actor(), current_county()
    if request.method == "POST":
        if not service.can_edit_formula(actor, county):
            raise PermissionDenied(_("只有县级管理员可以修改履职积分办法。"))
        if EmptyForm().validate_on_submit():
            try:
                service.set_formula(actor, county, load_input(FormulaInputSchema, _formula_form()))
                flash(_("已保存履职积分办法"), "success")
                return redirect(url_for("duty_records_county.formula"))
            except ValidationFailed as exc:
                flash_error(exc)
    year = _year()
    formula = service.read_formula(actor, county, year)
    this_year = service.this_year()
    return render_template(
        "duty_records/formula.html",
        formula=formula_out(formula),
        year=year,
        this_year=this_year,
        # A change applies from this year on: a past year's version is read only.
        can_edit=service.can_edit_formula(actor, county) and year >= this_year,
        form=EmptyForm(),
        defaults={
            "missed_points": service.DEFAULT_MISSED_POINTS,
            "missed_cap": service.DEFAULT_MISSED_CAP,
            "inactive_below": service.DEFAULT_INACTIVE_BELOW,
            "min_sample": service.DEFAULT_MIN_SAMPLE,
            "term_first_year": service.DEFAULT_TERM_FIRST_YEAR,
        },
    )


def _formula_form() -> dict[str, Any]:
    """The form's fields (points.<key>, cap.<key>, …) as the formula input's JSON shape; a
    field left blank is not given."""
    items: dict[str, dict[str, str]] = {}
    for _part, item in service.all_items():
        points = request.form.get(f"points.{item.key}", "").strip()
        cap = request.form.get(f"cap.{item.key}", "").strip()
        if points or cap:
            items[item.key] = {"points": points, "cap": cap}
    out: dict[str, Any] = {"items": items}
    for name in ("inactive_below", "min_sample", "term_first_year"):
        value = request.form.get(name, "").strip()
        if value:
            out[name] = value
    return out
