"""After the answers: the close (by the office, or the sweep after the deadline day), a secret
vote's count by the worker, the committee's answer sent back to everyone asked, the opinions
that become cases, and the .xlsx exports."""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.models import Channel
from lianxin.db import anonymous, db, utcnow
from lianxin.errors import Conflict, PermissionDenied
from lianxin.modules.consultations.inputs import FeedbackInput, OpinionCaseInput
from lianxin.modules.consultations.models import (
    Ballot,
    Consultation,
    Invitee,
    Mode,
    PooledBallot,
    State,
)
from lianxin.modules.consultations.stages.answering import answers, box, consultation_tally
from lianxin.modules.consultations.stages.common import (
    COUNT_TOPIC,
    KIND_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    SOURCE_TYPE,
    STANCE_LABELS,
    STATE_LABELS,
    _audit,
    find_invitee,
    get_consultation,
    label,
    office_consultation,
    sees_all,
)
from lianxin.modules.consultations.stages.opening import list_consultations, page_url
from lianxin.modules.kit import today
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.spreadsheets import table
from lianxin.tenants.models import Township
from lianxin.usecases import commit_on_its_own, use_case

SHANGHAI_FORMAT = "%Y-%m-%d %H:%M"


def _close(township: Township, consultation: Consultation) -> None:
    consultation.state, consultation.closed_at = State.CLOSED, utcnow()
    if consultation.mode == Mode.SECRET_VOTE:
        notify.enqueue(
            COUNT_TOPIC,
            {"consultation_id": consultation.id},
            tenant_id=township.id,
            dedupe_key=f"{COUNT_TOPIC}:{township.id}:{consultation.id}",
        )


@use_case
def close_consultation(actor: Actor, township: Township, consultation_id: int) -> Consultation:
    """The office closes a consultation to answers (before or after its deadline); a secret
    vote is then counted by the worker."""
    consultation = office_consultation(actor, township, consultation_id)
    if consultation.state != State.OPEN:
        raise Conflict(_("征询已截止"))
    _close(township, consultation)
    _audit("consultation.close", actor, township, consultation.id)
    if consultation.mode == Mode.SECRET_VOTE:
        commit_on_its_own("the count is queued on commit and may run at once: read it back")
        db.session.expire_all()
    return consultation


def close_due(township: Township) -> int:
    """The sweep: every open consultation whose deadline day has ended is closed (each in a
    transaction of its own, the count of a secret vote queued with it)."""
    day = today()
    ids = list(
        db.session.scalars(
            select(Consultation.id).where(
                Consultation.state == State.OPEN, Consultation.deadline < day
            )
        )
    )
    for consultation_id in ids:
        _close_one(township, consultation_id)
    return len(ids)


@use_case
def _close_one(township: Township, consultation_id: int) -> None:
    consultation = db.session.get(Consultation, (township.id, consultation_id))
    if consultation is not None and consultation.state == State.OPEN:
        _close(township, consultation)


def _locked(consultation_id: int) -> Consultation | None:
    return db.session.scalar(
        select(Consultation)
        .where(Consultation.id == consultation_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )


def count_closed(consultation_id: int) -> None:
    """After a secret vote closes: open every sealed ballot in one shuffled batch with fresh
    keys, and only when at least K voted; fewer are deleted unopened and give no tally. In the
    caller's transaction (the outbox delivery commits it)."""
    consultation = _locked(consultation_id)
    if (
        consultation is None
        or consultation.mode != Mode.SECRET_VOTE
        or consultation.state == State.OPEN
        or consultation.counted_at is not None
    ):
        return
    sealing = box(consultation)
    k = int(consultation.min_ballots or 1)
    released = anonymous.release(
        PooledBallot,
        [(consultation.id, PooledBallot.consultation_id == consultation.id)],
        minimum=k,
        closing=True,
        open_row=lambda row: sealing.open(row.sealed),
        final_row=lambda _row, content: Ballot(
            consultation_id=consultation.id, key=str(uuid.uuid4()), stance=content["stance"]
        ),
    )
    if released.withheld:
        consultation.result = {"withheld": True}
    else:
        counts: dict[str, int] = {}
        for stance in db.session.scalars(
            select(Ballot.stance).where(Ballot.consultation_id == consultation.id)
        ):
            counts[stance] = counts.get(stance, 0) + 1
        consultation.result = counts
    consultation.counted_at = utcnow()


@notify.handler(COUNT_TOPIC)
def _count_on_close(message: Any) -> None:
    count_closed(int(message.payload["consultation_id"]))


# --- the committee's answer -----------------------------------------------------------------------


@use_case
def give_feedback(
    actor: Actor, township: Township, consultation_id: int, data: FeedbackInput
) -> Consultation:
    """How the committee used the answers (采纳 / 部分采纳 / 未采纳, the reason), written once
    after the close and sent to every representative asked."""
    consultation = office_consultation(actor, township, consultation_id)
    if consultation.state == State.OPEN:
        raise Conflict(_("请先截止征询，再反馈采纳情况"))
    if consultation.state == State.REPLIED:
        raise Conflict(_("已经反馈过采纳情况"))
    consultation.outcome = data.outcome
    consultation.feedback = data.feedback
    consultation.feedback_at = utcnow()
    consultation.state = State.REPLIED
    title = _(
        "征询意见反馈：%(t)s（%(o)s）",
        t=consultation.title,
        o=label(OUTCOME_LABELS, data.outcome),
    )
    body = data.feedback or ""
    users: list[int] = []
    phones: list[tuple[str, str]] = []
    for rep in db.session.scalars(
        select(Representative)
        .join(Invitee, Invitee.representative_id == Representative.id)
        .where(Invitee.consultation_id == consultation.id)
    ):
        if rep.user_id is not None:
            users.append(rep.user_id)
        elif rep.phone:
            phones.append((rep.name, rep.phone))
    notify.notify(
        users,
        title,
        body,
        tenant_id=township.id,
        link=page_url(township, consultation),
        kind="general",
        phones=phones,
        dedupe_key=f"consultation:{township.id}:{consultation.id}:feedback",
    )
    _audit(
        "consultation.feedback",
        actor,
        township,
        consultation.id,
        outcome=data.outcome,
        recipients=len(users) + len(phones),
    )
    return consultation


# --- opinions that become cases -------------------------------------------------------------------


@use_case
def raise_case(
    actor: Actor, township: Township, invitee_id: int, data: OpinionCaseInput
) -> casework.NewCase:
    """An opinion that raises an issue becomes a case (诉求) received from its representative,
    pointing at the consultation; once per opinion."""
    invitee = find_invitee(township, invitee_id)
    consultation = office_consultation(actor, township, invitee.consultation_id)
    if not invitee.opinion:
        raise Conflict(_("该代表没有写意见"))
    if invitee.case_id is not None:
        raise Conflict(_("该意见已经转为诉求"))
    rep = db.session.get(Representative, (township.id, invitee.representative_id))
    assert rep is not None
    new = casework.register(
        actor,
        township,
        casework.CaseInput(
            title=data.title,
            body=invitee.opinion,
            category=data.category,
            channel=Channel.PAPER,
            raiser_name=rep.name,
            received_by_id=rep.id,
            source_type=SOURCE_TYPE,
            source_id=consultation.id,
        ),
    )
    invitee.case_id = new.case.id
    _audit(
        "consultation.case",
        actor,
        township,
        consultation.id,
        invitee_id=invitee.id,
        case_id=new.case.id,
    )
    return new


# --- exports --------------------------------------------------------------------------------------


def _time(value: Any) -> str:
    if value is None:
        return ""
    from lianxin.modules.registry import SHANGHAI

    return str(value.astimezone(SHANGHAI).strftime(SHANGHAI_FORMAT))


def answers_xlsx(actor: Actor, township: Township, consultation_id: int) -> bytes:
    """One consultation's answers: each representative's, or for a secret vote only the tally."""
    consultation = get_consultation(actor, township, consultation_id)
    if not sees_all(actor, township):
        raise PermissionDenied()
    result = consultation_tally(consultation)
    if consultation.mode == Mode.SECRET_VOTE:
        rows: list[list[Any]] = [
            [_("征询代表"), result.invited],
            [_("已投票"), result.answered],
        ]
        if result.withheld:
            rows.append([_("结果"), _("投票人数不足，不公布结果")])
        elif consultation.counted_at is None:
            rows.append([_("结果"), _("尚未计票")])
        else:
            for stance in ("agree", "disagree", "abstain"):
                rows.append([label(STANCE_LABELS, stance), result.counts.get(stance, 0)])
        return table(consultation.title, [_("项目"), _("数量")], rows, widths=(20, 12))
    return table(
        consultation.title,
        [_("代表"), _("态度"), _("意见"), _("答复时间"), _("答复方式"), _("转为诉求")],
        [
            [
                row.representative.name,
                label(STANCE_LABELS, row.invitee.stance) if row.answered else _("未答复"),
                row.invitee.opinion or "",
                _time(row.invitee.answered_at),
                {"account": _("账号"), "link": _("短信链接")}.get(
                    row.invitee.answered_via or "", ""
                ),
                row.invitee.case_id or "",
            ]
            for row in answers(actor, township, consultation.id)
        ],
        widths=(12, 10, 60, 18, 10, 10),
    )


def register_xlsx(actor: Actor, township: Township) -> bytes:
    """The register of the township's consultations, newest first (office and committee)."""
    if not sees_all(actor, township):
        raise PermissionDenied()
    rows = []
    for c in list_consultations(actor, township):
        result = consultation_tally(c)
        rows.append(
            [
                c.title,
                label(KIND_LABELS, c.kind),
                label(MODE_LABELS, c.mode),
                _time(c.opened_at),
                c.deadline,
                label(STATE_LABELS, c.state),
                result.invited,
                result.answered,
                label(OUTCOME_LABELS, c.outcome) if c.outcome else "",
                c.feedback or "",
            ]
        )
    return table(
        _("征询意见台账"),
        [
            _("事项"),
            _("类别"),
            _("方式"),
            _("发起时间"),
            _("截止日期"),
            _("状态"),
            _("征询代表"),
            _("已答复"),
            _("采纳情况"),
            _("反馈说明"),
        ],
        rows,
        widths=(40, 12, 12, 18, 12, 10, 10, 10, 10, 40),
    )
