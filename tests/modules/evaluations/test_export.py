"""The results export (.xlsx, through lianxin.spreadsheets): the subjects' figures with the grades
and the responsible leader's opinion, and a sheet of the figures by rater category (机关干部 etc.)
in which a category appears only where it has K real grades of its own. A category below K is
never in the file, not beside the subject, not by name: the file is read back with openpyxl."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import (
    AnswerInput,
    GuestRaterInput,
    LeaderOpinionInput,
)
from tests.helpers import login
from tests.modules.evaluations import steps
from tests.modules.evaluations.test_categories import _run

K = 3


@pytest.fixture
def k3(world, tctx):
    steps.settings(world, tctx, min_answers=K, answer_batch=K)


def _book(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Each sheet's rows, by header."""
    assert data[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    out = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        out[sheet.title] = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    workbook.close()
    return out


def _cells(data: bytes) -> set[str]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    found = {
        str(v)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    }
    workbook.close()
    return found


def test_a_category_of_k_is_in_the_file_and_one_of_k_minus_1_never(clock, cast, tctx, office, k3):
    # 党代表 K, 机关干部 K, 村书记/主任 K−1 (withheld unopened at the close).
    campaign, subject = _run(cast, tctx, office, {"agency_cadre": K, "village_head": K - 1}, K)
    data = service.export_xlsx(office, tctx, campaign.id)
    book = _book(data)
    assert set(book) == {"评议结果", "按评议人类别"}
    mine = [r for r in book["按评议人类别"] if r["评议对象"] == subject.name]
    by = {r["评议人类别"]: r for r in mine}
    assert set(by) == {"党代表", "机关干部"}
    assert by["机关干部"]["有效评价"] == K and by["机关干部"]["加权平均"] == 3.0
    assert by["党代表"]["有效评价"] == K and by["党代表"]["加权平均"] == 9.0
    # the K−1 category: nowhere, by name or otherwise
    cells = _cells(data)
    assert not any("村党组织书记" in c for c in cells)
    main = {r["评议对象"]: r for r in book["评议结果"]}
    assert main[subject.name]["有效评价"] == 2 * K


def test_a_category_with_fewer_than_k_real_grades_is_not_beside_that_subject(
    clock, cast, tctx, office, k3
):
    # K 机关干部 answer; one says 无法评价 about the first subject: K−1 real grades there, and
    # the page lists it as not shown; the file does not list it at all for that subject.
    campaign = steps.campaign(cast, tctx, office)
    for i in range(K):
        service.add_guest(office, tctx, campaign.id, GuestRaterInput(f"干部{i}", "agency_cadre"))
    links = service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(K):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, steps.answers(campaign, subjects)
        )
    for n, link in enumerate(link for link in links if link.rater.guest_name):
        answers = steps.answers(campaign, subjects, 5)
        if n == 0:
            answers[0] = AnswerInput(subject_id=subjects[0].id, cannot_evaluate=True)
        service.submit_by_link(tctx, link.token, answers)
    service.close_campaign(office, tctx, campaign.id)
    first = {c.category: c for c in service.subject_result(office, tctx, subjects[0].id).categories}
    assert not first["agency_cadre"].shown  # the page's "不足 K 份，不单列"
    rows = _book(service.export_xlsx(office, tctx, campaign.id))["按评议人类别"]
    first_labels = {r["评议人类别"] for r in rows if r["评议对象"] == subjects[0].name}
    assert "机关干部" not in first_labels and "党代表" in first_labels
    second = {r["评议人类别"]: r for r in rows if r["评议对象"] == subjects[1].name}
    assert second["机关干部"]["有效评价"] == K and second["机关干部"]["加权平均"] == 5.0


def test_small_categories_merged_to_k_appear_as_merged_only(clock, cast, tctx, office, k3):
    campaign, subject = _run(cast, tctx, office, {"agency_cadre": 2, "unit_head": 1}, K)
    data = service.export_xlsx(office, tctx, campaign.id)
    labels = {r["评议人类别"] for r in _book(data)["按评议人类别"] if r["评议对象"] == subject.name}
    assert labels == {"党代表", service.MERGED_LABEL}
    assert not any(c in ("机关干部", "直属单位负责人") for c in _cells(data))


def test_the_leaders_opinion_is_in_the_file(clock, cast, tctx, office, world, client):
    campaign = steps.campaign(cast, tctx, office)
    service.open_campaign(office, tctx, campaign.id)
    subjects = service.subjects(office, tctx, campaign.id)
    for i in range(5):
        service.submit_by_account(
            cast.actors[i], tctx, campaign.id, steps.answers(campaign, subjects, 7)
        )
    service.close_campaign(office, tctx, campaign.id)
    service.record_leader_opinion(
        office, tctx, subjects[0].id, LeaderOpinionInput("王分管", "=工作扎实，同意称职")
    )
    from lianxin.db import db

    db.session.commit()
    login(client, world.users["township_staff"])
    base = f"/t/{tctx.slug}/evaluations/{campaign.id}"
    assert f"{base}/results.xlsx" in client.get(f"{base}/results").get_data(as_text=True)
    response = client.get(f"{base}/results.xlsx")
    assert response.status_code == 200
    main = {r["评议对象"]: r for r in _book(response.data)["评议结果"]}
    assert main[subjects[0].name]["分管领导"] == "王分管"
    # typed text stays text, never a formula
    assert main[subjects[0].name]["分管领导意见"] == "=工作扎实，同意称职"
    assert main[subjects[1].name]["分管领导意见"] in (None, "")
    assert main[subjects[0].name]["有效评价"] == 5
