"""The structure statistics (代表结构) as a spreadsheet: the page's figures, dimension by
dimension. Counts only, no person: whoever reads the page may take it away."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from lianxin import spreadsheets
from lianxin.people.statistics import Structure

# The days the structure is counted on: ages are counted back 60 years from the day, and a day
# outside these is a typing slip (the page says so; the API answers 422).
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def structure_xlsx(s: Structure, township_name: str) -> bytes:
    """One sheet: the day, the total and the summary sentence, then every dimension's rows with
    count and share (a percentage, empty when nobody is counted)."""
    book = spreadsheets.Book()
    sheet = book.sheet(_("代表结构"))
    sheet.widths((16, 24, 10, 10))
    sheet.append([_("%(t)s代表结构", t=township_name)], bold=True)
    sheet.append([_("统计日期"), s.on])
    sheet.append([_("在任代表"), "", s.total])
    sheet.append([_("概述"), s.summary])
    sheet.append([])
    sheet.header([_("维度"), _("项目"), _("人数"), _("占比（%）")])
    for _key, title, rows in s.dimensions():
        for row in rows:
            sheet.append([title, row.label, row.count, row.share])
    sheet.append([])
    for label, value in (
        (_("妇女"), s.women_share),
        (_("50岁以下"), s.under_50_share),
        (_("少数民族"), s.minority_share),
        (_("基层代表"), s.grassroots_share),
    ):
        sheet.append([_("其中"), label, "", value])
    return book.to_bytes()
