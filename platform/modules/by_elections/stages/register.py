"""What is shown and kept: the public notices (公示 of the candidates, the result notice), the
register's .xlsx (steps and results, tallies only) and the figures the county compares."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.modules.by_elections.models import STEPS, ByElection, Candidate, State, Step
from lianxin.modules.by_elections.stages.common import (
    CHANNEL_LABELS,
    STATE_LABELS,
    STEP_LABELS,
    _get,
    _read,
    candidates_of,
    steps_of,
    today,
)
from lianxin.modules.by_elections.stages.quotas import QuotaLine, in_the_running, quota_lines
from lianxin.modules.by_elections.stages.steps import recommended_of
from lianxin.tenants.models import Branch, Township

PUBLIC_STATES = (State.NOTICED, State.REVIEWED, State.VOTING, State.COUNTED, State.ANNOUNCED)


def public_notices(township: Township) -> list[ByElection]:
    """The by-elections whose candidates have been on public notice, newest first."""
    return list(
        db.session.scalars(
            select(ByElection)
            .where(ByElection.state.in_([str(s) for s in PUBLIC_STATES]))
            .order_by(ByElection.id.desc())
        )
    )


def public_election(township: Township, election_id: int) -> ByElection:
    """A by-election's public notice page: once its candidates are on notice (404 before)."""
    election = _get(ByElection, township, election_id, _("未找到该公示"))
    if election.state not in PUBLIC_STATES:
        raise NotFound(_("未找到该公示"))
    return election


def public_candidates(election: ByElection) -> list[Candidate]:
    """The candidates on notice (recommended): the result notice lists them with their votes."""
    return recommended_of(election)


REVIEWED_STATES = (State.REVIEWED, State.VOTING, State.COUNTED, State.ANNOUNCED)


def quota_status(election: ByElection) -> list[QuotaLine]:
    """Each structure quota against the candidates that count now: once reviewed, those who
    passed (the ballot); before, those still in the running. Ages on the election's date once
    直选 is recorded, else today."""
    if not election.quotas:
        return []
    if election.state in REVIEWED_STATES:
        pool = [c for c in recommended_of(election) if c.passed]
    else:
        pool = in_the_running(candidates_of(election))
    held = steps_of(election).get(Step.ELECTION)
    return quota_lines(election, pool, held.on if held else today())


def quota_text(election: ByElection) -> str:
    """The quotas for the register: 妇女≥1（2）；农民≥1（1）— the count in brackets."""
    return "；".join(q.text() for q in quota_status(election))


def branch_name(township: Township, branch_id: int) -> str:
    branch = db.session.get(Branch, (township.id, branch_id))
    return branch.name if branch else ""


def register_xlsx(actor: Actor, township: Township) -> bytes:
    """The register: each by-election's unit, seats, six steps' dates, and its result (tallies
    only: ballots cast, each elected candidate's votes)."""
    _read(actor, township)
    headers = [
        _("名称"),
        _("选举单位"),
        _("届次"),
        _("应选名额"),
        _("结构名额（至少；括号内为符合的候选人数）"),
        *[str(STEP_LABELS[s]) for s in STEPS],
        _("投票方式"),
        _("差额幅度"),
        _("候选人数"),
        _("选民人数"),
        _("收回选票"),
        _("当选人（得票）"),
        _("结果公告日期"),
        _("状态"),
    ]
    rows = []
    for e in db.session.scalars(select(ByElection).order_by(ByElection.id)):
        steps = steps_of(e)
        candidates = recommended_of(e)
        elected = "、".join(f"{c.name}（{c.votes}）" for c in candidates if c.elected)
        rows.append(
            [
                e.title,
                branch_name(township, e.branch_id),
                e.term,
                e.seats,
                quota_text(e),
                *[steps[s].on if s in steps else None for s in STEPS],
                str(CHANNEL_LABELS.get(e.channel or "", "")),
                f"{e.margin_percent}%" if e.margin_percent is not None else "",
                len([c for c in candidates if c.passed]),
                e.voters,
                e.ballots,
                elected,
                e.announced_on,
                str(STATE_LABELS.get(e.state, e.state)),
            ]
        )
    return spreadsheets.table(_("补选登记簿"), headers, rows)


def held_between(start: date, end: date) -> tuple[int, int]:
    """(by-elections announced in [start, end), seats they filled)."""
    ids = list(
        db.session.scalars(
            select(ByElection.id).where(
                ByElection.state == State.ANNOUNCED,
                ByElection.announced_on >= start,
                ByElection.announced_on < end,
            )
        )
    )
    if not ids:
        return 0, 0
    filled = db.session.scalars(
        select(Candidate.id).where(
            Candidate.election_id.in_(ids), Candidate.representative_id.is_not(None)
        )
    ).all()
    return len(ids), len(filled)
