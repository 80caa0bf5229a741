"""Pages of the liaison-chain module (/t/<slug>/liaison). Every rule lives in the service; these
pages only call it. A foreign or unknown id is a 404 and a write without the right a 403 (the
errors propagate); bad input re-renders the form with each field's message (422) and keeps what
was typed, and a rule break is flashed — nothing is changed either way.

The contact form is made for a phone: the pair, today's date and the way are chosen with a tap,
and a hidden one-time key makes a resent form store one record."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.liaison import service
from lianxin.modules.liaison.inputs import (
    BranchReviewInSchema,
    CaseInSchema,
    ContactInSchema,
    LinkInSchema,
    MeetingInSchema,
    ReportInSchema,
    SuggestInSchema,
)
from lianxin.modules.liaison.models import Level, Method
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.schemas import ContactQuerySchema, without_unseen_names
from lianxin.people.models import Household, PartyMember, Representative
from lianxin.tenants.models import Branch
from lianxin.usecases import load_input
from lianxin.web.forms import attempt, flash_error
from lianxin.web.scope import township_scope

pages = Blueprint("liaison", __name__, template_folder="templates")


@pages.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "level_labels": {k.value: v for k, v in service.LEVEL_LABELS.items()},
        "method_labels": {k.value: v for k, v in service.METHOD_LABELS.items()},
        "state_label": service.state_label,
        "levels": [lv.value for lv in Level],
        # The sub-menu shows 季度达标 only to whom the page opens (asked when it is drawn).
        "can_read_compliance": lambda: service.can_read_compliance(*township_scope()),
    }


def _new_key() -> str:
    return uuid.uuid4().hex


@contextmanager
def _owner_first(find: Callable[[], object]) -> Iterator[None]:
    """Loading the form of a record in the URL: with bad input the record is looked up first
    (`find`), so that another township's id is a 404 whatever the form says."""
    try:
        yield
    except ValidationFailed:
        find()
        raise


def _year_arg() -> int:
    try:
        year = int(request.args.get("year") or kit.today().year)
    except ValueError:
        year = kit.today().year
    return year if 2000 <= year <= 2100 else kit.today().year


def _quarter_arg() -> Quarter:
    current = Quarter.of(kit.today())
    try:
        year = int(request.args.get("year") or current.year)
        number = int(request.args.get("quarter") or current.number)
        return Quarter(year, number)
    except ValueError:
        return current


def _flash_codes(codes: dict[int, str]) -> None:
    for case_id, code in codes.items():
        flash(
            _("已转为诉求（编号 %(id)s），查询码 %(code)s，请告知反映人。", id=case_id, code=code),
            "success",
        )


# --- the representative's page -------------------------------------------------------------------


@pages.get("/", endpoint="index")
def index():
    actor, township = township_scope()
    year = kit.today().year
    quarter, duty = service.my_duty(actor, township)
    mine = service.list_links(actor, township, year, mine=True)
    whole = service.sees_whole_chain(actor, township)
    return render_template(
        "liaison/index.html",
        quarter=quarter,
        duty=duty,
        mine=mine,
        days_left=quarter.days_left(kit.today()),
        need=int(service.settings(township.id)["contacts_per_quarter"]),
        is_office=service.is_office(actor, township),
        is_committee=service.is_committee(actor, township),
        is_rep=service.own_representative(actor, township) is not None,
        sees_whole=whole,
        branch_liaison=bool(service.liaison_branches(actor, township)),
        recent=service.list_contacts(actor, township, year=year, mine=True, limit=5),
    )


# --- contacts ------------------------------------------------------------------------------------

CONTACT_FIELDS = ("link_id", "contacted_on", "method", "summary", "client_key")
CASE_FIELDS = ("case_title", "case_category", "case_body")


def _contact_form(values: dict[str, Any], errors: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    links = service.list_links(actor, township, kit.today().year, mine=True)
    if not links and service.is_office(actor, township):  # the office records for anyone
        links = service.list_links(actor, township, kit.today().year)
    return (
        render_template(
            "liaison/contact_form.html",
            links=links,
            values=values,
            errors=errors,
            methods=[m.value for m in Method],
            categories=casework.CATEGORIES,
            today=kit.today(),
        ),
        status,
    )


@pages.get("/contacts/new", endpoint="contact_new")
def contact_new():
    values = {
        "link_id": request.args.get("link", ""),
        "contacted_on": kit.today().isoformat(),
        "method": Method.VISIT.value,
        "client_key": _new_key(),
    }
    return _contact_form(values, {})


def _case_form(prefix: str = "") -> dict[str, str]:
    """The issue to raise as a page's form gives it (no category chosen: the default one)."""
    return {
        "title": request.form.get(f"{prefix}title", "").strip(),
        "category": request.form.get(f"{prefix}category", "").strip() or "其他",
        "body": request.form.get(f"{prefix}body", "").strip(),
    }


@pages.post("/contacts/new")
def contact_create():
    actor, township = township_scope()
    values = {n: request.form.get(n, "").strip() for n in CONTACT_FIELDS + CASE_FIELDS}
    data: dict[str, Any] = {n: values[n] for n in CONTACT_FIELDS}
    if values["case_title"] or values["case_body"]:
        data["case"] = _case_form("case_")
    try:
        contact_in = load_input(ContactInSchema, data, form=True)
        view = service.record_contact(actor, township, contact_in)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _contact_form(values, exc.errors, 422)
    except (Conflict, PermissionDenied) as exc:
        flash_error(exc)
        return _contact_form(values, {}, exc.status)
    if view.duplicate:
        flash(_("这条联系记录已保存过，没有重复保存。"), "success")
    else:
        flash(_("联系记录已保存。"), "success")
        _flash_codes(view.tracking_codes)
    return redirect(url_for("liaison.contact", contact_id=view.contact.id))


def _contact_filters() -> dict[str, Any]:
    """The contact list's filters, read once for the page and its export: the quarter (this
    one by default) and 只看我记录的. A bad value is a 422 with the field's Chinese message."""
    args = load_input(ContactQuerySchema, request.args, form=True)  # type: ignore[arg-type]
    current = Quarter.of(kit.today())
    return {
        "year": args.get("year") or current.year,
        "quarter": args.get("quarter") or current.number,
        "mine": bool(args.get("mine")),
    }


@pages.get("/contacts/", endpoint="contacts")
def contacts():
    actor, township = township_scope()
    filters = _contact_filters()
    rows = service.list_contacts(actor, township, **filters)
    return render_template(
        "liaison/contacts.html",
        rows=rows,
        quarter=Quarter(filters["year"], filters["quarter"]),
        mine=filters["mine"],
    )


@pages.get("/contacts/export.xlsx", endpoint="contacts_export")
def contacts_export():
    actor, township = township_scope()
    filters = _contact_filters()
    data = service.contacts_xlsx(actor, township, **filters)
    name = _(
        "%(t)s民情台账（%(q)s）.xlsx",
        t=township.name,
        q=Quarter(filters["year"], filters["quarter"]).label,
    )
    return spreadsheets.response(data, name, ascii_name="liaison-contacts.xlsx")


@pages.get("/contacts/<int:contact_id>", endpoint="contact")
def contact(contact_id: int):
    actor, township = township_scope()
    view = service.get_contact(actor, township, contact_id)
    return render_template(
        "liaison/contact.html",
        view=view,
        can_record=service.can_record(actor, township, view.link.link),
        categories=casework.CATEGORIES,
    )


def _raise_case(use_case: Any, find: Any, record_id: int) -> None:
    """A follow-up case from a stored contact or meeting (`find` reads the record); the same
    title again is flashed."""
    actor, township = township_scope()

    def raise_case() -> Any:
        with _owner_first(lambda: find(actor, township, record_id)):
            issue = load_input(CaseInSchema, _case_form(), form=True)
        return use_case(actor, township, record_id, issue)

    result = attempt(raise_case)
    if result is not None:
        view, made = result
        if made is None:
            flash(_("同一标题的诉求已经登记过。"), "success")
        else:
            _flash_codes(view.tracking_codes)


@pages.post("/contacts/<int:contact_id>/case", endpoint="contact_case")
def contact_case(contact_id: int):
    _raise_case(service.raise_contact_case, service.get_contact, contact_id)
    return redirect(url_for("liaison.contact", contact_id=contact_id))


# --- the chain: pairs, suggestions, branches -----------------------------------------------------


def _candidates(township: Any) -> dict[str, Any]:
    """Who can stand at each end, for the office's add form."""
    reps = [
        r
        for r in db.session.scalars(select(Representative).order_by(Representative.name_pinyin))
        if r.in_office
    ]
    members = list(
        db.session.scalars(
            select(PartyMember)
            .where(PartyMember.is_active.is_(True))
            .order_by(PartyMember.name_pinyin)
        )
    )
    households = list(
        db.session.scalars(
            select(Household).where(Household.is_active.is_(True)).order_by(Household.head_name)
        )
    )
    return {
        "committee": service.committee_members(township),
        "reps": reps,
        "members": members,
        "households": households,
    }


@pages.get("/links", endpoint="links")
def links():
    actor, township = township_scope()
    year = _year_arg()
    level = request.args.get("level") or None
    if level not in {lv.value for lv in Level}:
        level = None
    views = service.list_links(actor, township, year, level=level)
    grouped: dict[str, dict[str, list[service.LinkView]]] = {}
    for view in views:
        grouped.setdefault(view.link.level, {}).setdefault(view.upper.key, []).append(view)
    is_office = service.is_office(actor, township)
    parts = (
        service.branch_parts(actor, township, year)
        if is_office
        or service.is_committee(actor, township)
        or service.liaison_branches(actor, township)
        else []
    )
    return render_template(
        "liaison/links.html",
        year=year,
        level=level,
        grouped=grouped,
        count=len(views),
        is_office=is_office,
        parts=parts,
        my_branches=service.liaison_branches(actor, township),
        short=service.shortfalls(township, year) if is_office else [],
        settings=service.settings(township.id),
        candidates=_candidates(township) if is_office else None,
    )


@pages.post("/links", endpoint="link_add")
def link_add():
    actor, township = township_scope()
    attempt(
        lambda: service.add_link(
            actor, township, load_input(LinkInSchema, request.form, form=True)
        ),
        ok=_("已添加联系安排"),
    )
    year, level = request.form.get("year", ""), request.form.get("level", "")
    return redirect(url_for("liaison.links", year=year, level=level or None))


@pages.post("/links/<int:link_id>/remove", endpoint="link_remove")
def link_remove(link_id: int):
    actor, township = township_scope()
    year = service.get_link(actor, township, link_id).link.year  # where to go back to
    attempt(service.remove_link, actor, township, link_id, ok=_("已调整联系安排"))
    return redirect(url_for("liaison.links", year=year))


@pages.post("/links/suggest", endpoint="suggest")
def suggest():
    actor, township = township_scope()

    def suggest_pairs() -> service.Suggestion:
        data = load_input(SuggestInSchema, request.form, form=True)
        return service.suggest(actor, township, data.year, data.levels)

    result = attempt(suggest_pairs)
    year = request.form.get("year", "")
    if result is not None:
        made = sum(result.created.values())
        flash(_("已生成建议联系安排 %(n)s 对，请检查调整。", n=made), "success")
        if result.short:
            flash(_("仍有 %(n)s 人未达到联系人数要求，见下方名单。", n=len(result.short)), "error")
    return redirect(url_for("liaison.links", year=year))


@pages.post("/branches/<int:branch_id>/confirm", endpoint="confirm_branch")
def confirm_branch(branch_id: int):
    actor, township = township_scope()
    form = request.form.copy()
    form["branch_id"] = str(branch_id)

    def confirm() -> service.BranchPart:
        with _owner_first(lambda: tenant_get(Branch, township.id, branch_id, _("未找到该支部"))):
            data = load_input(BranchReviewInSchema, form, form=True)
        return service.confirm_branch(actor, township, data.year, data.branch_id, data.note)

    part = attempt(confirm)
    if part is not None:
        flash(_("%(b)s已确认本支部的联系安排", b=part.branch.name), "success")
    return redirect(url_for("liaison.links", year=request.form.get("year", "")))


# --- compliance ----------------------------------------------------------------------------------


@pages.get("/compliance", endpoint="compliance")
def compliance():
    actor, township = township_scope()
    quarter = _quarter_arg()
    result = without_unseen_names(service.compliance(actor, township, quarter.year, quarter.number))
    return render_template(
        "liaison/compliance.html",
        result=result,
        branch_names={b.id: b.name for b in db.session.scalars(select(Branch))},
        quarter=quarter,
        current=Quarter.of(kit.today()),
        need=int(service.settings(township.id)["contacts_per_quarter"]),
    )


# --- quarterly reports ---------------------------------------------------------------------------


def _reports_page(values: dict[str, Any], errors: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    quarter = _quarter_arg()
    own = service.own_representative(actor, township)
    rows = service.list_reports(actor, township, quarter.year, quarter.number)
    mine = next((r for r, rep in rows if own is not None and rep.id == own.id), None)
    return (
        render_template(
            "liaison/reports.html",
            rows=rows,
            quarter=quarter,
            current=Quarter.of(kit.today()),
            own=own,
            mine=mine,
            values=values,
            errors=errors,
            whole=service.sees_whole_chain(actor, township),
        ),
        status,
    )


@pages.get("/reports", endpoint="reports")
def reports():
    return _reports_page({}, {})


@pages.post("/reports")
def report_submit():
    actor, township = township_scope()
    # The page reports for oneself: the form names no representative.
    values = {n: request.form.get(n, "").strip() for n in ("year", "quarter", "text")}
    try:
        report_in = load_input(ReportInSchema, values, form=True)
        _report, created = service.submit_report(actor, township, report_in)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _reports_page(values, exc.errors, 422)
    except PermissionDenied as exc:
        flash_error(exc)
        return _reports_page(values, {}, 403)
    flash(_("履职情况已报告。") if created else _("已更新本季度的履职报告。"), "success")
    return redirect(url_for("liaison.reports", year=values["year"], quarter=values["quarter"]))


# --- committee members' meetings -----------------------------------------------------------------

MEETING_FIELDS = ("committee_user_id", "held_on", "place", "summary", "client_key")


@pages.get("/meetings", endpoint="meetings")
def meetings():
    actor, township = township_scope()
    year = _year_arg()
    return render_template(
        "liaison/meetings.html",
        year=year,
        rows=service.list_meetings(actor, township, year),
        can_record=service.is_office(actor, township) or service.is_committee(actor, township),
    )


def _meeting_form(values: dict[str, Any], errors: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    is_office = service.is_office(actor, township)
    if not (is_office or service.is_committee(actor, township)):
        raise PermissionDenied()
    mine = (
        {v.lower.id for v in service.list_links(actor, township, kit.today().year, mine=True)}
        if service.is_committee(actor, township)
        else set()
    )
    reps = [
        r
        for r in db.session.scalars(select(Representative).order_by(Representative.name_pinyin))
        if r.in_office
    ]
    return (
        render_template(
            "liaison/meeting_form.html",
            values=values,
            errors=errors,
            reps=sorted(reps, key=lambda r: (r.id not in mine, r.name_pinyin)),
            mine=mine,
            committee=service.committee_members(township) if is_office else [],
            is_office=is_office,
            today=kit.today(),
        ),
        status,
    )


@pages.get("/meetings/new", endpoint="meeting_new")
def meeting_new():
    return _meeting_form(
        {"held_on": kit.today().isoformat(), "client_key": _new_key(), "attendee_ids": []}, {}
    )


@pages.post("/meetings/new")
def meeting_create():
    actor, township = township_scope()
    values: dict[str, Any] = {n: request.form.get(n, "").strip() for n in MEETING_FIELDS}
    values["attendee_ids"] = request.form.getlist("attendee_ids")
    try:
        meeting_in = load_input(MeetingInSchema, values, form=True)
        view = service.record_meeting(actor, township, meeting_in)
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return _meeting_form(values, exc.errors, 422)
    flash(
        _("座谈会记录已保存过，没有重复保存。") if view.duplicate else _("座谈会已记录。"),
        "success",
    )
    return redirect(url_for("liaison.meeting", meeting_id=view.meeting.id))


@pages.get("/meetings/<int:meeting_id>", endpoint="meeting")
def meeting(meeting_id: int):
    actor, township = township_scope()
    view = service.get_meeting(actor, township, meeting_id)
    return render_template(
        "liaison/meeting.html",
        view=view,
        can_follow_up=service.is_office(actor, township)
        or view.meeting.committee_user_id == actor.user_id,
        categories=casework.CATEGORIES,
    )


@pages.post("/meetings/<int:meeting_id>/case", endpoint="meeting_case")
def meeting_case(meeting_id: int):
    _raise_case(service.raise_meeting_case, service.get_meeting, meeting_id)
    return redirect(url_for("liaison.meeting", meeting_id=meeting_id))
