"""The exports of the awards (.xlsx, through lianxin.spreadsheets, which writes every typed text
as text, never a formula).

- The county's, of a selection: the candidates with their figure and rank, and the honour roll
  of a closed selection. County roles only (a county viewer reads them too); a township role,
  or another county, does not find the selection.
- The township's adoption register (采纳台账): every item adopted (in a year, by its adoption
  day), as the office's page lists it, with whose item it was and whether it was nominated.
  The office only, its own township's rows."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.awards import kinds
from lianxin.awards.models import Candidate, SelectionState
from lianxin.awards.stages.adoptions import adopted_items
from lianxin.awards.stages.common import (
    ADOPTED_BY_LABELS,
    CATEGORIES,
    CATEGORY_LABELS,
    STATE_LABELS,
    _require_office,
)
from lianxin.awards.stages.selections import Roll, selection_roll
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.tenants.models import County, Township

CANDIDATE_HEADERS = (
    "类别",
    "名称",
    "乡镇",
    "排名",
    "指标",
    "数值",
    "来源",
    "当选",
    "评选理由",
)
ROLL_HEADERS = ("类别", "名称", "乡镇", "评选理由")
ADOPTION_HEADERS = ("采纳日期", "类别", "事项", "代表", "采纳单位", "说明", "已推荐参评")


def _rows(roll: Roll, category: str | None, *, winners_only: bool) -> list[Candidate]:
    """The roll's rows in the page's order (winners first, then by rank), of one category or
    all of them in the categories' order."""
    wanted = [c for c in CATEGORIES if category is None or c.value == category]
    out: list[Candidate] = []
    for c in wanted:
        rows = roll.candidates.get(c.value, [])
        out += [r for r in rows if r.chosen] if winners_only else rows
    return out


def candidates_xlsx(
    actor: Actor, county: County, selection_id: int, category: str | None = None
) -> bytes:
    """A selection's candidates, as its page lists them (one category when the page shows
    one): category, name, township, rank and figure, where each came from, chosen or not and
    the committee's reason."""
    roll = selection_roll(actor, county, selection_id)
    book = spreadsheets.Book()
    sheet = book.sheet("候选名单")
    sheet.widths([18, 30, 12, 6, 30, 10, 10, 6, 40])
    sheet.header(CANDIDATE_HEADERS)
    for row in _rows(roll, category, winners_only=False):
        source: Any = _("乡镇推荐") if row.nominated else _("年度统计")
        sheet.append(
            [
                CATEGORY_LABELS.get(row.category, row.category),
                row.name,
                roll.townships.get(row.tenant_id, ""),
                row.rank,
                row.summary or "",
                row.value,
                source,
                _("是") if row.chosen else "",
                row.reason or "",
            ]
        )
    info = book.sheet("评选")
    info.append([_("评选名称"), roll.selection.title])
    info.append([_("年度"), roll.selection.year])
    info.append([_("状态"), STATE_LABELS.get(roll.selection.state, roll.selection.state)])
    return book.to_bytes()


def honour_roll_xlsx(
    actor: Actor, county: County, selection_id: int, category: str | None = None
) -> bytes:
    """A closed selection's honour roll (光荣榜): the winners by category with their township
    and the committee's reason. Before it is published there is no roll to export."""
    roll = selection_roll(actor, county, selection_id)
    if roll.selection.state != SelectionState.CLOSED:
        raise NotFound(_("该评选尚未公布"))
    book = spreadsheets.Book()
    sheet = book.sheet("光荣榜")
    sheet.widths([18, 30, 12, 40])
    sheet.header(ROLL_HEADERS)
    for row in _rows(roll, category, winners_only=True):
        sheet.append(
            [
                CATEGORY_LABELS.get(row.category, row.category),
                row.name,
                roll.townships.get(row.tenant_id, ""),
                row.reason or "",
            ]
        )
    return book.to_bytes()


def adoptions_file_name(township: Township, year: int | None) -> str:
    """The register's file name: 甲镇采纳台账.xlsx, or 甲镇2025年采纳台账.xlsx."""
    if year is None:
        return _("%(t)s采纳台账.xlsx", t=township.name)
    return _("%(t)s%(y)s年采纳台账.xlsx", t=township.name, y=year)


def adoptions_xlsx(actor: Actor, township: Township, *, year: int | None = None) -> bytes:
    """The township's adoption register (采纳台账), newest first as the office's page lists it:
    the day, the kind, the item, whose it was, who adopted it, the note, and whether the
    township nominated it for a selection. A consultation's adoption (its own feedback) is
    listed too, as on the page."""
    _require_office(actor, township)
    rows = adopted_items(actor, township, year=year)
    names = kinds.representative_names({a.representative_id for a in rows if a.representative_id})
    nominated = {
        (kind, entity_id)
        for kind, entity_id in db.session.execute(
            select(Candidate.kind, Candidate.entity_id).where(
                Candidate.tenant_id == township.id, Candidate.nominated.is_(True)
            )
        )
    }
    book = spreadsheets.Book()
    sheet = book.sheet("采纳台账")
    sheet.widths([12, 12, 48, 12, 12, 40, 10])
    sheet.header(ADOPTION_HEADERS)
    for a in rows:
        sheet.append(
            [
                a.adopted_on,
                kinds.KIND_LABELS.get(a.kind, a.kind),
                a.title,
                names.get(a.representative_id, "") if a.representative_id else "",
                ADOPTED_BY_LABELS.get(a.adopted_by, a.adopted_by),
                a.note,
                _("是") if (a.kind, a.item_id) in nominated else "",
            ]
        )
    return book.to_bytes()
