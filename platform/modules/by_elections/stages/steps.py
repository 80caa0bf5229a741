"""The first five steps: 登记 (the vacancies and the seats), 报名 (candidates sign up or are put
forward), 推选 (the unit recommends), 公示 (the public notice, with its period) and 审查 (each
candidate passed or failed with a reason, never before the notice period has ended)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.by_elections.errors import NoticeRunning
from lianxin.modules.by_elections.inputs import (
    ByElectionInput,
    CandidateInput,
    QuotasInput,
    RecommendInput,
    ReviewInput,
    StepInput,
)
from lianxin.modules.by_elections.models import (
    ByElection,
    Candidate,
    State,
    Step,
    StepRecord,
    Vacancy,
)
from lianxin.modules.by_elections.stages.common import (
    _audit,
    _read,
    _record,
    _require_state,
    _write,
    candidates_of,
    find_candidate,
    get_election,
    notice_ends_on,
    settings,
    today,
)
from lianxin.notify import service as notify
from lianxin.people.models import PartyMember, Representative
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import use_case

# --- reads ----------------------------------------------------------------------------------------


def list_elections(actor: Actor, township: Township) -> list[ByElection]:
    return page_elections(actor, township)[0]


def page_elections(
    actor: Actor, township: Township, *, offset: int = 0, limit: int | None = None
) -> tuple[list[ByElection], int]:
    """(one page of the by-elections, newest first; how many there are)."""
    _read(actor, township)
    return paged(
        select(ByElection).order_by(ByElection.id.desc()),
        ByElection.id,
        offset=offset,
        limit=limit,
    )


def vacancies_of(election: ByElection) -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative)
            .join(
                Vacancy,
                (Vacancy.representative_id == Representative.id)
                & (Vacancy.tenant_id == Representative.tenant_id),
            )
            .where(Vacancy.election_id == election.id)
            .order_by(Representative.name_pinyin)
        )
    )


def open_vacancies(actor: Actor, township: Township) -> list[Representative]:
    """Representatives whose qualification ended and whose seat no by-election fills yet."""
    _read(actor, township)
    taken = select(Vacancy.representative_id)
    return list(
        db.session.scalars(
            select(Representative)
            .where(Representative.status != "in_office", Representative.id.not_in(taken))
            .order_by(Representative.ended_on.desc(), Representative.name_pinyin)
        )
    )


# --- 登记 -----------------------------------------------------------------------------------------


@use_case
def create_by_election(actor: Actor, township: Township, data: ByElectionInput) -> ByElection:
    """登记: the electoral unit, the seats, the term the elected serve the rest of, and the
    representatives whose qualification ended (their seats): recorded as the first step."""
    _write(actor, township)
    branch = db.session.get(Branch, (township.id, data.branch_id))
    if branch is None:
        raise ValidationFailed(errors={"branch_id": [_("请选择选举单位")]})
    reps = []
    for rep_id in dict.fromkeys(data.vacancy_ids):
        rep = db.session.get(Representative, (township.id, rep_id))
        if rep is None:
            raise ValidationFailed(errors={"vacancy_ids": [_("请选择出缺的代表")]})
        if rep.in_office:
            raise ValidationFailed(
                errors={"vacancy_ids": [_("%(n)s 的代表资格尚未终止", n=rep.name)]}
            )
        if db.session.scalar(select(Vacancy.id).where(Vacancy.representative_id == rep.id)):
            raise ValidationFailed(
                errors={"vacancy_ids": [_("%(n)s 的缺额已在其他补选中登记", n=rep.name)]}
            )
        reps.append(rep)
    if reps and data.seats > len(reps):
        raise ValidationFailed(errors={"seats": [_("应选名额不能多于登记的缺额")]})
    values = asdict(data)
    on = values.pop("registered_on")
    values.pop("vacancy_ids")
    election = ByElection(**values, state="")
    db.session.add(election)
    db.session.flush()
    for rep in reps:
        db.session.add(Vacancy(election_id=election.id, representative_id=rep.id))
    _audit(
        "by_election.create",
        actor,
        township,
        election.id,
        title=election.title,
        branch_id=branch.id,
        seats=election.seats,
        term=election.term,
        **({"quotas": dict(election.quotas)} if election.quotas else {}),
    )
    _record(actor, township, election, Step.REGISTRATION, on, "")
    return election


@use_case
def set_quotas(actor: Actor, township: Township, election_id: int, data: QuotasInput) -> ByElection:
    """The structure quotas (结构名额) changed while 报名 is open: all of them at once."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.REGISTERED)
    before = dict(election.quotas or {})
    election.quotas = dict(data.quotas)
    audit.record(
        "by_election.quotas",
        actor=actor,
        tenant_id=township.id,
        target_type="by_election",
        target_id=election.id,
        before={"quotas": before},
        after={"quotas": dict(data.quotas)},
    )
    return election


# --- 报名 -----------------------------------------------------------------------------------------


@use_case
def add_candidate(
    actor: Actor, township: Township, election_id: int, data: CandidateInput
) -> Candidate:
    """报名: a party member signs up or is put forward, while registration is open."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.REGISTERED)
    if data.party_member_id is not None:
        member = db.session.get(PartyMember, (township.id, data.party_member_id))
        if member is None or member.branch_id != election.branch_id:
            raise ValidationFailed(errors={"party_member_id": [_("须为本选举单位的党员")]})
    same = select(Candidate.id).where(
        Candidate.election_id == election.id,
        Candidate.name == data.name,
        Candidate.birth_date == data.birth_date,
    )
    if db.session.scalar(same) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名且出生日期相同的候选人")]})
    candidate = Candidate(election_id=election.id, **asdict(data))
    db.session.add(candidate)
    db.session.flush()
    _audit("by_election.candidate", actor, township, election.id, name=candidate.name)
    return candidate


@use_case
def remove_candidate(actor: Actor, township: Township, election_id: int, candidate_id: int) -> None:
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.REGISTERED)
    candidate = find_candidate(township, election, candidate_id)
    db.session.delete(candidate)
    _audit("by_election.candidate_remove", actor, township, election.id, name=candidate.name)


@use_case
def close_nomination(
    actor: Actor, township: Township, election_id: int, data: StepInput
) -> StepRecord:
    """报名 ends: recorded with its date; at least as many candidates as seats."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    if len(candidates_of(election)) < election.seats + 1:
        raise ValidationFailed(errors={"candidates": [_("报名人数须多于应选名额（差额）")]})
    return _record(actor, township, election, Step.NOMINATION, data.on, data.note)


# --- 推选 -----------------------------------------------------------------------------------------


@use_case
def recommend(
    actor: Actor, township: Township, election_id: int, data: RecommendInput
) -> StepRecord:
    """推选: the candidates the unit recommends (the others are out), recorded as a step."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    chosen = {find_candidate(township, election, c).id for c in data.candidate_ids}
    record = _record(actor, township, election, Step.RECOMMENDATION, data.on, data.note)
    for candidate in candidates_of(election):
        candidate.recommended = candidate.id in chosen
    _audit("by_election.recommend", actor, township, election.id, count=len(chosen))
    return record


def recommended_of(election: ByElection) -> list[Candidate]:
    return [c for c in candidates_of(election) if c.recommended]


# --- 公示 -----------------------------------------------------------------------------------------


@use_case
def publish_notice(
    actor: Actor, township: Township, election_id: int, data: StepInput
) -> StepRecord:
    """公示: the recommended candidates on public notice from the step's date for the township's
    period (frozen now: a later change of the setting does not move it)."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    record = _record(actor, township, election, Step.NOTICE, data.on, data.note)
    election.notice_days = int(settings(township.id)["notice_days"])
    reps = db.session.scalars(
        select(Representative.user_id).where(
            Representative.branch_id == election.branch_id,
            Representative.status == "in_office",
            Representative.user_id.is_not(None),
        )
    )
    notify.notify(
        [u for u in reps if u is not None],
        _("补选候选人公示：%(t)s", t=election.title),
        _("公示期 %(n)d 天", n=election.notice_days),
        tenant_id=township.id,
        link=f"/p/{township.slug}/by_elections/{election.id}",
        kind="general",
    )
    return record


# --- 审查 -----------------------------------------------------------------------------------------


def _after_notice(election: ByElection, day: date) -> None:
    ends = notice_ends_on(election)
    assert ends is not None
    if day < ends:
        raise NoticeRunning(
            _("公示期未满，%(d)s 起方可审查", d=ends.isoformat()),
        )


@use_case
def review_candidate(
    actor: Actor, township: Township, election_id: int, candidate_id: int, data: ReviewInput
) -> Candidate:
    """审查 of one recommended candidate: passed, or failed with a reason; only once the notice
    period has ended (on the township's calendar)."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.NOTICED)
    candidate = find_candidate(township, election, candidate_id)
    if not candidate.recommended:
        raise NotFound(_("未找到该候选人"))
    _after_notice(election, today())
    candidate.passed = data.passed
    candidate.review_reason = (data.reason or "").strip() or None
    _audit(
        "by_election.review",
        actor,
        township,
        election.id,
        name=candidate.name,
        passed=data.passed,
        reason=candidate.review_reason,
    )
    return candidate


@use_case
def close_review(actor: Actor, township: Township, election_id: int, data: StepInput) -> StepRecord:
    """审查 recorded: its date on or after the end of the notice period; every recommended
    candidate reviewed."""
    election = get_election(actor, township, election_id)
    _write(actor, township)
    _require_state(election, State.NOTICED)
    _after_notice(election, data.on or today())
    if any(c.passed is None for c in recommended_of(election)):
        raise ValidationFailed(errors={"candidates": [_("还有候选人未审查")]})
    return _record(actor, township, election, Step.REVIEW, data.on, data.note)


def get_candidate(
    actor: Actor, township: Township, election_id: int, candidate_id: int
) -> Candidate:
    election = get_election(actor, township, election_id)
    return find_candidate(township, election, candidate_id)
