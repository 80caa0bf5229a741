"""The one writer of every `.xlsx` the platform hands out.

A value that people typed (a proposal's title, a comment, a name) may begin with `=`, and a cell
written from such a string becomes a live formula: `=HYPERLINK("http://evil.example", "点击")`
in a proposal title turned into a link in the handling report. Every text cell written here is a
string cell, never a formula; text that a spreadsheet or a later CSV save would read as a
formula (`=`, `+`, `-`, `@`, tab, carriage return at the start) also carries Excel's quote
prefix, so that editing the cell keeps it text. Nothing else in the platform imports
`openpyxl.Workbook`: `tests/test_spreadsheets.py` checks that.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_title(text: str, taken: set[str] | None = None) -> str:
    """A valid, unique sheet title (31 characters, none of []:*?/\\)."""
    title = str(text).translate(SHEET_FORBIDDEN)[:31] or "Sheet"
    n = 1
    while taken is not None and title in taken:
        n += 1
        title = f"{title[:28]}_{n}"[:31]
    if taken is not None:
        taken.add(title)
    return title


class Sheet:
    """One sheet: rows of plain values, appended in order."""

    def __init__(self, book: Book, title: str) -> None:
        self._book = book
        self._sheet = book._workbook.create_sheet(sheet_title(title, book._titles))

    def _cell(self, value: Any, *, bold: bool, wrap: bool) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._sheet, value=_plain(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text, never a formula
            if cell.value.startswith(FORMULA_START):
                cell.quotePrefix = True
        elif isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = BOLD
        if wrap:
            cell.alignment = WRAP
        return cell

    def append(self, values: Iterable[Any] = (), *, bold: bool = False, wrap: bool = False) -> None:
        self._sheet.append([self._cell(v, bold=bold, wrap=wrap) for v in values])

    def header(self, values: Iterable[Any]) -> None:
        self.append(values, bold=True)

    def widths(self, widths: Sequence[float]) -> None:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(index)].width = width


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | date | datetime | bool):
        return value
    # Lazy translations, enums, decimals: their text, without the control characters a
    # worksheet cannot hold (a name typed with one would otherwise break the whole export).
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


class Book:
    """A workbook written row by row (write-only: memory stays flat for long registers)."""

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)
        self._titles: set[str] = set()

    def sheet(self, title: str) -> Sheet:
        return Sheet(self, title)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._workbook.save(out)
        return out.getvalue()


def table(
    title: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[float] = (),
) -> bytes:
    """A workbook of one sheet: a bold header row, then the rows."""
    book = Book()
    sheet = book.sheet(title)
    if widths:
        sheet.widths(widths)
    sheet.header(headers)
    for row in rows:
        sheet.append(row)
    return book.to_bytes()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def response(data: bytes, filename: str, *, ascii_name: str = "export.xlsx") -> Any:
    """A download of `data` as `filename` (Chinese names survive: RFC 6266's filename*)."""
    from urllib.parse import quote

    from flask import Response

    answer = Response(data, mimetype=XLSX)
    answer.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer
