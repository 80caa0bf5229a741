"""The agenda: items proposed, joined and decided, the agenda fixed and sent to every
representative, and which channel reached whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions.errors import AgendaClosed
from lianxin.modules.annual_sessions.inputs import ItemInput
from lianxin.modules.annual_sessions.models import (
    Delivery,
    DeliveryChannel,
    Item,
    ItemGroup,
    ItemStatus,
    ItemSupporter,
    NoticeKind,
    Proposer,
    Resolution,
    Session,
    SessionState,
)
from lianxin.modules.annual_sessions.stages.common import (
    MODULE_KEY,
    _audit,
    _get,
    _require_office,
    _today,
    is_committee,
    is_office,
    settings,
)
from lianxin.modules.annual_sessions.stages.planning import (
    agenda_rules,
    expected_count,
    expected_reps,
    get_session,
    session_days,
)
from lianxin.notify import service as notify
from lianxin.people.models import GroupMembership, GroupRole, Representative, RepresentativeGroup
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

DECLINE_REASON_MAX = 500

# --- agenda --------------------------------------------------------------------------------------


def _rep_of(actor: Actor, township: Township, session: Session) -> Representative:
    rep = casework.representative_of(actor, township)
    if rep is None or rep.id not in {r.id for r in expected_reps(township, session)}:
        raise PermissionDenied(_("只有本次会议的应到代表可以这样做"))
    return rep


def _led_group(
    township: Township, rep: Representative, group_id: int | None
) -> RepresentativeGroup:
    """The group the representative leads (or deputises for), in whose name they act."""
    if group_id is None:
        raise ValidationFailed(errors={"group_id": [_("请选择以哪个代表小组名义提出")]})
    group = _get(RepresentativeGroup, township, group_id, _("未找到该代表小组"))
    leads = db.session.scalar(
        select(GroupMembership.id).where(
            GroupMembership.group_id == group.id,
            GroupMembership.representative_id == rep.id,
            GroupMembership.ended_on.is_(None),
            GroupMembership.role.in_([GroupRole.LEADER, GroupRole.DEPUTY]),
        )
    )
    if leads is None:
        raise PermissionDenied(_("只有代表小组的组长或副组长可以以小组名义提出"))
    return group


def items(actor: Actor, township: Township, session_id: int) -> list[Item]:
    session = get_session(actor, township, session_id)
    return list(
        db.session.scalars(select(Item).where(Item.session_id == session.id).order_by(Item.id))
    )


def get_item(actor: Actor, township: Township, item_id: int) -> Item:
    permissions.require_member(actor, township)
    return _get(Item, township, item_id, _("未找到该议题"))


@dataclass
class Support:
    representatives: int
    groups: int


def support_of(item: Item) -> Support:
    reps = db.session.scalar(
        select(func.count()).select_from(ItemSupporter).where(ItemSupporter.item_id == item.id)
    )
    groups = db.session.scalar(
        select(func.count()).select_from(ItemGroup).where(ItemGroup.item_id == item.id)
    )
    return Support(reps or 0, groups or 0)


def _rule_met(township: Township, session: Session, item: Item) -> bool:
    support = support_of(item)
    if item.during_session:
        rule = settings(township.id)
        needed = -(-expected_count(township, session) * int(rule["session_item_percent"]) // 100)
        return support.groups >= int(rule["session_item_groups"]) or (
            support.representatives >= needed
        )
    rules = agenda_rules(township, session)
    if not rules.mandatory_listing:  # the committee decides every item (001方案)
        return False
    return (
        support.representatives >= rules.joint_proposers or support.groups >= rules.groups_for_rule
    )


def _evaluate(township: Township, session: Session, item: Item) -> None:
    if item.status == ItemStatus.PROPOSED and _rule_met(township, session, item):
        item.status, item.by_rule = ItemStatus.ON_AGENDA, True


def _proposal_window(
    township: Township, session: Session, proposer: str, today: date | None
) -> bool:
    """True while ordinary items may be proposed; False during the session (stricter rule).
    Refused after the proposer's deadline (the committee's, or the groups' and
    representatives'), once the agenda is fixed, or after the session."""
    if session.state == SessionState.OPEN:
        return False
    if session.state != SessionState.PLANNING:
        raise AgendaClosed(_("议程已经确定，不能再提出议题"))
    rules = agenda_rules(township, session)
    if _today(today) > rules.deadline(proposer):
        if proposer == Proposer.COMMITTEE:
            message = _(
                "党委提出议题已截止（须在会前 %(n)d 天、最迟 %(d)s 提出）",
                n=rules.committee_days,
                d=rules.committee_deadline.isoformat(),
            )
        else:
            message = _(
                "代表小组或代表联名提出议题已截止（须在会前 %(n)d 天、最迟 %(d)s 提出）",
                n=rules.group_days,
                d=rules.group_deadline.isoformat(),
            )
        raise AgendaClosed(message)
    return True


@use_case
def propose_item(
    actor: Actor,
    township: Township,
    session_id: int,
    data: ItemInput,
    *,
    today: date | None = None,
) -> Item:
    session = get_session(actor, township, session_id)
    proposer = data.proposer
    before_session = _proposal_window(township, session, proposer, today)
    if proposer == Proposer.COMMITTEE:
        if not (is_office(actor, township) or is_committee(actor, township)):
            raise PermissionDenied()
        if not before_session:
            raise AgendaClosed(_("会议期间的临时议题须由代表小组或代表联名提出"))
        group = rep = None
    else:
        rep = _rep_of(actor, township, session)
        group = _led_group(township, rep, data.group_id) if proposer == Proposer.GROUP else None
    item = Item(
        session_id=session.id,
        title=data.title,
        description=data.description,
        kind=data.kind,
        proposer=proposer,
        proposed_by_id=actor.user_id,
        status=ItemStatus.PROPOSED,
        during_session=not before_session,
    )
    db.session.add(item)
    db.session.flush()
    if group is not None:
        db.session.add(ItemGroup(item_id=item.id, group_id=group.id))
    elif rep is not None:
        db.session.add(ItemSupporter(item_id=item.id, representative_id=rep.id))
    db.session.flush()
    _evaluate(township, session, item)
    _audit("item_propose", actor, township, "annual_session_item", item.id, proposer=proposer)
    return item


def _joinable(township: Township, item: Item, today: date | None) -> Session:
    session = _get(Session, township, item.session_id, _("未找到该次会议"))
    if item.during_session:
        if session.state != SessionState.OPEN:
            raise AgendaClosed(_("会议已结束"))
    else:  # joining is proposing too: the groups' and representatives' deadline
        _proposal_window(township, session, Proposer.REPRESENTATIVES, today)
    if item.status == ItemStatus.DECLINED:
        raise Conflict(_("该议题已不列入议程"))
    return session


@use_case
def join_item(actor: Actor, township: Township, item_id: int, *, today: date | None = None) -> Item:
    """A representative adds their name to an item proposed by representatives jointly."""
    item = get_item(actor, township, item_id)
    session = _joinable(township, item, today)
    rep = _rep_of(actor, township, session)
    if item.proposer != Proposer.REPRESENTATIVES:
        raise Conflict(_("该议题不是代表联名提出的"))
    try:
        with db.session.begin_nested():
            db.session.add(ItemSupporter(item_id=item.id, representative_id=rep.id))
    except IntegrityError:
        raise Conflict(_("您已联名提出该议题"), code="already_joined") from None
    _evaluate(township, session, item)
    return item


@use_case
def join_item_as_group(
    actor: Actor, township: Township, item_id: int, group_id: int, *, today: date | None = None
) -> Item:
    """Another representative group joins an item proposed by a group."""
    item = get_item(actor, township, item_id)
    session = _joinable(township, item, today)
    rep = _rep_of(actor, township, session)
    if item.proposer != Proposer.GROUP:
        raise Conflict(_("该议题不是代表小组提出的"))
    group = _led_group(township, rep, group_id)
    try:
        with db.session.begin_nested():
            db.session.add(ItemGroup(item_id=item.id, group_id=group.id))
    except IntegrityError:
        raise Conflict(_("该小组已提出该议题"), code="already_joined") from None
    _evaluate(township, session, item)
    return item


@use_case
def decide_item(
    actor: Actor, township: Township, item_id: int, *, accept: bool, reason: str | None = None
) -> Item:
    """The committee decides an item that is not on the agenda by rule; declining it takes a
    reason (checked here: the decision and its reason come together)."""
    item = get_item(actor, township, item_id)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()
    session = _get(Session, township, item.session_id, _("未找到该次会议"))
    if session.state != SessionState.PLANNING:
        raise AgendaClosed(_("议程已确定，不能再改"))
    if item.during_session:
        raise Conflict(_("会议期间的临时议题只能按规则列入"))
    if item.status != ItemStatus.PROPOSED:
        raise Conflict(_("该议题已有结论"))
    if accept:
        item.status = ItemStatus.ON_AGENDA
    else:
        why = (reason or "").strip()
        if not why or len(why) > DECLINE_REASON_MAX:
            raise ValidationFailed(errors={"reason": [_("不列入议程须说明理由")]})
        item.decline_reason, item.status = why, ItemStatus.DECLINED
    _audit("item_decide", actor, township, "annual_session_item", item.id, accept=accept)
    return item


@use_case
def fix_agenda(actor: Actor, township: Township, session_id: int) -> Session:
    """Fix the agenda and send it to every representative (through the outbox)."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    if session.state != SessionState.PLANNING:
        raise AgendaClosed(_("议程已经确定"))
    pending = [i.title for i in _items_of(session) if i.status == ItemStatus.PROPOSED]
    if pending:
        raise Conflict(
            _("还有议题未作决定：%(t)s", t="、".join(pending)),
            errors={"items": pending},
        )
    agenda = [i for i in _items_of(session) if i.status == ItemStatus.ON_AGENDA]
    if not agenda:
        raise ValidationFailed(errors={"items": [_("议程中还没有议题")]})
    session.state, session.agenda_fixed_at = SessionState.AGENDA_FIXED, utcnow()
    _audit(
        "agenda_fixed", actor, township, "annual_session", session.id, items=[i.id for i in agenda]
    )
    _tell_representatives(
        township,
        session,
        NoticeKind.AGENDA,
        None,
        _("%(t)s 议程", t=session.title),
        _(
            "%(d)s 在%(p)s召开。议程：%(a)s",
            d=session_days(session),
            p=session.place,
            a="；".join(f"{n}. {i.title}" for n, i in enumerate(agenda, start=1)),
        ),
        dedupe_key=f"as:{township.id}:{session.id}:agenda",
    )
    return session


def _tell_representatives(
    township: Township,
    session: Session,
    kind: NoticeKind,
    resolution_id: int | None,
    title: str,
    body: str,
    *,
    dedupe_key: str,
) -> None:
    """Send every representative expected at the session a notice through the outbox, in the
    caller's transaction: in the inbox with an account, by SMS without one (as the liaison
    module does; the phone travels only in the outbox message), and record which channel
    reached whom (no channel: no phone on the roll)."""
    users: list[int] = []
    texts: list[tuple[dict[str, Any], str | None]] = []
    for rep in expected_reps(township, session):
        if rep.user_id is not None:
            channel = DeliveryChannel.INBOX
            users.append(rep.user_id)
        elif rep.phone:
            channel = DeliveryChannel.SMS
            texts.append(
                ({"phone": rep.phone, "text": f"{title} {body}"}, f"{dedupe_key}:sms:{rep.id}")
            )
        else:
            channel = DeliveryChannel.NONE
        db.session.add(
            Delivery(
                session_id=session.id,
                kind=kind,
                resolution_id=resolution_id,
                representative_id=rep.id,
                channel=channel,
            )
        )
    if users:
        notify.notify(
            users,
            title,
            body,
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/{session.id}",
            dedupe_key=dedupe_key,
            kind="resolution" if kind == NoticeKind.RESOLUTION else "session.agenda",
        )
    notify.enqueue_many("sms", texts, tenant_id=township.id)
    db.session.flush()


@dataclass
class DeliveryRow:
    representative: Representative
    channels: dict[str, str]  # notice key ("agenda", "resolution:<id>") → DeliveryChannel


@dataclass
class DeliveryReport:
    notices: list[tuple[str, str]]  # (notice key, its name), in the order they were sent
    rows: list[DeliveryRow]


def notice_key(kind: str, resolution_id: int | None) -> str:
    return f"{kind}:{resolution_id}" if resolution_id is not None else str(kind)


def deliveries(actor: Actor, township: Township, session_id: int) -> DeliveryReport:
    """Who was reached by which channel for the agenda and each resolution (the office)."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    titles = {
        r.id: r.title
        for r in db.session.scalars(select(Resolution).where(Resolution.session_id == session.id))
    }
    notices: dict[str, str] = {}
    by_rep: dict[int, dict[str, str]] = {}
    for row in db.session.scalars(
        select(Delivery).where(Delivery.session_id == session.id).order_by(Delivery.id)
    ):
        key = notice_key(row.kind, row.resolution_id)
        if key not in notices:
            notices[key] = (
                _("议程")
                if row.resolution_id is None
                else _("决议：%(t)s", t=titles.get(row.resolution_id, ""))
            )
        by_rep.setdefault(row.representative_id, {})[key] = row.channel
    reps = {r.id: r for r in expected_reps(township, session)}
    missing = [i for i in by_rep if i not in reps]  # sent, and no longer in office
    if missing:
        gone = select(Representative).where(Representative.id.in_(missing))
        reps.update({r.id: r for r in db.session.scalars(gone)})
    return DeliveryReport(
        list(notices.items()),
        [DeliveryRow(rep, by_rep.get(rep.id, {})) for rep in reps.values()],
    )


def _items_of(session: Session) -> list[Item]:
    return list(
        db.session.scalars(select(Item).where(Item.session_id == session.id).order_by(Item.id))
    )
