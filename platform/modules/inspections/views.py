"""Pages of the inspections module (/t/<slug>/inspections): the visits of the year and the plan
form, one visit (its plan, team, findings, report, files and briefs), the year against the
township's minimum and the register as .xlsx. A foreign or unknown id is a 404 (NotFound
propagates); rule breaks and bad input are flashed and nothing is changed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.modules import kit
from lianxin.modules.inspections import service
from lianxin.modules.inspections.inputs import (
    InspectionBriefInputSchema,
    InspectionCancelInputSchema,
    InspectionFindingsInputSchema,
    InspectionPlanInputSchema,
    InspectionReportInputSchema,
    InspectionTeamInputSchema,
)
from lianxin.modules.inspections.models import BriefKind, Form, Scale
from lianxin.people.models import HandlingUnit, Representative, RepresentativeGroup
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web.forms import attempt
from lianxin.web.scope import township_scope

pages = Blueprint("inspections", __name__, template_folder="templates")

MONTHS = ("", "一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月",
          "十一月", "十二月")  # fmt: skip


def _reps() -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative).order_by(Representative.name_pinyin, Representative.id)
        )
    )


def _units() -> list[HandlingUnit]:
    return list(
        db.session.scalars(
            select(HandlingUnit)
            .where(HandlingUnit.is_active.is_(True))
            .order_by(HandlingUnit.name, HandlingUnit.id)
        )
    )


def _groups(actor: Any, township: Any) -> list[RepresentativeGroup]:
    groups = db.session.scalars(
        select(RepresentativeGroup)
        .where(RepresentativeGroup.is_active.is_(True))
        .order_by(RepresentativeGroup.name)
    )
    if service.is_office(actor, township):
        return list(groups)
    led = service.led_group_ids(actor, township)
    return [g for g in groups if g.id in led]


def _branch_names() -> dict[int, str]:
    actor, township = township_scope()
    branches, _total = tenants.list_branches(actor, township)
    return {b.id: b.name for b in branches}


def _year() -> int:
    raw = request.args.get("year", "")
    return int(raw) if raw.isdigit() and 1900 <= int(raw) <= 2999 else kit.today().year


def _labels() -> dict[str, Any]:
    return {
        "forms": service.FORM_LABELS,
        "scales": service.SCALE_LABELS,
        "states": service.STATE_LABELS,
        "brief_kinds": service.BRIEF_LABELS,
        "months": MONTHS,
    }


@pages.route("/", methods=["GET", "POST"])
def index():
    actor, township = township_scope()
    if request.method == "POST":
        made = attempt(
            lambda: service.create_plan(
                actor, township, load_input(InspectionPlanInputSchema, request.form, form=True)
            ),
            ok=_("视察调研方案已拟定，请在规定期限内通报被视察单位"),
        )
        if made is not None:
            return redirect(url_for("inspections.detail", inspection_id=made.id))
        return redirect(url_for("inspections.index"))
    year = _year()
    today = kit.today()
    can_plan = service.can_plan(actor, township)
    s = service.settings(township.id)
    everyone = _reps() if can_plan else []
    return render_template(
        "inspections/index.html",
        year=year,
        today=today,
        inspections=service.list_inspections(actor, township, year=year),
        figures=service.year_figures(actor, township, year),
        settings=s,
        can_plan=can_plan,
        earliest=service.earliest_date(township),
        reps=[r for r in everyone if r.in_office],
        units=_units() if can_plan else [],
        groups=_groups(actor, township) if can_plan else [],
        branch_names=_branch_names() if can_plan else {},
        form_choices=[f for f in Form],
        scale_choices=[s_ for s_ in Scale],
        **_labels(),
    )


@pages.get("/<int:inspection_id>")
def detail(inspection_id: int):
    actor, township = township_scope()
    inspection = service.get_inspection(actor, township, inspection_id)
    can_manage = service.can_manage(actor, township, inspection)
    can_write = service.can_write_up(actor, township, inspection)
    office = service.is_office(actor, township)
    team = service.team_of(inspection)
    everyone = _reps() if can_manage else []
    on_team = {m.representative.id for m in team}
    return render_template(
        "inspections/detail.html",
        inspection=inspection,
        today=kit.today(),
        group=service.group_name(township, inspection.group_id),
        units=service.units_of(inspection),
        team=team,
        files=service.files_of(actor, township, inspection_id),
        briefs=service.briefs_of(actor, township, inspection_id),
        send_by=service.send_by(township, inspection.held_on),
        lead_days=service.lead_days(township.id),
        bounds=service.team_bounds(township, inspection.scale),
        can_manage=can_manage,
        can_write=can_write,
        office=office,
        can_propose=service.on_team(actor, township, inspection) and service.proposals_on(township),
        rep_choices=[r for r in everyone if r.in_office or r.id in on_team],
        team_ids=on_team,
        all_units=_units() if office else [],
        branch_names=_branch_names() if can_manage else {},
        categories=casework.CATEGORIES,
        brief_choices=[k for k in BriefKind],
        case_url=lambda case_id: url_for("cases.detail", case_id=case_id),
        **_labels(),
    )


def _back(inspection_id: int) -> Any:
    return redirect(url_for("inspections.detail", inspection_id=inspection_id))


@pages.post("/<int:inspection_id>/team")
def team(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)  # a foreign id: 404 first
    attempt(
        lambda: service.set_team(
            actor,
            township,
            inspection_id,
            load_input(InspectionTeamInputSchema, request.form, form=True).representative_ids,
        ),
        ok=_("已保存"),
    )
    return _back(inspection_id)


@pages.post("/<int:inspection_id>/send")
def send(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)
    attempt(service.send_plan, actor, township, inspection_id, ok=_("方案已通报被视察单位和视察组"))
    return _back(inspection_id)


@pages.post("/<int:inspection_id>/findings")
def findings(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)
    attempt(
        lambda: service.record_findings(
            actor,
            township,
            inspection_id,
            load_input(InspectionFindingsInputSchema, request.form, form=True),
        ),
        ok=_("已记录"),
    )
    return _back(inspection_id)


@pages.post("/<int:inspection_id>/report")
def report(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)
    attempt(
        lambda: service.write_report(
            actor,
            township,
            inspection_id,
            load_input(InspectionReportInputSchema, request.form, form=True).report,
        ),
        ok=_("报告已保存"),
    )
    return _back(inspection_id)


@pages.post("/<int:inspection_id>/files")
def upload(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)
    upload_ = request.files.get("file")
    if upload_ is None or not upload_.filename:
        flash(_("请选择文件。"), "error")
    else:
        attempt(
            service.attach_file,
            actor,
            township,
            inspection_id,
            upload_.stream,
            upload_.filename,
            ok=_("文件已上传。"),
        )
    return _back(inspection_id)


@pages.post("/<int:inspection_id>/cancel")
def cancel(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)
    attempt(
        lambda: service.cancel(
            actor,
            township,
            inspection_id,
            load_input(InspectionCancelInputSchema, request.form, form=True).reason,
        ),
        ok=_("已取消"),
    )
    return _back(inspection_id)


@pages.post("/<int:inspection_id>/briefs")
def brief(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)
    attempt(
        lambda: service.add_brief(
            actor,
            township,
            inspection_id,
            load_input(InspectionBriefInputSchema, request.form, form=True),
        ),
        ok=_("书面情况反映已交办承办单位"),
    )
    return _back(inspection_id)


@pages.post("/<int:inspection_id>/proposal")
def proposal(inspection_id: int):
    actor, township = township_scope()
    service.get_inspection(actor, township, inspection_id)
    draft_id = attempt(
        service.draft_proposal,
        actor,
        township,
        inspection_id,
        ok=_("已生成提案草稿，请修改后征集联名"),
    )
    if draft_id is not None:
        return redirect(url_for("proposals.detail", proposal_id=draft_id))
    return _back(inspection_id)


@pages.get("/register/<int:year>.xlsx")
def register_xlsx(year: int):
    actor, township = township_scope()
    data = service.register_xlsx(service.register_rows(actor, township, year), year)
    name = _("%(t)s%(y)d年视察调研登记.xlsx", t=township.name, y=year)
    return spreadsheets.response(data, name, ascii_name=f"inspections-{year}.xlsx")
