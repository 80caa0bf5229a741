"""Escalation to the county and the county's queue of escalated cases."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework.models import (
    Case,
    CaseReply,
    CountyEscalation,
)
from lianxin.casework.stages.common import (
    _move,
    _office_user_ids,
    _require_office,
    _round,
    case_link,
    get_case,
)
from lianxin.db import db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, NotFound, PermissionDenied
from lianxin.notify import service as notify
from lianxin.tenants.models import County, Township
from lianxin.usecases import use_case


@use_case
def escalate(actor: Actor, township: Township, case_id: int, *, reason: str) -> Case:
    """Beyond the township's authority: a copy goes to the county's queue."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    _move(case, "escalate", actor, reason)
    db.session.add(
        CountyEscalation(
            county_id=township.county_id,
            tenant_id=township.id,
            case_id=case.id,
            round=_round(case),
            title=case.title,
            summary=case.body,
            reason=reason,
            status="open",
        )
    )
    return case


# --- the county's queue ---------------------------------------------------------------------


def county_queue(
    actor: Actor, county: County, *, status: str | None = "open"
) -> list[CountyEscalation]:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    query = select(CountyEscalation).where(CountyEscalation.county_id == county.id)
    if status:
        query = query.where(CountyEscalation.status == status)
    return list(db.session.scalars(query.order_by(CountyEscalation.created_at)))


def get_escalation(actor: Actor, county: County, escalation_id: int) -> CountyEscalation:
    """One item of this county's queue; anything else is not found."""
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    item = db.session.get(CountyEscalation, escalation_id)
    if item is None or item.county_id != county.id:
        raise NotFound()
    return item


@use_case
def county_answer(
    actor: Actor, county: County, escalation_id: int, answer: str
) -> CountyEscalation:
    """The county answers; the answer returns into the township's case as its reply."""
    if not permissions.can_administer_county(actor, county.id):
        raise (
            NotFound() if not permissions.can_view_county(actor, county.id) else PermissionDenied()
        )
    item = db.session.get(CountyEscalation, escalation_id)
    if item is None or item.county_id != county.id:
        raise NotFound()
    if item.status != "open":
        raise Conflict(_("已答复"))
    item.status, item.answer = "answered", answer
    item.answered_by_id, item.answered_at = actor.user_id, utcnow()
    audit.record(
        "escalation.answered",
        actor=actor,
        county_id=county.id,
        target_type="escalation",
        target_id=item.id,
    )
    with tenant_context(item.tenant_id):
        case = db.session.get(Case, (item.tenant_id, item.case_id))
        assert case is not None
        _move(case, "reply", actor, _("县级答复"))
        case.answer, case.answered_at = answer, utcnow()
        db.session.add(
            CaseReply(
                case_id=case.id,
                source="county",
                author_user_id=actor.user_id,
                author_name=actor.name,
                text=answer,
            )
        )
        township = db.session.get(Township, item.tenant_id)
        assert township is not None
        notify.notify(
            _office_user_ids(township),
            _("县级已答复：%(t)s", t=case.title),
            tenant_id=township.id,
            link=case_link(township, case.id),
            kind="case.answered",
        )
        db.session.flush()  # the township's rows, inside its context; the use case commits
    return item
