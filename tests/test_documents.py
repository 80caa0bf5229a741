"""Reports as PDF documents (issue 25): `lianxin.documents.pdf` lays HTML out on A4 with the
Chinese font embedded; the annual session's report and the proposals' handling report download
as PDF from their pages, for whom the page opens, and another township's session is not found."""

from __future__ import annotations

import re
import zlib
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from sqlalchemy import update

from lianxin import documents
from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import TownshipModule
from tests.factories import actor
from tests.helpers import Clock, login

MODULES = ("annual_sessions", "proposals")
A4 = (595.28, 841.89)  # points


def _streams(data: bytes) -> bytes:
    """The PDF with every FlateDecode stream inflated (font names sit in object streams)."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def _facts_without_pypdf(data: bytes) -> tuple[int, set[str]]:
    """Page count and font names read from the raw bytes."""
    raw = _streams(data)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", raw))
    fonts = {m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", raw)}
    return pages, fonts


def _facts(data: bytes) -> tuple[int, set[str], str | None]:
    """Page count, embedded font names and the text (pypdf when installed, else the bytes)."""
    assert data.startswith(b"%PDF-")
    try:
        from pypdf import PdfReader
    except ImportError:
        pages, fonts = _facts_without_pypdf(data)
        return pages, fonts, None
    reader = PdfReader(BytesIO(data))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).lstrip("/"))
        box = page.mediabox
        assert sorted((round(float(box.width), 2), round(float(box.height), 2))) == list(A4)
    return len(reader.pages), fonts, "\n".join(p.extract_text() for p in reader.pages)


def _embedded_chinese(fonts: set[str]) -> bool:
    return any("WenQuanYi" in name for name in fonts)


def test_pdf_embeds_the_chinese_font_and_fetches_nothing():
    html = (
        "<html><body><h1>会议报告</h1><p>出席情况：应到 100 人</p>"
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd"></body></html>'
    )
    data = documents.pdf(html)
    pages, fonts, text = _facts(data)
    assert pages == 1 and _embedded_chinese(fonts)
    assert text is None or ("会议报告" in text and "应到 100 人" in text)
    # The fallback reading (no pypdf) finds the same.
    assert _facts_without_pypdf(data)[0] == 1 and _embedded_chinese(_facts_without_pypdf(data)[1])
    long = "".join(f"<p>第{i}段</p>" for i in range(200))
    assert _facts(documents.pdf(f"<html><body>{long}</body></html>"))[0] > 1


def test_a_server_without_weasyprint_gets_a_clear_503(monkeypatch, caplog):
    import builtins

    real = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(documents.PdfUnavailable) as missing:
        documents.pdf("<p>x</p>")
    assert missing.value.status == 503 and "PDF" in missing.value.message
    assert "libpango" in caplog.text and "make fonts" in caplog.text


# --- the reports ----------------------------------------------------------------------------------


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.proposals.module import MODULE as PROPOSALS
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, PROPOSALS, SESSIONS)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key.in_(MODULES)).values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(date(2026, 3, 2))
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


def _proposals_of_2025(township: Any) -> None:
    """Two proposals of 2025 as the handling report reads them (numbered at 立案, answered)."""
    from lianxin.modules.proposals.models import Proposal, State

    with tenant_context(township.id):
        author = Representative(
            name="王芳",
            name_pinyin="wang fang",
            name_initials="wf",
            birth_date=date(1975, 3, 1),
            gender="女",
            education="大学本科",
            category="农民",
            term=13,
        )
        db.session.add(author)
        db.session.flush()
        for n, (title, answer) in enumerate(
            (("关于修缮村道的提案", "已列入今年计划，定于5月开工。"), ("关于增设路灯的建议", ""))
        ):
            db.session.add(
                Proposal(
                    kind="proposal" if n == 0 else "suggestion",
                    title=title,
                    body="详见附件",
                    category="其他",
                    author_id=author.id,
                    state=State.CLOSED if answer else State.ACCEPTED,
                    number=f"2025-00{n + 1}",
                    year=2025,
                    answer=answer or None,
                )
            )
        db.session.commit()


def test_session_and_proposal_reports_download_as_pdf(world, client, clock):
    from lianxin.modules.annual_sessions import service as sessions
    from lianxin.modules.annual_sessions.inputs import SessionInput

    office = actor(world.users["township_staff"])
    _proposals_of_2025(world.township)
    with tenant_context(world.township.id):
        session_id = sessions.create_session(
            office,
            world.township,
            SessionInput(
                title="第十三届党代表大会第二次会议", held_on=date(2026, 3, 20), place="镇会议中心"
            ),
        ).id

    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/annual_sessions/{session_id}"
    page = client.get(f"{base}/report").get_data(as_text=True)
    assert f"{base}/report.pdf" in page
    response = client.get(f"{base}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="session-report.pdf"' in disposition and "filename*=UTF-8''" in disposition
    pages, fonts, text = _facts(response.data)
    assert pages >= 1 and _embedded_chinese(fonts)
    if text is not None:
        flat = "".join(text.split())
        assert "第十三届党代表大会第二次会议" in flat and "出席情况" in flat
        assert "关于修缮村道的提案" in flat  # the year's proposals, as on the page
        assert "下载PDF" not in flat and "打印" not in flat

    proposals = f"/t/{world.township.slug}/proposals/report"
    assert f"{proposals}/2025.pdf" in client.get(f"{proposals}/2025").get_data(as_text=True)
    response = client.get(f"{proposals}/2025.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="proposals-2025.pdf"' in response.headers["Content-Disposition"]
    if text is not None:  # pypdf is there: eleven columns are laid out on landscape A4
        from pypdf import PdfReader

        box = PdfReader(BytesIO(response.data)).pages[0].mediabox
        assert float(box.width) > float(box.height)
    pages, fonts, text = _facts(response.data)
    assert pages >= 1 and _embedded_chinese(fonts)
    if text is not None:
        flat = "".join(text.split())
        assert "2025-001" in flat and "已列入今年计划" in flat and "关于增设路灯的建议" in flat
    assert client.get(f"{proposals}/700001.pdf").status_code == 404

    # A representative reads neither report; another township's session is not found.
    login(client, world.users["representative"])
    assert client.get(f"{proposals}/2025.pdf").status_code == 403
    login(client, world.users["other_admin"])
    foreign = f"/t/{world.other.slug}/annual_sessions/{session_id}/report.pdf"
    assert client.get(foreign).status_code == 404


def test_the_closed_sessions_report_is_archived_among_its_documents(world, client, clock):
    from sqlalchemy import select

    from lianxin.modules.annual_sessions import service as sessions
    from lianxin.modules.annual_sessions.inputs import SessionInput
    from lianxin.modules.annual_sessions.models import Document, Session, SessionState

    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        session_id = sessions.create_session(
            office,
            world.township,
            SessionInput(title="第二次会议", held_on=date(2026, 3, 20), place="镇会议中心"),
        ).id

    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/annual_sessions/{session_id}"
    assert "form-report-archive" not in client.get(f"{base}/report").get_data(as_text=True)
    refused = client.post(f"{base}/report/archive")  # not closed yet: flashed, nothing kept
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/report")
    with tenant_context(world.township.id):
        assert db.session.scalars(select(Document)).all() == []
        db.session.get(Session, (world.township.id, session_id)).state = SessionState.CLOSED
        db.session.commit()

    assert "form-report-archive" in client.get(f"{base}/report").get_data(as_text=True)
    done = client.post(f"{base}/report/archive")
    assert done.status_code == 302 and done.headers["Location"].endswith("#documents")
    with tenant_context(world.township.id):
        (document,) = db.session.scalars(select(Document)).all()
    assert document.title.startswith("会议报告（") and document.title.endswith("归档）")
    page = client.get(base).get_data(as_text=True)
    assert document.title in page
    stored = client.get(f"/t/{world.township.slug}/files/{document.file_id}")
    assert stored.status_code == 200 and stored.data.startswith(b"%PDF-")
    pages, fonts, _text = _facts(stored.data)
    assert pages >= 1 and _embedded_chinese(fonts)

    login(client, world.users["representative"])
    assert client.post(f"{base}/report/archive").status_code == 403
