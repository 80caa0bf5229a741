"""The quarter's other duties: representatives' reports up the chain and committee members'
liaison meetings (with their follow-up cases)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import User
from lianxin.casework import service as casework
from lianxin.casework.models import Case, Channel
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.liaison.inputs import CaseInput, MeetingInput, ReportInput
from lianxin.modules.liaison.models import (
    Meeting,
    MeetingAttendee,
    Report,
)
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import (
    MEETING_SOURCE,
    _committee_user,
    _get,
    _quarter,
    _require_office,
    _year,
    is_committee,
    is_office,
    liaison_branches,
    own_representative,
    sees_whole_chain,
)
from lianxin.modules.liaison.stages.contacts import (
    _cases_from,
    _insert_once,
    _stored,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- quarterly reports up the chain --------------------------------------------------------------


@use_case
def submit_report(
    actor: Actor,
    township: Township,
    data: ReportInput,
    *,
    today: date | None = None,
) -> tuple[Report, bool]:
    """A representative's quarterly report up the chain (the office may enter one for them).
    Sent again for the same quarter, it replaces the text: (report, created)."""
    permissions.require_member(actor, township)
    own = own_representative(actor, township)
    # Whom it is for is decided first: a refusal comes before the year and quarter's rules.
    wanted = data.representative_id
    if wanted is not None and (own is None or wanted != own.id):
        _require_office(actor, township)
        rep = _get(Representative, township, wanted, _("未找到该代表"))
    elif own is not None:
        rep = own
    else:
        raise PermissionDenied(_("您的账号没有关联代表信息"))
    quarter = Quarter(_year(data.year), data.quarter)
    if quarter.starts_on > kit.today(today):
        raise ValidationFailed(errors={"quarter": [_("该季度还没有开始")]})
    text = data.text
    report = db.session.scalar(
        select(Report).where(
            Report.representative_id == rep.id,
            Report.year == quarter.year,
            Report.quarter == quarter.number,
        )
    )
    created = report is None
    if report is None:
        report = Report(
            representative_id=rep.id,
            year=quarter.year,
            quarter=quarter.number,
            text=text,
            submitted_by_id=actor.user_id,
        )
        db.session.add(report)
    else:
        report.text = text
    db.session.flush()
    audit.record(
        "liaison.report.submit" if created else "liaison.report.update",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_report",
        target_id=report.id,
        after={"representative_id": rep.id, "quarter": quarter.key},
    )
    return report, created


def list_reports(
    actor: Actor, township: Township, year: int, quarter: int | None = None
) -> list[tuple[Report, Representative]]:
    """Reports of a year (or quarter): the whole township for the office and committee, a
    branch's representatives for its liaison, one's own for a representative."""
    permissions.require_member(actor, township)
    query = (
        select(Report, Representative)
        .join(
            Representative,
            (Representative.id == Report.representative_id)
            & (Representative.tenant_id == Report.tenant_id),
        )
        .where(Report.year == _year(year))
    )
    if quarter is not None:
        query = query.where(Report.quarter == _quarter(year, quarter).number)
    if not sees_whole_chain(actor, township):
        own = own_representative(actor, township)
        branches = liaison_branches(actor, township)
        query = query.where(
            (Report.representative_id == (own.id if own else -1))
            | Representative.branch_id.in_(branches or {-1})
        )
    return [(r, rep) for r, rep in db.session.execute(query.order_by(Report.quarter, Report.id))]


# --- committee members' liaison meetings ---------------------------------------------------------


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    committee: User
    attendees: list[Representative]
    cases: list[Case]
    duplicate: bool = False
    tracking_codes: dict[int, str] = field(default_factory=dict)


def _meeting_view(
    actor: Actor,
    township: Township,
    meeting: Meeting,
    *,
    duplicate: bool = False,
    codes: dict[int, str] | None = None,
) -> MeetingView:
    committee = db.session.get(User, meeting.committee_user_id)
    assert committee is not None
    attendees = list(
        db.session.scalars(
            select(Representative)
            .join(
                MeetingAttendee,
                (MeetingAttendee.representative_id == Representative.id)
                & (MeetingAttendee.tenant_id == Representative.tenant_id),
            )
            .where(MeetingAttendee.meeting_id == meeting.id)
            .order_by(Representative.name_pinyin)
        )
    )
    return MeetingView(
        meeting,
        committee,
        attendees,
        _cases_from(MEETING_SOURCE, meeting.id, actor, township),
        duplicate,
        codes or {},
    )


def _meeting_committee(actor: Actor, township: Township, named: int | None) -> User:
    """Whose meeting it is: the committee member themselves, or one the office names."""
    if named is not None and named != actor.user_id:
        _require_office(actor, township)
        return _committee_user(township, named)
    if is_committee(actor, township):
        return _committee_user(township, actor.user_id)
    if is_office(actor, township):
        raise ValidationFailed(errors={"committee_user_id": [_("请选择党委委员")]})
    raise PermissionDenied()


@use_case
def record_meeting(
    actor: Actor,
    township: Township,
    data: MeetingInput,
    *,
    today: date | None = None,
) -> MeetingView:
    """A committee member's liaison meeting: when, where, who came, what was raised. The same
    client key again returns the stored meeting."""
    permissions.require_member(actor, township)
    # A resent form comes first, then whose meeting it is, then the rule of its date.
    key = data.client_key
    existing = _stored(Meeting, key, actor)
    if existing is not None:
        return _meeting_view(actor, township, existing, duplicate=True)
    committee = _meeting_committee(actor, township, data.committee_user_id)
    held_on = data.held_on
    if held_on > kit.today(today):
        raise ValidationFailed(errors={"held_on": [_("座谈日期不能晚于今天")]})
    summary, place = data.summary, data.place
    attendee_ids = sorted(set(data.attendee_ids))
    reps = [_get(Representative, township, rid, _("未找到该代表")) for rid in attendee_ids]
    meeting = Meeting(
        committee_user_id=committee.id,
        held_on=held_on,
        place=place,
        summary=summary,
        client_key=key,
        recorded_by_id=actor.user_id,
    )
    first = _insert_once(meeting)
    if first is not None:
        return _meeting_view(actor, township, first, duplicate=True)
    for rep in reps:
        db.session.add(MeetingAttendee(meeting_id=meeting.id, representative_id=rep.id))
    db.session.flush()
    audit.record(
        "liaison.meeting",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_meeting",
        target_id=meeting.id,
        after={"committee_user_id": committee.id, "on": held_on.isoformat(), "came": len(reps)},
    )
    return _meeting_view(actor, township, meeting)


def _can_see_meeting(actor: Actor, township: Township, meeting: Meeting) -> bool:
    if sees_whole_chain(actor, township):
        return True
    rep = own_representative(actor, township)
    if rep is None:
        return False
    return (
        db.session.scalar(
            select(MeetingAttendee.id).where(
                MeetingAttendee.meeting_id == meeting.id,
                MeetingAttendee.representative_id == rep.id,
            )
        )
        is not None
    )


def get_meeting(actor: Actor, township: Township, meeting_id: int) -> MeetingView:
    permissions.require_member(actor, township)
    meeting = _get(Meeting, township, meeting_id, _("未找到该座谈会"))
    if not _can_see_meeting(actor, township, meeting):
        raise NotFound(_("未找到该座谈会"))
    return _meeting_view(actor, township, meeting)


def list_meetings(
    actor: Actor, township: Township, year: int, quarter: int | None = None
) -> list[MeetingView]:
    permissions.require_member(actor, township)
    year = _year(year)
    if quarter is not None:
        q = _quarter(year, quarter)
        start, end = q.starts_on, q.ends_on
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.held_on.between(start, end))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )
    return [
        _meeting_view(actor, township, m) for m in meetings if _can_see_meeting(actor, township, m)
    ]


@use_case
def raise_meeting_case(
    actor: Actor, township: Township, meeting_id: int, issue: CaseInput
) -> tuple[MeetingView, casework.NewCase | None]:
    """A follow-up of the meeting as a case (the committee member or the office). The same title
    again is the case already raised."""
    view = get_meeting(actor, township, meeting_id)
    if not (is_office(actor, township) or view.meeting.committee_user_id == actor.user_id):
        raise PermissionDenied()
    for case in view.cases:
        if case.title == issue.title:
            return view, None
    made = casework.register(
        actor,
        township,
        casework.load_case_input(
            {
                "title": issue.title,
                "body": issue.body or issue.title,
                "category": issue.category,
                "channel": Channel.LIAISON,
                "source_type": MEETING_SOURCE,
                "source_id": view.meeting.id,
                "received_by_id": None,
                "on_behalf": True,
                "anonymous": True,
            }
        ),
    )
    return (
        _meeting_view(actor, township, view.meeting, codes={made.case.id: made.tracking_code}),
        made,
    )
