"""REST API of the liaison-chain module (三联), mounted at /api/v1/t/<slug>/liaison.

Every rule lives in the service; the handlers turn its views into plain dicts for the schemas.
A contact or meeting sent again with the same `client_key` answers 200 with the stored record
and `duplicate: true` instead of 201, so a phone that retries stores it once. Lists come in
pages (`page`, `page_size`; the total in the `X-Pagination` header); the body stays a list.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Page

from lianxin import spreadsheets
from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.casework.models import Case
from lianxin.db.lookup import tenant_get
from lianxin.modules import kit
from lianxin.modules.liaison import metrics, service
from lianxin.modules.liaison.inputs import (
    BranchReviewInput,
    BranchReviewInSchema,
    CaseInput,
    CaseInSchema,
    ContactInput,
    ContactInSchema,
    LinkInput,
    LinkInSchema,
    MeetingInput,
    MeetingInSchema,
    ReportInput,
    ReportInSchema,
    SuggestInput,
    SuggestInSchema,
)
from lianxin.modules.liaison.schemas import (
    BranchPartSchema,
    CaseBriefSchema,
    ComplianceSchema,
    ContactQuerySchema,
    ContactSchema,
    FiguresSchema,
    LinkQuerySchema,
    LinkSchema,
    MeetingSchema,
    PeriodQuerySchema,
    ReportQuerySchema,
    ReportSchema,
    SuggestResultSchema,
    without_unseen_names,
)
from lianxin.people import privacy
from lianxin.web.scope import township_scope

api = ApiBlueprint("liaison_api", __name__, description="三联工作（联系安排、联系记录、季度履职）")


def person_out(person: service.Person) -> dict[str, Any]:
    """A person at one end of a pair; the name only as people/privacy.py lets the caller see
    it (a committee member's always), never their contact."""
    shown = privacy.current_viewer().can_see(person, "name")
    return {"kind": person.kind, "id": person.id, "name": person.name if shown else None}


def link_out(view: service.LinkView) -> dict[str, Any]:
    link = view.link
    return {
        "id": link.id,
        "year": link.year,
        "level": link.level,
        "upper": person_out(view.upper),
        "lower": person_out(view.lower),
        "branch_id": link.branch_id,
        "suggested": link.suggested,
        "started_on": link.started_on,
        "ended_on": link.ended_on,
        "contacts": view.contacts,
    }


def case_out(case: Case, codes: dict[int, str] | None = None) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "state": case.state,
        "state_label": service.state_label(case.state),
        "tracking_code": (codes or {}).get(case.id),
    }


def contact_out(view: service.ContactView) -> dict[str, Any]:
    contact = view.contact
    return {
        "id": contact.id,
        "link_id": contact.link_id,
        "level": view.link.link.level,
        "upper": person_out(view.link.upper),
        "lower": person_out(view.link.lower),
        "contacted_on": contact.contacted_on,
        "method": contact.method,
        "summary": contact.summary,
        "recorded_by_id": contact.recorded_by_id,
        "created_at": contact.created_at,
        "cases": [case_out(c, view.tracking_codes) for c in view.cases],
        "duplicate": view.duplicate,
    }


def meeting_out(view: service.MeetingView) -> dict[str, Any]:
    meeting = view.meeting
    return {
        "id": meeting.id,
        "committee_user_id": meeting.committee_user_id,
        "committee_name": view.committee.display_name,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "summary": meeting.summary,
        "attendees": [person_out(service.person_of(r)) for r in view.attendees],
        "cases": [case_out(c, view.tracking_codes) for c in view.cases],
        "duplicate": view.duplicate,
    }


def part_out(part: service.BranchPart, year: int) -> dict[str, Any]:
    return {
        "year": year,
        "branch_id": part.branch.id,
        "branch_name": part.branch.name,
        "links": part.links,
        "short": part.short,
        "confirmed": part.confirmed,
        "confirmed_at": part.review.confirmed_at if part.review else None,
        "confirmed_links": part.review.links if part.review else None,
        "note": part.review.note if part.review else None,
    }


def compliance_out(result: service.Compliance) -> dict[str, Any]:
    q = result.quarter
    return {
        "year": q.year,
        "quarter": q.number,
        "starts_on": q.starts_on,
        "ends_on": q.ends_on,
        "links_due": result.links_due,
        "links_kept": result.links_kept,
        "kept_share": result.kept_share,
        "reports_due": result.reports_due,
        "reports_in": result.reports_in,
        "meetings_due": result.meetings_due,
        "meetings_held": result.meetings_held,
        "people": [p.as_dict() for p in result.people],
        "branches": [b.as_dict() for b in result.branches],
        "behind": [p.as_dict() for p in result.behind],
    }


def _this_year() -> int:
    return kit.today().year


# --- links ---------------------------------------------------------------------------------------


@api.route("/links")
class Links(MethodView):
    @api.arguments(LinkQuerySchema, location="query")
    @api.response(200, LinkSchema(many=True))
    @api.paginate(Page)
    def get(self, args):
        """A year's pairs of the chain that you may see (mine=true: those you record on)"""
        views = service.list_links(
            *township_scope(),
            args.get("year") or _this_year(),
            level=args.get("level"),
            branch_id=args.get("branch_id"),
            mine=args["mine"],
        )
        return [link_out(v) for v in views]

    @api.arguments(LinkInSchema)
    @api.response(201, LinkSchema)
    def post(self, data: LinkInput):
        """Pair two people for a year (liaison office); 409 already_linked when the lower end is
        kept in touch with by someone else at this level this year"""
        return link_out(service.add_link(*township_scope(), data))


@api.route("/links/<int:link_id>")
class LinkById(MethodView):
    @api.response(200, LinkSchema)
    def get(self, link_id: int):
        """One pair"""
        return link_out(service.get_link(*township_scope(), link_id))

    @api.response(204)
    def delete(self, link_id: int):
        """Take a pair off the chain (ended if it has contacts, else deleted)"""
        service.remove_link(*township_scope(), link_id)


@api.route("/links/suggest")
class Suggest(MethodView):
    @api.arguments(SuggestInSchema)
    @api.response(200, SuggestResultSchema)
    def post(self, data: SuggestInput):
        """Suggest pairs up to each level's minimum: last year's first, then the nearest"""
        result = service.suggest(*township_scope(), data.year, data.levels)
        return {"created": result.created, "short": result.short}


@api.route("/branches")
class BranchParts(MethodView):
    @api.arguments(PeriodQuerySchema, location="query")
    @api.response(200, BranchPartSchema(many=True))
    @api.paginate(Page)
    def get(self, args):
        """Each branch's part of a year's chain and whether the branch confirmed it"""
        year = args.get("year") or _this_year()
        return [part_out(p, year) for p in service.branch_parts(*township_scope(), year)]


@api.route("/branches/confirm")
class ConfirmBranch(MethodView):
    @api.arguments(BranchReviewInSchema)
    @api.response(200, BranchPartSchema)
    def post(self, data: BranchReviewInput):
        """The branch confirms its part of the year's chain (its liaison, or the office)"""
        part = service.confirm_branch(*township_scope(), data.year, data.branch_id, data.note)
        return part_out(part, data.year)


# --- contacts ------------------------------------------------------------------------------------


@api.route("/contacts")
class Contacts(MethodView):
    @api.arguments(ContactQuerySchema, location="query")
    @api.response(200, ContactSchema(many=True))
    @api.paginate(Page)
    def get(self, args):
        """Contacts you may see, newest first"""
        views = service.list_contacts(
            *township_scope(),
            year=args.get("year"),
            quarter=args.get("quarter"),
            link_id=args.get("link_id"),
            mine=args["mine"],
        )
        return [contact_out(v) for v in views]

    @api.arguments(ContactInSchema)
    @api.response(201, ContactSchema)
    @api.alt_response(200, schema=ContactSchema, description="同一 client_key 已保存过：返回原记录")
    def post(self, data: ContactInput):
        """Record a contact along a pair, optionally raising the issue as a case in one step"""
        view = service.record_contact(*township_scope(), data)
        return contact_out(view), 200 if view.duplicate else 201


@api.route("/contacts/export")
class ContactsExport(MethodView):
    @api.arguments(ContactQuerySchema, location="query")
    @api.response(200, description="民情台账.xlsx（与列表相同的筛选和个人信息规则）")
    def get(self, args):
        """The contacts you may see as .xlsx, with the list's filters"""
        actor, township = township_scope()
        data = service.contacts_xlsx(
            actor,
            township,
            year=args.get("year"),
            quarter=args.get("quarter"),
            link_id=args.get("link_id"),
            mine=args["mine"],
        )
        return spreadsheets.response(
            data, _("%(t)s民情台账.xlsx", t=township.name), ascii_name="liaison-contacts.xlsx"
        )


@api.route("/contacts/<int:contact_id>")
class ContactById(MethodView):
    @api.response(200, ContactSchema)
    def get(self, contact_id: int):
        """One contact with the cases raised from it"""
        return contact_out(service.get_contact(*township_scope(), contact_id))


@api.route("/contacts/<int:contact_id>/cases")
class ContactCases(MethodView):
    @api.arguments(CaseInSchema)
    @api.response(201, CaseBriefSchema)
    @api.alt_response(200, schema=CaseBriefSchema, description="同一标题的诉求已登记过")
    def post(self, data: CaseInput, contact_id: int):
        """Raise an issue of a stored contact as a case (the same title again: the case raised)"""
        view, made = service.raise_contact_case(*township_scope(), contact_id, data)
        if made is None:
            case = next(c for c in view.cases if c.title == data.title)
            return case_out(case), 200
        return case_out(made.case, {made.case.id: made.tracking_code}), 201


# --- reports and meetings ------------------------------------------------------------------------


def report_out(report: Any, rep: Any) -> dict[str, Any]:
    return {
        "id": report.id,
        "representative_id": rep.id,
        "representative_name": rep.name,
        "year": report.year,
        "quarter": report.quarter,
        "text": report.text,
        "submitted_at": report.submitted_at,
        "updated_at": report.updated_at,
    }


@api.route("/reports")
class Reports(MethodView):
    @api.arguments(ReportQuerySchema, location="query")
    @api.response(200, ReportSchema(many=True))
    @api.paginate(Page)
    def get(self, args):
        """Quarterly reports up the chain you may see"""
        rows = service.list_reports(
            *township_scope(), args.get("year") or _this_year(), args.get("quarter")
        )
        return [report_out(r, rep) for r, rep in rows]

    @api.arguments(ReportInSchema)
    @api.response(201, ReportSchema)
    @api.alt_response(200, schema=ReportSchema, description="本季度已报告过：更新原报告")
    def post(self, data: ReportInput):
        """A representative's report of the quarter (sent again, it replaces the text)"""
        actor, township = township_scope()
        report, created = service.submit_report(actor, township, data)
        from lianxin.people.models import Representative

        rep = tenant_get(Representative, township.id, report.representative_id)
        return report_out(report, rep), 201 if created else 200


@api.route("/meetings")
class Meetings(MethodView):
    @api.arguments(PeriodQuerySchema, location="query")
    @api.response(200, MeetingSchema(many=True))
    @api.paginate(Page)
    def get(self, args):
        """Committee members' liaison meetings of a year or quarter"""
        views = service.list_meetings(
            *township_scope(), args.get("year") or _this_year(), args.get("quarter")
        )
        return [meeting_out(v) for v in views]

    @api.arguments(MeetingInSchema)
    @api.response(201, MeetingSchema)
    @api.alt_response(200, schema=MeetingSchema, description="同一 client_key 已保存过：返回原记录")
    def post(self, data: MeetingInput):
        """Record a committee member's liaison meeting"""
        view = service.record_meeting(*township_scope(), data)
        return meeting_out(view), 200 if view.duplicate else 201


@api.route("/meetings/<int:meeting_id>")
class MeetingById(MethodView):
    @api.response(200, MeetingSchema)
    def get(self, meeting_id: int):
        """One meeting with who came and its follow-up cases"""
        return meeting_out(service.get_meeting(*township_scope(), meeting_id))


@api.route("/meetings/<int:meeting_id>/cases")
class MeetingCases(MethodView):
    @api.arguments(CaseInSchema)
    @api.response(201, CaseBriefSchema)
    @api.alt_response(200, schema=CaseBriefSchema, description="同一标题的诉求已登记过")
    def post(self, data: CaseInput, meeting_id: int):
        """A follow-up of the meeting as a case"""
        view, made = service.raise_meeting_case(*township_scope(), meeting_id, data)
        if made is None:
            case = next(c for c in view.cases if c.title == data.title)
            return case_out(case), 200
        return case_out(made.case, {made.case.id: made.tracking_code}), 201


# --- compliance and figures ----------------------------------------------------------------------


@api.route("/compliance")
class ComplianceView(MethodView):
    @api.arguments(PeriodQuerySchema, location="query")
    @api.response(200, ComplianceSchema)
    def get(self, args):
        """A quarter's compliance per person and branch, and who is behind (default: this
        quarter)"""
        result = service.compliance(*township_scope(), args.get("year"), args.get("quarter"))
        return compliance_out(without_unseen_names(result))


@api.route("/figures")
class Figures(MethodView):
    @api.arguments(PeriodQuerySchema, location="query")
    @api.response(200, FiguresSchema)
    def get(self, args):
        """The quarter's figures the county compares (default: this quarter)"""
        return metrics.township_figures(*township_scope(), args.get("year"), args.get("quarter"))
