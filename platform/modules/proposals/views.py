"""Pages of the proposals module (/t/<slug>/proposals) and its public pages
(/p/<slug>/proposals). Every rule lives in service.py; these pages only call it, a form's input
loaded by the same schema as the API's body (`inputs.py`) inside the step, so that an unknown
id is still a 404 first. A foreign or unknown id is a 404 and a write by someone the service
refuses a 403 (those errors propagate); rule breaks and bad input are flashed and the page is
shown again with what was typed (422), nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import documents, spreadsheets
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.casework.models import Rating
from lianxin.db import db
from lianxin.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import (
    ProposalAssignSchema,
    ProposalDraftPatchSchema,
    ProposalDraftSchema,
    ProposalInviteSchema,
    ProposalMergeSchema,
    ProposalPaperSchema,
    ProposalWindowInputSchema,
)
from lianxin.modules.proposals.models import (
    AssignmentStatus,
    ExtensionStatus,
    Kind,
    SignatureStatus,
    State,
)
from lianxin.modules.proposals.states import KIND_LABELS, STATE_LABELS, allowed
from lianxin.people.models import HandlingUnit, RepresentativeGroup
from lianxin.usecases import load_input
from lianxin.web.forms import flash_error, label
from lianxin.web.scope import current_township, township_scope

pages = Blueprint("proposals", __name__, template_folder="templates")
public = Blueprint("proposals_public", __name__, template_folder="templates")

DRAFT_FIELDS = ("kind", "title", "body", "category")
GROUP_FIELDS = ("group_id", "group_discussed_on", "group_discussion")
OPEN = (State.ACCEPTED, State.ASSIGNED, State.ANSWERED, State.UNSATISFIED, State.CLOSED)
SIGNATURE_LABELS = {
    SignatureStatus.SIGNED: "已联名",
    SignatureStatus.INVITED: "未回复",
    SignatureStatus.DECLINED: "不联名",
}
EXTENSION_LABELS = {
    ExtensionStatus.PENDING: "待审批",
    ExtensionStatus.APPROVED: "已同意",
    ExtensionStatus.REFUSED: "未同意",
}
ASSIGNMENT_LABELS = {
    AssignmentStatus.ACTIVE: "办理中",
    AssignmentStatus.ANSWERED: "已答复",
    AssignmentStatus.RETURNED: "已退回",
    AssignmentStatus.SUPERSEDED: "已结束",
}
COMPLEXITY_LABELS = {"simple": "简单件", "complex": "复杂件"}
ACTION_LABELS = {
    "create": "起草",
    "edit": "修改草稿",
    "invite": "邀请联名",
    "sign": "联名",
    "decline": "不联名",
    "submit": "提交",
    "attach": "上传附件",
    "accept": "立案",
    "convert": "转为建议意见",
    "merge": "并案",
    "merged_in": "并入",
    "reject": "不予立案",
    "assign": "交办",
    "contact": "联系领衔代表",
    "answer": "书面答复",
    "co_answer": "协办单位答复",
    "answer_inquiry": "答复质询",
    "return": "退回",
    "back_to_office": "退回提案办",
    "request_extension": "申请延期",
    "decide_extension": "审批延期",
    "rate": "评价",
    "rated": "评价结果",
    "close": "办结",
    "publish": "公开",
    "unpublish": "取消公开",
    "due_recomputed": "重新计算办理期限",
}


@pages.context_processor
@public.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "state_label": lambda s: label(STATE_LABELS, s),
        "kind_label": lambda k: label(KIND_LABELS, k),
        "rating_label": lambda r: label(service.RATING_LABELS, r),
        "signature_label": lambda s: label(SIGNATURE_LABELS, s),
        "extension_label": lambda s: label(EXTENSION_LABELS, s),
        "assignment_label": lambda s: label(ASSIGNMENT_LABELS, s),
        "complexity_label": lambda c: label(COMPLEXITY_LABELS, c),
        "action_label": lambda a: label(ACTION_LABELS, a),
        "author_name": service.author_name,
        "lead_unit_name": service.lead_unit_name,
        "STATE_LABELS": STATE_LABELS,
        "KIND_LABELS": KIND_LABELS,
    }


def _checked(name: str) -> bool:
    return request.form.get(name) in {"1", "on", "true", "yes"}


def _unit_names() -> dict[int, str]:
    return {u.id: u.name for u in db.session.scalars(select(HandlingUnit))}


# --- the list and a new draft --------------------------------------------------------------------


def _new_form_context(actor: Any, township: Any) -> dict[str, Any]:
    rep = service.representative_of(actor, township)
    return {
        "can_create": rep is not None and rep.in_office,
        "categories": casework.CATEGORIES,
        "groups": service.lead_groups(actor, township),
        "kinds": KIND_LABELS,
    }


@pages.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    kind = request.args.get("kind") or None
    state = request.args.get("state") or None
    mine = request.args.get("mine") == "1"
    rows = service.list_proposals(
        actor,
        township,
        kind=kind if kind in set(Kind) else None,
        state=state if state in set(State) else None,
        mine=mine,
    )
    rep = service.representative_of(actor, township)
    return render_template(
        "proposals/index.html",
        rows=rows,
        due=service.due_of(township, rows),
        kind=kind,
        state=state,
        mine=mine,
        is_rep=rep is not None,
        is_office=service.is_office(actor, township),
        is_committee=service.is_committee(actor, township),
        submission_open=service.submission_open(township),
        year=deadlines.shanghai_today().year,
        **_new_form_context(actor, township),
    )


def _render_new(values: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    return render_template(
        "proposals/new.html", values=values, **_new_form_context(actor, township)
    ), status


@pages.route("/new", methods=["GET", "POST"])
def new():
    actor, township = township_scope()
    if request.method == "GET":
        return _render_new({"kind": request.args.get("kind", Kind.PROPOSAL)})
    values = {n: request.form.get(n, "").strip() for n in (*DRAFT_FIELDS, *GROUP_FIELDS)}
    try:
        made = service.create_draft(
            actor, township, load_input(ProposalDraftSchema, values, form=True)
        )
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_new(values, 422)
    flash(_("草稿已保存"), "success")
    return redirect(url_for("proposals.detail", proposal_id=made.id))


@pages.post("/from-case/<int:case_id>")
def from_case(case_id: int):
    actor, township = township_scope()
    kind = request.form.get("kind") or Kind.PROPOSAL
    try:
        made = service.draft_from_case(actor, township, case_id, kind)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return redirect(url_for("proposals.index"))
    flash(_("已根据诉求生成草稿，请修改后邀请联名"), "success")
    return redirect(url_for("proposals.detail", proposal_id=made.id))


# --- paper --------------------------------------------------------------------------------------

PAPER_FIELDS = ("kind", "title", "body", "category", "author_id", "paper_form_on")


@pages.get("/blank-form")
def blank_form():
    """The blank 提案提议表, printed for representatives to fill in and sign by hand."""
    actor, township = township_scope()
    return render_template(
        "proposals/blank_form.html",
        form=service.blank_form(actor, township),
        kinds=KIND_LABELS,
        categories=casework.CATEGORIES,
        is_office=service.is_office(actor, township),
    )


def _render_paper(values: dict[str, Any], chosen: list[str], status: int = 200) -> Any:
    actor, township = township_scope()
    if not service.is_office(actor, township):
        raise PermissionDenied()
    return render_template(
        "proposals/paper.html",
        values=values,
        chosen=set(chosen),
        signers=service.signers_to_pick(),
        min_signers=service.blank_form(actor, township).min_signers,
        kinds=KIND_LABELS,
        categories=casework.CATEGORIES,
    ), status


@pages.route("/paper", methods=["GET", "POST"])
def paper():
    """The office keys in a paper form: the author's proposal, signed and submitted."""
    actor, township = township_scope()
    if request.method == "GET":
        return _render_paper({"kind": Kind.PROPOSAL}, [])
    values = {n: request.form.get(n, "").strip() for n in PAPER_FIELDS}
    chosen = request.form.getlist("cosigner_ids")
    try:
        made = service.register_from_paper(
            actor,
            township,
            load_input(ProposalPaperSchema, {**values, "cosigner_ids": chosen}, form=True),
        )
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_paper(values, chosen, 422)
    flash(_("已据纸质表登记并提交"), "success")
    return redirect(url_for("proposals.detail", proposal_id=made.id))


# --- one proposal --------------------------------------------------------------------------------


def _render_detail(
    proposal_id: int,
    *,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    actor, township = township_scope()
    proposal = service.get_proposal(actor, township, proposal_id)
    rep = service.representative_of(actor, township)
    is_author = rep is not None and rep.id == proposal.author_id
    is_office = service.is_office(actor, township)
    is_committee = service.is_committee(actor, township)
    signatures = service.signatures(actor, township, proposal_id)
    draft = proposal.state == State.DRAFT
    own_signature = None
    if rep is not None and not is_author:
        own_signature = next((s for s, r in signatures if r.id == rep.id), None)
    assignments = service.assignments(actor, township, proposal_id)
    units = casework.unit_ids_of(actor, township)
    my_assignment = next(
        (
            a
            for a in assignments
            if a.unit_id in units
            and a.round == proposal.round
            and a.status == AssignmentStatus.ACTIVE
        ),
        None,
    )
    invitable = []
    if is_author and draft and proposal.kind == Kind.PROPOSAL:
        named = {r.id for _s, r in signatures}
        invitable = [
            r for r in service.member_representatives(actor, township) if r.id not in named
        ]
    merge_targets = []
    if is_office and proposal.state == State.SUBMITTED:
        merge_targets = [
            p
            for p in service.list_proposals(actor, township)
            if p.id != proposal.id and p.state in OPEN and p.number
        ]
    group = (
        db.session.get(RepresentativeGroup, (township.id, proposal.group_id))
        if proposal.group_id
        else None
    )
    merged_into = (
        db.session.get(type(proposal), (township.id, proposal.merged_into_id))
        if proposal.merged_into_id
        else None
    )
    inquiry = proposal.kind == Kind.INQUIRY
    return render_template(
        "proposals/detail.html",
        p=proposal,
        group=group,
        merged_into=merged_into,
        is_author=is_author,
        is_office=is_office,
        is_committee=is_committee,
        own_signature=own_signature,
        signatures=signatures,
        threshold=service.threshold(township, proposal) if draft else None,
        submission_open=service.submission_open(township, kind=proposal.kind),
        cases=service.linked_cases(actor, township, proposal_id),
        files=service.files_of(actor, township, proposal_id),
        assignments=assignments,
        my_assignment=my_assignment,
        unit_names=_unit_names(),
        extensions=service.extensions(actor, township, proposal_id),
        assignment_of={a.id: a for a in assignments},
        events=service.history(actor, township, proposal_id),
        invitable=invitable,
        merge_targets=merge_targets,
        unit_choices=service.unit_choices(actor, township) if is_office else [],
        categories=casework.CATEGORIES,
        groups=service.lead_groups(actor, township) if is_author else [],
        can_attach=(draft and is_author) or my_assignment is not None,
        can_assign=is_office and not inquiry and allowed("assign", proposal.state),
        can_close=is_office and allowed("close", proposal.state),
        can_publish=is_office and allowed("publish", proposal.state) and bool(proposal.answer),
        can_answer_inquiry=(
            inquiry and (is_office or is_committee) and allowed("answer_inquiry", proposal.state)
        ),
        ratings=service.RATING_LABELS,
        rating_values=Rating,
        failed=failed,
        values=values or {},
    ), status


@pages.get("/<int:proposal_id>")
def detail(proposal_id: int):
    return _render_detail(proposal_id)


def _act(proposal_id: int, form: str, step: Callable[[], object], *, ok: str) -> Any:
    """Run one step on the proposal (its form loaded inside it); a rule break or bad input is
    shown on the page again with what was typed (422) and nothing changes. A refusal (403) or
    unknown id (404) propagates: the page shown again loads the proposal first."""
    try:
        step()
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_detail(proposal_id, failed=form, values=request.form.to_dict(), status=422)
    flash(ok, "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id))


@pages.post("/<int:proposal_id>/edit")
def edit(proposal_id: int):
    actor, township = township_scope()
    # Every field of the draft's form, an absent one empty (the group's fields are absent once
    # the author leads no group: the draft then leaves the group).
    data = {n: request.form.get(n, "").strip() for n in (*DRAFT_FIELDS, *GROUP_FIELDS)}
    return _act(
        proposal_id,
        "edit",
        lambda: service.update_draft(
            actor,
            township,
            proposal_id,
            load_input(ProposalDraftPatchSchema, data, form=True, partial=True),
        ),
        ok=_("草稿已保存"),
    )


@pages.post("/<int:proposal_id>/invite")
def invite(proposal_id: int):
    actor, township = township_scope()
    ids = request.form.getlist("representative_ids")
    if not ids:  # nothing ticked: said on the page (the API takes an empty list)
        service.get_proposal(actor, township, proposal_id)
        flash(_("请选择要邀请联名的代表"), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal_id) + "#invite")
    return _act(
        proposal_id,
        "invite",
        lambda: service.invite(
            actor,
            township,
            proposal_id,
            load_input(ProposalInviteSchema, request.form, form=True).representative_ids,
        ),
        ok=_("已邀请 %(n)d 名代表联名", n=len(ids)),
    )


@pages.post("/<int:proposal_id>/sign")
def sign(proposal_id: int):
    actor, township = township_scope()
    return _act(
        proposal_id, "sign", lambda: service.sign(actor, township, proposal_id), ok=_("您已联名")
    )


@pages.post("/<int:proposal_id>/decline")
def decline(proposal_id: int):
    actor, township = township_scope()
    return _act(
        proposal_id,
        "sign",
        lambda: service.decline(actor, township, proposal_id),
        ok=_("您已选择不联名"),
    )


@pages.post("/<int:proposal_id>/submit")
def submit(proposal_id: int):
    actor, township = township_scope()
    return _act(
        proposal_id, "submit", lambda: service.submit(actor, township, proposal_id), ok=_("已提交")
    )


@pages.post("/<int:proposal_id>/files")
def attach(proposal_id: int):
    actor, township = township_scope()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        service.get_proposal(actor, township, proposal_id)  # an unknown id is still a 404
        flash(_("请选择文件。"), "error")
    else:
        try:
            service.attach(actor, township, proposal_id, upload.stream, upload.filename)
            flash(_("附件已上传。"), "success")
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            flash_error(exc)
    return redirect(url_for("proposals.detail", proposal_id=proposal_id) + "#files")


@pages.post("/<int:proposal_id>/accept")
def accept(proposal_id: int):
    actor, township = township_scope()
    complexity = request.form.get("complexity") or None
    return _act(
        proposal_id,
        "accept",
        lambda: service.accept(actor, township, proposal_id, complexity=complexity),
        ok=_("已立案"),
    )


@pages.post("/<int:proposal_id>/convert")
def convert(proposal_id: int):
    actor, township = township_scope()
    note = request.form.get("note", "")
    return _act(
        proposal_id,
        "convert",
        lambda: service.convert_to_suggestion(actor, township, proposal_id, note),
        ok=_("已转为建议意见"),
    )


@pages.post("/<int:proposal_id>/merge")
def merge(proposal_id: int):
    actor, township = township_scope()

    def step() -> object:
        data = load_input(ProposalMergeSchema, request.form, form=True)
        return service.merge(actor, township, proposal_id, data.into_id, data.note)

    return _act(proposal_id, "merge", step, ok=_("已并案"))


@pages.post("/<int:proposal_id>/reject")
def reject(proposal_id: int):
    actor, township = township_scope()
    reason = request.form.get("reason", "")
    return _act(
        proposal_id,
        "reject",
        lambda: service.reject(actor, township, proposal_id, reason),
        ok=_("已决定不予立案"),
    )


@pages.post("/<int:proposal_id>/assign")
def assign(proposal_id: int):
    actor, township = township_scope()
    return _act(
        proposal_id,
        "assign",
        lambda: service.assign(
            actor, township, proposal_id, load_input(ProposalAssignSchema, request.form, form=True)
        ),
        ok=_("已交办"),
    )


@pages.post("/<int:proposal_id>/close")
def close(proposal_id: int):
    actor, township = township_scope()
    reason = request.form.get("reason", "")
    return _act(
        proposal_id,
        "close",
        lambda: service.close(actor, township, proposal_id, reason),
        ok=_("已办结"),
    )


@pages.post("/<int:proposal_id>/publish")
def publish(proposal_id: int):
    actor, township = township_scope()
    published = request.form.get("published", "1") == "1"
    return _act(
        proposal_id,
        "publish",
        lambda: service.set_published(actor, township, proposal_id, published),
        ok=_("已公开") if published else _("已取消公开"),
    )


@pages.post("/<int:proposal_id>/answer-inquiry")
def answer_inquiry(proposal_id: int):
    actor, township = township_scope()
    text, public = request.form.get("answer", ""), _checked("public")
    return _act(
        proposal_id,
        "answer_inquiry",
        lambda: service.answer_inquiry(actor, township, proposal_id, text, public=public),
        ok=_("已答复"),
    )


@pages.post("/<int:proposal_id>/contact")
def contact(proposal_id: int):
    actor, township = township_scope()
    note = request.form.get("note", "")
    return _act(
        proposal_id,
        "contact",
        lambda: service.contact_author(actor, township, proposal_id, note),
        ok=_("已记录与领衔代表的联系"),
    )


@pages.post("/<int:proposal_id>/answer")
def answer(proposal_id: int):
    actor, township = township_scope()
    text = request.form.get("answer", "")
    return _act(
        proposal_id,
        "answer",
        lambda: service.answer(actor, township, proposal_id, text),
        ok=_("已书面答复"),
    )


@pages.post("/<int:proposal_id>/return")
def return_to_office(proposal_id: int):
    actor, township = township_scope()
    reason = request.form.get("reason", "")
    return _act(
        proposal_id,
        "return",
        lambda: service.return_to_office(actor, township, proposal_id, reason),
        ok=_("已退回提案办"),
    )


@pages.post("/<int:proposal_id>/extension")
def request_extension(proposal_id: int):
    actor, township = township_scope()
    # Days not a number are no days: the service says how many may be asked for.
    days = request.form.get("days", 0, type=int)
    reason = request.form.get("reason", "")
    return _act(
        proposal_id,
        "extension",
        lambda: service.request_extension(actor, township, proposal_id, days, reason),
        ok=_("已申请延期"),
    )


@pages.post("/<int:proposal_id>/extensions/<int:extension_id>")
def decide_extension(proposal_id: int, extension_id: int):
    actor, township = township_scope()
    # The extension must be one of this proposal's (the URL names both).
    if extension_id not in {e.id for e in service.extensions(actor, township, proposal_id)}:
        raise NotFound()
    approve = request.form.get("decision") == "approve"
    return _act(
        proposal_id,
        "decide",
        lambda: service.decide_extension(actor, township, extension_id, approve=approve),
        ok=_("已同意延期") if approve else _("已不同意延期"),
    )


@pages.post("/<int:proposal_id>/rate")
def rate(proposal_id: int):
    actor, township = township_scope()
    rating, comment = request.form.get("rating", ""), request.form.get("comment", "")
    return _act(
        proposal_id,
        "rate",
        lambda: service.rate(actor, township, proposal_id, rating, comment),
        ok=_("感谢您的评价"),
    )


# --- the office ----------------------------------------------------------------------------------


@pages.get("/dashboard")
def dashboard():
    actor, township = township_scope()
    board = service.dashboard(actor, township)
    return render_template(
        "proposals/dashboard.html",
        board=board,
        year=deadlines.shanghai_today().year,
        is_office=service.is_office(actor, township),
    )


def _render_windows(values: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    return render_template(
        "proposals/windows.html",
        windows=service.list_windows(actor, township),
        submission_open=service.submission_open(township),
        all_year=bool(service.settings(township.id)["all_year"]),
        today=deadlines.shanghai_today(),
        is_office=service.is_office(actor, township),
        values=values,
    ), status


@pages.route("/windows", methods=["GET", "POST"])
def windows():
    actor, township = township_scope()
    if request.method == "GET":
        return _render_windows({})
    if not service.is_office(actor, township):  # refused before the form is read (403, not 422)
        raise PermissionDenied()
    values = {n: request.form.get(n, "").strip() for n in ("title", "opens_on", "closes_on")}
    try:
        service.add_window(
            actor, township, load_input(ProposalWindowInputSchema, values, form=True)
        )
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_windows(values, 422)
    flash(_("已添加征集活动"), "success")
    return redirect(url_for("proposals.windows"))


@pages.post("/windows/<int:window_id>/delete")
def delete_window(window_id: int):
    actor, township = township_scope()
    try:
        service.delete_window(actor, township, window_id)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
    else:
        flash(_("已删除征集活动"), "success")
    return redirect(url_for("proposals.windows"))


def _report_context(year: int) -> dict[str, Any]:
    """What the handling report's page and its PDF show."""
    actor, township = township_scope()
    return {
        "rows": service.handling_report(actor, township, year),
        "year": year,
        "today": deadlines.shanghai_today(),
    }


@pages.get("/report/<int:year>")
def report(year: int):
    return render_template("proposals/report.html", **_report_context(year))


@pages.get("/report/<int:year>.pdf", endpoint="report_pdf")
def report_pdf(year: int):
    _actor, township = township_scope()
    html = render_template("proposals/report_document.html", **_report_context(year))
    name = _("%(t)s%(y)d年提案办理情况.pdf", t=township.name, y=year)
    return documents.response(documents.pdf(html), name, ascii_name=f"proposals-{year}.pdf")


@pages.get("/report/<int:year>.xlsx")
def report_xlsx(year: int):
    actor, township = township_scope()
    data = service.report_xlsx(service.handling_report(actor, township, year), year)
    name = _("%(t)s%(y)d年提案办理情况.xlsx", t=township.name, y=year)
    return spreadsheets.response(data, name, ascii_name=f"proposals-{year}.xlsx")


# --- public --------------------------------------------------------------------------------------


@public.get("/", endpoint="index")
def public_index():
    return render_template(
        "proposals/public_index.html",
        public_page=True,
        rows=service.public_list(current_township()),
    )


@public.get("/<int:proposal_id>")
def public_detail(proposal_id: int):
    return render_template(
        "proposals/public_detail.html",
        public_page=True,
        p=service.public_get(current_township(), proposal_id),
    )
