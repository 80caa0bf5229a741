"""Contacts along a pair, and the issue raised in one as a case (through casework)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.models import Case, Channel
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.liaison.errors import DuplicateKey
from lianxin.modules.liaison.inputs import CaseInput, ContactInput
from lianxin.modules.liaison.models import (
    Contact,
    Level,
    Link,
    Meeting,
    Method,
)
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import (
    CONTACT_SOURCE,
    METHOD_LABELS,
    Person,
    _get,
    _People,
    _year,
    sees_whole_chain,
)
from lianxin.modules.liaison.stages.links import LinkView, _holder, can_read_link, can_record
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# --- contacts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactView:
    contact: Contact
    link: LinkView
    cases: list[Case]
    duplicate: bool = False
    tracking_codes: dict[int, str] = field(default_factory=dict)

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS.get(Method(self.contact.method), self.contact.method))


def _cases_from(source_type: str, source_id: int, actor: Actor, township: Township) -> list[Case]:
    """The cases raised from a contact or meeting: whoever may read the record sees their
    titles and states (the case itself stays behind casework's own permissions)."""
    query = select(Case).where(Case.source_type == source_type, Case.source_id == source_id)
    return list(db.session.scalars(query.order_by(Case.id)))


def _contact_view(
    actor: Actor,
    township: Township,
    contact: Contact,
    *,
    duplicate: bool = False,
    codes: dict[int, str] | None = None,
) -> ContactView:
    link = db.session.get(Link, (township.id, contact.link_id))
    assert link is not None
    people = _People([link])
    return ContactView(
        contact,
        LinkView(link, people.upper(link), people.lower(link)),
        _cases_from(CONTACT_SOURCE, contact.id, actor, township),
        duplicate,
        codes or {},
    )


def _receiving_rep(link: Link) -> int | None:
    """The representative responsible for a case raised along this pair (首问负责制)."""
    if link.level == Level.REP_MEMBER:
        return link.upper_rep_id
    if link.level == Level.MEMBER_HOUSEHOLD:
        keeper = _holder(Level.REP_MEMBER, link.year, link.upper_member_id or 0)
        return keeper.upper_rep_id if keeper is not None else None
    return link.lower_rep_id


def _raise_case(
    actor: Actor,
    township: Township,
    link: Link,
    lower: Person,
    issue: CaseInput,
    source_type: str,
    source_id: int,
    received_by: int | None,
) -> casework.NewCase:
    """Register the issue through casework: a nested use case, so the case is saved with the
    caller's record or not at all."""
    return casework.register(
        actor,
        township,
        casework.load_case_input(
            {
                "title": issue.title,
                "body": issue.body or issue.title,
                "category": issue.category,
                "channel": Channel.LIAISON,
                "raiser_name": lower.name if link is not None else None,
                "raiser_phone": lower.phone,
                "received_by_id": received_by,
                "source_type": source_type,
                "source_id": source_id,
                "on_behalf": True,
            }
        ),
    )


R = TypeVar("R", Contact, Meeting)


def _stored(model: type[R], key: str, actor: Actor) -> R | None:
    """The record this client key already stored (a resent form), if any. The same key from
    somebody else is refused rather than showing them what it stored."""
    row = db.session.scalar(select(model).where(model.client_key == key)) if key else None
    if row is not None and row.recorded_by_id != actor.user_id:
        raise DuplicateKey(_("提交标识已被使用，请刷新页面后重试"))
    return row


def _insert_once(row: R) -> R | None:
    """Add a record under its client key: None when added, or the row that a copy of the same
    submission arriving at the same moment stored first."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        again = db.session.scalar(select(type(row)).where(type(row).client_key == row.client_key))
        if again is None:  # an integrity error of another kind
            raise
        return again
    return None


@use_case
def record_contact(
    actor: Actor,
    township: Township,
    data: ContactInput,
    *,
    today: date | None = None,
) -> ContactView:
    """Record a contact along a pair, and (optionally) the issue raised as a case in the same
    transaction. The same client key again returns the stored record (`duplicate`) and adds
    nothing."""
    permissions.require_member(actor, township)
    # A resent form comes first, then whose pair it is (another township's pair is a 404), then
    # the rules of its date.
    existing = _stored(Contact, data.client_key, actor)
    if existing is not None:
        return _contact_view(actor, township, existing, duplicate=True)
    link = _get(Link, township, data.link_id, _("未找到该联系安排"))
    if not can_read_link(actor, township, link) and not can_record(actor, township, link):
        raise NotFound(_("未找到该联系安排"))
    if not can_record(actor, township, link):
        raise PermissionDenied(_("只有联系人本人或联络办可以记录这次联系"))
    contacted_on = data.contacted_on
    if contacted_on > kit.today(today):
        message = _("联系日期不能晚于今天")
    elif contacted_on.year != link.year:
        message = _("联系日期须在该联系安排的年度（%(y)s年）内", y=link.year)
    elif link.ended_on is not None and contacted_on > link.ended_on:
        message = _("该联系安排已于%(d)s结束", d=link.ended_on.isoformat())
    else:
        message = None
    if message is not None:
        raise ValidationFailed(errors={"contacted_on": [message]})
    contact = Contact(
        link_id=link.id,
        contacted_on=contacted_on,
        method=data.method,
        summary=data.summary,
        client_key=data.client_key,
        recorded_by_id=actor.user_id,
    )
    first = _insert_once(contact)
    if first is not None:
        return _contact_view(actor, township, first, duplicate=True)
    audit.record(
        "liaison.contact",
        actor=actor,
        tenant_id=township.id,
        target_type="liaison_contact",
        target_id=contact.id,
        after={"link_id": link.id, "on": contacted_on.isoformat(), "method": data.method},
    )
    codes: dict[int, str] = {}
    if data.case is not None:
        lower = _People([link]).lower(link)
        made = _raise_case(
            actor,
            township,
            link,
            lower,
            data.case,
            CONTACT_SOURCE,
            contact.id,
            _receiving_rep(link),
        )
        codes[made.case.id] = made.tracking_code
    return _contact_view(actor, township, contact, codes=codes)


def get_contact(actor: Actor, township: Township, contact_id: int) -> ContactView:
    permissions.require_member(actor, township)
    contact = _get(Contact, township, contact_id, _("未找到该联系记录"))
    link = db.session.get(Link, (township.id, contact.link_id))
    assert link is not None
    if not (
        can_read_link(actor, township, link)
        or can_record(actor, township, link)
        or contact.recorded_by_id == actor.user_id
    ):
        raise NotFound(_("未找到该联系记录"))
    return _contact_view(actor, township, contact)


@use_case
def raise_contact_case(
    actor: Actor, township: Township, contact_id: int, issue: CaseInput
) -> tuple[ContactView, casework.NewCase | None]:
    """Turn an issue raised in a stored contact into a case. The same title again (a resent
    form) is the case already raised: (view, None)."""
    view = get_contact(actor, township, contact_id)
    if not can_record(actor, township, view.link.link):
        raise PermissionDenied()
    for case in view.cases:
        if case.title == issue.title:
            return view, None
    made = _raise_case(
        actor,
        township,
        view.link.link,
        view.link.lower,
        issue,
        CONTACT_SOURCE,
        view.contact.id,
        _receiving_rep(view.link.link),
    )
    return (
        _contact_view(actor, township, view.contact, codes={made.case.id: made.tracking_code}),
        made,
    )


def list_contacts(
    actor: Actor,
    township: Township,
    *,
    year: int | None = None,
    quarter: int | None = None,
    link_id: int | None = None,
    mine: bool = False,
    limit: int = 200,
) -> list[ContactView]:
    """Contacts this actor may see, newest first."""
    permissions.require_member(actor, township)
    query = select(Contact, Link).join(
        Link, (Link.id == Contact.link_id) & (Link.tenant_id == Contact.tenant_id)
    )
    if year is not None:
        if quarter is not None:
            q = Quarter(_year(year), int(quarter))
            query = query.where(Contact.contacted_on.between(q.starts_on, q.ends_on))
        else:
            query = query.where(Link.year == _year(year))
    if link_id is not None:
        query = query.where(Contact.link_id == link_id)
    if mine:
        query = query.where(Contact.recorded_by_id == actor.user_id)
    whole = sees_whole_chain(actor, township)
    query = query.order_by(Contact.contacted_on.desc(), Contact.id.desc())
    # Whoever sees less is filtered before the limit, so their own never fall off the page.
    rows = db.session.execute(query.limit(limit) if whole else query).all()
    rows = [
        (c, lk)
        for c, lk in rows
        if whole
        or c.recorded_by_id == actor.user_id
        or can_read_link(actor, township, lk)
        or can_record(actor, township, lk)
    ][:limit]
    people = _People([lk for _c, lk in rows])
    case_rows = (
        db.session.scalars(
            select(Case).where(
                Case.source_type == CONTACT_SOURCE, Case.source_id.in_([c.id for c, _lk in rows])
            )
        )
        if rows
        else []
    )
    by_contact: dict[int, list[Case]] = defaultdict(list)
    for case in case_rows:
        by_contact[case.source_id or 0].append(case)
    return [
        ContactView(c, LinkView(lk, people.upper(lk), people.lower(lk)), by_contact.get(c.id, []))
        for c, lk in rows
    ]
