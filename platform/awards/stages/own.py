"""A township's own selection of a year (乡镇评先): opened by the township's office, its best
representatives ranked by the duty record's scores (履职积分), its stations and handling units
by the township's own rollup rows of the year, its suggestions from the items it marked as
adopted in that year; the winners chosen each with a reason, then closed and published as the
township's honour roll beside the county's.

Every row is the township's: the selection names it (`township_id`), its candidates are its
own rows of `award_candidates` (written and read in its context, the county policy lets a
township touch only its own, and since 0046 the county's context none of them). A selection of
the county, or of another township, is not found. The office runs it; the township's committee
(党委委员) reads it and its exports, read-only. Published, the committee and the representatives
chosen are told.

open (推荐中: the candidates may be gathered again) → choosing (评选中: fixed, the winners are
chosen up to each category's number) → closed (已公布)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.awards.errors import AwardRuleBroken
from lianxin.awards.inputs import ChoiceInput, SelectionInput
from lianxin.awards.models import Candidate, Category, Selection, SelectionState
from lianxin.awards.stages import choosing
from lianxin.awards.stages.adoptions import adopted_items
from lianxin.awards.stages.common import (
    ADOPTED_BY_LABELS,
    CATEGORY_LABELS,
    EXTRA_METRIC_LABELS,
    POOL_FACTOR,
    _require_office,
    _require_own_reader,
    find_own_selection,
    own_selections_of,
)
from lianxin.awards.stages.selections import Roll, _shown_title
from lianxin.county.models import CountyEntityRollup
from lianxin.db import db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# The categories a township's selection ranks by the township's own rollup rows.
ROLLUP_CATEGORIES = (Category.STATION, Category.UNIT)


_candidates = choosing.candidates_by_category


def _roll(township: Township, selection: Selection, *, winners_only: bool = False) -> Roll:
    return Roll(
        selection, _candidates(selection, winners_only=winners_only), {township.id: township.name}
    )


def own_selections(actor: Actor, township: Township) -> list[Selection]:
    """The township's own selections, newest year first (the office's; the committee reads)."""
    _require_own_reader(actor, township)
    return own_selections_of(township.id)


def get_own_selection(actor: Actor, township: Township, selection_id: int) -> Selection:
    _require_own_reader(actor, township)
    return find_own_selection(township, selection_id)


def own_roll(actor: Actor, township: Township, selection_id: int) -> Roll:
    """One of the township's own selections with every candidate (the office's page, which
    the committee reads)."""
    selection = get_own_selection(actor, township, selection_id)
    return _roll(township, selection)


@use_case
def open_own_selection(actor: Actor, township: Township, data: SelectionInput) -> Selection:
    """Open the township's own selection of a year: one a year per township."""
    _require_office(actor, township)
    selection = choosing.insert_once(
        Selection(
            county_id=township.county_id,
            township_id=township.id,
            opened_by_id=actor.user_id,
            **asdict(data),
        ),
        _("本镇%(y)s年度的评选已经开启", y=data.year),
    )
    audit.record(
        "award.selection_open",
        actor=actor,
        tenant_id=township.id,
        target_type="award_selection",
        target_id=selection.id,
        after=asdict(data),
    )
    return selection


def _label(metric: str) -> str:
    from lianxin.county import service as county_figures

    info = next((m for m in county_figures.catalog() if m.key == metric), None)
    return str(info.metric.label) if info else str(EXTRA_METRIC_LABELS.get(metric, metric))


def _rollup_rows(township: Township, selection: Selection, category: str) -> list[Any]:
    """The township's own rollup rows of the year for one kind, best first."""
    from lianxin.county import service as county_figures

    metric = selection.metric(category) or ""
    info = next((m for m in county_figures.catalog() if m.key == metric), None)
    lower = bool(info and info.metric.lower_is_better)
    rows = list(
        db.session.scalars(
            select(CountyEntityRollup).where(
                CountyEntityRollup.tenant_id == township.id,
                CountyEntityRollup.period == str(selection.year),
                CountyEntityRollup.kind == category,
                CountyEntityRollup.metric == metric,
                CountyEntityRollup.value.is_not(None),
            )
        )
    )
    rows.sort(key=lambda r: ((r.value or 0.0) * (1 if lower else -1), r.name))
    return rows


def _gather(actor: Actor, township: Township, selection: Selection) -> dict[str, int]:
    """Replace the selection's candidates (in the township's context): representatives by the
    duty record's scores, stations and units by the township's rollups (twice each category's
    number, best first), suggestions from every item adopted in the selection's year."""
    from lianxin.duty_records import service as duty_records

    counts: dict[str, int] = {}
    db.session.execute(
        delete(Candidate).where(
            Candidate.tenant_id == township.id, Candidate.selection_id == selection.id
        )
    )

    def add(category: str, rank: int | None, entity_id: int, name: str, **extra: Any) -> None:
        db.session.add(
            Candidate(
                county_id=township.county_id,
                tenant_id=township.id,
                selection_id=selection.id,
                category=category,
                entity_id=entity_id,
                name=name[:200],
                rank=rank,
                **extra,
            )
        )

    pool = selection.quota(Category.REPRESENTATIVE) * POOL_FACTOR
    # Every representative of the year, best score first; one below the county's inactive
    # threshold stays a candidate, marked so (a township's scores may all be low early on).
    scores = duty_records.township_scores(township, selection.year)
    for rank, score in enumerate(scores[:pool], start=1):
        shown = f"{EXTRA_METRIC_LABELS['duty_score']}：{score.score:g}"
        add(
            Category.REPRESENTATIVE,
            rank,
            score.representative_id,
            score.name,
            kind="",
            value=score.score,
            summary=shown + (_("（低于履职不足线）") if score.flagged else ""),
        )
    counts[Category.REPRESENTATIVE] = min(len(scores), pool)
    for category in ROLLUP_CATEGORIES:
        rows = _rollup_rows(township, selection, category)
        rows = rows[: selection.quota(category) * POOL_FACTOR]
        label = _label(selection.metric(category) or "")
        for rank, row in enumerate(rows, start=1):
            shown = f"{row.value:g}" if row.value is not None else "—"
            add(
                category,
                rank,
                row.entity_id,
                row.name,
                kind="",
                value=row.value,
                summary=f"{label}：{shown}",
            )
        counts[category] = len(rows)
    items = adopted_items(actor, township, year=selection.year)
    for item in items:
        who = ADOPTED_BY_LABELS.get(item.adopted_by, item.adopted_by)
        add(
            Category.SUGGESTION,
            None,
            item.item_id,
            _shown_title(item.title),
            kind=item.kind,
            summary=_("%(who)s采纳", who=who) + (f"；{item.note}" if item.note else ""),
        )
    counts[Category.SUGGESTION] = len(items)
    selection.gathered_at = utcnow()
    db.session.flush()
    return counts


@use_case
def gather_own_candidates(actor: Actor, township: Township, selection_id: int) -> dict[str, int]:
    """Take the candidates afresh while the selection is open; again replaces them."""
    _require_office(actor, township)
    selection = find_own_selection(township, selection_id)
    if selection.state != SelectionState.OPEN:
        raise AwardRuleBroken(_("候选名单已经确定"))
    with tenant_context(township.id):
        counts = _gather(actor, township, selection)
    audit.record(
        "award.candidates_gathered",
        actor=actor,
        tenant_id=township.id,
        target_type="award_selection",
        target_id=selection.id,
        after={str(k): v for k, v in counts.items()},
    )
    return counts


@use_case
def start_own_choosing(actor: Actor, township: Township, selection_id: int) -> Selection:
    """Fix the candidates (gathered afresh): refused when there is none at all."""
    _require_office(actor, township)
    selection = find_own_selection(township, selection_id)
    if selection.state != SelectionState.OPEN:
        raise AwardRuleBroken(_("候选名单已经确定"))
    with tenant_context(township.id):
        _gather(actor, township, selection)
        total = db.session.scalar(
            select(func.count(Candidate.id)).where(
                Candidate.tenant_id == township.id, Candidate.selection_id == selection.id
            )
        )
    if not total:
        raise AwardRuleBroken(_("尚无候选对象：本镇该年度尚无履职积分、统计或采纳事项"))
    selection.state = SelectionState.CHOOSING
    db.session.flush()
    audit.record(
        "award.selection_choosing",
        actor=actor,
        tenant_id=township.id,
        target_type="award_selection",
        target_id=selection.id,
        before={"state": SelectionState.OPEN},
        after={"state": SelectionState.CHOOSING, "candidates": total},
    )
    return selection


def _own_candidate(township: Township, candidate_id: int) -> tuple[Candidate, Selection]:
    """A candidate of one of the township's own selections; any other is not found."""
    with tenant_context(township.id):
        row = db.session.get(Candidate, int(candidate_id))
    if row is None or row.tenant_id != township.id:
        raise NotFound(_("未找到该候选对象"))
    selection = db.session.get(Selection, row.selection_id)
    if selection is None or selection.township_id != township.id:
        raise NotFound(_("未找到该候选对象"))
    return row, selection


def get_own_candidate(actor: Actor, township: Township, candidate_id: int) -> Candidate:
    _require_office(actor, township)
    return _own_candidate(township, candidate_id)[0]


@use_case
def choose_own(actor: Actor, township: Township, candidate_id: int, data: ChoiceInput) -> Candidate:
    """Choose a winner with its reason: once the candidates are fixed, up to the category's
    number."""
    _require_office(actor, township)
    row, selection = _own_candidate(township, candidate_id)
    return choosing.choose(actor, row, selection, data)


@use_case
def unchoose_own(actor: Actor, township: Township, candidate_id: int) -> Candidate:
    """Take a choice back while still choosing."""
    _require_office(actor, township)
    row, selection = _own_candidate(township, candidate_id)
    return choosing.unchoose(actor, row, selection)


def _tell_published(township: Township, selection: Selection) -> None:
    """As the county tells its townships' offices of its published roll: the township's
    committee is told the roll is out, and each representative chosen who has an account what
    they were chosen as, with the reason. No one outside the township."""
    from flask import url_for

    from lianxin.auth.models import Membership
    from lianxin.auth.roles import Role
    from lianxin.notify import service as notify
    from lianxin.people.models import Representative

    try:
        link = url_for("awards_public.index", township_slug=township.slug)
    except RuntimeError:  # no request (a seed, a task): the inbox entry goes without a link
        link = None
    kind = "awards.own_published"
    committee = db.session.scalars(
        select(Membership.user_id).where(
            Membership.tenant_id == township.id,
            Membership.role == Role.COMMITTEE_MEMBER.value,
        )
    ).all()
    if committee:
        notify.notify(
            committee,
            _("本镇评选结果已公布：%(t)s", t=selection.title),
            _("光荣榜已公布，请在本镇光荣榜查看。"),
            tenant_id=township.id,
            link=link,
            kind=kind,
            dedupe_key=f"{kind}:{selection.id}",
        )
    winners = _candidates(selection, winners_only=True).get(Category.REPRESENTATIVE, [])
    with tenant_context(township.id):
        accounts = dict(
            db.session.execute(
                select(Representative.id, Representative.user_id).where(
                    Representative.id.in_([c.entity_id for c in winners]),
                    Representative.user_id.is_not(None),
                )
            ).all()
        )
    for row in winners:
        user_id = accounts.get(row.entity_id)
        if user_id is None:
            continue
        notify.notify(
            [user_id],
            _("您在%(t)s中当选%(c)s", t=selection.title, c=CATEGORY_LABELS[row.category]),
            _("评选理由：%(r)s", r=row.reason or ""),
            tenant_id=township.id,
            link=link,
            kind=kind,
            dedupe_key=f"{kind}:{selection.id}:{row.id}",
        )


@use_case
def close_own_selection(actor: Actor, township: Township, selection_id: int) -> Selection:
    """Close and publish the township's honour roll: refused without a single winner. Its
    committee and the representatives chosen are told."""
    _require_office(actor, township)
    selection = choosing.close(actor, find_own_selection(township, selection_id))
    _tell_published(township, selection)
    return selection


def own_honour_roll(township: Township) -> Roll | None:
    """The township's newest published selection, winners only (public); None when none."""
    rolls = own_selections_of(township.id, state=SelectionState.CLOSED)
    if not rolls:
        return None
    return _roll(township, rolls[0], winners_only=True)
