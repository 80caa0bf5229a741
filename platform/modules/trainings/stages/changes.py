"""A session changed before it starts (topic, kind, dates, place, content, whom) and a session
cancelled (with the reason). Those affected are told: a change goes to everyone still invited,
the newly invited get their invitation, those no longer invited are told so; new dates void the
answers and leave given (asked again). A cancelled session keeps its rows as history; its
answers, leave and check-ins are void and no count takes it (`standing.not_cancelled`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from lianxin.auth.actor import Actor
from lianxin.db import db, utcnow
from lianxin.errors import ValidationFailed
from lianxin.modules.kit import today as kit_today
from lianxin.modules.trainings.errors import TrainingRuleBroken
from lianxin.modules.trainings.inputs import MAX_DAYS, SessionInput
from lianxin.modules.trainings.models import (
    Answer,
    Audience,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.modules.trainings.stages.common import (
    _audit,
    _write,
    find_session,
    invitations_of,
)
from lianxin.modules.trainings.stages.sessions import (
    _audience,
    _tell_invited,
    _when,
    session_url,
)
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case

EDITABLE = ("title", "kind", "starts_on", "ends_on", "place", "content", "audience")
WHOM = ("audience", "group_ids", "representative_ids")


def _before_start(session: TrainingSession, today: date) -> None:
    if session.cancelled:
        raise TrainingRuleBroken(_("该培训已取消"))
    if today >= session.starts_on:
        raise TrainingRuleBroken(
            _("培训已于 %(d)s 开始，不能再修改", d=session.starts_on.isoformat())
        )


def _merged(session: TrainingSession, changes: Changes[SessionInput]) -> SessionInput:
    """The session as it would be: its present values with the changes on top."""
    invited = [i.representative_id for i in invitations_of(session)]
    now = SessionInput(
        title=session.title,
        kind=session.kind,
        starts_on=session.starts_on,
        ends_on=session.ends_on,
        place=session.place,
        content=session.content,
        audience=session.audience,
        group_ids=list(session.group_ids or []),
        representative_ids=invited if session.audience == Audience.NAMED else [],
    )
    values: dict[str, Any] = {k: changes[k] for k in changes}
    if "starts_on" in values and "ends_on" not in values and session.days == 1:
        values["ends_on"] = values["starts_on"]  # a one-day session stays one day
    merged = replace(now, **values)
    ends = merged.ends_on or merged.starts_on
    if ends < merged.starts_on:
        raise ValidationFailed(errors={"ends_on": [_("结束日期不能早于开始日期")]})
    if (ends - merged.starts_on).days + 1 > MAX_DAYS:
        raise ValidationFailed(errors={"ends_on": [_("一期培训不超过%(n)s天", n=MAX_DAYS)]})
    if merged.audience == Audience.GROUPS and not merged.group_ids:
        raise ValidationFailed(errors={"group_ids": [_("请选择代表小组")]})
    if merged.audience == Audience.NAMED and not merged.representative_ids:
        raise ValidationFailed(errors={"representative_ids": [_("请选择参训代表")]})
    return replace(merged, ends_on=ends)


def _tell(
    township: Township,
    session: TrainingSession,
    reps: list[Representative],
    subject: str,
    body: str,
    kind: str,
    key: str,
) -> None:
    with_account = [r.user_id for r in reps if r.user_id is not None]
    by_phone = [(r.name, r.phone) for r in reps if r.user_id is None and r.phone]
    if not with_account and not by_phone:
        return
    notify.notify(
        with_account,
        subject,
        body,
        tenant_id=township.id,
        link=session_url(township, session.id),
        phones=by_phone,
        dedupe_key=f"tr:{township.id}:{session.id}:{key}",
        kind=kind,
    )


@use_case
def update_session(
    actor: Actor,
    township: Township,
    session_id: int,
    changes: Changes[SessionInput],
    *,
    today: date | None = None,
) -> TrainingSession:
    """Change a session before its first day (Asia/Shanghai). New dates put every answer and
    leave back to be given again; a new audience invites the new and lets the others go."""
    _write(actor, township)
    session = find_session(township, session_id)
    _before_start(session, kit_today(today))
    data = _merged(session, changes)
    before = {k: _plain(getattr(session, k)) for k in EDITABLE}
    dates_moved = (data.starts_on, data.ends_on) != (session.starts_on, session.ends_on)
    for key in EDITABLE:
        setattr(session, key, getattr(data, key))
    session.group_ids = sorted(set(data.group_ids)) if data.audience == Audience.GROUPS else []

    invitations = {i.representative_id: i for i in invitations_of(session)}
    added: list[Representative] = []
    removed: list[Representative] = []
    if any(k in changes for k in WHOM):
        reps = _audience(township, data)
        if not reps:
            raise ValidationFailed(errors={"audience": [_("参训对象中没有在任代表")]})
        wanted = {r.id: r for r in reps}
        added = [r for r in reps if r.id not in invitations]
        gone = [i for rid, i in invitations.items() if rid not in wanted]
        if gone:
            removed = list(
                db.session.scalars(
                    select(Representative).where(
                        Representative.id.in_([i.representative_id for i in gone])
                    )
                )
            )
            db.session.execute(
                delete(TrainingInvitation).where(TrainingInvitation.id.in_([i.id for i in gone]))
            )
        db.session.add_all(
            TrainingInvitation(
                session_id=session.id, representative_id=r.id, term=r.term, answer=Answer.PENDING
            )
            for r in added
        )
    if dates_moved:
        for inv in invitations.values():
            inv.answer = Answer.PENDING
            inv.answered_at = None
            inv.leave = inv.leave_reason = inv.leave_half = None
            inv.leave_day = None
            inv.leave_decided_by_id = inv.leave_decided_at = None
    db.session.flush()

    stamp = utcnow().isoformat()
    added_ids = {r.id for r in added}
    kept = list(
        db.session.scalars(
            select(Representative).where(
                Representative.id.in_([i.representative_id for i in invitations_of(session)]),
                Representative.id.notin_(added_ids or {0}),
            )
        )
    )
    after = {k: _plain(getattr(session, k)) for k in EDITABLE}
    changed = [k for k in EDITABLE if before[k] != after[k]]
    if changed:
        _tell(
            township,
            session,
            kept,
            _("学习培训有变更：%(t)s", t=session.title),
            _(
                "现定于 %(w)s 在 %(p)s。%(again)s",
                w=_when(session),
                p=session.place or _("（地点另行通知）"),
                again=_("请重新确认参加或请假。") if dates_moved else "",
            ),
            "training.changed",
            f"changed:{stamp}",
        )
    if added:
        _tell_invited(township, session, added, f"invite:{stamp}")
    if removed:
        _tell(
            township,
            session,
            removed,
            _("无需参加学习培训：%(t)s", t=session.title),
            _("参训对象已调整，您不在本期培训的参训名单中。"),
            "training.changed",
            f"removed:{stamp}",
        )
    _audit(
        "training.update",
        actor,
        township,
        "training_session",
        session.id,
        changed=changed,
        audience_changed=bool(added or removed),
        invited=len(added),
        uninvited=len(removed),
        answers_reset=dates_moved,
    )
    return session


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@use_case
def cancel_session(
    actor: Actor,
    township: Township,
    session_id: int,
    reason: str,
    *,
    today: date | None = None,
) -> TrainingSession:
    """Call a session off, until its last day is over, with the reason: everyone invited is
    told; answers, leave and check-ins stay as history but no longer count."""
    _write(actor, township)
    session = find_session(township, session_id)
    if session.cancelled:
        raise TrainingRuleBroken(_("该培训已取消"))
    if kit_today(today) > session.ends_on:
        raise TrainingRuleBroken(_("培训已于 %(d)s 结束，不能取消", d=session.ends_on.isoformat()))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(errors={"reason": [_("请填写取消原因")]})
    session.cancelled_at = utcnow()
    session.cancel_reason = reason[:200]
    session.cancelled_by_id = actor.user_id
    db.session.flush()
    invited = [i.representative_id for i in invitations_of(session)]
    reps = list(db.session.scalars(select(Representative).where(Representative.id.in_(invited))))
    _tell(
        township,
        session,
        reps,
        _("学习培训已取消：%(t)s", t=session.title),
        _("原定于 %(w)s 的培训取消。原因：%(r)s", w=_when(session), r=session.cancel_reason),
        "training.cancelled",
        "cancelled",
    )
    _audit(
        "training.cancel",
        actor,
        township,
        "training_session",
        session.id,
        reason=session.cancel_reason,
        invited=len(reps),
    )
    return session
