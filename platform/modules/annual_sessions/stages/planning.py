"""Planning a session: the session itself, its documents, 应到, and the proposal collection
window a month before it (the proposals module's own use case)."""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.modules.annual_sessions.inputs import SessionInput
from lianxin.modules.annual_sessions.models import (
    Document,
    Proposer,
    Session,
    SessionState,
)
from lianxin.modules.annual_sessions.stages.common import (
    MODULE_KEY,
    _audit,
    _get,
    _require_office,
    settings,
)
from lianxin.people.models import Representative
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

DOCUMENT_TITLE_MAX = 200

# --- sessions ------------------------------------------------------------------------------------


def list_sessions(actor: Actor, township: Township) -> list[Session]:
    permissions.require_member(actor, township)
    return list(db.session.scalars(select(Session).order_by(Session.held_on.desc())))


def get_session(actor: Actor, township: Township, session_id: int) -> Session:
    permissions.require_member(actor, township)
    return _get(Session, township, session_id, _("未找到该次会议"))


@use_case
def create_session(actor: Actor, township: Township, data: SessionInput) -> Session:
    _require_office(actor, township)
    if db.session.scalar(select(Session.id).where(Session.title == data.title)):
        raise ValidationFailed(errors={"title": [_("已有同名的会议")]})
    session = Session(
        title=data.title,
        place=data.place,
        held_on=data.held_on,
        ends_on=data.ends_on or data.held_on,
        state=SessionState.PLANNING,
        checkin_token=secrets.token_urlsafe(24),
    )
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


@use_case
def open_proposal_window(actor: Actor, township: Township, session_id: int) -> WindowOffer:
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
        actor,
        township,
        proposals.WindowInput(title=title, opens_on=opens_on, closes_on=closes_on),
    )
    _audit("proposal_window", actor, township, "annual_session", session.id, window=window.id)
    return WindowOffer(
        True,
        window.id,
        opens_on,
        closes_on,
        _("已开启提案征集：%(a)s 至 %(b)s", a=opens_on.isoformat(), b=closes_on.isoformat()),
    )


@use_case
def plan_session(actor: Actor, township: Township, data: SessionInput) -> Planned:
    """Create a session and, when asked (`open_proposal_window`), open the proposal collection
    window a month before it; a township without windows is told so and the session stands."""
    session = create_session(actor, township, data)
    if not data.open_proposal_window:
        return Planned(session, None)
    try:
        with db.session.begin_nested():  # a refused window takes back only itself
            offer = open_proposal_window(actor, township, session.id)
    except Conflict as exc:
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


@dataclass(frozen=True)
class AgendaRules:
    """How a township takes items before the session (issue 23; the seeds differ): the
    committee's deadline and the groups' and representatives' (N days before the first day:
    proposing on that Asia/Shanghai date is in time, the day after is late), and whether items
    with enough co-proposers or groups must be listed or the committee decides every one."""

    committee_days: int
    group_days: int
    committee_deadline: date
    group_deadline: date
    mandatory_listing: bool
    joint_proposers: int  # co-proposers that list an item by rule (when mandatory_listing)
    groups_for_rule: int  # groups that list an item by rule (when mandatory_listing)

    def deadline(self, proposer: str) -> date:
        return self.committee_deadline if proposer == Proposer.COMMITTEE else self.group_deadline


def agenda_rules(township: Township, session: Session) -> AgendaRules:
    rule = settings(township.id)
    committee, group = int(rule["agenda_days_before"]), int(rule["group_agenda_days_before"])
    return AgendaRules(
        committee,
        group,
        session.held_on - timedelta(days=committee),
        session.held_on - timedelta(days=group),
        bool(rule["mandatory_listing"]),
        int(rule["joint_proposers"]),
        int(rule["groups_for_rule"]),
    )


def agenda_deadline(township: Township, session: Session, proposer: str | None = None) -> date:
    """The last day `proposer` may propose an item; without one, the later of the two deadlines
    (the last day anyone may)."""
    rules = agenda_rules(township, session)
    if proposer is None:
        return max(rules.committee_deadline, rules.group_deadline)
    return rules.deadline(proposer)


@use_case
def add_document(
    actor: Actor,
    township: Township,
    session_id: int,
    stream: IO[bytes],
    filename: str,
    title: str,
) -> Document:
    """A document of the session (the office). The title comes in the multipart form beside
    the file, so it is checked here, after the session and the office's role: a foreign
    session is 404 and a representative 403 whatever the title."""
    from lianxin.storage import service as files

    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    name = title.strip()
    if not name or len(name) > DOCUMENT_TITLE_MAX:
        raise ValidationFailed(errors={"title": [_("请填写文件标题，如“党委工作报告”")]})
    stored = files.save_upload(actor, township, stream, filename, purpose="annual_session")
    document = Document(session_id=session.id, title=name, file_id=stored.id)
    db.session.add(document)
    db.session.flush()
    _audit("document", actor, township, "annual_session", session.id, title=name)
    return document


def documents(actor: Actor, township: Township, session_id: int) -> list[Document]:
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
