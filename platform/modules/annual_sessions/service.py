"""Use cases of the annual-session module (年会, DOMAIN.md §4).

A session has the representatives who should attend (应到: those in office on its date). Items
(议题) are proposed before a deadline by the committee, a representative group or several
representatives jointly; items from N+ representatives or 2+ groups are on the agenda by rule,
the committee decides the rest (a reason when it declines); during the session a new item
needs N+ groups (`session_item_groups`, 2 by default) or 1/10 of the representatives. Once
fixed, the agenda goes to every representative, as every resolution does: by inbox with an
account, by SMS without one (a phone on the roll); which channel reached whom is recorded
(`Delivery`) and shown to the office. The session opens only with 4/5 of 应到 present.

A session may span days (`held_on` to `ends_on`). Check-in is open on any of its days (the
Asia/Shanghai date) and counts once for the whole session: the quorum and 到会 are the
session's, not a day's — whoever checked in on any day is 到会 (the seeds count "到会代表" per
会议, and the session opens once). Leave is asked from a day (`leave_from`, never a day already
past) to the last: before opening for the whole session by default, after opening for the days
that remain. One who checked in and then left with leave stays 到会 (`Roll.left_early`), but is
no longer "here" from the leave's first day: a vote counted on those present leaves them out.

Motions pass with more than half of 应到. Elections and personnel items are secret ballots,
online or on paper (two tellers who must agree, under a scrutineer).

Secret ballots (ARCHITECTURE.md §6, lianxin.db.anonymous): the receipt (who voted) commits with
the ballot sealed under the vote's own key, which the database never holds; the worker opens
pooled ballots into `as_ballots` with fresh random keys in shuffled batches of at least K (the
`ballot_batch` setting, frozen when the vote is created); nothing about a ballot names its
voter or its time; the tally exists only after the vote has closed and been counted, and only
from K ballots.
"""

from __future__ import annotations

import calendar
import logging
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.db import anonymous, db, utcnow
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions.models import (
    Attendance,
    AttendanceStatus,
    Ballot,
    BallotChannel,
    Candidate,
    Delivery,
    DeliveryChannel,
    Document,
    Item,
    ItemGroup,
    ItemKind,
    ItemStatus,
    ItemSupporter,
    NamedVote,
    NoticeKind,
    PaperTally,
    PooledBallot,
    Proposer,
    Receipt,
    Resolution,
    Session,
    SessionState,
    Vote,
    VoteMethod,
    VoteState,
)
from lianxin.notify import service as notify
from lianxin.people.models import GroupMembership, GroupRole, Representative, RepresentativeGroup
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

log = logging.getLogger("lianxin.annual_sessions")

MODULE_KEY = "annual_sessions"
CHOICES = ("yes", "no", "abstain")
COUNT_TOPIC = "annual_sessions.count"
SECRET_KINDS = (ItemKind.ELECTION, ItemKind.PERSONNEL)
T = TypeVar("T")


class QuorumNotMet(Conflict):
    code = "quorum_not_met"


class AgendaClosed(Conflict):
    code = "agenda_closed"


class AlreadyVoted(Conflict):
    code = "already_voted"


class VoteClosed(Conflict):
    code = "vote_closed"


def settings(township_id: int) -> dict[str, Any]:
    return tenants.effective_settings(township_id, MODULE_KEY)


def _today(today: date | None = None) -> date:
    return today or deadlines.shanghai_today()


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


def _text(value: Any, name: str, limit: int, message: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if not text or len(text) > limit:
        errors[name] = [message]
    return text


def _count(value: Any, name: str, errors: dict[str, list[str]]) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        errors[name] = [_("请填写 0 或正整数")]
    return number


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def _require_office(actor: Actor, township: Township) -> None:
    permissions.require_office(actor, township)


def _audit(
    action: str, actor: Actor, township: Township, target: str, target_id: Any, **after: Any
) -> None:
    audit.record(
        f"annual_session.{action}",
        actor=actor,
        tenant_id=township.id,
        target_type=target,
        target_id=target_id,
        after=after or None,
    )


# --- sessions ------------------------------------------------------------------------------------


def list_sessions(actor: Actor, township: Township) -> list[Session]:
    permissions.require_member(actor, township)
    return list(db.session.scalars(select(Session).order_by(Session.held_on.desc())))


def get_session(actor: Actor, township: Township, session_id: Any) -> Session:
    permissions.require_member(actor, township)
    return _get(Session, township, session_id, _("未找到该次会议"))


def _date(raw: Any, name: str, errors: dict[str, list[str]]) -> date | None:
    try:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        errors[name] = [_("日期格式不正确")]
        return None


def _clean_session(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = _text(data.get("title"), "title", 100, _("请填写会议名称（不超过100字）"), errors)
    place = _text(data.get("place"), "place", 200, _("请填写会议地点"), errors)
    held_on = _date(data.get("held_on"), "held_on", errors)
    ends_on = held_on
    if data.get("ends_on") not in (None, ""):
        ends_on = _date(data.get("ends_on"), "ends_on", errors)
        if held_on is not None and ends_on is not None and ends_on < held_on:
            errors["ends_on"] = [_("结束日期不能早于开始日期")]
    if errors:
        raise ValidationFailed(errors=errors)
    return {"title": title, "place": place, "held_on": held_on, "ends_on": ends_on}


def create_session(actor: Actor, township: Township, data: Mapping[str, Any]) -> Session:
    _require_office(actor, township)
    clean = _clean_session(data)
    if db.session.scalar(select(Session.id).where(Session.title == clean["title"])):
        raise ValidationFailed(errors={"title": [_("已有同名的会议")]})
    session = Session(**clean, state=SessionState.PLANNING, checkin_token=secrets.token_urlsafe(24))
    db.session.add(session)
    db.session.flush()
    _audit(
        "create",
        actor,
        township,
        "annual_session",
        session.id,
        title=session.title,
        held_on=session.held_on.isoformat(),
        ends_on=session.ends_on.isoformat(),
    )
    db.session.commit()
    return session


def session_days(session: Session) -> str:
    """The session's date, or its first and last day: "2026-04-20 至 2026-04-22"."""
    if session.ends_on == session.held_on:
        return session.held_on.isoformat()
    return _("%(a)s 至 %(b)s", a=session.held_on.isoformat(), b=session.ends_on.isoformat())


# --- the proposal collection window (proposals module) -------------------------------------------


@dataclass
class WindowOffer:
    """What came of opening the proposal collection window for a session."""

    opened: bool
    window_id: int | None
    opens_on: date
    closes_on: date
    message: str


@dataclass
class Planned:
    session: Session
    window: WindowOffer | None  # None: not asked


def _month_before(day: date) -> date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proposal_window_dates(session: Session) -> tuple[date, date]:
    """A month before the session's first day to the day before it (DOMAIN.md §3: "a month
    before the annual session the township collects proposals")."""
    return _month_before(session.held_on), session.held_on - timedelta(days=1)


def _windows_off(township: Township) -> str | None:
    """Why the township collects proposals without windows, or None when it uses them."""
    if not tenants.module_enabled(township.id, "proposals"):
        return _("本镇未开通提案模块，没有开启提案征集")
    from lianxin.modules.proposals import service as proposals

    if proposals.settings(township.id).get("all_year"):
        return _("本镇提案全年均可提交（不限征集期），无需开启提案征集")
    return None


def open_proposal_window(actor: Actor, township: Township, session_id: Any) -> WindowOffer:
    """Open the proposal collection window a month before the session (the proposals module's
    own use case); 409 when the township does not use windows or one covers the month."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    opens_on, closes_on = proposal_window_dates(session)
    off = _windows_off(township)
    if off is not None:
        raise Conflict(off, code="proposal_windows_off")
    from lianxin.modules.proposals import service as proposals

    for window in proposals.list_windows(actor, township):
        if window.opens_on <= opens_on and window.closes_on >= closes_on:
            raise Conflict(
                _(
                    "已有提案征集“%(t)s”（%(a)s 至 %(b)s）",
                    t=window.title,
                    a=window.opens_on.isoformat(),
                    b=window.closes_on.isoformat(),
                ),
                code="proposal_window_exists",
            )
    title = _("%(t)s提案征集", t=session.title)[:100]
    window = proposals.add_window(
        actor, township, {"title": title, "opens_on": opens_on, "closes_on": closes_on}
    )
    _audit("proposal_window", actor, township, "annual_session", session.id, window=window.id)
    db.session.commit()
    return WindowOffer(
        True,
        window.id,
        opens_on,
        closes_on,
        _("已开启提案征集：%(a)s 至 %(b)s", a=opens_on.isoformat(), b=closes_on.isoformat()),
    )


def _ticked(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "on", "yes"}


def plan_session(actor: Actor, township: Township, data: Mapping[str, Any]) -> Planned:
    """Create a session and, when asked (`open_proposal_window`), open the proposal collection
    window a month before it; a township without windows is told so and the session stands."""
    session = create_session(actor, township, data)
    if not _ticked(data.get("open_proposal_window")):
        return Planned(session, None)
    try:
        offer = open_proposal_window(actor, township, session.id)
    except Conflict as exc:
        db.session.rollback()
        offer = WindowOffer(False, None, *proposal_window_dates(session), exc.message)
    return Planned(session, offer)


def expected_reps(township: Township, session: Session) -> list[Representative]:
    """应到: the representatives in office on the session's date."""
    return [
        r
        for r in db.session.scalars(select(Representative).order_by(Representative.name_pinyin))
        if r.in_office or (r.ended_on is not None and r.ended_on > session.held_on)
    ]


def expected_count(township: Township, session: Session) -> int:
    if session.expected_count is not None:
        return session.expected_count
    return len(expected_reps(township, session))


def agenda_deadline(township: Township, session: Session) -> date:
    return session.held_on - timedelta(days=int(settings(township.id)["agenda_days_before"]))


def add_document(
    actor: Actor, township: Township, session_id: Any, stream: IO[bytes], filename: str, title: Any
) -> Document:
    from lianxin.storage import service as files

    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    errors: dict[str, list[str]] = {}
    name = _text(title, "title", 200, _("请填写文件标题，如“党委工作报告”"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
    stored = files.save_upload(actor, township, stream, filename, purpose="annual_session")
    document = Document(session_id=session.id, title=name, file_id=stored.id)
    db.session.add(document)
    db.session.flush()
    _audit("document", actor, township, "annual_session", session.id, title=name)
    db.session.commit()
    return document


def documents(actor: Actor, township: Township, session_id: Any) -> list[Document]:
    session = get_session(actor, township, session_id)
    return list(
        db.session.scalars(
            select(Document).where(Document.session_id == session.id).order_by(Document.id)
        )
    )


@storage_owners.reader("annual_session")
def _document_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A session's document is read by whoever may read the session, while the module is on."""
    session_id = db.session.scalar(
        select(Document.session_id).where(Document.file_id == file_id).limit(1)
    )
    if session_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_session(actor, township, session_id)
    return True


# --- agenda --------------------------------------------------------------------------------------


def _rep_of(actor: Actor, township: Township, session: Session) -> Representative:
    rep = casework.representative_of(actor, township)
    if rep is None or rep.id not in {r.id for r in expected_reps(township, session)}:
        raise PermissionDenied(_("只有本次会议的应到代表可以这样做"))
    return rep


def _led_group(township: Township, rep: Representative, group_id: Any) -> RepresentativeGroup:
    if group_id in (None, ""):
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


def items(actor: Actor, township: Township, session_id: Any) -> list[Item]:
    session = get_session(actor, township, session_id)
    return list(
        db.session.scalars(select(Item).where(Item.session_id == session.id).order_by(Item.id))
    )


def get_item(actor: Actor, township: Township, item_id: Any) -> Item:
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
    rule = settings(township.id)
    support = support_of(item)
    if item.during_session:
        needed = -(-expected_count(township, session) * int(rule["session_item_percent"]) // 100)
        return support.groups >= int(rule["session_item_groups"]) or (
            support.representatives >= needed
        )
    return support.representatives >= int(rule["joint_proposers"]) or support.groups >= int(
        rule["groups_for_rule"]
    )


def _evaluate(township: Township, session: Session, item: Item) -> None:
    if item.status == ItemStatus.PROPOSED and _rule_met(township, session, item):
        item.status, item.by_rule = ItemStatus.ON_AGENDA, True


def _proposal_window(township: Township, session: Session, today: date | None) -> bool:
    """True while ordinary items may be proposed; False during the session (stricter rule).
    Refused after the deadline, once the agenda is fixed, or after the session."""
    if session.state == SessionState.OPEN:
        return False
    if session.state != SessionState.PLANNING:
        raise AgendaClosed(_("议程已经确定，不能再提出议题"))
    if _today(today) > agenda_deadline(township, session):
        raise AgendaClosed(
            _(
                "议题提出已截止（须在会前 %(n)d 天提出）",
                n=int(settings(township.id)["agenda_days_before"]),
            )
        )
    return True


def propose_item(
    actor: Actor,
    township: Township,
    session_id: Any,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
) -> Item:
    session = get_session(actor, township, session_id)
    errors: dict[str, list[str]] = {}
    title = _text(data.get("title"), "title", 200, _("请填写议题（不超过200字）"), errors)
    description = str(data.get("description") or "").strip()
    kind = str(data.get("kind") or ItemKind.MOTION)
    if kind not in set(ItemKind):
        errors["kind"] = [_("请选择议题类型")]
    proposer = str(data.get("proposer") or "")
    if proposer not in set(Proposer):
        errors["proposer"] = [_("请选择提出方式：党委、代表小组或代表联名")]
    if errors:
        raise ValidationFailed(errors=errors)
    before_session = _proposal_window(township, session, today)
    if proposer == Proposer.COMMITTEE:
        if not (is_office(actor, township) or is_committee(actor, township)):
            raise PermissionDenied()
        if not before_session:
            raise AgendaClosed(_("会议期间的临时议题须由代表小组或代表联名提出"))
        group = rep = None
    else:
        rep = _rep_of(actor, township, session)
        group = (
            _led_group(township, rep, data.get("group_id")) if proposer == Proposer.GROUP else None
        )
    item = Item(
        session_id=session.id,
        title=title,
        description=description,
        kind=kind,
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
    db.session.commit()
    return item


def _joinable(township: Township, item: Item, today: date | None) -> Session:
    session = _get(Session, township, item.session_id, _("未找到该次会议"))
    if item.during_session:
        if session.state != SessionState.OPEN:
            raise AgendaClosed(_("会议已结束"))
    else:
        _proposal_window(township, session, today)
    if item.status == ItemStatus.DECLINED:
        raise Conflict(_("该议题已不列入议程"))
    return session


def join_item(actor: Actor, township: Township, item_id: Any, *, today: date | None = None) -> Item:
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
    db.session.commit()
    return item


def join_item_as_group(
    actor: Actor, township: Township, item_id: Any, group_id: Any, *, today: date | None = None
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
    db.session.commit()
    return item


def decide_item(
    actor: Actor, township: Township, item_id: Any, *, accept: bool, reason: Any = None
) -> Item:
    """The committee decides an item that is not on the agenda by rule."""
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
        errors: dict[str, list[str]] = {}
        item.decline_reason = _text(reason, "reason", 500, _("不列入议程须说明理由"), errors)
        if errors:
            raise ValidationFailed(errors=errors)
        item.status = ItemStatus.DECLINED
    _audit("item_decide", actor, township, "annual_session_item", item.id, accept=accept)
    db.session.commit()
    return item


def fix_agenda(actor: Actor, township: Township, session_id: Any) -> Session:
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
    db.session.commit()
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


def deliveries(actor: Actor, township: Township, session_id: Any) -> DeliveryReport:
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


# --- attendance ----------------------------------------------------------------------------------


def _attendance(session: Session, rep_id: int) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(
            Attendance.session_id == session.id, Attendance.representative_id == rep_id
        )
    )


def _leave_from(
    session: Session, raw: Any, today: date, errors: dict[str, list[str]]
) -> date | None:
    """The leave's first day: by default the first day not yet past; never a past day, and
    within the session's days."""
    if raw in (None, ""):
        return max(today, session.held_on)
    first = _date(raw, "leave_from", errors)
    if first is None:
        return None
    if first < today:
        errors["leave_from"] = [_("不能为已经过去的日子请假（今天是 %(d)s）", d=today.isoformat())]
    elif not session.held_on <= first <= session.ends_on:
        errors["leave_from"] = [_("请假起始日须在会期内（%(d)s）", d=session_days(session))]
    return first


def request_leave(
    actor: Actor,
    township: Township,
    session_id: Any,
    reason: Any,
    *,
    leave_from: Any = None,
    today: date | None = None,
) -> Attendance:
    """A representative asks leave from a day to the session's last: before opening (for the
    whole session by default) or, once open, for the days that remain."""
    session = get_session(actor, township, session_id)
    rep = _rep_of(actor, township, session)
    day = _today(today)
    if session.state == SessionState.CLOSED:
        raise Conflict(_("会议已闭幕，不能再请假"))
    if day > session.ends_on:
        raise Conflict(_("会期（%(d)s）已过，不能再请假", d=session_days(session)))
    errors: dict[str, list[str]] = {}
    text = _text(reason, "reason", 500, _("请说明请假原因"), errors)
    first = _leave_from(session, leave_from, day, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    row = _attendance(session, rep.id) or Attendance(
        session_id=session.id, representative_id=rep.id
    )
    row.status, row.leave_reason, row.leave_from = AttendanceStatus.LEAVE_REQUESTED, text, first
    db.session.add(row)
    db.session.flush()
    notify.notify(
        casework._office_user_ids(township),
        _("%(n)s 请假：%(t)s", n=rep.name, t=session.title),
        _("%(d)s 起：%(t)s", d=first.isoformat(), t=text) if first else text,
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/{session.id}/attendance",
        dedupe_key=f"as:{township.id}:{session.id}:leave:{rep.id}:{row.id}:{first}",
    )
    _audit(
        "leave_request", actor, township, "annual_session", session.id, rep=rep.id, first=str(first)
    )
    db.session.commit()
    return row


def decide_leave(
    actor: Actor, township: Township, session_id: Any, rep_id: Any, *, approve: bool
) -> Attendance:
    session = get_session(actor, township, session_id)
    rep = _get(Representative, township, rep_id, _("未找到该代表"))
    _require_office(actor, township)
    row = _attendance(session, rep.id)
    if row is None or row.status != AttendanceStatus.LEAVE_REQUESTED:
        raise Conflict(_("没有待审批的请假"))
    if approve:
        row.status = AttendanceStatus.LEAVE_APPROVED
    else:  # one who has checked in stays present
        row.status = (
            AttendanceStatus.PRESENT
            if row.checked_in_at is not None
            else AttendanceStatus.LEAVE_REFUSED
        )
    _audit("leave", actor, township, "annual_session", session.id, rep=rep.id, approve=approve)
    db.session.commit()
    return row


def _check_in(
    township: Township, session: Session, rep: Representative, *, self_: bool, today: date | None
) -> Attendance:
    if session.state not in (SessionState.AGENDA_FIXED, SessionState.OPEN):
        raise Conflict(_("议程确定后、会期内才能签到"))
    day = _today(today)
    if not session.held_on <= day <= session.ends_on:
        if session.ends_on == session.held_on:
            raise Conflict(_("只能在会议当天（%(d)s）签到", d=session.held_on.isoformat()))
        raise Conflict(_("只能在会期内（%(d)s）签到", d=session_days(session)))
    if rep.id not in {r.id for r in expected_reps(township, session)}:
        raise PermissionDenied(_("%(n)s 不是本次会议的应到代表", n=rep.name))
    row = _attendance(session, rep.id) or Attendance(
        session_id=session.id, representative_id=rep.id
    )
    if row.status == AttendanceStatus.PRESENT:
        raise Conflict(_("%(n)s 已签到", n=rep.name), code="already_checked_in")
    row.checked_in_at = row.checked_in_at or utcnow()
    row.self_checked_in = self_
    later_leave = row.leave_from is not None and row.leave_from > day
    if not (
        later_leave
        and row.status in (AttendanceStatus.LEAVE_REQUESTED, AttendanceStatus.LEAVE_APPROVED)
    ):
        # Here today; a leave from a later day still stands, one from today or before ends.
        row.status = AttendanceStatus.PRESENT
    db.session.add(row)
    db.session.commit()
    return row


def check_in(
    actor: Actor, township: Township, session_id: Any, rep_id: Any, *, today: date | None = None
) -> Attendance:
    """Staff check a representative in."""
    session = get_session(actor, township, session_id)
    rep = _get(Representative, township, rep_id, _("未找到该代表"))
    _require_office(actor, township)
    return _check_in(township, session, rep, self_=False, today=today)


def checkin_token_matches(session: Session, token: Any) -> bool:
    """Compared as UTF-8 bytes: `compare_digest` refuses str with non-ASCII characters (a 500)."""
    return secrets.compare_digest(str(token or "").encode(), session.checkin_token.encode())


def self_check_in(
    actor: Actor, township: Township, session_id: Any, token: Any, *, today: date | None = None
) -> Attendance:
    """A representative scans the session's QR code and checks in."""
    session = get_session(actor, township, session_id)
    if not checkin_token_matches(session, token):
        raise NotFound(_("签到码无效"))
    rep = _rep_of(actor, township, session)
    return _check_in(township, session, rep, self_=True, today=today)


@dataclass
class Roll:
    """The session's roll (not a day's): `present` is everyone who checked in on any day, also
    those who left afterwards with leave for the remaining days (`left_early`); `on_leave` is
    leave without having come."""

    expected: int
    present: int
    on_leave: int
    leave_requested: int
    quorum_needed: int
    left_early: int = 0

    @property
    def quorum_met(self) -> bool:
        return self.present >= self.quorum_needed

    @property
    def absent(self) -> int:
        return self.expected - self.present - self.on_leave


def quorum_needed(township: Township, expected: int) -> int:
    percent = int(settings(township.id)["quorum_percent"])
    return -(-expected * percent // 100)  # ceiling: 4/5 of 100 is 80, of 101 is 81


def _came(row: Attendance) -> bool:
    return row.status == AttendanceStatus.PRESENT or row.checked_in_at is not None


def _here(row: Attendance, day: date) -> bool:
    """Checked in and not on granted leave on `day`."""
    on_leave = row.status == AttendanceStatus.LEAVE_APPROVED and (
        row.leave_from is None or row.leave_from <= day
    )
    return _came(row) and not on_leave


def roll(township: Township, session: Session) -> Roll:
    rows = list(db.session.scalars(select(Attendance).where(Attendance.session_id == session.id)))
    approved = [r for r in rows if r.status == AttendanceStatus.LEAVE_APPROVED]
    expected = expected_count(township, session)
    return Roll(
        expected,
        sum(1 for r in rows if _came(r)),
        sum(1 for r in approved if not _came(r)),
        sum(1 for r in rows if r.status == AttendanceStatus.LEAVE_REQUESTED),
        quorum_needed(township, expected),
        sum(1 for r in approved if _came(r)),
    )


def attendance(
    actor: Actor, township: Township, session_id: Any
) -> list[tuple[Representative, Attendance | None]]:
    session = get_session(actor, township, session_id)
    rows = {
        a.representative_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    return [(r, rows.get(r.id)) for r in expected_reps(township, session)]


def open_session(actor: Actor, township: Township, session_id: Any) -> Session:
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    if session.state != SessionState.AGENDA_FIXED:
        raise Conflict(_("议程确定后才能开会"))
    current = roll(township, session)
    if not current.quorum_met:
        raise QuorumNotMet(
            _(
                "到会代表 %(p)d 人，不足应到代表 %(e)d 人的 %(q)d%%（须 %(n)d 人），不能开会",
                p=current.present,
                e=current.expected,
                q=int(settings(township.id)["quorum_percent"]),
                n=current.quorum_needed,
            )
        )
    session.state, session.opened_at = SessionState.OPEN, utcnow()
    session.expected_count = current.expected
    _audit(
        "open",
        actor,
        township,
        "annual_session",
        session.id,
        present=current.present,
        expected=current.expected,
    )
    db.session.commit()
    return session


def close_session(actor: Actor, township: Township, session_id: Any) -> Session:
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    if session.state != SessionState.OPEN:
        raise Conflict(_("会议未在进行中"))
    still = db.session.scalar(
        select(func.count())
        .select_from(Vote)
        .where(Vote.session_id == session.id, Vote.state == VoteState.OPEN)
    )
    if still:
        raise Conflict(_("还有 %(n)d 项表决未结束", n=still))
    session.state, session.closed_at = SessionState.CLOSED, utcnow()
    _audit("close", actor, township, "annual_session", session.id)
    db.session.commit()
    return session


# --- votes ---------------------------------------------------------------------------------------


def _open_session_of(township: Township, vote_or_session: Vote | Session) -> Session:
    session = (
        vote_or_session
        if isinstance(vote_or_session, Session)
        else _get(Session, township, vote_or_session.session_id, _("未找到该次会议"))
    )
    if session.state != SessionState.OPEN:
        raise Conflict(_("会议未在进行中，不能表决"))
    return session


def _member_user(township: Township, user_id: Any, name: str) -> int:
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        raise ValidationFailed(errors={name: [_("请选择人员")]}) from None
    found = db.session.scalar(
        select(Membership.user_id).where(
            Membership.tenant_id == township.id, Membership.user_id == key
        )
    )
    if found is None:
        raise NotFound(_("未找到该人员"))
    return key


def create_vote(actor: Actor, township: Township, item_id: Any, data: Mapping[str, Any]) -> Vote:
    item = get_item(actor, township, item_id)
    _require_office(actor, township)
    session = _open_session_of(
        township, _get(Session, township, item.session_id, _("未找到该次会议"))
    )
    if item.status != ItemStatus.ON_AGENDA:
        raise Conflict(_("该议题不在议程中"))
    existing = db.session.scalar(select(Vote.id).where(Vote.item_id == item.id))
    if existing is not None:
        raise Conflict(_("该议题已经表决"))
    errors: dict[str, list[str]] = {}
    method = str(data.get("method") or "")
    if method not in set(VoteMethod):
        errors["method"] = [_("请选择表决方式")]
    if item.kind in SECRET_KINDS and method != VoteMethod.SECRET:
        errors["method"] = [_("选举和人事事项必须无记名投票")]
    channel = (
        str(data.get("channel") or BallotChannel.ONLINE) if method == VoteMethod.SECRET else None
    )
    if channel is not None and channel not in set(BallotChannel):
        errors["channel"] = [_("请选择网上投票或纸质投票")]
    names: list[str] = []
    seats = None
    if item.kind == ItemKind.ELECTION:
        names = [str(n).strip() for n in data.get("candidates") or [] if str(n).strip()]
        seats = _count(data.get("seats"), "seats", errors)
        if seats < 1:
            errors["seats"] = [_("请填写应选名额")]
        if len(set(names)) != len(names) or not names:
            errors["candidates"] = [_("请填写候选人（不能重复）")]
        elif settings(township.id)["competitive_election"] and len(names) <= seats:
            errors["candidates"] = [_("差额选举：候选人须多于应选名额 %(n)d 名", n=seats)]
    tellers: dict[str, int] = {}
    if channel == BallotChannel.PAPER:
        for name in ("teller1_id", "teller2_id", "scrutineer_id"):
            if data.get(name) in (None, ""):
                errors[name] = [_("纸质投票须指定两名计票人和一名监票人")]
        if not errors:
            tellers = {
                n: _member_user(township, data.get(n), n)
                for n in ("teller1_id", "teller2_id", "scrutineer_id")
            }
            if len(set(tellers.values())) != 3:
                errors["scrutineer_id"] = [_("计票人和监票人须是三个不同的人")]
    if errors:
        raise ValidationFailed(errors=errors)
    online_secret = method == VoteMethod.SECRET and channel == BallotChannel.ONLINE
    vote = Vote(
        session_id=session.id,
        item_id=item.id,
        method=method,
        channel=channel,
        seats=seats,
        state=VoteState.OPEN,
        expected_count=expected_count(township, session),
        min_ballots=int(settings(township.id)["ballot_batch"]) if online_secret else None,
        seal_salt=anonymous.new_salt() if online_secret else None,
        **tellers,
    )
    db.session.add(vote)
    db.session.flush()
    for name in names:
        db.session.add(Candidate(vote_id=vote.id, name=name))
    _audit(
        "vote_create",
        actor,
        township,
        "annual_session_vote",
        vote.id,
        method=method,
        channel=channel,
    )
    db.session.commit()
    return vote


def get_vote(actor: Actor, township: Township, vote_id: Any) -> Vote:
    permissions.require_member(actor, township)
    return _get(Vote, township, vote_id, _("未找到该表决"))


def candidates(vote: Vote) -> list[Candidate]:
    return list(
        db.session.scalars(
            select(Candidate).where(Candidate.vote_id == vote.id).order_by(Candidate.id)
        )
    )


def _present(session: Session, today: date | None = None) -> int:
    """Those here today: checked in, and not on granted leave from today or before."""
    day = _today(today)
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    return sum(1 for r in rows if _here(r, day))


def _base(township: Township, vote: Vote, session: Session) -> int:
    """What "more than half" is of: 应到 by default, or those present."""
    if settings(township.id)["pass_rule"] == "present":
        return _present(session)
    return vote.expected_count


def passes(yes: int, base: int) -> bool:
    return yes * 2 > base


def _close(township: Township, vote: Vote, result: dict[str, Any]) -> None:
    session = _get(Session, township, vote.session_id, _("未找到该次会议"))
    base = _base(township, vote, session)
    if vote.seats is not None:
        cands = candidates(vote)
        tallies = {str(c.id): int(result.get("candidates", {}).get(str(c.id), 0)) for c in cands}
        ranked = sorted(cands, key=lambda c: -tallies[str(c.id)])
        seats = vote.seats
        # The first candidate outside the seats: anyone within them who only ties with it is
        # not elected (that needs another round).
        edge = tallies[str(ranked[seats].id)] if len(ranked) > seats else None
        elected = {
            c.id
            for c in ranked[:seats]
            if passes(tallies[str(c.id)], base) and (edge is None or tallies[str(c.id)] > edge)
        }
        for c in cands:
            c.elected = c.id in elected
        vote.passed = bool(elected)
    else:
        vote.passed = passes(int(result.get("yes", 0)), base)
    vote.result = {**result, "base": base}
    vote.state, vote.closed_at = VoteState.CLOSED, utcnow()


def record_hands(actor: Actor, township: Township, vote_id: Any, data: Mapping[str, Any]) -> Vote:
    """A show of hands, recorded as counts; the vote closes with them."""
    vote = get_vote(actor, township, vote_id)
    _require_office(actor, township)
    session = _open_session_of(township, vote)
    if vote.method != VoteMethod.HANDS:
        raise Conflict(_("该项不是举手表决"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("表决已结束"))
    errors: dict[str, list[str]] = {}
    counts = {c: _count(data.get(c, 0), c, errors) for c in CHOICES}
    if not errors and sum(counts.values()) > _present(session):
        errors["yes"] = [_("赞成、反对、弃权合计不能超过到会人数 %(n)d", n=_present(session))]
    if errors:
        raise ValidationFailed(errors=errors)
    _close(township, vote, counts)
    _audit("vote_hands", actor, township, "annual_session_vote", vote.id, **counts)
    db.session.commit()
    return vote


def _voter(actor: Actor, township: Township, vote: Vote) -> Representative:
    """A representative present at the session (a non-representative cannot vote)."""
    session = _open_session_of(township, vote)
    rep = casework.representative_of(actor, township)
    if rep is None:
        raise PermissionDenied(_("只有代表可以投票"))
    row = _attendance(session, rep.id)
    if row is None or not _here(row, _today()):
        raise PermissionDenied(_("请先签到再投票"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("投票已结束"))
    return rep


def _clean_content(vote: Vote, data: Mapping[str, Any]) -> dict[str, Any]:
    if vote.seats is not None:
        ids = {c.id for c in candidates(vote)}
        try:
            chosen = sorted({int(i) for i in data.get("candidate_ids") or []})
        except (TypeError, ValueError):
            chosen = [-1]
        if any(i not in ids for i in chosen):
            raise ValidationFailed(errors={"candidate_ids": [_("请从候选人中选择")]})
        if len(chosen) > vote.seats:
            raise ValidationFailed(
                errors={"candidate_ids": [_("最多选 %(n)d 名（多选作废）", n=vote.seats)]}
            )
        return {"candidates": chosen}
    choice = str(data.get("choice") or "")
    if choice not in CHOICES:
        raise ValidationFailed(errors={"choice": [_("请选择赞成、反对或弃权")]})
    return {"choice": choice}


def cast_named(
    actor: Actor, township: Township, vote_id: Any, data: Mapping[str, Any]
) -> NamedVote:
    vote = get_vote(actor, township, vote_id)
    rep = _voter(actor, township, vote)
    if vote.method != VoteMethod.NAMED:
        raise Conflict(_("该项不是记名表决"))
    content = _clean_content(vote, data)
    try:
        with db.session.begin_nested():
            row = NamedVote(vote_id=vote.id, representative_id=rep.id, choice=content["choice"])
            db.session.add(row)
    except IntegrityError:
        raise AlreadyVoted(_("您已经表决过了")) from None
    db.session.commit()
    return row


def cast_secret(actor: Actor, township: Township, vote_id: Any, data: Mapping[str, Any]) -> None:
    """Cast a secret ballot online: the receipt and the sealed ballot in one transaction."""
    vote = get_vote(actor, township, vote_id)
    rep = _voter(actor, township, vote)
    if vote.method != VoteMethod.SECRET or vote.channel != BallotChannel.ONLINE:
        raise Conflict(_("该项不是网上无记名投票"))
    sealed = _box(vote).seal(_clean_content(vote, data))
    # That this representative voted (unique: a second ballot is refused), and what, sealed.
    db.session.add(Receipt(vote_id=vote.id, representative_id=rep.id))
    db.session.add(PooledBallot(vote_id=vote.id, sealed=sealed))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyVoted(_("您已经投过票了")) from None


def _box(vote: Vote) -> anonymous.Box:
    """The vote's sealing box: its own key; every ballot pads to one size."""
    if vote.seal_salt is None:
        raise Conflict(_("该项不是网上无记名投票"))
    size = 96 + 24 * len(candidates(vote))
    return anonymous.Box("ballot", vote.tenant_id, vote.id, bytes(vote.seal_salt), size)


def _k(township: Township, vote: Vote) -> int:
    return int(vote.min_ballots or settings(township.id)["ballot_batch"])


def _release(township: Township, vote: Vote, *, closing: bool) -> anonymous.Released:
    """Open what the rule lets out (lianxin.db.anonymous.release); the caller commits."""
    box = _box(vote)
    return anonymous.release(
        PooledBallot,
        [(vote.id, PooledBallot.vote_id == vote.id)],
        minimum=_k(township, vote),
        closing=closing,
        open_row=lambda row: box.open(row.sealed),
        final_row=lambda _row, content: Ballot(
            vote_id=vote.id, key=str(uuid.uuid4()), content=content
        ),
    )


def _locked(vote_id: int) -> Vote | None:
    """The vote, locked against another release of it until this transaction ends."""
    return db.session.scalar(
        select(Vote)
        .where(Vote.id == vote_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE
        .execution_options(populate_existing=True)
    )


def release_ballots(township: Township, vote_id: int) -> int:
    """The worker's periodic release of an open secret vote; commits on its own, as the release
    must not share a transaction with anything a voter did."""
    vote = _locked(vote_id)
    if vote is None or vote.state != VoteState.OPEN or vote.seal_salt is None:
        db.session.rollback()
        return 0
    released = _release(township, vote, closing=False).released
    db.session.commit()
    return released


def release_open_votes(township: Township) -> int:
    """Every open online secret vote of the township, one release transaction each (beat)."""
    ids = list(
        db.session.scalars(
            select(Vote.id).where(Vote.state == VoteState.OPEN, Vote.seal_salt.is_not(None))
        )
    )
    db.session.rollback()
    return sum(release_ballots(township, vote_id) for vote_id in ids)


def count_closed_vote(vote_id: int) -> None:
    """After the close: release what remains and count. Fewer than K ballots in all are never
    opened and give no tally. In the caller's transaction (the outbox delivery commits it)."""
    vote = _locked(vote_id)
    if vote is None or vote.state != VoteState.COUNTING:
        return
    township = db.session.get(Township, vote.tenant_id)
    assert township is not None
    withheld = _release(township, vote, closing=True).withheld
    contents = list(db.session.scalars(select(Ballot.content).where(Ballot.vote_id == vote.id)))
    if withheld or len(contents) < _k(township, vote):
        vote.result = {"withheld": True, "ballots": withheld + len(contents)}
        vote.passed = False
        vote.state, vote.closed_at = VoteState.CLOSED, utcnow()
        return
    _close(township, vote, _count_ballots(vote, contents))


@notify.handler(COUNT_TOPIC)
def _count_on_close(message: Any) -> None:
    count_closed_vote(int(message.payload["vote_id"]))


def voted(actor: Actor, township: Township, vote_id: Any) -> bool:
    """Whether the acting representative has already voted (their own receipt only)."""
    vote = get_vote(actor, township, vote_id)
    rep = casework.representative_of(actor, township)
    if rep is None:
        return False
    if vote.method == VoteMethod.NAMED:
        model: Any = NamedVote
    else:
        model = Receipt
    return (
        db.session.scalar(
            select(model.id).where(model.vote_id == vote.id, model.representative_id == rep.id)
        )
        is not None
    )


def turnout(actor: Actor, township: Township, vote_id: Any) -> int:
    """How many have voted so far (receipts or named votes) — never what."""
    vote = get_vote(actor, township, vote_id)
    model: Any = NamedVote if vote.method == VoteMethod.NAMED else Receipt
    return (
        db.session.scalar(select(func.count()).select_from(model).where(model.vote_id == vote.id))
        or 0
    )


def close_vote(actor: Actor, township: Township, vote_id: Any) -> Vote:
    """Close an online vote (named or secret) and count it."""
    vote = get_vote(actor, township, vote_id)
    _require_office(actor, township)
    _open_session_of(township, vote)
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("表决已结束"))
    if vote.method == VoteMethod.HANDS or vote.channel == BallotChannel.PAPER:
        raise Conflict(_("举手表决和纸质投票按录入的票数结束"), code="counted_by_entry")
    if vote.method == VoteMethod.NAMED:
        named = Counter(
            db.session.scalars(select(NamedVote.choice).where(NamedVote.vote_id == vote.id))
        )
        result: dict[str, Any] = {c: named[c] for c in CHOICES}
        _close(township, vote, result)
    else:
        # The worker opens the last sealed ballots and counts (`count_closed_vote`).
        vote.state = VoteState.COUNTING
        notify.enqueue(
            COUNT_TOPIC,
            {"vote_id": vote.id},
            tenant_id=township.id,
            dedupe_key=f"{COUNT_TOPIC}:{township.id}:{vote.id}",
        )
    _audit("vote_close", actor, township, "annual_session_vote", vote.id)
    db.session.commit()
    # The count may already have run (Celery eager, or a quick worker) in its own session.
    db.session.expire_all()
    return vote


def _count_ballots(vote: Vote, contents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    if vote.seats is not None:
        per: Counter[str] = Counter()
        total = 0
        for content in contents:
            total += 1
            per.update(str(i) for i in content.get("candidates", []))
        return {"ballots": total, "candidates": dict(per)}
    counts = Counter(content.get("choice") for content in contents)
    return {c: counts[c] for c in CHOICES}


def enter_paper_tally(
    actor: Actor, township: Township, vote_id: Any, data: Mapping[str, Any]
) -> Vote:
    """One teller's count of the paper ballots. When both tellers have entered the same counts,
    the result stands and the vote closes; different counts are kept for the scrutineer."""
    vote = get_vote(actor, township, vote_id)
    _open_session_of(township, vote)
    if vote.channel != BallotChannel.PAPER:
        raise Conflict(_("该项不是纸质投票"))
    if actor.user_id not in (vote.teller1_id, vote.teller2_id):
        raise PermissionDenied(_("只有指定的计票人可以录入"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("投票已结束"))
    errors: dict[str, list[str]] = {}
    if vote.seats is not None:
        counts: dict[str, Any] = {
            "ballots": _count(data.get("ballots"), "ballots", errors),
            "candidates": {
                str(c.id): _count(
                    (data.get("candidates") or {}).get(str(c.id), 0), f"candidate_{c.id}", errors
                )
                for c in candidates(vote)
            },
        }
    else:
        counts = {c: _count(data.get(c, 0), c, errors) for c in CHOICES}
    if errors:
        raise ValidationFailed(errors=errors)
    mine = db.session.scalar(
        select(PaperTally).where(
            PaperTally.vote_id == vote.id, PaperTally.teller_id == actor.user_id
        )
    )
    if mine is None:
        mine = PaperTally(vote_id=vote.id, teller_id=actor.user_id, counts=counts)
        db.session.add(mine)
    else:
        mine.counts = counts
    db.session.flush()
    entries = list(db.session.scalars(select(PaperTally).where(PaperTally.vote_id == vote.id)))
    if len(entries) == 2 and entries[0].counts == entries[1].counts:
        _close(township, vote, counts)
        _audit("vote_paper", actor, township, "annual_session_vote", vote.id)
    db.session.commit()
    return vote


def tally_status(actor: Actor, township: Township, vote_id: Any) -> str:
    """For a paper vote: 'waiting' (fewer than two entries), 'mismatch' or 'agreed'."""
    vote = get_vote(actor, township, vote_id)
    entries = list(
        db.session.scalars(select(PaperTally.counts).where(PaperTally.vote_id == vote.id))
    )
    if vote.state == VoteState.CLOSED:
        return "agreed"
    if len(entries) < 2:
        return "waiting"
    return "mismatch"


def reset_paper_tally(actor: Actor, township: Township, vote_id: Any) -> Vote:
    """The scrutineer has the ballots counted again: both entries are cleared."""
    vote = get_vote(actor, township, vote_id)
    _open_session_of(township, vote)
    if vote.channel != BallotChannel.PAPER:
        raise Conflict(_("该项不是纸质投票"))
    if actor.user_id != vote.scrutineer_id:
        raise PermissionDenied(_("只有监票人可以要求重新计票"))
    if vote.state != VoteState.OPEN:
        raise VoteClosed(_("投票已结束"))
    db.session.execute(delete(PaperTally).where(PaperTally.vote_id == vote.id))
    _audit("vote_recount", actor, township, "annual_session_vote", vote.id)
    db.session.commit()
    return vote


def result(actor: Actor, township: Township, vote_id: Any) -> dict[str, Any]:
    """The tally: readable only once the vote has closed."""
    vote = get_vote(actor, township, vote_id)
    if vote.state == VoteState.COUNTING:
        raise Conflict(_("正在计票，请稍后再看"), code="vote_counting")
    if vote.state != VoteState.CLOSED or vote.result is None:
        raise Conflict(_("表决尚未结束，不能查看结果"), code="vote_open")
    out = {"passed": vote.passed, **vote.result}
    if vote.seats is not None:
        out["elected"] = [c.name for c in candidates(vote) if c.elected]
    return out


def votes(actor: Actor, township: Township, session_id: Any) -> list[Vote]:
    session = get_session(actor, township, session_id)
    return list(
        db.session.scalars(select(Vote).where(Vote.session_id == session.id).order_by(Vote.id))
    )


# --- resolutions ---------------------------------------------------------------------------------


def create_resolution(
    actor: Actor, township: Township, session_id: Any, data: Mapping[str, Any]
) -> Resolution:
    """A resolution written from a passed item; it goes to every representative."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    errors: dict[str, list[str]] = {}
    title = _text(data.get("title"), "title", 200, _("请填写决议标题"), errors)
    text = _text(data.get("text"), "text", 20000, _("请填写决议内容"), errors)
    item_id = data.get("item_id")
    item = None
    if item_id not in (None, ""):
        item = _get(Item, township, item_id, _("未找到该议题"))
        vote = db.session.scalar(select(Vote).where(Vote.item_id == item.id))
        if item.session_id != session.id or vote is None or not vote.passed:
            errors["item_id"] = [_("只能根据本次会议表决通过的议题形成决议")]
    if errors:
        raise ValidationFailed(errors=errors)
    resolution = Resolution(
        session_id=session.id, item_id=item.id if item else None, title=title, text=text
    )
    db.session.add(resolution)
    db.session.flush()
    _tell_representatives(
        township,
        session,
        NoticeKind.RESOLUTION,
        resolution.id,
        _("会议决议：%(t)s", t=title),
        text[:200],
        dedupe_key=f"as:{township.id}:resolution:{resolution.id}",
    )
    _audit("resolution", actor, township, "annual_session", session.id, resolution=resolution.id)
    db.session.commit()
    return resolution


def resolutions(actor: Actor, township: Township, session_id: Any) -> list[Resolution]:
    session = get_session(actor, township, session_id)
    return list(
        db.session.scalars(
            select(Resolution).where(Resolution.session_id == session.id).order_by(Resolution.id)
        )
    )


def set_resolution_published(
    actor: Actor, township: Township, resolution_id: Any, published: bool
) -> Resolution:
    permissions.require_member(actor, township)
    resolution = _get(Resolution, township, resolution_id, _("未找到该决议"))
    _require_office(actor, township)
    resolution.published_at = utcnow() if published else None
    _audit(
        "resolution_publish",
        actor,
        township,
        "annual_session_resolution",
        resolution.id,
        published=published,
    )
    db.session.commit()
    return resolution


def report_implementation(
    actor: Actor, township: Township, resolution_id: Any, text: Any
) -> Resolution:
    """How a resolution was carried out, reported at the next session."""
    permissions.require_member(actor, township)
    resolution = _get(Resolution, township, resolution_id, _("未找到该决议"))
    _require_office(actor, township)
    errors: dict[str, list[str]] = {}
    resolution.implementation = _text(text, "text", 20000, _("请填写落实情况"), errors)
    if errors:
        raise ValidationFailed(errors=errors)
    resolution.implementation_reported_at = utcnow()
    _audit("resolution_implementation", actor, township, "annual_session_resolution", resolution.id)
    db.session.commit()
    return resolution


def public_resolutions(township: Township) -> list[tuple[Resolution, Session]]:
    rows = db.session.execute(
        select(Resolution, Session)
        .join(
            Session,
            and_(Session.id == Resolution.session_id, Session.tenant_id == Resolution.tenant_id),
        )
        .where(Resolution.published_at.is_not(None))
        .order_by(Session.held_on.desc(), Resolution.id)
    ).all()
    return [(r, s) for r, s in rows]


# --- the session's report ------------------------------------------------------------------------


@dataclass
class SessionReport:
    session: Session
    roll: Roll
    agenda: list[Item]
    declined: list[Item]
    votes: list[tuple[Vote, Item, dict[str, Any] | None]]
    resolutions: list[Resolution]
    previous: list[Resolution]  # the last session's resolutions and how they were carried out
    reception: Any = None  # reception_days.service.YearReport when that module is on
    proposals: Any = None  # proposals.service.handling_report rows when that module is on


def session_report(actor: Actor, township: Township, session_id: Any) -> SessionReport:
    session = get_session(actor, township, session_id)
    all_items = _items_of(session)
    by_item = {i.id: i for i in all_items}
    vote_rows = []
    for v in db.session.scalars(
        select(Vote).where(Vote.session_id == session.id).order_by(Vote.id)
    ):
        outcome = None
        if v.state == VoteState.CLOSED and v.result is not None:
            outcome = {"passed": v.passed, **v.result}
            if v.seats is not None:
                outcome["elected"] = [c.name for c in candidates(v) if c.elected]
        vote_rows.append((v, by_item[v.item_id], outcome))
    # The last session actually held (opened): one planned and never held has no resolutions.
    earlier = db.session.scalar(
        select(Session)
        .where(Session.held_on < session.held_on, Session.opened_at.is_not(None))
        .order_by(Session.held_on.desc(), Session.id.desc())
        .limit(1)
    )
    previous = (
        list(db.session.scalars(select(Resolution).where(Resolution.session_id == earlier.id)))
        if earlier
        else []
    )
    report = SessionReport(
        session,
        roll(township, session),
        [i for i in all_items if i.status == ItemStatus.ON_AGENDA],
        [i for i in all_items if i.status == ItemStatus.DECLINED],
        vote_rows,
        list(db.session.scalars(select(Resolution).where(Resolution.session_id == session.id))),
        previous,
    )
    year = session.held_on.year - 1  # the session reports on the year before it
    if tenants.module_enabled(township.id, "reception_days"):
        from lianxin.modules.reception_days import service as reception

        try:
            report.reception = reception.year_report(actor, township, year)
        except NotFound:
            report.reception = None
    if tenants.module_enabled(township.id, "proposals"):
        from lianxin.modules.proposals import service as proposals

        try:
            report.proposals = proposals.handling_report(actor, township, year)
        except (NotFound, PermissionDenied):
            report.proposals = None
    return report
