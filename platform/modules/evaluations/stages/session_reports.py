"""A city representative's duty report at the annual session (001 张家港 第六节: "居住在本镇的
市党代表在年会上报告履职情况，由镇党代表进行评议"). The report is written on the campaign; the
office files it among the documents of one of the township's annual sessions not yet over (the
annual-sessions module's, where it is switched on). The subject keeps which session, which
document and the SHA-256 of the text filed, so an edit after filing is seen (`filed_stale`): the
campaign page and the API tell the office the filed copy is older than the report, and the office
files the update with the same session while it is not over — a new document titled as the
update beside the first, which stays as it was filed (representatives may have read or printed
it; the groups' reports before the session are filed again the same way). Filing again without
a change since is refused, nothing added."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any

from flask_babel import gettext as _

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.annual_sessions import service as annual_sessions
from lianxin.modules.evaluations.errors import AlreadyFiled, SessionFilingRefused
from lianxin.modules.evaluations.models import Subject, SubjectKind
from lianxin.modules.evaluations.stages.common import (
    _audit,
    _require_office,
    get_subject,
    is_office,
)
from lianxin.modules.kit import today as kit_today
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

SESSIONS_KEY = "annual_sessions"


def sessions_on(township: Township) -> bool:
    """Whether the township has the annual-sessions module switched on."""
    return tenants.module_enabled(township.id, SESSIONS_KEY)


def _over(session: Any, day: date) -> bool:
    return session.state == "closed" or session.ends_on < day


def filing_sessions(actor: Actor, township: Township, *, today: date | None = None) -> list[Any]:
    """The annual sessions a report may be filed with: not ended, soonest first; none while the
    module is off or for anyone but the office."""
    if not is_office(actor, township) or not sessions_on(township):
        return []
    day = kit_today(today)
    rows = [s for s in annual_sessions.list_sessions(actor, township) if not _over(s, day)]
    return sorted(rows, key=lambda s: (s.held_on, s.id))


def report_title(subject: Subject) -> str:
    return _("市党代表%(name)s履职报告", name=subject.name)


def _text(subject: Subject) -> str:
    return (subject.report_text or "").strip()


def _digest(subject: Subject) -> str:
    """What the filed document says, as compared later: the report's title and text (a
    representative renamed or a report rewritten reads otherwise; the file's own title, plain
    or "updated", does not count)."""
    return hashlib.sha256(f"{report_title(subject)}\n\n{_text(subject)}".encode()).hexdigest()


def filed_stale(subject: Subject) -> bool:
    """Whether the report has changed since it was filed: the session's document is older than
    the report (False while not filed; True for a filing whose text was not kept)."""
    if subject.filed_document_id is None:
        return False
    return subject.filed_digest != _digest(subject)


def can_file(subject: Subject) -> bool:
    """Whether the campaign page offers filing for this subject: a city representative whose
    report is written, and not filed yet or edited since it was."""
    return (
        subject.kind == SubjectKind.CITY_REP
        and bool(_text(subject))
        and (subject.filed_document_id is None or filed_stale(subject))
    )


def _document(subject: Subject, title: str) -> bytes:
    return f"{title}\n\n{_text(subject)}\n".encode()


@use_case
def file_with_session(
    actor: Actor,
    township: Township,
    subject_id: int,
    session_id: int,
    *,
    today: date | None = None,
) -> Subject:
    """File a city representative's written report among the session's documents (the
    office). Refused while the annual-sessions module is off, for another kind of subject, an
    empty report or a session over. A report already filed is said so and not filed again,
    unless it has been edited since: then the current text goes with the same session (not
    another) as the update, beside the document filed before."""
    subject = get_subject(actor, township, subject_id)
    _require_office(actor, township)
    # Read again under the subject's row lock, held to the commit: a second filing at once
    # (another office, a double click) waits here and then finds it filed, instead of both
    # reading it unfiled or stale and adding two documents. (SQLite: the writer holds the
    # whole database; no lock clause there.)
    db.session.refresh(subject, with_for_update={"key_share": True})  # FOR NO KEY UPDATE
    if not sessions_on(township):
        raise SessionFilingRefused(_("本镇未启用年会模块，不能列入年会文件"))
    if subject.kind != SubjectKind.CITY_REP:
        raise SessionFilingRefused(_("只有市党代表的履职报告可以列入年会文件"))
    replaces = subject.filed_document_id  # the update's: the document it follows
    update = replaces is not None
    if update and not filed_stale(subject):
        raise AlreadyFiled(
            _(
                "该履职报告已列入《%(title)s》文件，此后未修改",
                title=subject.filed_session_title or "",
            )
        )
    if update and int(session_id) != subject.filed_session_id:
        raise AlreadyFiled(
            _(
                "该履职报告已列入《%(title)s》文件，修改后的报告只能列入该次年会",
                title=subject.filed_session_title or "",
            )
        )
    if not _text(subject):
        raise SessionFilingRefused(_("履职报告尚未填写，不能列入年会文件"))
    session = annual_sessions.get_session(actor, township, int(session_id))
    if _over(session, kit_today(today)):
        raise SessionFilingRefused(_("该次年会已结束，不能再列入文件"))
    title = report_title(subject)
    name = _("%(title)s（更新）", title=title) if update else title
    document = annual_sessions.add_document(
        actor,
        township,
        session.id,
        io.BytesIO(_document(subject, name)),
        f"city-rep-report-{subject.id}.txt",
        name,
    )
    subject.filed_session_id = session.id
    subject.filed_session_title = session.title
    subject.filed_document_id = document.id
    subject.filed_digest = _digest(subject)
    _audit(
        "city_rep_filed",
        actor,
        township,
        "evaluation_subject",
        subject.id,
        session_id=session.id,
        title=name,
        **({"replaces_document_id": replaces} if update else {}),
    )
    return subject
