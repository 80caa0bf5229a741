"""Case pages of a township: the office's list and actions, a unit's inbox and answers.

Views call the casework service only. A form is loaded by the same input schema as the API's
body (`inputs.py`) and handed to the use case, which looks the case up itself (`get_case`
applies who may see it): another township's case, or one the user may not see, is 404. A
refused step (an illegal transition, bad input, a conflict) is shown as a message on the case
and nothing is changed; a refused form is such a message only about a case the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin import spreadsheets
from lianxin.auth.forms import EmptyForm
from lianxin.casework import deadlines
from lianxin.casework import schemas as cw
from lianxin.casework import service as cases
from lianxin.casework.inputs import (
    EscalateInputSchema,
    ExtensionInputSchema,
    FeedbackInputSchema,
    InadmissibleInputSchema,
    OnSpotInputSchema,
    PaperSignOffInputSchema,
    ProposedHandlingInputSchema,
    RatingInputSchema,
    ReassignInputSchema,
    ReceiveInputSchema,
    RecordedCaseInputSchema,
    ReferInputSchema,
    ReplyInputSchema,
    ReturnInputSchema,
    SendOnInputSchema,
)
from lianxin.casework.models import AssignmentStatus, CaseState, ExtensionStatus, Rating
from lianxin.casework.states import STATE_LABELS, actions_from
from lianxin.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.registry import current_registry
from lianxin.people import privacy
from lianxin.people import service as people
from lianxin.people.models import RepStatus
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error
from lianxin.web.scope import township_scope

bp = Blueprint(
    "cases", __name__, url_prefix="/t/<township_slug>/cases", template_folder="templates"
)

PAGE_SIZE = 50
# What the office may do from the detail page (a unit's reply and the county's are elsewhere).
OFFICE_ACTIONS = (
    "receive",
    "mark_inadmissible",
    "handle_on_spot",
    "refer",
    "escalate",
    "give_feedback",
    "rate",
    "reassign",
    "archive",
)


def _posted() -> bool:
    return request.method == "POST" and EmptyForm().validate_on_submit()


def _common() -> dict[str, Any]:
    # The labels translated once, not once per row.
    return {"cw": cw, "STATE_LABELS": cw.translated(STATE_LABELS), "CaseState": CaseState}


def _filter() -> cases.CaseFilter:
    """The list's filter from the query (the page, its export and its print share it); a bad
    value raises ValidationFailed with Chinese messages."""
    return load_input(cases.CaseFilterSchema, request.args, form=True)


def _legacy(f: cases.CaseFilter) -> dict[str, Any]:
    # What the shared macros (the unit's inbox) read.
    return {"state": f.state, "overdue_only": f.overdue, "q": f.q}


def _list(template: str, **extra: Any):
    actor, township = township_scope()
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))
    errors: dict[str, list[str]] = {}
    try:
        f = _filter()
        rows, total = cases.filtered_cases(
            actor, township, f, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    except ValidationFailed as exc:
        # A bad filter is said on the page, in Chinese; nothing is listed.
        f, rows, total, errors = cases.CaseFilter(), [], 0, exc.errors
        flash_error(exc)
    return render_template(
        template,
        rows=rows,
        total=total,
        filters=_legacy(f),
        flt=f,
        query=f.query_args(),
        raw=request.args,
        errors=errors,
        options=cases.filter_options(actor, township),
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        is_office=cases.is_office(actor, township),
        can_register=cases.is_office(actor, township)
        or cases.representative_of(actor, township) is not None
        or cases.registers_at_branch(actor, township),
        **extra,
        **_common(),
    ), (422 if errors else 200)


@bp.get("/", endpoint="index")
def index():
    return _list("casework/list.html")


# --- the register on paper and in Excel (stages/registers.py) -------------------------------------


@bp.get("/export.xlsx", endpoint="export")
def export():
    """The filtered list as a workbook."""
    actor, township = township_scope()
    try:
        data = cases.registers.export_xlsx(actor, township, _filter(), _raiser)
    except ValidationFailed:
        return _list("casework/list.html")
    return spreadsheets.response(
        data, _("%(t)s诉求登记簿.xlsx", t=township.name), ascii_name="cases.xlsx"
    )


def _raiser(case: Any, column: str) -> Any:
    """Who raised a case, as the privacy rule lets this viewer see it."""
    return privacy.current_viewer().shown(case, column)


@bp.get("/reception-log", endpoint="reception_log")
def reception_log():
    """The printable reception log (接访登记簿) of the filtered list, A4 landscape."""
    actor, township = township_scope()
    try:
        f = _filter()
        log = cases.reception_log(actor, township, f)
    except ValidationFailed:
        return _list("casework/list.html")
    registers = cases.registers
    return render_template(
        "casework/register_print.html",
        township=township,
        log=log,
        flt=f,
        query=f.query_args(),
        words=registers.describe(f, cases.filter_options(actor, township)),
        period=registers.period_words(f.registered_from, f.registered_to),
        printed_on=deadlines.shanghai_today(),
        steps=[(key, str(registers.STEP_LABELS[key])) for key in registers.STEPS],
        print_limit=registers.PRINT_LIMIT,
        **_common(),
    )


def _statistics() -> tuple[Any, Any, Any]:
    actor, township = township_scope()
    data = load_input(cases.StatisticsInputSchema, request.args, form=True)
    return township, data, cases.registers.statistics(actor, township, data)


def _statistics_page(template: str):
    errors: dict[str, list[str]] = {}
    try:
        township, data, stats = _statistics()
    except ValidationFailed as exc:
        flash_error(exc)
        errors = exc.errors
        township, data = township_scope()[1], cases.StatisticsInput()
        stats = cases.registers.statistics(*township_scope(), data)
    return render_template(
        template,
        township=township,
        stats=stats,
        data=data,
        raw=request.args,
        errors=errors,
        query=(
            {"registered_from": stats.start.isoformat(), "registered_to": stats.end.isoformat()}
            if data.registered_from is not None
            else {"year": stats.start.year}
        ),
        period=cases.registers.period_words(stats.start, stats.end),
        printed_on=deadlines.shanghai_today(),
        years=list(range(deadlines.shanghai_today().year, 2019, -1)),
        **_common(),
    ), (422 if errors else 200)


@bp.get("/statistics", endpoint="statistics")
def statistics():
    """接访统计表: month × channel, category and state."""
    return _statistics_page("casework/statistics.html")


@bp.get("/statistics/print", endpoint="statistics_print")
def statistics_print():
    return _statistics_page("casework/statistics_print.html")


@bp.get("/statistics.xlsx", endpoint="statistics_xlsx")
def statistics_xlsx():
    try:
        township, _data, stats = _statistics()
    except ValidationFailed:
        return _statistics_page("casework/statistics.html")
    return spreadsheets.response(
        cases.registers.statistics_xlsx(township, stats),
        _("%(t)s接访统计表.xlsx", t=township.name),
        ascii_name="case-statistics.xlsx",
    )


@bp.get("/unit", endpoint="unit_inbox")
def unit_inbox():
    actor, township = township_scope()
    if not cases.unit_ids_of(actor, township):
        return redirect(url_for(".index"))
    return _list("casework/unit_inbox.html")


# --- registering on someone's behalf --------------------------------------------------------------


def _new_options() -> dict[str, Any]:
    actor, township = township_scope()
    reps, _total = people.list_representatives(actor, township, status=RepStatus.IN_OFFICE)
    # A branch liaison logs visits to their branch; its representatives are listed first.
    branches = cases.registration_branches(actor, township)
    at_branch = cases.registers_at_branch(actor, township)
    own = {b.id for b in branches} if at_branch else set()
    ours = [r for r in reps if r.branch_id in own]
    return {
        "reps": ours + [r for r in reps if r.branch_id not in own],
        "branch_rep_ids": {r.id for r in ours},
        "categories": cases.CATEGORIES,
        "branches": branches,
        "at_branch": at_branch,
        # A visit at a station names the station (it counts in the station's report).
        "stations": cases.case_stations(township),
        "station_channels": sorted(cases.station_channels(township)),
    }


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
def new():
    actor, township = township_scope()
    # The form is offered to the office, representatives and branch liaisons (their visitor
    # log, 000 第五篇); committee members record what they are told in their modules.
    if not (
        cases.is_office(actor, township)
        or cases.representative_of(actor, township)
        or cases.registers_at_branch(actor, township)
    ):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"channel": "", "category": "其他"}
    if _posted():
        values = request.form.to_dict()
        try:
            data = load_input(RecordedCaseInputSchema, request.form, form=True)
            created = cases.register(actor, township, data)
            flash(
                _(
                    "已登记。查询码：%(c)s（请告知群众，仅显示这一次）",
                    c=created.tracking_code,
                ),
                "success",
            )
            # The case page offers the visitor's receipt once (the code is kept only hashed).
            session[RECEIPT_KEY] = [township.id, created.case.id, created.tracking_code]
            return redirect(url_for(".detail", case_id=created.case.id))
        except ValidationFailed as exc:
            errors = exc.errors
            flash_error(exc)
    return render_template(
        "casework/new.html", values=values, errors=errors, **_new_options(), **_common()
    ), (422 if errors else 200)


# --- one case -------------------------------------------------------------------------------------


def _names(items: Any) -> dict[int, str]:
    return {i.id: i.name for i in items}


RECEIPT_KEY = "lianxin.case_receipt"


def _receipt_code(township: Any, case_id: int) -> str | None:
    """The code of the case just registered here, for its receipt: shown on the next view of
    that case only, like the flash that announced it."""
    kept = session.pop(RECEIPT_KEY, None)
    if isinstance(kept, list) and len(kept) == 3 and kept[:2] == [township.id, case_id]:
        return str(kept[2])
    return None


@bp.get("/<int:case_id>", endpoint="detail")
def detail(case_id: int):
    actor, township = township_scope()
    case = cases.get_case(actor, township, case_id)
    receipt_code = _receipt_code(township, case_id)
    row = cases.flag(case, cases.rule_for(township.id), deadlines.shanghai_today())
    history = cases.history_of(case)
    office = cases.is_office(actor, township)
    units = people.list_units(actor, township)
    unit_names = _names(units)
    mine = cases.unit_ids_of(actor, township)
    my_assignment = next(
        (
            a
            for a in history["assignments"]
            if a.unit_id in mine and a.status == AssignmentStatus.ACTIVE
        ),
        None,
    )
    pending = next((e for e in history["extensions"] if e.status == ExtensionStatus.PENDING), None)
    actions: list[str] = []
    # The branch's steps (拟办意见, signature, 送办), and its liaison's feedback and archiving.
    branch_steps = cases.branch_steps(actor, township, case)
    if office:
        allowed = set(actions_from(case.state))
        actions = [a for a in OFFICE_ACTIONS if a in allowed]
        if "reassign" in actions and case.rating != Rating.UNSATISFIED:
            actions.remove("reassign")
    else:
        actions = [a for a in OFFICE_ACTIONS if a in branch_steps]
    unit_can_act = my_assignment is not None and case.state == CaseState.REFERRED
    # The roll is read only when the page offers to receive the case (it lists who may).
    reps = people.list_representatives(actor, township)[0] if "receive" in actions else []
    rep_names = _names(reps)
    if case.received_by_id and case.received_by_id not in rep_names:
        with suppress(NotFound):  # shown as "—"
            rep_names[case.received_by_id] = people.get_representative(
                actor, township, case.received_by_id
            ).name
    # An important or common issue can grow into a proposal (DOMAIN.md §1: handle).
    own_rep = cases.representative_of(actor, township)
    can_propose = (
        own_rep is not None
        and own_rep.in_office
        and "proposals" in current_registry()
        and tenants.module_enabled(township.id, "proposals")
    )
    return render_template(
        "casework/detail.html",
        can_propose=can_propose,
        receipt_code=receipt_code,
        case=case,
        row=row,
        history=history,
        office=office,
        actions=actions,
        pending=pending if office and case.state == CaseState.REFERRED else None,
        my_assignment=my_assignment,
        unit_can_act=unit_can_act,
        unit_has_pending=pending is not None,
        units=[u for u in units if u.is_active],
        unit_names=unit_names,
        rep_names=rep_names,
        reps=[r for r in reps if r.status == RepStatus.IN_OFFICE],
        today=deadlines.shanghai_today().isoformat(),
        attachments=cases.attachments_of(case),
        can_attach=case.state != CaseState.ARCHIVED
        and (office or my_assignment is not None or cases.is_liaison_of(actor, township, case)),
        branch_steps=branch_steps,
        branch_name=cases.branch_name(township, case),
        signed_label=cases.signed_on_label(case),
        **_common(),
    )


def _refused(actor: Any, township: Any, case_id: int, exc: DomainError) -> None:
    """A refused step is a message on the case. Not found is 404; so is a form refused before
    its use case could look the case up, when the user may not see that case."""
    if exc.status == 404:
        raise exc
    cases.get_case(actor, township, case_id)
    flash_error(exc)


@bp.post("/<int:case_id>/attachments", endpoint="attach")
def attach(case_id: int):
    actor, township = township_scope()
    if _posted():
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise ValidationFailed(_("请选择文件。"))
            cases.attach(actor, township, case_id, upload.stream, upload.filename)
            flash(_("附件已上传。"), "success")
        except DomainError as exc:
            _refused(actor, township, case_id, exc)
    return redirect(url_for(".detail", case_id=case_id))


def _inadmissible(actor: Any, township: Any, case_id: int) -> Any:
    data = load_input(InadmissibleInputSchema, request.form, form=True)
    return cases.mark_inadmissible(
        actor, township, case_id, reason=data.reason, referral_text=data.referral_text
    )


def _extension(actor: Any, township: Any, case_id: int) -> Any:
    data = load_input(ExtensionInputSchema, request.form, form=True)
    return cases.request_extension(actor, township, case_id, until=data.until, reason=data.reason)


def _reassign(actor: Any, township: Any, case_id: int) -> Any:
    data = load_input(ReassignInputSchema, request.form, form=True)
    return cases.reassign(
        actor, township, case_id, lead_unit_id=data.lead_unit_id, co_unit_ids=data.co_unit_ids
    )


def _rate(actor: Any, township: Any, case_id: int) -> Any:
    """The office records a rating the person gave by phone or in person."""
    data = load_input(RatingInputSchema, request.form, form=True)
    return cases.record_rating(actor, township, case_id, data.rating, data.comment)


def _decide(actor: Any, township: Any, case_id: int) -> Any:
    pending = next(
        (
            e
            for e in cases.history(actor, township, case_id)["extensions"]
            if e.status == ExtensionStatus.PENDING
        ),
        None,
    )
    if pending is None:
        raise ValidationFailed(_("没有待审批的延期申请。"))
    return cases.decide_extension(
        actor, township, pending.id, approve=request.form.get("decision") == "approve"
    )


Step = Callable[[Any, Any, int], Any]

# URL part → (endpoint, what to do, message on success).
STEPS: dict[str, tuple[str, Step, Any]] = {
    "receive": (
        "receive",
        lambda a, t, c: cases.receive(
            a, t, c, load_input(ReceiveInputSchema, request.form, form=True).representative_id
        ),
        _l("已接待。"),
    ),
    "inadmissible": (
        "inadmissible",
        _inadmissible,
        _l("已作不予受理处理，并记录告知内容。"),
    ),
    "handle-on-spot": (
        "handle_on_spot",
        lambda a, t, c: cases.handle_on_spot(
            a, t, c, load_input(OnSpotInputSchema, request.form, form=True).answer
        ),
        _l("已当场答复。"),
    ),
    "refer": (
        "refer",
        lambda a, t, c: cases.refer(a, t, c, load_input(ReferInputSchema, request.form, form=True)),
        _l("已交办。"),
    ),
    "reply": (
        "reply",
        lambda a, t, c: cases.unit_reply(
            a, t, c, load_input(ReplyInputSchema, request.form, form=True).text
        ),
        _l("已提交书面答复。"),
    ),
    "return": (
        "return_to_office",
        lambda a, t, c: cases.return_to_office(
            a, t, c, load_input(ReturnInputSchema, request.form, form=True).reason
        ),
        _l("已退回联络站。"),
    ),
    "extension": (
        "request_extension",
        _extension,
        _l("已提交延期申请。"),
    ),
    "extension-decision": ("decide_extension", _decide, _l("已处理延期申请。")),
    "feedback": (
        "feedback",
        lambda a, t, c: cases.give_feedback(
            a, t, c, load_input(FeedbackInputSchema, request.form, form=True).note
        ),
        _l("已记录向群众反馈。"),
    ),
    "rate": ("rate", _rate, _l("已记录评价。")),
    "reassign": (
        "reassign",
        _reassign,
        _l("已再交办。"),
    ),
    "escalate": (
        "escalate",
        lambda a, t, c: cases.escalate(
            a, t, c, reason=load_input(EscalateInputSchema, request.form, form=True).reason
        ),
        _l("已上报县级。"),
    ),
    "archive": ("archive", lambda a, t, c: cases.archive(a, t, c), _l("已归档。")),
    # At the branch (000 第三篇 第九条, 第五篇).
    "proposed-handling": (
        "propose_handling",
        lambda a, t, c: cases.propose_handling(
            a, t, c, load_input(ProposedHandlingInputSchema, request.form, form=True).text
        ),
        _l("已记录拟办意见，请代表签字确认。"),
    ),
    "sign-off": ("sign_off", lambda a, t, c: cases.sign_off(a, t, c), _l("已签字确认。")),
    "paper-sign-off": (
        "record_sign_off",
        lambda a, t, c: cases.record_sign_off(
            a, t, c, load_input(PaperSignOffInputSchema, request.form, form=True)
        ),
        _l("已登记代表签字。"),
    ),
    "send-on": (
        "send_on",
        lambda a, t, c: cases.send_on(
            a, t, c, load_input(SendOnInputSchema, request.form, form=True).note
        ),
        _l("已送支部负责人及联络办。"),
    ),
}


def _step_view(step: Step, message: Any) -> Callable[..., Any]:
    def view(case_id: int):
        actor, township = township_scope()
        if _posted():
            try:
                step(actor, township, case_id)
                flash(str(message), "success")
            except DomainError as exc:
                _refused(actor, township, case_id, exc)
        return redirect(url_for(".detail", case_id=case_id))

    return view


for _path, (_endpoint, _step, _message) in STEPS.items():
    bp.add_url_rule(
        f"/<int:case_id>/{_path}",
        endpoint=_endpoint,
        view_func=_step_view(_step, _message),
        methods=["POST"],
    )
