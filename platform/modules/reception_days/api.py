"""REST API of the reception-days module, mounted at /api/v1/t/<slug>/reception_days.

Every rule lives in the service, which finds the records of the URL itself (an id of another
township is 404); a handler passes the body as the input schema loaded it (inputs.py), calls the
use case and turns the views it returns into plain dicts for the schemas below.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.casework.models import Case
from lianxin.casework.service import NewCase
from lianxin.modules import kit
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import (
    AbsenceInput,
    AbsenceInputSchema,
    DayCaseInput,
    DayCaseInputSchema,
    GenerateInput,
    GenerateInputSchema,
    MoveInput,
    MoveInputSchema,
    PeopleReceivedInput,
    PeopleReceivedInputSchema,
    PublishInput,
    PublishInputSchema,
    SiteInput,
    SiteInputSchema,
    SitePatchSchema,
    SubstituteInput,
    SubstituteInputSchema,
    TeamInput,
    TeamInputSchema,
)
from lianxin.modules.reception_days.models import Duty, ReceptionDay, Schedule
from lianxin.modules.reception_days.schemas import (
    CandidateSchema,
    DayCaseSchema,
    DaySchema,
    DutySchema,
    MyDutySchema,
    RecordedCaseSchema,
    ScheduleBriefSchema,
    ScheduleSchema,
    SiteQuerySchema,
    SiteSchema,
    SummarySchema,
    YearReportSchema,
)
from lianxin.people.models import Representative
from lianxin.usecases import Changes
from lianxin.web.scope import current_township, township_scope

api = ApiBlueprint("reception_days_api", __name__, description="党代表接待日")


def _page(rows: list[Any], pagination_parameters: Any) -> list[Any]:
    """One page of rows the service orders (and filters) in Python; the total goes in the
    X-Pagination header."""
    pagination_parameters.item_count = len(rows)
    start = pagination_parameters.first_item
    return rows[start : start + pagination_parameters.page_size]


# --- views → dicts -------------------------------------------------------------------------------


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def duty_out(view: service.DutyView, site: service.SiteView | None = None) -> dict[str, Any]:
    duty, rep = view.duty, view.rep
    return {
        "id": duty.id,
        "representative_id": rep.id,
        "name": rep.name,
        "is_grassroots_cadre": rep.is_grassroots_cadre,
        "in_office": rep.in_office,
        "status": duty.status,
        "absence_reason": duty.absence_reason,
        "substitute_for_id": duty.substitute_for_id,
        "needs_substitute": site.needs_substitute(view) if site is not None else False,
    }


def day_out(view: service.DayView) -> dict[str, Any]:
    day = view.day
    return {
        "id": day.id,
        "schedule_id": day.schedule_id,
        "day": day.day,
        "rule_day": day.rule_day,
        "starts_at": _hhmm(day.starts_at),
        "ends_at": _hhmm(day.ends_at),
        "moved_reason": day.moved_reason,
        "short_notice_reason": day.short_notice_reason,
        "short_notice_days": day.short_notice_days,
        "notice_on": view.notice_on,
        "notice_published_at": day.notice_published_at,
        "summary_sent_at": day.summary_sent_at,
        "sites": [
            {
                "site_id": s.site.id,
                "site_name": s.site.name,
                "site_kind": s.site.kind,
                "people_received": s.day_site.people_received,
                "note": s.day_site.note,
                "duties": [duty_out(d, s) for d in s.duties],
                "problems": list(s.problems),
            }
            for s in view.sites
        ],
    }


def schedule_brief(schedule: Schedule) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "year": schedule.year,
        "status": schedule.status,
        "published_at": schedule.published_at,
    }


def schedule_out(view: service.ScheduleView, today: date | None = None) -> dict[str, Any]:
    today = kit.today(today)
    return {
        **schedule_brief(view.schedule),
        "rule": view.schedule.rule,
        "calendar_known": view.calendar_known,
        "days": [day_out(d) for d in view.days],
        "problems": [
            {
                "day_id": d.day.id,
                "day": d.day.day,
                "site_id": s.site.id,
                "site_name": s.site.name,
                "problem": p,
                "coming": d.day.day >= today,
            }
            for d, s, p in view.problems
        ],
    }


def lone_duty_out(duty: Duty) -> dict[str, Any]:
    """A duty on its own (after an absence or a substitution), as its day shows it."""
    for site in service.get_day(*township_scope(), duty.day_id).sites:
        for view in site.duties:
            if view.duty.id == duty.id:
                return duty_out(view, site)
    raise AssertionError(f"duty {duty.id} is not on its day")  # pragma: no cover


def my_duty_out(row: service.MyDuty) -> dict[str, Any]:
    return {
        "id": row.duty.id,
        "day_id": row.day.id,
        "day": row.day.day,
        "starts_at": _hhmm(row.day.starts_at),
        "ends_at": _hhmm(row.day.ends_at),
        "site_id": row.site.id,
        "site_name": row.site.name,
        "site_address": row.site.address,
        "status": row.duty.status,
        "absence_reason": row.duty.absence_reason,
        "substitute_for_id": row.duty.substitute_for_id,
        "published": row.published,
    }


def candidate_out(rep: Representative) -> dict[str, Any]:
    return {
        "id": rep.id,
        "name": rep.name,
        "is_grassroots_cadre": rep.is_grassroots_cadre,
        "workplace": rep.workplace,
    }


def case_out(case: Case) -> dict[str, Any]:
    """What the day's page needs of a case; no raiser's name or phone."""
    return {
        "id": case.id,
        "title": case.title,
        "category": case.category,
        "state": case.state,
        "state_label": service.state_label(case.state),
        "received_by_id": case.received_by_id,
        "created_at": case.created_at,
    }


def summary_out(day: ReceptionDay, summary: dict[str, Any], sent_at: Any) -> dict[str, Any]:
    return {
        "day_id": day.id,
        "day": date.fromisoformat(summary["day"]),
        "sites": summary["sites"],
        "representatives": summary["representatives"],
        "people_received": summary["people_received"],
        "cases": summary["cases"],
        "by_state": summary["by_state"],
        "per_site": summary.get("per_site", []),
        "sent_at": sent_at,
    }


def day_summary_out(day: ReceptionDay) -> dict[str, Any]:
    """The summary as sent up, or as it stands now for a day not summarised yet."""
    if day.summary is not None:
        return summary_out(day, day.summary, day.summary_sent_at)
    return summary_out(day, service.compute_summary(current_township(), day), None)


# --- sites ---------------------------------------------------------------------------------------


@api.route("/sites")
class Sites(MethodView):
    @api.arguments(SiteQuerySchema, location="query")
    @api.response(200, SiteSchema(many=True))
    @api.paginate()
    def get(self, args, pagination_parameters):
        """Reception sites (接待点)"""
        rows = service.list_sites(*township_scope(), active_only=args["active_only"])
        return _page(rows, pagination_parameters)

    @api.arguments(SiteInputSchema)
    @api.response(201, SiteSchema)
    def post(self, data: SiteInput):
        """Add a site (liaison office)"""
        return service.create_site(*township_scope(), data)


@api.route("/sites/<int:site_id>")
class SiteById(MethodView):
    @api.response(200, SiteSchema)
    def get(self, site_id: int):
        """One site"""
        return service.get_site(*township_scope(), site_id)

    @api.arguments(SitePatchSchema)
    @api.response(200, SiteSchema)
    def patch(self, data: Changes[SiteInput], site_id: int):
        """Change a site (liaison office)"""
        return service.update_site(*township_scope(), site_id, data)


# --- schedules -----------------------------------------------------------------------------------


@api.route("/schedules")
class Schedules(MethodView):
    @api.response(200, ScheduleBriefSchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """The yearly schedules, newest first"""
        rows = service.list_schedules(*township_scope())
        return [schedule_brief(s) for s in _page(rows, pagination_parameters)]

    @api.arguments(GenerateInputSchema)
    @api.response(201, ScheduleSchema)
    def post(self, data: GenerateInput):
        """Generate (or regenerate, while a draft) a year's schedule from the township's rule"""
        return schedule_out(service.generate(*township_scope(), data))


@api.route("/schedules/<int:year>")
class ScheduleByYear(MethodView):
    @api.response(200, ScheduleSchema)
    def get(self, year: int):
        """A year's schedule: every day, site and duty, and where the pairing rule is broken"""
        return schedule_out(service.get_schedule(*township_scope(), year))


@api.route("/schedules/<int:year>/export")
class ScheduleExport(MethodView):
    @api.response(200, description="接待日排班与到岗.xlsx")
    def get(self, year: int):
        """A year's schedule as .xlsx: every duty and whether it was kept, and each site's day"""
        actor, township = township_scope()
        data = service.schedule_xlsx(actor, township, year)
        name = _("%(t)s%(y)d年接待日排班与到岗.xlsx", t=township.name, y=year)
        return spreadsheets.response(data, name, ascii_name=f"reception-days-{year}.xlsx")


@api.route("/schedules/<int:year>/publish")
class PublishSchedule(MethodView):
    @api.arguments(PublishInputSchema)
    @api.response(200, ScheduleSchema)
    def post(self, data: PublishInput, year: int):
        """Publish the schedule; refused (409 pairing_rule) while a coming site breaks the rule,
        (409 calendar_estimated) for a year whose holidays are not known unless confirmed, and
        (409 short_notice) while a coming day is fewer than the notice days ahead unless a reason
        is given"""
        actor, township = township_scope()
        service.publish(
            actor,
            township,
            year,
            confirm_estimated_calendar=data.confirm_estimated_calendar,
            short_notice_reason=data.short_notice_reason,
        )
        return schedule_out(service.get_schedule(actor, township, year))


# --- days ----------------------------------------------------------------------------------------


@api.route("/days/<int:day_id>")
class DayById(MethodView):
    @api.response(200, DaySchema)
    def get(self, day_id: int):
        """One reception day with its sites and who is on duty"""
        return day_out(service.get_day(*township_scope(), day_id))


@api.route("/days/<int:day_id>/move")
class MoveDay(MethodView):
    @api.arguments(MoveInputSchema)
    @api.response(200, DaySchema)
    def post(self, data: MoveInput, day_id: int):
        """Move a coming reception day to another date of the year (with the reason); a published
        day moved fewer than the notice days ahead needs `short_notice_reason` (409 short_notice)"""
        return day_out(service.move_day(*township_scope(), day_id, data))


@api.route("/days/<int:day_id>/sites/<int:site_id>/team")
class Team(MethodView):
    @api.arguments(TeamInputSchema)
    @api.response(200, DaySchema)
    def put(self, data: TeamInput, day_id: int, site_id: int):
        """Put exactly these representatives on duty at the site (optionally on the later days
        too); on a published schedule a change breaking the pairing rule is refused (409)"""
        view = service.set_team(
            *township_scope(),
            day_id,
            site_id,
            data.representative_ids,
            apply_to_rest=data.apply_to_rest,
        )
        return day_out(view)


@api.route("/days/<int:day_id>/sites/<int:site_id>/people")
class PeopleReceived(MethodView):
    @api.arguments(PeopleReceivedInputSchema)
    @api.response(200, DaySchema)
    def put(self, data: PeopleReceivedInput, day_id: int, site_id: int):
        """How many people the site received that day (on or after the day)"""
        actor, township = township_scope()
        service.set_people_received(
            actor, township, day_id, site_id, data.people_received, data.note
        )
        return day_out(service.get_day(actor, township, day_id))


# --- absence and substitutes ---------------------------------------------------------------------


@api.route("/duties/<int:duty_id>/absence")
class Absence(MethodView):
    @api.arguments(AbsenceInputSchema)
    @api.response(200, DutySchema)
    def post(self, data: AbsenceInput, duty_id: int):
        """Report that the representative cannot come (the representative, or the office)"""
        return lone_duty_out(service.report_absence(*township_scope(), duty_id, data.reason))


@api.route("/duties/<int:duty_id>/substitutes")
class Substitutes(MethodView):
    @api.response(200, CandidateSchema(many=True))
    @api.paginate()
    def get(self, duty_id: int, pagination_parameters):
        """Who may stand in for an absent representative (a cadre where the site needs one)"""
        rows = service.substitute_candidates(*township_scope(), duty_id)
        return [candidate_out(r) for r in _page(rows, pagination_parameters)]


@api.route("/duties/<int:duty_id>/substitute")
class Substitute(MethodView):
    @api.arguments(SubstituteInputSchema)
    @api.response(201, DutySchema)
    def post(self, data: SubstituteInput, duty_id: int):
        """Put a substitute on duty for an absent representative"""
        return lone_duty_out(service.substitute(*township_scope(), duty_id, data.representative_id))


@api.route("/mine")
class Mine(MethodView):
    @api.response(200, MyDutySchema(many=True))
    @api.paginate()
    def get(self, pagination_parameters):
        """The caller's own reception-day duties (as a representative)"""
        rows = service.my_duties(*township_scope())
        return [my_duty_out(r) for r in _page(rows, pagination_parameters)]


# --- on the day: cases, summary ------------------------------------------------------------------


@api.route("/days/<int:day_id>/cases")
class DayCases(MethodView):
    @api.response(200, DayCaseSchema(many=True))
    @api.paginate()
    def get(self, day_id: int, pagination_parameters):
        """Cases raised on the day"""
        rows = service.day_cases(*township_scope(), day_id)
        return [case_out(c) for c in _page(rows, pagination_parameters)]

    @api.arguments(DayCaseInputSchema)
    @api.response(201, RecordedCaseSchema)
    def post(self, data: DayCaseInput, day_id: int):
        """Record a case raised on the day, received by a representative on duty at the site;
        the tracking code is returned this once only"""
        created: NewCase = service.record_case(*township_scope(), day_id, data)
        return {
            "id": created.case.id,
            "tracking_code": created.tracking_code,
            "state": created.case.state,
        }


@api.route("/days/<int:day_id>/summary")
class DaySummary(MethodView):
    @api.response(200, SummarySchema)
    def get(self, day_id: int):
        """The day's summary as sent up, or as it stands (sent_at empty) if not sent yet"""
        view = service.get_day(*township_scope(), day_id)
        return day_summary_out(view.day)

    @api.response(200, SummarySchema)
    def post(self, day_id: int):
        """Send (or send again, after corrections) the day's summary to the township"""
        actor, township = township_scope()
        return day_summary_out(service.send_summary(actor, township, day_id))


@api.route("/reports/<int:year>")
class Report(MethodView):
    @api.response(200, YearReportSchema)
    def get(self, year: int):
        """The year's reception days for the annual session's report: each day and the totals"""
        report = service.year_report(*township_scope(), year)
        return {
            "year": report.year,
            "days": [summary_out(day, s, day.summary_sent_at) for day, s in report.days],
            "totals": report.totals,
        }
