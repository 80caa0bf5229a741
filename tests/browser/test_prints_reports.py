"""The annual session's report and the proposals' handling report, as Chromium prints them from
the demo county's 城关镇 (cg.staff), and as the PDF documents the pages offer (issue 25): on A4,
no buttons on paper, and the downloads are PDFs on A4 with the Chinese font embedded; the blank
提案提议表 on one A4 page."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions.models import Session
from lianxin.modules.proposals.models import Proposal
from lianxin.tenants import service as tenants
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.printing import is_a4, page_count, printed
from tests.browser.test_onboarding import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def _demo_facts(live_server: LiveServer) -> tuple[int, int, int]:
    """The demo's latest session, and the year with the most numbered proposals and how many."""
    with live_server.app.app_context():
        township = tenants.township_by_slug("chengguan")
        assert township is not None
        with tenant_context(township.id):
            session = db.session.scalar(
                select(Session.id).order_by(Session.held_on.desc(), Session.id.desc())
            )
            year, count = db.session.execute(
                select(Proposal.year, func.count())
                .where(Proposal.number.is_not(None))
                .group_by(Proposal.year)
                .order_by(func.count().desc(), Proposal.year.desc())
            ).first() or (None, 0)
        db.session.remove()
    assert session is not None and year is not None and count
    return session, year, count


def _pdf_download(page: Any, url: str) -> bytes:
    answer = page.request.get(url)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    data: bytes = answer.body()
    assert data.startswith(b"%PDF-")
    try:
        from pypdf import PdfReader
    except ImportError:
        return data  # tests/test_documents.py reads the fonts without pypdf
    reader = PdfReader(BytesIO(data))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for p in reader.pages
        for font in p["/Resources"].get("/Font", {}).values()
    }
    assert any("WenQuanYi" in name for name in fonts)
    return data


def test_session_and_proposal_reports_print_on_a4_and_download_as_pdf(
    browser: Any, live_server: LiveServer, screens: Path
) -> None:
    session, year, proposals = _demo_facts(live_server)
    base = f"{live_server.url}/t/chengguan"
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server.url, "cg.staff", live_server.demo_password)
    page.wait_for_url(f"{base}/**")

    report = f"{base}/annual_sessions/{session}/report"
    pdf = printed(page, report)
    (screens / "session-report.pdf").write_bytes(pdf)
    assert is_a4(pdf) and 1 <= page_count(pdf) <= 6
    assert not page.locator("#report-pdf").is_visible()  # no buttons on paper
    document = _pdf_download(page, f"{report}.pdf")
    (screens / "session-report-document.pdf").write_bytes(document)

    handling = f"{base}/proposals/report/{year}"
    pdf = printed(page, handling)
    (screens / "proposals-report.pdf").write_bytes(pdf)
    # A row of the eleven columns (with the answer's text) takes a few lines: never a page each.
    assert is_a4(pdf) and 1 <= page_count(pdf) <= proposals
    assert page.locator("#report tbody tr").count() == proposals
    assert not page.locator("#report-pdf").is_visible()
    document = _pdf_download(page, f"{handling}.pdf")
    (screens / "proposals-report-document.pdf").write_bytes(document)

    # The blank 提案提议表 for paper intake: one A4 page, its signature lines included.
    pdf = printed(page, f"{base}/proposals/blank-form")
    (screens / "proposal-blank-form.pdf").write_bytes(pdf)
    assert is_a4(pdf) and page_count(pdf) == 1
    assert page.locator("#form-signers .signer-row").count() >= 5
    assert not page.locator("[data-print]").is_visible()
    context.close()
