"""The county's figures of sitting in: meetings representatives sat in on, and the share of the
representatives in office who have sat in during their term (as of the period's end)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from lianxin.db import db
from lianxin.modules.registry import Figure, Metric, MetricSet, rate
from lianxin.modules.sittings.models import Invitation, Meeting, Suggestion
from lianxin.people.models import Representative, RepStatus

METRICS = (
    Metric(
        "sittings_meetings",
        _l("代表列席会议"),
        description=_l("期内有代表列席的党委会议、扩大会议和支部会议次数"),
    ),
    Metric(
        "sittings_reps_share",
        _l("本届已列席代表比例"),
        kind="rate",
        description=_l("期末在任代表中，本届至少列席过一次会议的比例"),
    ),
    Metric(
        "sittings_suggestions",
        _l("列席代表意见建议"),
        description=_l("期内召开的会议上列席代表提出的意见建议条数"),
    ),
)

_MEETING = and_(Meeting.id == Invitation.meeting_id, Meeting.tenant_id == Invitation.tenant_id)


def figures(start: date, end: date) -> dict[str, Figure]:
    meetings = db.session.scalar(
        select(func.count(Meeting.id.distinct()))
        .join(Invitation, _MEETING)
        .where(Meeting.held_on >= start, Meeting.held_on < end, Invitation.attended.is_(True))
    )
    suggestions = db.session.scalar(
        select(func.count(Suggestion.id))
        .join(
            Meeting,
            and_(Meeting.id == Suggestion.meeting_id, Meeting.tenant_id == Suggestion.tenant_id),
        )
        .where(Meeting.held_on >= start, Meeting.held_on < end)
    )
    sat = (
        select(Invitation.id)
        .join(Meeting, _MEETING)
        .where(
            Invitation.representative_id == Representative.id,
            Invitation.tenant_id == Representative.tenant_id,
            Invitation.term == Representative.term,
            Invitation.attended.is_(True),
            Meeting.held_on < end,
        )
        .correlate(Representative)
        .exists()
    )
    in_office = Representative.status == RepStatus.IN_OFFICE
    reps = db.session.scalar(select(func.count(Representative.id)).where(in_office)) or 0
    sat_in = db.session.scalar(select(func.count(Representative.id)).where(in_office, sat)) or 0
    return {
        "sittings_meetings": Figure(meetings or 0),
        "sittings_reps_share": rate(sat_in, reps),
        "sittings_suggestions": Figure(suggestions or 0),
    }


SITTING_METRICS = MetricSet(METRICS, figures)
