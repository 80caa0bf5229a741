"""Case pages of a township: the office's list and actions, a unit's inbox and answers.

Views call the casework service only. Every handler with a case id loads the case first
(`service.get_case` applies who may see it), so another township's case, or one the user may
not see, is 404 before anything else happens. A refused step (an illegal transition, bad input,
a conflict) is shown as a message on the case and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin.auth.forms import EmptyForm
from lianxin.casework import deadlines
from lianxin.casework import schemas as cw
from lianxin.casework import service as cases
from lianxin.casework.models import AssignmentStatus, CaseState, ExtensionStatus, Rating
from lianxin.casework.states import STATE_LABELS, actions_from
from lianxin.db import db
from lianxin.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.registry import current_registry
from lianxin.people import service as people
from lianxin.people.models import RepStatus
from lianxin.tenants import service as tenants
from lianxin.web.forms import flash_error
from lianxin.web.scope import current_actor, current_township

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


def _ctx() -> tuple[Any, Any]:
    return current_actor(), current_township()


def _common() -> dict[str, Any]:
    # The labels translated once, not once per row.
    return {"cw": cw, "STATE_LABELS": cw.translated(STATE_LABELS), "CaseState": CaseState}


def _filters() -> dict[str, Any]:
    state = request.args.get("state") or None
    if state not in set(CaseState):
        state = None
    return {
        "state": state,
        "overdue_only": request.args.get("overdue") == "1",
        "q": (request.args.get("q") or "").strip() or None,
    }


def _list(template: str, **extra: Any):
    actor, township = _ctx()
    filters = _filters()
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = cases.list_cases(
        actor, township, **filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    return render_template(
        template,
        rows=rows,
        total=total,
        filters=filters,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        is_office=cases.is_office(actor, township),
        can_register=cases.is_office(actor, township)
        or cases.representative_of(actor, township) is not None,
        **extra,
        **_common(),
    )


@bp.get("/", endpoint="index")
def index():
    return _list("casework/list.html")


@bp.get("/unit", endpoint="unit_inbox")
def unit_inbox():
    actor, township = _ctx()
    if not cases.unit_ids_of(actor, township):
        return redirect(url_for(".index"))
    return _list("casework/unit_inbox.html")


# --- registering on someone's behalf --------------------------------------------------------------


def _new_options() -> dict[str, Any]:
    actor, township = _ctx()
    reps, _total = people.list_representatives(actor, township, status=RepStatus.IN_OFFICE)
    return {"reps": reps, "categories": cases.CATEGORIES}


def _optional_int(value: str | None, field: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(errors={field: [_("请选择有效的选项")]}) from None


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
def new():
    actor, township = _ctx()
    if not (cases.is_office(actor, township) or cases.representative_of(actor, township)):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"channel": "", "category": "其他"}
    if _posted():
        values = {
            f: request.form.get(f, "")
            for f in (
                "channel",
                "category",
                "raiser_name",
                "raiser_phone",
                "complexity",
                "title",
                "body",
                "received_by_id",
            )
        }
        values["anonymous"] = request.form.get("anonymous") == "1"
        try:
            data = {
                **values,
                "received_by_id": _optional_int(values["received_by_id"], "received_by_id"),
                "on_behalf": True,
            }
            created = cases.register(actor, township, data)
            flash(
                _(
                    "已登记。查询码：%(c)s（请告知群众，仅显示这一次）",
                    c=created.tracking_code,
                ),
                "success",
            )
            return redirect(url_for(".detail", case_id=created.case.id))
        except ValidationFailed as exc:
            db.session.rollback()
            errors = exc.errors
            flash_error(exc)
    return render_template(
        "casework/new.html", values=values, errors=errors, **_new_options(), **_common()
    ), (422 if errors else 200)


# --- one case -------------------------------------------------------------------------------------


def _names(items: Any) -> dict[int, str]:
    return {i.id: i.name for i in items}


@bp.get("/<int:case_id>", endpoint="detail")
def detail(case_id: int):
    actor, township = _ctx()
    case = cases.get_case(actor, township, case_id)
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
    if office:
        allowed = set(actions_from(case.state))
        actions = [a for a in OFFICE_ACTIONS if a in allowed]
        if "reassign" in actions and case.rating != Rating.UNSATISFIED:
            actions.remove("reassign")
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
        can_attach=case.state != CaseState.ARCHIVED and (office or my_assignment is not None),
        **_common(),
    )


@bp.post("/<int:case_id>/attachments", endpoint="attach")
def attach(case_id: int):
    actor, township = _ctx()
    cases.get_case(actor, township, case_id)  # the record first: another township's is 404
    if _posted():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("请选择文件。"), "error")
        else:
            try:
                cases.attach(actor, township, case_id, upload.stream, upload.filename)
                flash(_("附件已上传。"), "success")
            except DomainError as exc:
                if exc.status == 404:
                    raise
                db.session.rollback()
                flash_error(exc)
    return redirect(url_for(".detail", case_id=case_id))


def _form_date(name: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise ValidationFailed(errors={name: [_("请填写有效的日期")]}) from None


def _form_int(name: str) -> int:
    value = _optional_int(request.form.get(name), name)
    if value is None:
        raise ValidationFailed(errors={name: [_("请选择")]})
    return value


def _form_ints(name: str) -> list[int]:
    return [v for v in (_optional_int(x, name) for x in request.form.getlist(name)) if v]


def _text(name: str) -> str:
    return request.form.get(name, "")


def _rate(actor: Any, township: Any, case_id: int) -> Any:
    """The office records a rating the person gave by phone or in person."""
    return cases.record_rating(
        actor, township, case_id, _text("rating"), request.form.get("comment") or None
    )


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
            a, t, c, _optional_int(request.form.get("representative_id"), "representative_id")
        ),
        _l("已接待。"),
    ),
    "inadmissible": (
        "inadmissible",
        lambda a, t, c: cases.mark_inadmissible(
            a, t, c, reason=_text("reason"), referral_text=_text("referral_text")
        ),
        _l("已作不予受理处理，并记录告知内容。"),
    ),
    "handle-on-spot": (
        "handle_on_spot",
        lambda a, t, c: cases.handle_on_spot(a, t, c, _text("answer")),
        _l("已当场答复。"),
    ),
    "refer": (
        "refer",
        lambda a, t, c: cases.refer(
            a,
            t,
            c,
            lead_unit_id=_form_int("lead_unit_id"),
            co_unit_ids=_form_ints("co_unit_ids"),
            complexity=request.form.get("complexity") or None,
        ),
        _l("已交办。"),
    ),
    "reply": (
        "reply",
        lambda a, t, c: cases.unit_reply(a, t, c, _text("text")),
        _l("已提交书面答复。"),
    ),
    "return": (
        "return_to_office",
        lambda a, t, c: cases.return_to_office(a, t, c, _text("reason")),
        _l("已退回联络站。"),
    ),
    "extension": (
        "request_extension",
        lambda a, t, c: cases.request_extension(
            a, t, c, until=_form_date("until"), reason=_text("reason")
        ),
        _l("已提交延期申请。"),
    ),
    "extension-decision": ("decide_extension", _decide, _l("已处理延期申请。")),
    "feedback": (
        "feedback",
        lambda a, t, c: cases.give_feedback(a, t, c, request.form.get("note") or None),
        _l("已记录向群众反馈。"),
    ),
    "rate": ("rate", _rate, _l("已记录评价。")),
    "reassign": (
        "reassign",
        lambda a, t, c: cases.reassign(
            a, t, c, lead_unit_id=_form_int("lead_unit_id"), co_unit_ids=_form_ints("co_unit_ids")
        ),
        _l("已再交办。"),
    ),
    "escalate": (
        "escalate",
        lambda a, t, c: cases.escalate(a, t, c, reason=_text("reason")),
        _l("已上报县级。"),
    ),
    "archive": ("archive", lambda a, t, c: cases.archive(a, t, c), _l("已归档。")),
}


def _step_view(step: Step, message: Any) -> Callable[..., Any]:
    def view(case_id: int):
        actor, township = _ctx()
        cases.get_case(actor, township, case_id)  # the record first: another's is 404
        if _posted():
            try:
                step(actor, township, case_id)
                flash(str(message), "success")
            except DomainError as exc:
                db.session.rollback()
                if exc.status == 404:
                    raise
                flash_error(exc)
        return redirect(url_for(".detail", case_id=case_id))

    return view


for _path, (_endpoint, _step, _message) in STEPS.items():
    bp.add_url_rule(
        f"/<int:case_id>/{_path}",
        endpoint=_endpoint,
        view_func=_step_view(_step, _message),
        methods=["POST"],
    )
