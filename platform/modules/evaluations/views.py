"""Pages of the evaluations module (/t/<slug>/evaluations) and its public pages
(/p/<slug>/evaluations). Every rule lives in service.py; these pages only call it. A foreign or
unknown id is a 404 and a step the service refuses a 403 (those errors propagate); rule breaks
and bad input are flashed and the page is shown again with what was typed (422), nothing
changed. One-time links and public codes are shown once, on the page that issued them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import (
    AnswerInput,
    EvaluationCampaignCreateSchema,
    EvaluationCodesCreateSchema,
    EvaluationFormUpdateSchema,
    EvaluationGradeSchema,
    EvaluationGroupSchema,
    EvaluationGuestRaterSchema,
    EvaluationLeaderOpinionSchema,
    EvaluationPaperBatchSchema,
    EvaluationPaperHandOutSchema,
    EvaluationSubjectCreateSchema,
    GradeInput,
    PaperEntryInput,
    PaperFormInput,
)
from lianxin.modules.evaluations.models import CampaignState, Grade, PaperBatch, Rater, Shape
from lianxin.modules.kit import today
from lianxin.people.models import HandlingUnit, Representative
from lianxin.storage.service import FileTooLarge
from lianxin.usecases import load_input
from lianxin.web import links
from lianxin.web.forms import flash_error, label
from lianxin.web.qr import qr_svg
from lianxin.web.scope import current_township, township_scope

pages = Blueprint("evaluations", __name__, template_folder="templates")
public = Blueprint("evaluations_public", __name__, template_folder="templates")

STATE_LABELS = {
    CampaignState.DRAFT: "准备中",
    CampaignState.OPEN: "评议进行中",
    CampaignState.CLOSED: "已结束",
}
GRADES = [g.value for g in Grade]
STEP_ERRORS = (ValidationFailed, Conflict, FileTooLarge)


@pages.context_processor
@public.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "shape_label": lambda s: label(service.SHAPE_LABELS, s),
        "state_label": lambda s: label(STATE_LABELS, s),
        "grade_label": lambda g: label(service.GRADE_LABELS, g),
        "category_label": lambda c: label(service.CATEGORY_LABELS, c),
        "kind_label": lambda k: label(service.SUBJECT_KIND_LABELS, k),
        "CATEGORIES": list(service.CATEGORY_LABELS.items()),
        "GUEST_CATEGORIES": [
            (c.value, service.CATEGORY_LABELS[c]) for c in service.GUEST_CATEGORIES
        ],
        "GRADES": GRADES,
        "SHAPES": service.shapes(),
        "percent": lambda rate: "—" if rate is None else f"{rate * 100:.0f}%",
        "campaign_year": service.campaign_year,
        "k_answers": lambda campaign=None: (
            int(campaign.min_answers)
            if campaign is not None and campaign.min_answers
            else int(service.settings(current_township().id)["min_answers"])
        ),
    }


def _private(response: Any) -> Any:
    """Pages that carry a one-time link or code: never cached, never sent on as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link_url(township: Any, token: str) -> str:
    return links.public_url("evaluations_public.answer", township_slug=township.slug, token=token)


def _code_url(township: Any, campaign_id: int, code: str | None = None) -> str:
    return links.public_url(
        "evaluations_public.public_answer",
        township_slug=township.slug,
        campaign_id=campaign_id,
        **({"code": code} if code else {}),
    )


def default_period(today: date) -> tuple[date, date]:
    """The coming evaluation season: 1 December to 15 January (the current one until then)."""
    start_year = today.year - 1 if (today.month == 1 and today.day <= 15) else today.year
    return date(start_year, 12, 1), date(start_year + 1, 1, 15)


# --- the list of campaigns -----------------------------------------------------------------------


def _render_index(values: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    campaigns = service.list_campaigns(actor, township)
    rep = casework.representative_of(actor, township)
    mine = []
    if rep is not None:
        for c in campaigns:
            if c.state == CampaignState.DRAFT:
                continue
            rater = service.rater_of(actor, township, c)
            if rater is not None:
                mine.append((c, service.answered(township, c, rater)))
    is_office = service.is_office(actor, township)
    if not values and is_office:
        opens, closes = default_period(today())
        values = {"opens_on": opens.isoformat(), "closes_on": closes.isoformat()}
    return render_template(
        "evaluations/index.html",
        campaigns=campaigns,
        figures={c.id: service.campaign_participation(c) for c in campaigns},
        mine=mine,
        has_feedback=bool(service.my_feedback(actor, township)),
        is_office=is_office,
        can_read=is_office or service.is_committee(actor, township),
        values=values,
    ), status


@pages.route("/", methods=["GET", "POST"], endpoint="index")
def index():
    actor, township = township_scope()
    if request.method == "GET":
        return _render_index({})
    values = {
        n: request.form.get(n, "").strip() for n in ("title", "shape", "opens_on", "closes_on")
    }
    try:
        made = service.create_campaign(
            actor, township, load_input(EvaluationCampaignCreateSchema, values, form=True)
        )
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_index(values, 422)
    flash(_("已创建评议活动"), "success")
    return redirect(url_for("evaluations.campaign", campaign_id=made.id))


# --- one campaign --------------------------------------------------------------------------------


def _is_self(actor: Any, rep: Any, subject: Any) -> bool:
    if subject.user_id is not None:
        return subject.user_id == actor.user_id
    return rep is not None and subject.representative_id == rep.id


def _render_campaign(
    campaign_id: int,
    *,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
    links: list[Any] | None = None,
    codes: list[str] | None = None,
) -> Any:
    actor, township = township_scope()
    campaign = service.get_campaign(actor, township, campaign_id)
    is_office = service.is_office(actor, township)
    can_run = service.can_run(actor, township, campaign)
    is_committee = service.is_committee(actor, township)
    rep = casework.representative_of(actor, township)
    subjects = service.subjects(actor, township, campaign_id)
    draft = campaign.state == CampaignState.DRAFT
    rater = service.rater_of(actor, township, campaign)
    choices: dict[str, Any] = {}
    if is_office and draft:
        taken = {s.name for s in subjects}
        if campaign.shape == Shape.COMMITTEE:
            choices["users"] = [
                u
                for u in service.committee_users(actor, township)
                if (u.display_name or u.username) not in taken
            ]
        elif campaign.shape == Shape.DUTY:
            choices["reps"] = [
                r
                for r in db.session.scalars(
                    select(Representative).order_by(Representative.name_pinyin)
                )
                if r.in_office and r.name not in taken
            ]
        elif campaign.shape == Shape.DEPARTMENTS:
            choices["units"] = [
                u
                for u in db.session.scalars(
                    select(HandlingUnit)
                    .where(HandlingUnit.is_active.is_(True))
                    .order_by(HandlingUnit.name)
                )
                if u.name not in taken
            ]
    shown_links = [(link.name, _link_url(township, link.token)) for link in links or []]
    shown_codes = [(code, _code_url(township, campaign.id, code)) for code in codes or []]
    public_url = _code_url(township, campaign.id) if campaign.shape == Shape.PUBLIC else None
    response = make_response(
        render_template(
            "evaluations/campaign.html",
            c=campaign,
            subjects=subjects,
            commitments=service.report_commitments(township, subjects),
            # A city representative's written report may go among an annual session's papers;
            # the office is told when the filed copy is older than the report (edited since).
            filable={s.id for s in subjects if service.can_file(s)} if is_office else set(),
            filed_stale={s.id for s in subjects if service.filed_stale(s)} if is_office else set(),
            filing_sessions=(
                service.filing_sessions(actor, township)
                if is_office and any(service.can_file(s) for s in subjects)
                else []
            ),
            sessions_on=is_office and service.sessions_on(township),
            editable={
                s.id
                for s in subjects
                if campaign.state != CampaignState.CLOSED and (is_office or _is_self(actor, rep, s))
            },
            is_office=is_office,
            can_read=is_office or is_committee,
            draft=draft,
            rater=rater,
            answered=rater is not None and service.answered(township, campaign, rater),
            figures=service.campaign_participation(campaign),
            cannot_offered=service.cannot_evaluate_offered(campaign),
            can_run=can_run,
            group=service.group_of(campaign),
            group_choices=service.group_candidates(actor, township) if is_office and draft else [],
            notice_days=int(service.settings(township.id)["notice_days"]),
            guests=service.guests(actor, township, campaign_id) if can_run else [],
            categories=service.category_counts(campaign),
            paper_batches=(
                service.batches(actor, township, campaign_id)
                if campaign.state == CampaignState.OPEN
                else []
            ),
            tellers=(
                service.teller_choices(actor, township)
                if can_run and campaign.state == CampaignState.OPEN
                else []
            ),
            raters=(
                service.raters(actor, township, campaign_id)
                if can_run
                and campaign.state == CampaignState.OPEN
                and campaign.shape != Shape.PUBLIC
                else []
            ),
            choices=choices,
            links=shown_links,
            codes=shown_codes,
            code_qr=qr_svg(shown_codes[0][1]) if shown_codes else None,
            public_url=public_url,
            public_qr=qr_svg(public_url) if public_url and not draft else None,
            failed=failed,
            values=values or {},
        ),
        status,
    )
    return _private(response) if links or codes else response


def _act(campaign_id: int, form: str, step: Callable[[], object], *, ok: str, anchor: str = ""):
    """Run one step (its form loaded inside it); a rule break or bad input is shown on the
    campaign page again with what was typed (422) and nothing changes. A refusal (403) or
    unknown id (404) propagates: the page shown again loads the campaign first."""
    try:
        step()
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_campaign(campaign_id, failed=form, values=request.form.to_dict(), status=422)
    flash(ok, "success")
    return redirect(url_for("evaluations.campaign", campaign_id=campaign_id) + anchor)


def _subject(campaign_id: int, subject_id: int) -> Any:
    actor, township = township_scope()
    subject = service.get_subject(actor, township, subject_id)
    if subject.campaign_id != campaign_id:
        raise NotFound(_("未找到该评议对象"))
    return subject


@pages.get("/<int:campaign_id>")
def campaign(campaign_id: int):
    return _render_campaign(campaign_id)


def _dimension_rows() -> list[dict[str, Any]]:
    """The dimension rows of the form as typed: blank rows and rows ticked 删除 dropped."""
    labels = request.form.getlist("label")
    weights = request.form.getlist("weight")
    keys = request.form.getlist("key")
    removed = set(request.form.getlist("remove"))
    rows: list[dict[str, Any]] = []
    for n, text in enumerate(labels):
        key = keys[n] if n < len(keys) else ""
        weight = weights[n].strip() if n < len(weights) else ""
        if (key and key in removed) or (not key and not text.strip() and not weight):
            continue
        # A new row has no key: the service gives it one no other row has.
        rows.append({"key": key, "label": text.strip(), "weight": weight or "1"})
    return rows


@pages.post("/<int:campaign_id>/form")
def update_form(campaign_id: int):
    actor, township = township_scope()
    data: dict[str, Any] = {
        n: request.form.get(n, "").strip()
        for n in ("scale_min", "scale_max", "opens_on", "closes_on")
        if n in request.form
    }
    data["dimensions"] = _dimension_rows()
    return _act(
        campaign_id,
        "form",
        lambda: service.update_form(
            actor,
            township,
            campaign_id,
            load_input(EvaluationFormUpdateSchema, data, form=True, partial=True),
        ),
        ok=_("评议表已保存"),
        anchor="#form",
    )


SUBJECT_FIELDS = ("user_id", "representative_id", "unit_id", "name", "kind")


@pages.post("/<int:campaign_id>/subjects")
def add_subject(campaign_id: int):
    actor, township = township_scope()

    def step() -> object:
        # The form offers one of the four, as the campaign's kind asks: none chosen is said so.
        if not any(request.form.get(n, "").strip() for n in SUBJECT_FIELDS):
            raise ValidationFailed(_("请选择或填写评议对象"))
        data = load_input(EvaluationSubjectCreateSchema, request.form, form=True)
        return service.add_subject(actor, township, campaign_id, data)

    return _act(campaign_id, "subject", step, ok=_("已添加评议对象"), anchor="#subjects")


@pages.post("/<int:campaign_id>/subjects/default")
def add_default_subjects(campaign_id: int):
    actor, township = township_scope()
    try:
        added = service.add_default_subjects(actor, township, campaign_id)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_campaign(campaign_id, failed="subject", status=422)
    flash(_("已添加 %(n)d 个评议对象", n=len(added)), "success")
    return redirect(url_for("evaluations.campaign", campaign_id=campaign_id) + "#subjects")


@pages.post("/<int:campaign_id>/subjects/<int:subject_id>/remove")
def remove_subject(campaign_id: int, subject_id: int):
    actor, township = township_scope()
    _subject(campaign_id, subject_id)
    return _act(
        campaign_id,
        f"remove-{subject_id}",
        lambda: service.remove_subject(actor, township, subject_id),
        ok=_("已移除评议对象"),
        anchor="#subjects",
    )


@pages.post("/<int:campaign_id>/subjects/<int:subject_id>/report")
def set_report(campaign_id: int, subject_id: int):
    actor, township = township_scope()
    _subject(campaign_id, subject_id)
    upload = request.files.get("file")
    chosen = upload if upload is not None and upload.filename else None
    text = request.form.get("text", "")
    return _act(
        campaign_id,
        f"report-{subject_id}",
        lambda: service.set_report(
            actor,
            township,
            subject_id,
            text,
            stream=chosen.stream if chosen is not None else None,
            filename=chosen.filename if chosen is not None else None,
        ),
        ok=_("述职报告已保存"),
        anchor=f"#subject-{subject_id}",
    )


@pages.post("/<int:campaign_id>/subjects/<int:subject_id>/file-with-session")
def file_with_session(campaign_id: int, subject_id: int):
    """列入年会文件: a city representative's written report among a session's documents."""
    actor, township = township_scope()
    _subject(campaign_id, subject_id)

    def step() -> object:
        raw = request.form.get("session_id", "").strip()
        if not raw.isdigit():
            raise ValidationFailed(errors={"session_id": [_("请选择年会")]})
        return service.file_with_session(actor, township, subject_id, int(raw))

    return _act(
        campaign_id,
        f"file-{subject_id}",
        step,
        ok=_("履职报告已列入年会文件"),
        anchor=f"#subject-{subject_id}",
    )


@pages.post("/<int:campaign_id>/open")
def open_campaign(campaign_id: int):
    actor, township = township_scope()
    try:
        links = service.open_campaign(actor, township, campaign_id)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_campaign(campaign_id, failed="open", status=422)
    flash(_("评议已开始，已为 %(n)d 名评议人生成一次性链接", n=len(links)), "success")
    return _render_campaign(campaign_id, links=links)


@pages.post("/<int:campaign_id>/close")
def close_campaign(campaign_id: int):
    actor, township = township_scope()
    return _act(
        campaign_id,
        "close",
        lambda: service.close_campaign(actor, township, campaign_id),
        ok=_("评议已结束，系统正在开封计票"),
    )


@pages.post("/<int:campaign_id>/reminders")
def remind(campaign_id: int):
    actor, township = township_scope()
    try:
        count = service.remind(actor, township, campaign_id)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return redirect(url_for("evaluations.campaign", campaign_id=campaign_id) + "#raters")
    flash(_("已由系统提醒 %(n)d 名未提交的评议人", n=count), "success")
    return redirect(url_for("evaluations.campaign", campaign_id=campaign_id) + "#raters")


@pages.post("/<int:campaign_id>/raters/<int:rater_id>/reissue")
def reissue_link(campaign_id: int, rater_id: int):
    actor, township = township_scope()
    service.get_campaign(actor, township, campaign_id)
    rater = tenant_get(Rater, township.id, rater_id, _("未找到该评议人"))
    if rater.campaign_id != campaign_id:
        raise NotFound(_("未找到该评议人"))
    link = service.reissue_link(actor, township, rater_id)
    flash(_("已为 %(name)s 生成新链接，原链接作废", name=link.name), "success")
    return _render_campaign(campaign_id, links=[link])


@pages.post("/<int:campaign_id>/codes")
def issue_codes(campaign_id: int):
    actor, township = township_scope()
    try:
        data = load_input(EvaluationCodesCreateSchema, request.form, form=True)
        codes = service.issue_codes(actor, township, campaign_id, data)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_campaign(
            campaign_id, failed="codes", values=request.form.to_dict(), status=422
        )
    flash(_("已生成 %(n)d 个测评码", n=len(codes)), "success")
    return _render_campaign(campaign_id, codes=codes)


# --- answering -----------------------------------------------------------------------------------


def _score(text: str | None) -> int | None:
    """A score as picked on the form; none, or not a whole number, is no score (the service
    then asks for one, in the campaign's scale)."""
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def _answers_from(campaign: Any, subjects: list[Any]) -> list[AnswerInput]:
    """The form's answers, one per subject of the form. A ticked “无法评价” box is the
    subject's answer: scores picked before it was ticked (hidden by the page once it is) are
    left out, not refused."""
    form = request.form
    out: list[AnswerInput] = []
    for s in subjects:
        if form.get(f"s{s.id}-cannot_evaluate") == "1":
            out.append(AnswerInput(subject_id=s.id, cannot_evaluate=True))
            continue
        out.append(
            AnswerInput(
                subject_id=s.id,
                scores={
                    d["key"]: _score(form.get(f"s{s.id}-{d['key']}")) for d in campaign.dimensions
                },
                overall=form.get(f"s{s.id}-overall") or None,
                comment=form.get(f"s{s.id}-comment", ""),
            )
        )
    return out


def _field_errors(exc: DomainError) -> dict[str, str]:
    """The service's '<subject id>.<field>' errors as the names of the form's fields."""
    return {
        f"s{k.replace('.', '-', 1)}": "；".join(str(m) for m in v) for k, v in exc.errors.items()
    }


def _render_answer(
    campaign: Any,
    subjects: list[Any],
    action: str,
    *,
    state: str = "form",
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    public_page: bool = False,
    code: str = "",
    status: int = 200,
) -> Any:
    # Beside each duty report, the year's public commitments (only while the form is shown).
    commitments = (
        service.report_commitments(current_township(), subjects) if state == "form" else {}
    )
    return _private(
        make_response(
            render_template(
                "evaluations/answer.html",
                c=campaign,
                subjects=subjects,
                commitments=commitments,
                action=action,
                state=state,
                values=values or {},
                errors=errors or {},
                public_page=public_page,
                code=code,
                scale=list(range(campaign.scale_min, campaign.scale_max + 1)),
                cannot_offered=service.cannot_evaluate_offered(campaign),
            ),
            status,
        )
    )


def _answer_step(
    campaign: Any, subjects: list[Any], action: str, submit: Any, **render: Any
) -> Any:
    """POST of an answer form: the thank-you page, or the form again with what was typed."""
    data = _answers_from(campaign, subjects)
    try:
        submit(data)
    except service.AlreadyAnswered as exc:
        flash(exc.message, "error")
        return _render_answer(campaign, subjects, action, state="answered", status=422, **render)
    except STEP_ERRORS as exc:
        flash(str(exc.message), "error")
        return _render_answer(
            campaign,
            subjects,
            action,
            values=request.form.to_dict(),
            errors=_field_errors(exc),
            status=422,
            **render,
        )
    return _render_answer(campaign, subjects, action, state="done", **render)


def _state_of(campaign: Any, answered: bool) -> str:
    if answered:
        return "answered"
    if campaign.state != CampaignState.OPEN:
        return "closed"
    return "form"


@pages.route("/<int:campaign_id>/answer", methods=["GET", "POST"])
def answer(campaign_id: int):
    actor, township = township_scope()
    campaign = service.get_campaign(actor, township, campaign_id)
    rater = service.rater_of(actor, township, campaign)
    if rater is None:
        raise PermissionDenied(_("您不在本次评议的评议人之列"))
    subjects = service.form_subjects(township, campaign, rater)
    action = url_for("evaluations.answer", campaign_id=campaign_id)
    if request.method == "GET":
        state = _state_of(campaign, service.answered(township, campaign, rater))
        return _render_answer(campaign, subjects, action, state=state)
    return _answer_step(
        campaign,
        subjects,
        action,
        lambda data: service.submit_by_account(actor, township, campaign_id, data),
    )


# --- results, grades, publication ----------------------------------------------------------------


def _render_results(
    campaign_id: int,
    *,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    actor, township = township_scope()
    campaign = service.get_campaign(actor, township, campaign_id)
    rows = service.results(actor, township, campaign_id)
    return render_template(
        "evaluations/results.html",
        c=campaign,
        rows=rows,
        scale=list(range(campaign.scale_min, campaign.scale_max + 1)),
        is_office=service.is_office(actor, township),
        is_committee=service.is_committee(actor, township),
        failed=failed,
        values=values or {},
    ), status


@pages.get("/<int:campaign_id>/results")
def results(campaign_id: int):
    return _render_results(campaign_id)


def _results_step(campaign_id: int, form: str, step: Any, *, ok: str, anchor: str) -> Any:
    """Run one step (its input loaded inside it): the results page again on a refusal."""
    try:
        step()
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_results(campaign_id, failed=form, values=request.form.to_dict(), status=422)
    flash(ok, "success")
    return redirect(url_for("evaluations.results", campaign_id=campaign_id) + anchor)


def _grade_input() -> GradeInput:
    return load_input(EvaluationGradeSchema, request.form, form=True)


@pages.post("/<int:campaign_id>/subjects/<int:subject_id>/proposal")
def propose_grade(campaign_id: int, subject_id: int):
    actor, township = township_scope()
    _subject(campaign_id, subject_id)
    return _results_step(
        campaign_id,
        f"propose-{subject_id}",
        lambda: service.propose_grade(actor, township, subject_id, _grade_input()),
        ok=_("已提出建议等次，请党委委员确定"),
        anchor=f"#result-{subject_id}",
    )


@pages.post("/<int:campaign_id>/subjects/<int:subject_id>/grade")
def decide_grade(campaign_id: int, subject_id: int):
    actor, township = township_scope()
    _subject(campaign_id, subject_id)
    return _results_step(
        campaign_id,
        f"grade-{subject_id}",
        lambda: service.decide_grade(actor, township, subject_id, _grade_input()),
        ok=_("等次已确定"),
        anchor=f"#result-{subject_id}",
    )


@pages.post("/<int:campaign_id>/subjects/<int:subject_id>/publish")
def publish(campaign_id: int, subject_id: int):
    actor, township = township_scope()
    _subject(campaign_id, subject_id)
    published = request.form.get("published") == "1"
    return _results_step(
        campaign_id,
        f"publish-{subject_id}",
        lambda: service.set_published(actor, township, subject_id, published),
        ok=_("已公开") if published else _("已取消公开"),
        anchor=f"#result-{subject_id}",
    )


@pages.get("/<int:campaign_id>/results.xlsx")
def export(campaign_id: int):
    actor, township = township_scope()
    campaign = service.get_campaign(actor, township, campaign_id)
    body = service.export_xlsx(actor, township, campaign_id)
    name = _("%(t)s评议结果.xlsx", t=campaign.title)
    return spreadsheets.response(body, name, ascii_name=f"evaluation-{campaign_id}.xlsx")


@pages.post("/<int:campaign_id>/subjects/<int:subject_id>/leader-opinion")
def leader_opinion(campaign_id: int, subject_id: int):
    actor, township = township_scope()
    _subject(campaign_id, subject_id)
    return _results_step(
        campaign_id,
        f"opinion-{subject_id}",
        lambda: service.record_leader_opinion(
            actor,
            township,
            subject_id,
            load_input(EvaluationLeaderOpinionSchema, request.form, form=True),
        ),
        ok=_("已记录分管领导意见"),
        anchor=f"#result-{subject_id}",
    )


# --- the evaluation group, the notice, raters beyond representatives ------------------------------


@pages.post("/<int:campaign_id>/group")
def set_group(campaign_id: int):
    actor, township = township_scope()
    return _act(
        campaign_id,
        "group",
        lambda: service.set_group(
            actor, township, campaign_id, load_input(EvaluationGroupSchema, request.form, form=True)
        ),
        ok=_("已设定评议小组"),
        anchor="#group",
    )


@pages.post("/<int:campaign_id>/notice")
def send_notice(campaign_id: int):
    actor, township = township_scope()
    return _act(
        campaign_id,
        "notice",
        lambda: service.send_notice(actor, township, campaign_id),
        ok=_("评议预告已发出"),
        anchor="#group",
    )


@pages.post("/<int:campaign_id>/guests")
def add_guest(campaign_id: int):
    actor, township = township_scope()
    return _act(
        campaign_id,
        "guest",
        lambda: service.add_guest(
            actor,
            township,
            campaign_id,
            load_input(EvaluationGuestRaterSchema, request.form, form=True),
        ),
        ok=_("已添加评议人"),
        anchor="#guests",
    )


@pages.post("/<int:campaign_id>/guests/<int:rater_id>/remove")
def remove_guest(campaign_id: int, rater_id: int):
    actor, township = township_scope()
    service.get_campaign(actor, township, campaign_id)
    rater = tenant_get(Rater, township.id, rater_id, _("未找到该评议人"))
    if rater.campaign_id != campaign_id:
        raise NotFound(_("未找到该评议人"))
    return _act(
        campaign_id,
        f"guest-{rater_id}",
        lambda: service.remove_guest(actor, township, rater_id),
        ok=_("已移除评议人"),
        anchor="#guests",
    )


# --- paper forms ---------------------------------------------------------------------------------


@pages.post("/<int:campaign_id>/paper/hand-out")
def hand_out_paper(campaign_id: int):
    actor, township = township_scope()
    data = {"rater_ids": request.form.getlist("rater_ids")}
    return _act(
        campaign_id,
        "hand-out",
        lambda: service.hand_out_paper(
            actor, township, campaign_id, load_input(EvaluationPaperHandOutSchema, data)
        ),
        ok=_("已登记领取纸质评议表"),
        anchor="#paper",
    )


@pages.post("/<int:campaign_id>/paper")
def create_batch(campaign_id: int):
    actor, township = township_scope()
    return _act(
        campaign_id,
        "batch",
        lambda: service.create_batch(
            actor,
            township,
            campaign_id,
            load_input(EvaluationPaperBatchSchema, request.form, form=True),
        ),
        ok=_("已登记一批纸质评议表，请两名录入人分别录入"),
        anchor="#paper",
    )


def _batch(campaign_id: int, batch_id: int) -> PaperBatch:
    actor, township = township_scope()
    batch = service.get_batch(actor, township, batch_id)
    if batch.campaign_id != campaign_id:
        raise NotFound(_("未找到该批评议表"))
    return batch


def _paper_forms(campaign: Any, subjects: list[Any], forms: int) -> PaperEntryInput:
    """The typed forms of the entry page: form n, subject s: every dimension's score, the
    overall grade, or “无法评价”."""
    out = []
    for n in range(1, forms + 1):
        answers = []
        for s in subjects:
            prefix = f"f{n}-s{s.id}"
            if request.form.get(f"{prefix}-cannot_evaluate") == "1":
                answers.append(AnswerInput(subject_id=s.id, cannot_evaluate=True))
                continue
            answers.append(
                AnswerInput(
                    subject_id=s.id,
                    scores={
                        d["key"]: _score(request.form.get(f"{prefix}-{d['key']}"))
                        for d in campaign.dimensions
                    },
                    overall=request.form.get(f"{prefix}-overall") or None,
                )
            )
        out.append(PaperFormInput(answers=tuple(answers)))
    return PaperEntryInput(forms=tuple(out))


def _render_batch(campaign_id: int, batch_id: int, *, status: int = 200, values=None) -> Any:
    actor, township = township_scope()
    batch = _batch(campaign_id, batch_id)
    campaign = service.get_campaign(actor, township, campaign_id)
    return _private(
        make_response(
            render_template(
                "evaluations/paper.html",
                c=campaign,
                b=batch,
                subjects=service.subjects(actor, township, campaign_id),
                tally=service.paper_status(actor, township, batch_id),
                is_teller=service.is_teller(actor, batch),
                can_run=service.can_run(actor, township, campaign),
                scale=list(range(campaign.scale_min, campaign.scale_max + 1)),
                cannot_offered=service.cannot_evaluate_offered(campaign),
                values=values or {},
            ),
            status,
        )
    )


@pages.route("/<int:campaign_id>/paper/<int:batch_id>", methods=["GET", "POST"])
def paper_batch(campaign_id: int, batch_id: int):
    actor, township = township_scope()
    if request.method == "GET":
        return _render_batch(campaign_id, batch_id)
    batch = _batch(campaign_id, batch_id)
    campaign = service.get_campaign(actor, township, campaign_id)
    subjects = service.subjects(actor, township, campaign_id)
    try:
        status = service.enter_paper(
            actor, township, batch_id, _paper_forms(campaign, subjects, batch.forms)
        )
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_batch(campaign_id, batch_id, status=422, values=request.form.to_dict())
    if status.state == "agreed":
        flash(_("两人录入一致，这批评议表已计入"), "success")
    elif status.state == "mismatch":
        flash(_("两人录入不一致，请对照纸质评议表核对"), "error")
    else:
        flash(_("已录入，等待另一名录入人录入"), "success")
    return redirect(url_for("evaluations.paper_batch", campaign_id=campaign_id, batch_id=batch_id))


@pages.post("/<int:campaign_id>/paper/<int:batch_id>/reset")
def reset_paper(campaign_id: int, batch_id: int):
    actor, township = township_scope()
    _batch(campaign_id, batch_id)
    try:
        service.reset_paper(actor, township, batch_id)
    except STEP_ERRORS as exc:
        flash_error(exc)
        return _render_batch(campaign_id, batch_id, status=422)
    flash(_("已清除两人的录入，请重新录入"), "success")
    return redirect(url_for("evaluations.paper_batch", campaign_id=campaign_id, batch_id=batch_id))


@pages.get("/feedback")
def feedback():
    actor, township = township_scope()
    return render_template("evaluations/feedback.html", rows=service.my_feedback(actor, township))


# --- public --------------------------------------------------------------------------------------


@public.get("/", endpoint="index")
def public_index():
    return render_template(
        "evaluations/public_index.html",
        public_page=True,
        rows=service.public_results(current_township()),
    )


# One-time links and codes must not stay in access logs or a Referer: the first GET trades the
# secret in the URL for a value in the signed session cookie and redirects to the same page
# without it; the form is then shown and posted without the secret in any URL.
LINK_KEY = "evaluation_link"
CODE_KEY = "evaluation_code"


def _remember(key: str, value: str, target: str) -> Any:
    session[key] = {"township": current_township().slug, "secret": value}
    response = redirect(target)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _remembered(key: str) -> str:
    kept = session.get(key) or {}
    if kept.get("township") != current_township().slug:
        return ""
    return str(kept.get("secret") or "")


@public.get("/answer/<token>", endpoint="answer")
def link_answer(token: str):
    return _remember(LINK_KEY, token, url_for("evaluations_public.answer_form"))


@public.route("/answer", methods=["GET", "POST"], endpoint="answer_form")
def link_answer_form():
    township = current_township()
    token = _remembered(LINK_KEY)
    campaign, rater = service.rater_by_link(township, token)
    subjects = service.form_subjects(township, campaign, rater)
    action = url_for("evaluations_public.answer_form")
    if request.method == "GET" or not township.is_active:
        state = _state_of(campaign, service.answered(township, campaign, rater))
        return _render_answer(campaign, subjects, action, state=state, public_page=True)
    return _answer_step(
        campaign,
        subjects,
        action,
        lambda data: service.submit_by_link(township, token, data),
        public_page=True,
    )


@public.route("/<int:campaign_id>/public", methods=["GET", "POST"])
def public_answer(campaign_id: int):
    township = current_township()
    campaign = service.public_campaign(township, campaign_id)
    action = url_for("evaluations_public.public_answer", campaign_id=campaign_id)
    if request.method == "GET" and request.args.get("code"):
        return _remember(CODE_KEY, request.args["code"].strip(), action)
    subjects = service.form_subjects(township, campaign, None)
    code = (request.form.get("code") or _remembered(CODE_KEY)).strip()
    if request.method == "GET" or not township.is_active:
        state = "form" if campaign.state == CampaignState.OPEN else "closed"
        return _render_answer(campaign, subjects, action, state=state, public_page=True, code=code)
    return _answer_step(
        campaign,
        subjects,
        action,
        lambda data: service.submit_public(township, campaign_id, code, data),
        public_page=True,
        code=code,
    )
