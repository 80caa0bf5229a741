"""Inviting representatives in batches, in rotation so that every one sits in during the term,
and their answers.

The rotation: who has sat in least this term comes first, then who has no coming invitation,
then who sat in longest ago (never first); the office's next batch is proposed from the top of
that list (the setting `batch_size`). At a branch meeting only the branch's own representatives
are invited when the township says so (`branch_own_only`, 000 第二篇)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db, utcnow
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.kit import today as kit_today
from lianxin.modules.sittings.errors import SittingRuleBroken
from lianxin.modules.sittings.inputs import AnswerInput
from lianxin.modules.sittings.models import Answer, Invitation, Meeting, MeetingKind
from lianxin.modules.sittings.stages.common import (
    KIND_LABELS,
    Standing,
    _audit,
    _read,
    _write,
    find_invitation,
    find_meeting,
    find_representative,
    is_office,
    representative_of,
    settings,
    standings,
)
from lianxin.modules.sittings.stages.meetings import get_meeting, invitations_of
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def meeting_url(township: Township, meeting_id: int) -> str:
    """The path of a meeting's page, for a notification (made absolute where it is delivered)."""
    return f"/t/{township.slug}/sittings/{meeting_id}"


def _branch_only(township: Township, meeting: Meeting) -> int | None:
    """The branch whose representatives alone may sit in on this meeting, if any."""
    if meeting.kind == MeetingKind.BRANCH and settings(township.id)["branch_own_only"]:
        return meeting.branch_id
    return None


def rotation(actor: Actor, township: Township) -> list[Standing]:
    """Every representative in office with their sittings this term, in the rotation's order."""
    _read(actor, township)
    return standings()


def propose_batch(actor: Actor, township: Township, meeting_id: int) -> list[Standing]:
    """The next batch for the meeting: the top of the rotation, not yet invited to it."""
    meeting = get_meeting(actor, township, meeting_id)
    _write(actor, township)
    invited = {row.representative_id for row in invitations_of(meeting)}
    size = int(settings(township.id)["batch_size"])
    pool = standings(branch_id=_branch_only(township, meeting))
    return [s for s in pool if s.representative_id not in invited][:size]


def _still_open(meeting: Meeting, day: date) -> None:
    """Invitations and answers close when the meeting's day is over (Asia/Shanghai)."""
    if meeting.held_at is not None or day > meeting.held_on:
        raise SittingRuleBroken(
            _("会议（%(d)s）已经召开，不能再邀请或答复", d=meeting.held_on.isoformat())
        )


@use_case
def invite_batch(
    actor: Actor,
    township: Township,
    meeting_id: int,
    rep_ids: list[int],
    *,
    today: date | None = None,
) -> list[Invitation]:
    """Invite a batch to sit in on the meeting, up to its day. Each must be of the township
    (404), in office, not invited already, and at a branch meeting of that branch when the
    township says so. Each is told: in the inbox with a link, or by SMS without an account."""
    meeting = get_meeting(actor, township, meeting_id)
    _write(actor, township)
    _still_open(meeting, kit_today(today))
    reps = list({r.id: r for r in (find_representative(township, i) for i in rep_ids)}.values())
    invited = {row.representative_id for row in invitations_of(meeting)}
    only = _branch_only(township, meeting)
    problems: list[str] = []
    for rep in reps:
        if not rep.in_office:
            problems.append(_("%(n)s 的代表资格已终止", n=rep.name))
        elif rep.id in invited:
            problems.append(_("%(n)s 已受邀", n=rep.name))
        elif only is not None and rep.branch_id != only:
            problems.append(_("%(n)s 不是本支部的代表", n=rep.name))
    if problems:
        raise ValidationFailed(errors={"representative_ids": problems})
    if not reps:
        raise ValidationFailed(errors={"representative_ids": [_("请至少选择一位代表")]})
    batch = (
        db.session.scalar(
            select(func.max(Invitation.batch)).where(Invitation.meeting_id == meeting.id)
        )
        or 0
    ) + 1
    rows = [
        Invitation(
            meeting_id=meeting.id,
            representative_id=rep.id,
            batch=batch,
            term=rep.term,
            answer=Answer.PENDING,
            answered_by_office=False,
        )
        for rep in reps
    ]
    db.session.add_all(rows)
    db.session.flush()
    _tell_invited(township, meeting, reps, batch)
    _audit(
        "sitting.invite",
        actor,
        township,
        "sitting_meeting",
        meeting.id,
        batch=batch,
        representatives=sorted(r.id for r in reps),
    )
    return rows


def _when(meeting: Meeting) -> str:
    when = meeting.held_on.isoformat()
    if meeting.starts_at is not None:
        when += " " + meeting.starts_at.strftime("%H:%M")
    return when


def _tell_invited(
    township: Township, meeting: Meeting, reps: list[Representative], batch: int
) -> None:
    title = _("列席邀请：%(t)s", t=meeting.title)
    body = _(
        "请于 %(w)s 在 %(p)s 列席%(k)s，并确认是否参加。",
        w=_when(meeting),
        p=meeting.place or _("（地点另行通知）"),
        k=KIND_LABELS.get(meeting.kind, meeting.kind),
    )
    with_account = [r.user_id for r in reps if r.user_id is not None]
    by_phone = [(r.name, r.phone) for r in reps if r.user_id is None and r.phone]
    if not with_account and not by_phone:
        return
    notify.notify(
        with_account,
        title,
        body,
        tenant_id=township.id,
        link=meeting_url(township, meeting.id),
        phones=by_phone,
        dedupe_key=f"si:{township.id}:{meeting.id}:invite:{batch}",
        kind="sitting.invitation",
    )


def get_invitation(actor: Actor, township: Township, invitation_id: int) -> Invitation:
    _read(actor, township)
    return find_invitation(township, invitation_id)


def my_invitation(actor: Actor, township: Township, meeting: Meeting) -> Invitation | None:
    """The actor's own invitation to the meeting, if they are an invited representative."""
    rep = representative_of(actor)
    if rep is None:
        return None
    return db.session.scalar(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id, Invitation.representative_id == rep.id
        )
    )


def my_invitations(actor: Actor, township: Township) -> list[tuple[Invitation, Meeting]]:
    """The representative's invitations, coming meetings first, then the past, newest first."""
    _read(actor, township)
    rep = representative_of(actor)
    if rep is None:
        return []
    rows = db.session.execute(
        select(Invitation, Meeting)
        .join(
            Meeting,
            (Meeting.id == Invitation.meeting_id) & (Meeting.tenant_id == Invitation.tenant_id),
        )
        .where(Invitation.representative_id == rep.id)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    ).all()
    return [(inv, meeting) for inv, meeting in rows]


@use_case
def answer_invitation(
    actor: Actor,
    township: Township,
    invitation_id: int,
    data: AnswerInput,
    *,
    today: date | None = None,
) -> Invitation:
    """The representative answers their own invitation (the office may record it for them, from
    a phone call), until the meeting's day is over; they may change their mind till then. A
    decline is told to the office, which may invite someone else."""
    _read(actor, township)
    row = find_invitation(township, invitation_id)
    meeting = find_meeting(township, row.meeting_id)
    own = representative_of(actor)
    by_office = own is None or own.id != row.representative_id
    if by_office and not is_office(actor, township):
        raise PermissionDenied(_("只能答复自己的列席邀请"))
    _still_open(meeting, kit_today(today))
    row.answer = data.answer
    row.decline_reason = data.reason if data.answer == Answer.DECLINED else None
    row.answered_at = utcnow()
    row.answered_by_office = by_office
    db.session.flush()
    if data.answer == Answer.DECLINED and not by_office:
        rep = find_representative(township, row.representative_id)
        notify.notify(
            casework._office_user_ids(township),
            _("%(n)s 不能列席：%(t)s", n=rep.name, t=meeting.title),
            data.reason or "",
            tenant_id=township.id,
            link=meeting_url(township, meeting.id),
            dedupe_key=f"si:{township.id}:{row.id}:declined:{row.answered_at.isoformat()}",
            kind="sitting.declined",
        )
    _audit(
        "sitting.answer",
        actor,
        township,
        "sitting_invitation",
        row.id,
        answer=row.answer,
        by_office=by_office,
    )
    return row
