"""采纳: the township's office marks an item as adopted by the Party committee or the
government (a proposal's answer, a closed case's answer, a sitting-in suggestion); a
consultation's adoption is read from its own feedback. The adopted items are what the township
nominates for the county's best suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.awards import kinds
from lianxin.awards.errors import AwardRuleBroken
from lianxin.awards.inputs import AdoptionInput
from lianxin.awards.models import Adoption, AdoptionKind, Candidate, Selection, SelectionState
from lianxin.awards.stages.common import _require_office
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.kit import today
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


@dataclass(frozen=True)
class Adopted:
    """An adopted item as the office lists and nominates it: a mark made here, or a
    consultation whose feedback was 采纳 / 部分采纳."""

    kind: str
    item_id: int
    title: str
    adopted_by: str
    adopted_on: date | None
    note: str
    representative_id: int | None
    adoption_id: int | None  # None: a consultation's own feedback


def adoptable(
    actor: Actor, township: Township, kind: str
) -> list[tuple[kinds.Item, Adoption | None]]:
    """The items of one kind the office may mark, newest first, each with its mark if any."""
    _require_office(actor, township)
    if kind not in kinds.MARKABLE:
        return []
    marks = {
        a.item_id: a for a in db.session.scalars(select(Adoption).where(Adoption.kind == kind))
    }
    return [(item, marks.get(item.id)) for item in kinds.items(township, kind)]


def _adopted_query(year: int | None) -> Select[tuple[Adoption]]:
    query = select(Adoption)
    if year is not None:
        query = query.where(
            Adoption.adopted_on >= date(year, 1, 1), Adoption.adopted_on < date(year + 1, 1, 1)
        )
    return query


def page_adoptions(
    actor: Actor,
    township: Township,
    *,
    year: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Adoption], int]:
    permissions.require_member(actor, township)
    return paged(_adopted_query(year), Adoption.id, offset=offset, limit=limit)


def adopted_items(actor: Actor, township: Township, *, year: int | None = None) -> list[Adopted]:
    """Every adopted item of the township (in `year`, by its adoption day), newest first."""
    permissions.require_member(actor, township)
    out = [
        Adopted(
            a.kind,
            a.item_id,
            a.title,
            a.adopted_by,
            a.adopted_on,
            a.note,
            a.representative_id,
            a.id,
        )
        for a in db.session.scalars(_adopted_query(year))
    ]
    for item in kinds.items(township, AdoptionKind.CONSULTATION):
        if year is None or (item.done_on is not None and item.done_on.year == year):
            out.append(
                Adopted(
                    item.kind,
                    item.id,
                    item.title,
                    item.adopted_by or "",
                    item.done_on,
                    item.note,
                    None,
                    None,
                )
            )
    out.sort(key=lambda a: (a.adopted_on or date.min, a.item_id), reverse=True)
    return out


def find_adopted(township: Township, kind: str, item_id: int) -> Adopted | None:
    """One adopted item of this township, or None (not adopted, or not the township's)."""
    if kind == AdoptionKind.CONSULTATION:
        item = kinds.find(township, kind, item_id)
        if item is None:
            return None
        return Adopted(
            item.kind,
            item.id,
            item.title,
            item.adopted_by or "",
            item.done_on,
            item.note,
            None,
            None,
        )
    mark = db.session.scalar(
        select(Adoption).where(Adoption.kind == kind, Adoption.item_id == int(item_id))
    )
    if mark is None:
        return None
    return Adopted(
        mark.kind,
        mark.item_id,
        mark.title,
        mark.adopted_by,
        mark.adopted_on,
        mark.note,
        mark.representative_id,
        mark.id,
    )


@use_case
def mark_adopted(actor: Actor, township: Township, data: AdoptionInput) -> Adoption:
    """Mark an item as adopted: the office only, an item of this township that was answered,
    once, on a day that has come."""
    _require_office(actor, township)
    item = kinds.find(township, data.kind, data.item_id)
    if item is None:
        raise NotFound(_("未找到该事项，或该事项尚未答复"))
    if db.session.scalar(
        select(Adoption.id).where(Adoption.kind == data.kind, Adoption.item_id == item.id)
    ):
        raise AwardRuleBroken(_("该事项已标记为采纳"))
    if data.adopted_on > today():
        raise ValidationFailed(errors={"adopted_on": [_("采纳日期不能晚于今天")]})
    mark = Adoption(
        kind=data.kind,
        item_id=item.id,
        title=item.title[:200],
        representative_id=item.representative_id,
        adopted_by=data.adopted_by,
        adopted_on=data.adopted_on,
        note=data.note,
        marked_by_id=actor.user_id,
    )
    db.session.add(mark)
    db.session.flush()
    audit.record(
        "award.adopt",
        actor=actor,
        tenant_id=township.id,
        target_type="award_adoption",
        target_id=mark.id,
        after={
            "kind": mark.kind,
            "item_id": mark.item_id,
            "adopted_by": mark.adopted_by,
            "adopted_on": mark.adopted_on.isoformat(),
            "note": mark.note,
        },
    )
    return mark


@use_case
def unmark_adopted(actor: Actor, township: Township, adoption_id: int) -> None:
    """Take a mark back (made in error): refused once the item is nominated for the county's
    selection, or on the fixed list of the township's own (choosing or published: the mark
    would go from under a winner, and from the author's duty record)."""
    _require_office(actor, township)
    mark = db.session.get(Adoption, (township.id, int(adoption_id)))
    if mark is None:
        raise NotFound(_("未找到该采纳记录"))
    ours = select(Candidate.id).where(
        Candidate.tenant_id == township.id,
        Candidate.kind == mark.kind,
        Candidate.entity_id == mark.item_id,
    )
    if db.session.scalar(ours.where(Candidate.nominated.is_(True))) is not None:
        raise AwardRuleBroken(_("该事项已推荐参评，不能取消采纳标记"))
    fixed = ours.join(Selection, Selection.id == Candidate.selection_id).where(
        Selection.state != SelectionState.OPEN
    )
    if db.session.scalar(fixed) is not None:
        raise AwardRuleBroken(_("该事项已列入本镇评选的候选名单，不能取消采纳标记"))
    audit.record(
        "award.unadopt",
        actor=actor,
        tenant_id=township.id,
        target_type="award_adoption",
        target_id=mark.id,
        before={"kind": mark.kind, "item_id": mark.item_id, "adopted_by": mark.adopted_by},
    )
    db.session.delete(mark)
    db.session.flush()
