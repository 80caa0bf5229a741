"""Planning the meetings representatives sit in on, and recording who came."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.db.paging import paged
from lianxin.errors import ValidationFailed
from lianxin.modules.kit import today as kit_today
from lianxin.modules.sittings.errors import SittingRuleBroken
from lianxin.modules.sittings.inputs import MeetingInput
from lianxin.modules.sittings.models import Answer, Invitation, Meeting
from lianxin.modules.sittings.stages.common import (
    _audit,
    _read,
    _write,
    current_term,
    find_branch,
    find_meeting,
)
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

MEETING_ORDER = (Meeting.held_on.desc(), Meeting.id.desc())


def list_meetings(actor: Actor, township: Township) -> list[Meeting]:
    return page_meetings(actor, township)[0]


def page_meetings(
    actor: Actor, township: Township, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Meeting], int]:
    """(one page of the meetings, newest first; how many there are)."""
    _read(actor, township)
    return paged(select(Meeting), *MEETING_ORDER, offset=offset, limit=limit)


def get_meeting(actor: Actor, township: Township, meeting_id: int) -> Meeting:
    _read(actor, township)
    return find_meeting(township, meeting_id)


def invitations_of(meeting: Meeting) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.meeting_id == meeting.id)
            .order_by(Invitation.batch, Invitation.id)
        )
    )


def page_invitations(
    actor: Actor,
    township: Township,
    meeting_id: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Invitation], int]:
    meeting = get_meeting(actor, township, meeting_id)
    return paged(
        select(Invitation).where(Invitation.meeting_id == meeting.id),
        Invitation.batch,
        Invitation.id,
        offset=offset,
        limit=limit,
    )


def _time(value: str | None) -> time | None:
    """ "HH:MM" (a form's time input), or None."""
    if not value:
        return None
    try:
        return datetime.strptime(value[:5], "%H:%M").time()
    except ValueError:
        raise ValidationFailed(errors={"starts_at": [_("时间格式不正确（如 09:30）")]}) from None


@use_case
def plan_meeting(actor: Actor, township: Township, data: MeetingInput) -> Meeting:
    """A meeting representatives will sit in on; a branch meeting names a branch of the
    township (another's: 404). It is planned in the township's current term."""
    _write(actor, township)
    if data.branch_id is not None:
        find_branch(township, data.branch_id)
    fields = {**asdict(data), "starts_at": _time(data.starts_at)}
    meeting = Meeting(**fields, term=current_term(), created_by_id=actor.user_id)
    db.session.add(meeting)
    db.session.flush()
    _audit(
        "sitting.meeting_plan",
        actor,
        township,
        "sitting_meeting",
        meeting.id,
        title=meeting.title,
        kind=meeting.kind,
        held_on=meeting.held_on.isoformat(),
    )
    return meeting


@use_case
def record_attendance(
    actor: Actor,
    township: Township,
    meeting_id: int,
    present_ids: list[int],
    *,
    today: date | None = None,
) -> list[Invitation]:
    """Who of the invited came, recorded on the meeting's day or later (Asia/Shanghai); every
    other invitation is absent. One who declined but came anyway counts as present. Recording
    again corrects it."""
    meeting = get_meeting(actor, township, meeting_id)
    _write(actor, township)
    day = kit_today(today)
    if day < meeting.held_on:
        raise SittingRuleBroken(
            _("会议（%(d)s）还没有召开，不能登记出席", d=meeting.held_on.isoformat())
        )
    rows = invitations_of(meeting)
    invited = {row.representative_id for row in rows}
    strangers = sorted(set(present_ids) - invited)
    if strangers:
        raise ValidationFailed(errors={"representative_ids": [_("只能登记受邀列席的代表")]})
    present = set(present_ids)
    for row in rows:
        row.attended = row.representative_id in present
        if row.attended and row.answer == Answer.PENDING:
            row.answer = Answer.CONFIRMED
    meeting.held_at = meeting.held_at or utcnow()
    _audit(
        "sitting.attendance",
        actor,
        township,
        "sitting_meeting",
        meeting.id,
        present=len(present),
        invited=len(rows),
    )
    return rows
