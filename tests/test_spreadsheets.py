"""Every `.xlsx` the platform writes goes through lianxin.spreadsheets, which writes text as text:
a value that starts like a formula is a string cell with Excel's quote prefix, never `<f>`."""

from __future__ import annotations

import ast
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lianxin.spreadsheets import Book, table

PLATFORM = Path(__file__).resolve().parent.parent / "platform"


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://evil.example","x")', "+86 139", "-2+3", "@SUM(A1)", "\t=1"],
)
def test_text_that_looks_like_a_formula_stays_text(text):
    data = table("t", ["列"], [[text], ["普通文字"], [42], [date(2026, 12, 6)]])
    sheet = load_workbook(io.BytesIO(data))["t"]
    cell = sheet["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet["A3"].quotePrefix is False and sheet["A4"].value == 42
    assert sheet["A5"].value.date() == date(2026, 12, 6)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_a_control_character_typed_into_a_name_does_not_break_the_export():
    data = table("t", ["名称"], [["\x01农业\x1b小组"], ["换行\n保留"]])
    sheet = load_workbook(io.BytesIO(data))["t"]
    assert sheet["A2"].value == "农业小组"
    assert sheet["A3"].value == "换行\n保留"


def test_sheet_titles_are_made_valid_and_unique():
    book = Book()
    book.sheet("a/b:c")
    book.sheet("a/b:c")
    names = load_workbook(io.BytesIO(book.to_bytes())).sheetnames
    assert names == ["a_b_c", "a_b_c_2"]


def test_no_other_module_writes_a_workbook_of_its_own():
    """openpyxl's writer classes are imported only by lianxin.spreadsheets."""
    writers = {"Workbook", "WriteOnlyCell"}
    offenders = []
    for path in PLATFORM.rglob("*.py"):
        if path.name == "spreadsheets.py" and path.parent == PLATFORM:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                offenders += [f"{path}: {a.name}" for a in node.names if a.name in writers]
    assert offenders == []
