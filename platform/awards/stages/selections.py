"""The county's selection of a year (四十佳): opened by the county, its best representatives,
stations and handling units taken from the rollups (the county reads nothing else of its
townships), its best suggestions nominated by each township's office from the items it marked as
adopted in the selection's year, the winners chosen by the county's committee each with a
reason, then closed and published as the honour roll.

open (推荐中: townships nominate, the county may gather the figures) → choosing (评选中: the
candidates are fixed, the committee chooses up to each category's number) → closed (已公布)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.awards.errors import AwardRuleBroken
from lianxin.awards.inputs import ChoiceInput, NominationInput, SelectionInput
from lianxin.awards.models import Candidate, Category, Selection, SelectionState
from lianxin.awards.stages import choosing
from lianxin.awards.stages.adoptions import Adopted, adopted_items, find_adopted
from lianxin.awards.stages.common import (
    CATEGORIES,
    FIGURE_CATEGORIES,
    POOL_FACTOR,
    _require_admin,
    _require_office,
    _require_viewer,
    find_selection,
    selections_of,
)
from lianxin.county import service as county_figures
from lianxin.county.models import CountyEntityRollup
from lianxin.db import db, utcnow
from lianxin.db.tenancy import county_context
from lianxin.errors import NotFound
from lianxin.notify import service as notify
from lianxin.tenants.models import County, Township
from lianxin.usecases import use_case


@dataclass
class Roll:
    """A selection with its candidates by category (winners first), as a page shows it."""

    selection: Selection
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    townships: dict[int, str] = field(default_factory=dict)

    def winners(self, category: str) -> list[Candidate]:
        return [c for c in self.candidates.get(category, []) if c.chosen]

    def chosen_count(self, category: str) -> int:
        return len(self.winners(category))

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.candidates.values())


def _townships(county_id: int) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Township.id, Township.name).where(Township.county_id == county_id)
        ).all()
    )


_candidates = choosing.candidates_by_category


def list_selections(actor: Actor, county: County) -> list[Selection]:
    _require_viewer(actor, county)
    return selections_of(county.id)


def get_selection(actor: Actor, county: County, selection_id: int) -> Selection:
    _require_viewer(actor, county)
    return find_selection(county.id, selection_id)


def selection_roll(actor: Actor, county: County, selection_id: int) -> Roll:
    selection = get_selection(actor, county, selection_id)
    return Roll(selection, _candidates(selection), _townships(county.id))


def _office_user_ids(county_id: int) -> dict[int, list[int]]:
    """Each township's liaison office, to be told that a selection opened or was published."""
    rows = db.session.execute(
        select(Membership.tenant_id, Membership.user_id).where(
            Membership.county_id == county_id,
            Membership.tenant_id.is_not(None),
            Membership.role.in_((Role.TOWNSHIP_ADMIN.value, Role.TOWNSHIP_STAFF.value)),
        )
    ).all()
    out: dict[int, list[int]] = defaultdict(list)
    for tenant_id, user_id in rows:
        if user_id not in out[tenant_id]:
            out[tenant_id].append(user_id)
    return out


def _tell_offices(county: County, selection: Selection, kind: str, title: str, body: str) -> None:
    from flask import url_for

    for township_id, user_ids in _office_user_ids(county.id).items():
        township = db.session.get(Township, township_id)
        if township is None or not township.is_active:
            continue
        try:
            link = url_for("awards.index", township_slug=township.slug)
        except RuntimeError:  # no request (a seed, a task): the inbox entry goes without a link
            link = None
        notify.notify(
            user_ids,
            title,
            body,
            tenant_id=township_id,
            link=link,
            kind=kind,
            dedupe_key=f"{kind}:{selection.id}:{township_id}",
        )


@use_case
def open_selection(actor: Actor, county: County, data: SelectionInput) -> Selection:
    """Open the year's selection; one a year per county. The townships' offices are told."""
    _require_admin(actor, county)
    selection = choosing.insert_once(
        Selection(county_id=county.id, opened_by_id=actor.user_id, **asdict(data)),
        _("%(y)s年度的评选已经开启", y=data.year),
    )
    audit.record(
        "award.selection_open",
        actor=actor,
        county_id=county.id,
        target_type="award_selection",
        target_id=selection.id,
        after=asdict(data),
    )
    _tell_offices(
        county,
        selection,
        "awards.opened",
        _("县级评选开始推荐：%(t)s", t=selection.title),
        _("请从本镇已采纳的意见建议中推荐参评“十佳意见建议”。"),
    )
    return selection


def _figures(county: County, selection: Selection, category: str) -> list[CountyEntityRollup]:
    """The year's rollup figures of one kind: ranked best first, a rate drawn from fewer cases
    than the county's least number left out (as the county's rankings do)."""
    metric = selection.metric(category) or ""
    info = next((m for m in county_figures.catalog() if m.key == metric), None)
    is_rate = info is not None and info.metric.kind in ("rate", "days")
    lower = bool(info and info.metric.lower_is_better)
    minimum = county_figures.get_settings(county).min_count
    with county_context(county.id):
        rows = list(
            db.session.scalars(
                select(CountyEntityRollup).where(
                    CountyEntityRollup.county_id == county.id,
                    CountyEntityRollup.period == str(selection.year),
                    CountyEntityRollup.kind == category,
                    CountyEntityRollup.metric == metric,
                    CountyEntityRollup.value.is_not(None),
                )
            )
        )
    rows = [r for r in rows if not (is_rate and (r.n or 0) < minimum)]
    rows.sort(key=lambda r: (r.value or 0.0) * (1 if lower else -1))
    return rows


def _summary(row: CountyEntityRollup, metric: str) -> str:
    from lianxin.awards.stages.common import EXTRA_METRIC_LABELS

    info = next((m for m in county_figures.catalog() if m.key == metric), None)
    label = str(info.metric.label) if info else str(EXTRA_METRIC_LABELS.get(metric, metric))
    if info is not None and row.value is not None:
        shown = county_figures.format_value(info, county_figures.Cell(row.value, row.n, "ok"))
    else:
        shown = f"{row.value:g}" if row.value is not None else "—"
    return f"{label}：{shown}"


@use_case
def gather_candidates(actor: Actor, county: County, selection_id: int) -> dict[str, int]:
    """Take the figure-based categories' candidates from the year's rollups (twice each
    category's number, best first); again replaces them. Nominations are the townships'."""
    _require_admin(actor, county)
    with county_context(county.id):
        selection = find_selection(county.id, selection_id)
        if selection.state != SelectionState.OPEN:
            raise AwardRuleBroken(_("候选名单已经确定"))
        counts: dict[str, int] = {}
        for category in FIGURE_CATEGORIES:
            db.session.execute(
                delete(Candidate).where(
                    Candidate.county_id == county.id,
                    Candidate.selection_id == selection.id,
                    Candidate.category == category,
                )
            )
            rows = _figures(county, selection, category)[: selection.quota(category) * POOL_FACTOR]
            metric = selection.metric(category) or ""
            for rank, row in enumerate(rows, start=1):
                db.session.add(
                    Candidate(
                        county_id=county.id,
                        tenant_id=row.tenant_id,
                        selection_id=selection.id,
                        category=category,
                        entity_id=row.entity_id,
                        kind="",
                        name=row.name,
                        summary=_summary(row, metric),
                        value=row.value,
                        rank=rank,
                    )
                )
            counts[category] = len(rows)
        selection.gathered_at = utcnow()
        db.session.flush()
        audit.record(
            "award.candidates_gathered",
            actor=actor,
            county_id=county.id,
            target_type="award_selection",
            target_id=selection.id,
            after=dict(counts),
        )
    return counts


@use_case
def start_choosing(actor: Actor, county: County, selection_id: int) -> Selection:
    """Fix the candidates (the figures gathered afresh, nominations closed): refused when there
    is no candidate at all."""
    _require_admin(actor, county)
    selection = find_selection(county.id, selection_id)
    if selection.state != SelectionState.OPEN:
        raise AwardRuleBroken(_("候选名单已经确定"))
    gather_candidates(actor, county, selection.id)
    with county_context(county.id):
        total = db.session.scalar(
            select(func.count(Candidate.id)).where(
                Candidate.county_id == county.id, Candidate.selection_id == selection.id
            )
        )
    if not total:
        raise AwardRuleBroken(_("尚无候选对象：请先刷新县级统计或等待乡镇推荐"))
    selection.state = SelectionState.CHOOSING
    db.session.flush()
    audit.record(
        "award.selection_choosing",
        actor=actor,
        county_id=county.id,
        target_type="award_selection",
        target_id=selection.id,
        before={"state": SelectionState.OPEN},
        after={"state": SelectionState.CHOOSING, "candidates": total},
    )
    return selection


def _candidate(county: County, candidate_id: int) -> tuple[Candidate, Selection]:
    with county_context(county.id):
        row = db.session.get(Candidate, int(candidate_id))
    if row is None or row.county_id != county.id:
        raise NotFound(_("未找到该候选对象"))
    return row, find_selection(county.id, row.selection_id)


def get_candidate(actor: Actor, county: County, candidate_id: int) -> Candidate:
    """A candidate of this county's selections (another county's is not found)."""
    _require_viewer(actor, county)
    return _candidate(county, candidate_id)[0]


@use_case
def choose(actor: Actor, county: County, candidate_id: int, data: ChoiceInput) -> Candidate:
    """The committee chooses a winner, with its reason: only once the candidates are fixed, and
    no more than the category's number."""
    _require_admin(actor, county)
    row, selection = _candidate(county, candidate_id)
    return choosing.choose(actor, row, selection, data)


@use_case
def unchoose(actor: Actor, county: County, candidate_id: int) -> Candidate:
    """Take a choice back while the committee is still choosing."""
    _require_admin(actor, county)
    row, selection = _candidate(county, candidate_id)
    return choosing.unchoose(actor, row, selection)


@use_case
def close_selection(actor: Actor, county: County, selection_id: int) -> Selection:
    """Close and publish the honour roll: refused without a single winner."""
    _require_admin(actor, county)
    selection = choosing.close(actor, find_selection(county.id, selection_id))
    _tell_offices(
        county,
        selection,
        "awards.published",
        _("县级评选结果已公布：%(t)s", t=selection.title),
        _("光荣榜已公布，请在本镇“评先评优”页查看。"),
    )
    return selection


# --- the township's side: nominations, and the honour rolls it shows --------------------------


def open_selections(actor: Actor, township: Township) -> list[Selection]:
    """The township's county's selections still taking nominations."""
    from lianxin.auth import permissions

    permissions.require_member(actor, township)
    return selections_of(township.county_id, state=SelectionState.OPEN)


def township_selection(actor: Actor, township: Township, selection_id: int) -> Selection:
    """A selection of the township's county (another county's is not found)."""
    from lianxin.auth import permissions

    permissions.require_member(actor, township)
    return find_selection(township.county_id, selection_id)


def nominations(actor: Actor, township: Township, selection_id: int) -> list[Candidate]:
    """This township's own nominations to a selection (its own rows only)."""
    selection = township_selection(actor, township, selection_id)
    return list(
        db.session.scalars(
            select(Candidate)
            .where(
                Candidate.selection_id == selection.id,
                Candidate.tenant_id == township.id,
                Candidate.nominated.is_(True),
            )
            .order_by(Candidate.id)
        )
    )


def nominable(actor: Actor, township: Township, selection: Selection) -> list[Adopted]:
    """The township's items a selection may take: those adopted in its year, newest first."""
    return adopted_items(actor, township, year=selection.year)


def _shown_title(title: str) -> str:
    """An item's title as the honour roll shows it by default: without a case's number."""
    return re.sub(r"^#\d+\s+", "", title)


@use_case
def nominate(
    actor: Actor, township: Township, selection_id: int, data: NominationInput
) -> Candidate:
    """The office nominates one of the township's adopted items for the best suggestions: its
    own items only, adopted in the selection's year, while the selection takes nominations,
    each item once, and no more than the category's number."""
    _require_office(actor, township)
    selection = township_selection(actor, township, selection_id)
    item = find_adopted(township, data.kind, data.item_id)
    if item is None:
        raise NotFound(_("未找到该采纳事项"))
    if selection.state != SelectionState.OPEN:
        raise AwardRuleBroken(_("该评选已停止推荐"))
    if item.adopted_on is None or item.adopted_on.year != selection.year:
        raise AwardRuleBroken(_("只能推荐%(y)s年度采纳的事项", y=selection.year))
    mine = nominations(actor, township, selection.id)
    if any(c.kind == item.kind and c.entity_id == item.item_id for c in mine):
        raise AwardRuleBroken(_("该事项已经推荐"))
    quota = selection.quota(Category.SUGGESTION)
    if len(mine) >= quota:
        raise AwardRuleBroken(_("每个乡镇最多推荐%(n)s项", n=quota))
    row = Candidate(
        county_id=township.county_id,
        tenant_id=township.id,
        selection_id=selection.id,
        category=Category.SUGGESTION,
        entity_id=item.item_id,
        kind=item.kind,
        name=(data.name or _shown_title(item.title))[:200],
        summary=data.summary,
        nominated=True,
        nominated_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "award.nominate",
        actor=actor,
        tenant_id=township.id,
        target_type="award_candidate",
        target_id=row.id,
        after={
            "kind": row.kind,
            "item_id": row.entity_id,
            "name": row.name,
            "year": selection.year,
        },
    )
    return row


@use_case
def withdraw_nomination(actor: Actor, township: Township, candidate_id: int) -> None:
    """Withdraw one of the township's own nominations while the selection takes them."""
    _require_office(actor, township)
    row = db.session.get(Candidate, int(candidate_id))
    if row is None or row.tenant_id != township.id or not row.nominated:
        raise NotFound(_("未找到该推荐"))
    selection = find_selection(township.county_id, row.selection_id)
    if selection.state != SelectionState.OPEN:
        raise AwardRuleBroken(_("该评选已停止推荐"))
    audit.record(
        "award.withdraw",
        actor=actor,
        tenant_id=township.id,
        target_type="award_candidate",
        target_id=row.id,
        before={"kind": row.kind, "item_id": row.entity_id, "name": row.name},
    )
    db.session.delete(row)
    db.session.flush()


# --- the honour roll (光荣榜): public, the winners only ----------------------------------------


def published(county_id: int) -> list[Selection]:
    return selections_of(county_id, state=SelectionState.CLOSED)


def honour_roll(county_id: int, selection_id: int | None = None) -> Roll | None:
    """A published selection's winners (the newest when none is named); None when there is none.
    Names only, as the public sees them: a representative's name, a station's, a unit's, a
    suggestion's title as its township wrote it, with the township and the reason."""
    if selection_id is None:
        rolls = published(county_id)
        if not rolls:
            return None
        selection = rolls[0]
    else:
        selection = find_selection(county_id, selection_id)
        if selection.state != SelectionState.CLOSED:
            raise NotFound(_("该评选尚未公布"))
    return Roll(selection, _candidates(selection, winners_only=True), _townships(county_id))


def public_county(key: str) -> County:
    county = db.session.scalar(select(County).where(County.slug == key))
    if county is None:
        raise NotFound()
    return county


def county_key(township: Township) -> str:
    """The public key of the township's county (its honour roll's address)."""
    county = db.session.get(County, township.county_id)
    return county.slug if county is not None else ""


def roll_counts(roll: Roll) -> dict[str, Any]:
    return {c.value: roll.chosen_count(c) for c in CATEGORIES}
