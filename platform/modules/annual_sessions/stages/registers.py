"""The session's attendance register as a spreadsheet (应到 / 实到 / 请假 per representative),
with the roll page's search, for the office that keeps the roll."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.modules.annual_sessions.models import AttendanceStatus
from lianxin.modules.annual_sessions.stages.attendance import _came, attendance, roll
from lianxin.modules.annual_sessions.stages.common import _require_office
from lianxin.modules.annual_sessions.stages.observers import _local
from lianxin.modules.annual_sessions.stages.planning import get_session, session_days
from lianxin.people.models import Representative
from lianxin.people.privacy import viewer_for
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township

LEAVE_LABELS = {
    AttendanceStatus.LEAVE_REQUESTED: _l("请假待批"),
    AttendanceStatus.LEAVE_APPROVED: _l("请假"),
    AttendanceStatus.LEAVE_REFUSED: _l("请假未批准"),
}


def roll_matches(rep: Representative, q: str, branch_names: Mapping[int, str]) -> bool:
    """The roll's search (the page's and the export's): the name, its pinyin or initials, or
    the electoral unit, spaces and case ignored."""
    key = "".join(
        (
            rep.name,
            rep.name_pinyin or "",
            rep.name_initials or "",
            branch_names.get(rep.branch_id or 0, ""),
        )
    )
    return "".join(q.split()).lower() in "".join(key.split()).lower()


def attendance_xlsx(actor: Actor, township: Township, session_id: int, *, q: str = "") -> bytes:
    """Every expected representative (those `q` finds), whether they came, their leave; and the
    session's totals as its report gives them."""
    session = get_session(actor, township, session_id)
    _require_office(actor, township)
    branch_names = {b.id: b.name for b in tenants.list_branches(actor, township)[0]}
    viewer = viewer_for(actor, township.id)
    rows = attendance(actor, township, session_id)
    if q.strip():
        rows = [(r, a) for r, a in rows if roll_matches(r, q, branch_names)]
    book = spreadsheets.Book()
    sheet = book.sheet(_("出席情况"))
    sheet.widths((12, 10, 24, 8, 8, 18, 10, 12, 12, 40))
    sheet.header(
        [
            _("姓名"),
            _("出生年份"),
            _("选区（单位）"),
            _("应到"),
            _("实到"),
            _("签到时间"),
            _("签到方式"),
            _("请假"),
            _("请假起始日"),
            _("请假事由"),
        ]
    )
    for rep, row in rows:
        birth = viewer.shown(rep, "birth_date")
        came = row is not None and _came(row)
        leave = None if row is None else LEAVE_LABELS.get(AttendanceStatus(row.status))
        sheet.append(
            [
                viewer.shown(rep, "name"),
                birth.year if hasattr(birth, "year") else birth,
                branch_names.get(rep.branch_id or 0, ""),
                _("是"),
                _("是") if came else _("否"),
                _local(row.checked_in_at) if row is not None else "",
                (_("扫码") if row.self_checked_in else _("工作人员")) if came and row else "",
                leave or "",
                row.leave_from if row is not None and leave else None,
                (row.leave_reason or "") if row is not None and leave else "",
            ]
        )
    figures = roll(township, session)
    totals = book.sheet(_("汇总"))
    totals.widths((16, 40))
    totals.header([_("项目"), _("人数")])
    totals.append([_("会议"), session.title])
    totals.append([_("会期"), session_days(session)])
    for label, value in (
        (_("应到"), figures.expected),
        (_("实到"), figures.present),
        (_("请假"), figures.on_leave),
        (_("缺席"), figures.absent),
        (_("签到后请假离会"), figures.left_early),
        (_("法定人数"), figures.quorum_needed),
    ):
        totals.append([label, value])
    return book.to_bytes()
