"""What waits for a township's office: a selection of its county taking nominations to which it
has nominated nothing yet."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.awards.models import Adoption, Candidate, Selection, SelectionState
from lianxin.awards.stages.common import is_office
from lianxin.db import db
from lianxin.db.tenancy import current_tenant_id
from lianxin.tenants.models import Township


def to_nominate(actor: Actor, township: Township) -> list[Selection]:
    """The open selections this township has not nominated to (the office's; empty else)."""
    if not is_office(actor, township):
        return []
    nominated = (
        select(Candidate.id)
        .where(
            Candidate.selection_id == Selection.id,
            Candidate.tenant_id == township.id,
            Candidate.nominated.is_(True),
        )
        .exists()
    )
    return list(
        db.session.scalars(
            select(Selection).where(
                Selection.county_id == township.county_id,
                Selection.township_id.is_(None),
                Selection.state == SelectionState.OPEN,
                ~nominated,
            )
        )
    )


def shows_awards(actor: Actor, township: Township) -> bool:
    """Whether the township's menu offers the awards: once its county ran a selection, or its
    office marked an item as adopted."""
    return db.session.scalar(
        select(Selection.id)
        .where(
            Selection.county_id == township.county_id,
            (Selection.township_id.is_(None)) | (Selection.township_id == township.id),
        )
        .limit(1)
    ) is not None or (
        # The township's own marks, read in its context (an error page of a suspended
        # township draws the menu outside it: the county's selections alone decide then).
        current_tenant_id() == township.id
        and db.session.scalar(select(Adoption.id).limit(1)) is not None
    )
