"""What representatives said at the meetings they sat in on: each suggestion is registered as a
case (casework) or answered in writing, and the answer goes back to the representative."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.models import Channel
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.modules.kit import today as kit_today
from lianxin.modules.sittings.errors import SittingRuleBroken
from lianxin.modules.sittings.inputs import (
    SuggestionCaseInput,
    SuggestionInput,
    WrittenAnswerInput,
)
from lianxin.modules.sittings.models import Invitation, Meeting, Outcome, Suggestion
from lianxin.modules.sittings.stages.common import (
    SOURCE_TYPE,
    _audit,
    _read,
    _write,
    find_meeting,
    find_representative,
    find_suggestion,
    is_office,
    representative_of,
)
from lianxin.modules.sittings.stages.invitations import meeting_url
from lianxin.modules.sittings.stages.meetings import get_meeting
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# Casework has no channel of its own for a meeting sat in on: a representative's suggestion
# reaches the committee as the liaison chain's does (联系走访), sourced to the meeting.
CASE_CHANNEL = Channel.LIAISON


def suggestions_of(meeting: Meeting) -> list[Suggestion]:
    return list(
        db.session.scalars(
            select(Suggestion).where(Suggestion.meeting_id == meeting.id).order_by(Suggestion.id)
        )
    )


def page_suggestions(
    actor: Actor,
    township: Township,
    meeting_id: int,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Suggestion], int]:
    meeting = get_meeting(actor, township, meeting_id)
    return paged(
        select(Suggestion).where(Suggestion.meeting_id == meeting.id),
        Suggestion.id,
        offset=offset,
        limit=limit,
    )


def _attended(meeting: Meeting, rep: Representative) -> bool:
    return (
        db.session.scalar(
            select(Invitation.id).where(
                Invitation.meeting_id == meeting.id,
                Invitation.representative_id == rep.id,
                Invitation.attended.is_(True),
            )
        )
        is not None
    )


@use_case
def record_suggestion(
    actor: Actor, township: Township, meeting_id: int, data: SuggestionInput
) -> Suggestion:
    """A suggestion made at the meeting by a representative who sat in on it: recorded by the
    office (naming them) or by the representative themself, once attendance is recorded."""
    meeting = get_meeting(actor, township, meeting_id)
    office = is_office(actor, township)
    if office and data.representative_id is not None:
        rep = find_representative(township, data.representative_id)
    else:
        own = representative_of(actor)
        if own is None:
            if office:
                raise ValidationFailed(errors={"representative_id": [_("请选择代表")]})
            raise PermissionDenied(_("只有列席会议的代表和联络办公室可以登记意见建议"))
        rep = own
    if meeting.held_at is None:
        raise SittingRuleBroken(_("请先登记出席情况，再登记意见建议"))
    if not _attended(meeting, rep):
        raise SittingRuleBroken(_("%(n)s 没有列席本次会议", n=rep.name))
    row = Suggestion(
        meeting_id=meeting.id,
        representative_id=rep.id,
        text=data.text,
        outcome=Outcome.PENDING,
        recorded_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    _audit(
        "sitting.suggestion", actor, township, "sitting_suggestion", row.id, representative=rep.id
    )
    return row


def _pending(suggestion: Suggestion) -> None:
    if suggestion.outcome == Outcome.CASE:
        raise SittingRuleBroken(_("该意见建议已转为诉求办理"))


def _tell(
    township: Township, suggestion: Suggestion, rep: Representative, title: str, body: str
) -> None:
    """Back to the representative: in the inbox, or by SMS without an account."""
    with_account = [rep.user_id] if rep.user_id is not None else []
    by_phone = [(rep.name, rep.phone)] if rep.user_id is None and rep.phone else []
    if not with_account and not by_phone:
        return
    notify.notify(
        with_account,
        title,
        body,
        tenant_id=township.id,
        link=meeting_url(township, suggestion.meeting_id),
        phones=by_phone,
        dedupe_key=f"si:{township.id}:suggestion:{suggestion.id}:{suggestion.outcome}"
        f":{suggestion.answered_on or ''}:{len(suggestion.answer or '')}",
        kind="sitting.answer",
    )


@use_case
def suggestion_to_case(
    actor: Actor, township: Township, suggestion_id: int, data: SuggestionCaseInput
) -> casework.NewCase:
    """Register the suggestion as a case received by its representative, sourced to the
    meeting: one transaction with the suggestion's outcome."""
    _read(actor, township)
    suggestion = find_suggestion(township, suggestion_id)
    _write(actor, township)
    if suggestion.outcome != Outcome.PENDING:
        raise SittingRuleBroken(_("该意见建议已处理"))
    meeting = find_meeting(township, suggestion.meeting_id)
    rep = find_representative(township, suggestion.representative_id)
    made = casework.register(
        actor,
        township,
        casework.CaseInput(
            title=data.title,
            body=data.body,
            category=data.category,
            complexity=data.complexity,
            channel=CASE_CHANNEL,
            raiser_name=rep.name,
            received_by_id=rep.id,
            on_behalf=True,
            source_type=SOURCE_TYPE,
            source_id=meeting.id,
        ),
    )
    suggestion.outcome = Outcome.CASE
    suggestion.case_id = made.case.id
    db.session.flush()
    _tell(
        township,
        suggestion,
        rep,
        _("您列席%(t)s时提出的意见已转为诉求办理", t=meeting.title),
        _("诉求：%(t)s", t=data.title),
    )
    _audit(
        "sitting.suggestion_case",
        actor,
        township,
        "sitting_suggestion",
        suggestion.id,
        case_id=made.case.id,
    )
    return made


@use_case
def answer_suggestion(
    actor: Actor,
    township: Township,
    suggestion_id: int,
    data: WrittenAnswerInput,
    *,
    today: date | None = None,
) -> Suggestion:
    """The committee's written answer, dated from the meeting's day to today (Asia/Shanghai);
    it goes back to the representative. A written answer may be corrected; a suggestion
    registered as a case is answered there."""
    _read(actor, township)
    suggestion = find_suggestion(township, suggestion_id)
    _write(actor, township)
    _pending(suggestion)
    meeting = find_meeting(township, suggestion.meeting_id)
    day = kit_today(today)
    answered_on = data.answered_on or day
    if answered_on > day:
        raise ValidationFailed(errors={"answered_on": [_("答复日期不能晚于今天")]})
    if answered_on < meeting.held_on:
        raise ValidationFailed(errors={"answered_on": [_("答复日期不能早于会议日期")]})
    suggestion.answer = data.answer
    suggestion.answered_on = answered_on
    suggestion.answered_by_id = actor.user_id
    suggestion.outcome = Outcome.ANSWERED
    db.session.flush()
    rep = find_representative(township, suggestion.representative_id)
    _tell(
        township,
        suggestion,
        rep,
        _("您列席%(t)s时提出的意见已答复", t=meeting.title),
        data.answer,
    )
    _audit(
        "sitting.suggestion_answer",
        actor,
        township,
        "sitting_suggestion",
        suggestion.id,
        answered_on=answered_on.isoformat(),
    )
    return suggestion


def get_suggestion(actor: Actor, township: Township, suggestion_id: int) -> Suggestion:
    _read(actor, township)
    return find_suggestion(township, suggestion_id)
