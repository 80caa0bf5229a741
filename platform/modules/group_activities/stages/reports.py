"""Each group's written liaison report before the annual session (会前书面联络报告, 001 张家港:
"年会召开前15天"). The session and its first day are the annual-sessions module's; the report
is due that day less the township's days (`report_days_before`), on Asia/Shanghai dates: filed
on the due day it is on time, a day later it is late — flagged, or refused where the township
does not accept late reports. After the session's last day nothing is filed. The office sees
which groups have reported and puts the collected reports among the session's documents."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.annual_sessions import service as annual_sessions
from lianxin.modules.group_activities.errors import GroupRuleBroken
from lianxin.modules.group_activities.inputs import ReportInput
from lianxin.modules.group_activities.models import Report
from lianxin.modules.group_activities.stages.common import (
    Group,
    _audit,
    _lead,
    _read,
    _write,
    find_group,
    find_report,
    groups,
    settings,
)
from lianxin.modules.kit import today as kit_today
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def due_on(township_id: int, held_on: date) -> date:
    """The last day a report is on time: the session's first day less the township's days."""
    return held_on - timedelta(days=int(settings(township_id)["report_days_before"]))


def coming_sessions(actor: Actor, township: Township, today: date) -> list[Any]:
    """The annual sessions not yet over, soonest first (the annual-sessions module's)."""
    rows = [s for s in annual_sessions.list_sessions(actor, township) if s.ends_on >= today]
    return sorted(rows, key=lambda s: (s.held_on, s.id))


def _session(actor: Actor, township: Township, session_id: int) -> Any:
    return annual_sessions.get_session(actor, township, int(session_id))


def report_of(group_id: int, session_id: int) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.group_id == group_id, Report.session_id == session_id)
    )


@use_case
def submit_report(
    actor: Actor,
    township: Township,
    group_id: int,
    data: ReportInput,
    *,
    today: date | None = None,
) -> Report:
    """The group's report for the session (its leader or the office), once per session."""
    group = find_group(actor, township, group_id)
    _lead(actor, township, group)
    session = _session(actor, township, data.session_id)
    day = kit_today(today)
    if day > session.ends_on:
        raise GroupRuleBroken(_("年会已结束，不能再提交书面联络报告"))
    if report_of(group.id, session.id) is not None:
        raise GroupRuleBroken(_("本组已提交本次年会的书面联络报告"))
    due = due_on(township.id, session.held_on)
    late = day > due
    if late and not settings(township.id)["accept_late_reports"]:
        raise GroupRuleBroken(
            _("书面联络报告应在%(d)s前提交，已逾期", d=due.strftime("%Y年%m月%d日"))
        )
    report = Report(
        group_id=group.id,
        session_id=session.id,
        body=data.body,
        due_on=due,
        submitted_on=day,
        late=late,
        submitted_by_id=actor.user_id,
    )
    db.session.add(report)
    db.session.flush()
    _audit(
        "group_activity.report",
        actor,
        township,
        "group_report",
        report.id,
        group_id=group.id,
        session_id=session.id,
        late=late,
    )
    return report


def get_report(actor: Actor, township: Township, report_id: int) -> Report:
    """A report: its group's leaders and the office read it."""
    _read(actor, township)
    report = find_report(township, report_id)
    _lead(actor, township, find_group(actor, township, report.group_id))
    return report


@dataclass(frozen=True)
class Collected:
    """A group and its report for the session (None: not yet)."""

    group: Group
    report: Report | None
    due_on: date

    @property
    def overdue(self) -> bool:
        return self.report is None

    @property
    def group_id(self) -> int:
        return self.group.id

    @property
    def name(self) -> str:
        return self.group.name


def collected(actor: Actor, township: Township, session_id: int) -> tuple[Any, list[Collected]]:
    """(session, every active group with its report or none): the office's view."""
    _write(actor, township)
    session = _session(actor, township, session_id)
    due = due_on(township.id, session.held_on)
    reports = {
        r.group_id: r
        for r in db.session.scalars(select(Report).where(Report.session_id == session.id))
    }
    return session, [Collected(g, reports.get(g.id), due) for g in groups(actor, township)]


def page_reports(
    actor: Actor, township: Township, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Report], int]:
    from lianxin.db.paging import paged

    _write(actor, township)
    return paged(
        select(Report).order_by(Report.submitted_on.desc()), Report.id, offset=offset, limit=limit
    )


def _reports_book(session: Any, rows: list[Collected]) -> bytes:
    book = spreadsheets.Book()
    sheet = book.sheet("书面联络报告")
    sheet.widths([20, 12, 12, 8, 80])
    sheet.header(["代表小组", "应提交日期", "提交日期", "逾期", "报告内容"])
    for row in rows:
        r = row.report
        sheet.append(
            [
                row.name,
                row.due_on,
                r.submitted_on if r else "未提交",
                ("是" if r.late else "否") if r else "",
                r.body if r else "",
            ],
            wrap=True,
        )
    return book.to_bytes()


@use_case
def file_with_session(actor: Actor, township: Township, session_id: int) -> Any:
    """Put the collected reports among the annual session's documents (a spreadsheet). Filed
    once, it is filed again only when a group has reported since (an "updated" document beside
    the first, which stays as what was filed then: reports are never changed once in, so a new
    report is the only change); otherwise it is refused (409), nothing added."""
    session, rows = collected(actor, township, session_id)
    if not any(r.report for r in rows):
        raise GroupRuleBroken(_("尚无代表小组提交书面联络报告"))
    title = _("各代表小组书面联络报告")
    filed = [
        d
        for d in annual_sessions.documents(actor, township, session.id)
        if d.title.startswith(title)
    ]
    if filed:
        last = max(filed, key=lambda d: (d.created_at, d.id))
        if not any(r.report and r.report.created_at > last.created_at for r in rows):
            raise GroupRuleBroken(_("各代表小组书面联络报告已列入年会文件，此后没有新提交的报告"))
        title = _("各代表小组书面联络报告（更新）")
    document = annual_sessions.add_document(
        actor,
        township,
        session.id,
        io.BytesIO(_reports_book(session, rows)),
        "group-reports.xlsx",
        title,
    )
    _audit(
        "group_activity.reports_filed",
        actor,
        township,
        "annual_session",
        session.id,
        reports=sum(1 for r in rows if r.report),
    )
    return document
