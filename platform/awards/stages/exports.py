"""The exports of the awards (.xlsx, through lianxin.spreadsheets, which writes every typed text
as text, never a formula).

- The county's, of a selection: the candidates with their figure and rank, and the honour roll
  of a closed selection. County roles only (a county viewer reads them too); a township role,
  or another county, does not find the selection.
- A township's own selection's, the same two files (the same writer): its office's, and its
  committee's to read; another township, or the county through its own pages and API, does
  not find the selection. A county viewer who drills down into the township (进入查看: read-only,
  audited in both chains) reads it as the office would, like every other page of the township.
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
from lianxin.awards.models import Candidate, Category, Selection, SelectionState
from lianxin.awards.stages.adoptions import adopted_items
from lianxin.awards.stages.common import (
    ADOPTED_BY_LABELS,
    CATEGORIES,
    CATEGORY_LABELS,
    STATE_LABELS,
    _require_office,
)
from lianxin.awards.stages.own import own_roll
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
# What a file name (and the download's header) cannot hold.
_UNSAFE = str.maketrans({c: "_" for c in '\\/:*?"<>|\r\n\t'})
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


def _source(row: Candidate, *, own: bool) -> Any:
    """Where a candidate came from: the county's from its rollups or a township's nomination;
    a township's own from its duty scores, its rollups or the items it marked adopted."""
    if row.nominated:
        return _("乡镇推荐")
    if own and row.category == Category.REPRESENTATIVE:
        return _("履职积分")
    if own and row.category == Category.SUGGESTION:
        return _("本镇采纳")
    return _("年度统计")


def _candidates_book(roll: Roll, category: str | None, *, own: bool) -> bytes:
    """The one sheet of candidates both selections export, and a sheet about the selection."""
    book = spreadsheets.Book()
    sheet = book.sheet("候选名单")
    sheet.widths([18, 30, 12, 6, 30, 10, 10, 6, 40])
    sheet.header(CANDIDATE_HEADERS)
    for row in _rows(roll, category, winners_only=False):
        sheet.append(
            [
                CATEGORY_LABELS.get(row.category, row.category),
                row.name,
                roll.townships.get(row.tenant_id, ""),
                row.rank,
                row.summary or "",
                row.value,
                _source(row, own=own),
                _("是") if row.chosen else "",
                row.reason or "",
            ]
        )
    info = book.sheet("评选")
    info.append([_("评选名称"), roll.selection.title])
    info.append([_("年度"), roll.selection.year])
    info.append([_("状态"), STATE_LABELS.get(roll.selection.state, roll.selection.state)])
    if own:
        info.append([_("乡镇"), roll.townships.get(roll.selection.township_id or 0, "")])
    return book.to_bytes()


def _roll_book(roll: Roll, category: str | None) -> bytes:
    """A closed selection's winners: before it is published there is no roll to export."""
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


def candidates_xlsx(
    actor: Actor, county: County, selection_id: int, category: str | None = None
) -> bytes:
    """A selection's candidates, as its page lists them (one category when the page shows
    one): category, name, township, rank and figure, where each came from, chosen or not and
    the committee's reason."""
    return _candidates_book(selection_roll(actor, county, selection_id), category, own=False)


def honour_roll_xlsx(
    actor: Actor, county: County, selection_id: int, category: str | None = None
) -> bytes:
    """A closed selection's honour roll (光荣榜): the winners by category with their township
    and the committee's reason. Before it is published there is no roll to export."""
    return _roll_book(selection_roll(actor, county, selection_id), category)


def own_candidates_xlsx(
    actor: Actor, township: Township, selection_id: int, category: str | None = None
) -> bytes:
    """A township's own selection's candidates, as its page lists them: the same columns as
    the county's (rank and figure, where each came from, chosen or not and the reason). The
    office's and the committee's; another township's selection, or the county's, is not
    found."""
    return _candidates_book(own_roll(actor, township, selection_id), category, own=True)


def own_honour_roll_xlsx(
    actor: Actor, township: Township, selection_id: int, category: str | None = None
) -> bytes:
    """A township's own closed selection's honour roll: its winners with the reasons."""
    return _roll_book(own_roll(actor, township, selection_id), category)


def own_file_names(selection: Selection, what: str) -> tuple[str, str]:
    """A township selection's file (`what`: "candidates" or "roll"): its title and what it
    holds (甲镇2025年度评先候选名单.xlsx), without what a file name cannot hold; and the plain
    name for clients that cannot read a Chinese one."""
    title = selection.title.translate(_UNSAFE).strip() or str(selection.year)
    if what == "roll":
        return _("%(t)s光荣榜.xlsx", t=title), f"own-honour-roll-{selection.id}.xlsx"
    return _("%(t)s候选名单.xlsx", t=title), f"own-award-candidates-{selection.id}.xlsx"


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
