"""One owner of the transaction (issue 20): the outermost use case commits; a failure late in it
takes back what a use case it called (the storage's upload) had already written."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.errors import Conflict
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import SessionInput
from lianxin.modules.annual_sessions.models import Document
from lianxin.modules.annual_sessions.stages import planning
from lianxin.storage.models import StoredFile

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_late_failure_takes_back_the_nested_upload(tctx, office, monkeypatch):
    session = service.create_session(
        office,
        tctx,
        SessionInput(title="第二次会议", held_on=date(2026, 3, 20), place="镇会议中心"),
    )
    files_before = _count(StoredFile)

    def refused(*_args, **_kwargs):
        raise Conflict("审计记录失败")  # the last step of add_document, after save_upload

    audit = planning._audit
    monkeypatch.setattr(planning, "_audit", refused)
    with pytest.raises(Conflict):
        service.add_document(office, tctx, session.id, io.BytesIO(PDF), "报告.pdf", "工作报告")
    assert _count(StoredFile) == files_before  # the nested save_upload only flushed
    assert _count(Document) == 0

    monkeypatch.setattr(planning, "_audit", audit)
    document = service.add_document(office, tctx, session.id, io.BytesIO(PDF), "报告.pdf", "报告")
    db.session.rollback()  # nothing left to take back: the use case committed
    assert db.session.get(Document, (tctx.id, document.id)) is not None
    assert _count(StoredFile) == files_before + 1
