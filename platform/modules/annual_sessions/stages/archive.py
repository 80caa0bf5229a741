"""The session's report archived (归档): once the session is closed, the office keeps the report
as a PDF among the session's documents, where whoever reads the session finds it (the same
reader as an uploaded document's: `planning._document_readable`)."""

from __future__ import annotations

from flask_babel import gettext as _

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import Conflict
from lianxin.modules.annual_sessions.models import Document, SessionState
from lianxin.modules.annual_sessions.stages.common import _audit, _require_office, _today
from lianxin.modules.annual_sessions.stages.planning import get_session
from lianxin.storage import service as files
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

PDF = "application/pdf"


@use_case
def archive_report(actor: Actor, township: Township, session_id: int, data: bytes) -> Document:
    """Keep `data` (the report laid out as PDF by `lianxin.documents`) as a document of the
    closed session; archived again, it is another dated document beside the first."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    if session.state != SessionState.CLOSED:
        raise Conflict(_("闭会后才能归档会议报告"), code="session_not_closed")
    if not data.startswith(b"%PDF-"):
        raise Conflict(_("会议报告未能生成 PDF"), code="not_a_pdf")
    day = _today().isoformat()
    stored = files.store_generated(
        township,
        data,
        _("%(t)s 会议报告.pdf", t=session.title[:60]),
        content_type=PDF,
        purpose="annual_session",
    )
    document = Document(
        session_id=session.id, title=_("会议报告（%(d)s 归档）", d=day), file_id=stored.id
    )
    db.session.add(document)
    db.session.flush()
    _audit("report_archive", actor, township, "annual_session", session.id, file=stored.id)
    return document
