"""What a selection does once its candidates are fixed, whoever runs it: the county for the
county's selection (in the county's context, on the county's audit chain) or a township for its
own (in its context, on its chain). The committee chooses winners with a reason, up to each
category's number, may take a choice back while still choosing, and closes the selection to
publish its honour roll. The callers check the role and find the selection or candidate in
their own scope first; what follows is the same rule for both."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.awards.errors import AwardRuleBroken
from lianxin.awards.inputs import ChoiceInput
from lianxin.awards.models import Candidate, Selection, SelectionState
from lianxin.awards.stages.common import CATEGORIES
from lianxin.db import db, utcnow
from lianxin.db.tenancy import county_context, tenant_context


@dataclass(frozen=True)
class Owner:
    """Who runs a selection: the context its candidates are read and written in, which of
    them are its, and where its audit entries go."""

    context: Callable[[], AbstractContextManager[Any]]
    owns: ColumnElement[bool]
    county_id: int | None = None  # the audit chain: the county's, or
    tenant_id: int | None = None  # the township's


def owner_of(selection: Selection) -> Owner:
    township_id = selection.township_id
    if township_id is not None:
        return Owner(
            lambda: tenant_context(township_id),
            Candidate.tenant_id == township_id,
            tenant_id=township_id,
        )
    county_id = selection.county_id
    return Owner(
        lambda: county_context(county_id),
        Candidate.county_id == county_id,
        county_id=county_id,
    )


def insert_once(selection: Selection, taken: str) -> Selection:
    """Add a new selection: one a year per county, and one a year per township (the unique
    indexes say so; two offices opening at once get the same refusal, never a 500)."""
    try:
        with db.session.begin_nested():
            db.session.add(selection)
    except IntegrityError:
        raise AwardRuleBroken(taken) from None
    return selection


def candidates_by_category(
    selection: Selection, *, winners_only: bool = False
) -> dict[str, list[Candidate]]:
    """The selection's candidates by category, winners first, then by rank and figure. The
    county reads every township's nominations in its context; a township its own rows."""
    owner = owner_of(selection)
    query = select(Candidate).where(owner.owns, Candidate.selection_id == selection.id)
    if winners_only:
        query = query.where(Candidate.chosen.is_(True))
    grouped: dict[str, list[Candidate]] = {c.value: [] for c in CATEGORIES}
    with owner.context():
        rows = list(db.session.scalars(query))
    rows.sort(key=lambda c: (not c.chosen, c.rank is None, c.rank or 0, -(c.value or 0), c.id))
    for row in rows:
        grouped.setdefault(row.category, []).append(row)
    return grouped


def choose(actor: Actor, row: Candidate, selection: Selection, data: ChoiceInput) -> Candidate:
    """A winner with its reason: only once the candidates are fixed, and no more than the
    category's number."""
    if selection.state == SelectionState.OPEN:
        raise AwardRuleBroken(_("候选名单尚未确定，不能评选"))
    if selection.state != SelectionState.CHOOSING:
        raise AwardRuleBroken(_("评选已经结束"))
    if row.chosen:
        raise AwardRuleBroken(_("已经评选为先进"))
    owner = owner_of(selection)
    quota = selection.quota(row.category)
    with owner.context():
        chosen = db.session.scalar(
            select(func.count(Candidate.id)).where(
                owner.owns,
                Candidate.selection_id == selection.id,
                Candidate.category == row.category,
                Candidate.chosen.is_(True),
            )
        )
        if (chosen or 0) >= quota:
            raise AwardRuleBroken(_("该类名额为%(n)s个，已经选满", n=quota))
        row.chosen, row.reason = True, data.reason
        row.chosen_by_id, row.chosen_at = actor.user_id, utcnow()
        db.session.flush()
    audit.record(
        "award.choose",
        actor=actor,
        county_id=owner.county_id,
        tenant_id=owner.tenant_id,
        target_type="award_candidate",
        target_id=row.id,
        after={"category": row.category, "name": row.name, "reason": data.reason},
    )
    return row


def unchoose(actor: Actor, row: Candidate, selection: Selection) -> Candidate:
    """Take a choice back while still choosing."""
    if selection.state != SelectionState.CHOOSING or not row.chosen:
        raise AwardRuleBroken(_("只能在评选中撤回已选的先进"))
    owner = owner_of(selection)
    before = {"category": row.category, "name": row.name, "reason": row.reason}
    with owner.context():
        row.chosen, row.reason, row.chosen_by_id, row.chosen_at = False, None, None, None
        db.session.flush()
    audit.record(
        "award.unchoose",
        actor=actor,
        county_id=owner.county_id,
        tenant_id=owner.tenant_id,
        target_type="award_candidate",
        target_id=row.id,
        before=before,
    )
    return row


def close(actor: Actor, selection: Selection) -> Selection:
    """Close and publish the honour roll: refused without a single winner."""
    if selection.state != SelectionState.CHOOSING:
        raise AwardRuleBroken(_("只能公布评选中的评选"))
    winners = {c: len(v) for c, v in candidates_by_category(selection, winners_only=True).items()}
    if not sum(winners.values()):
        raise AwardRuleBroken(_("尚未评选出任何先进，不能公布"))
    selection.state, selection.closed_at = SelectionState.CLOSED, utcnow()
    db.session.flush()
    owner = owner_of(selection)
    audit.record(
        "award.selection_close",
        actor=actor,
        county_id=owner.county_id,
        tenant_id=owner.tenant_id,
        target_type="award_selection",
        target_id=selection.id,
        before={"state": SelectionState.CHOOSING},
        after={"state": SelectionState.CLOSED, **{f"winners_{k}": v for k, v in winners.items()}},
    )
    return selection
