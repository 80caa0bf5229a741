"""The register as a spreadsheet: the groups' plans, their activities with attendance and
outcomes, each group's half-years against the minimum, and the reports before the sessions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.modules.group_activities.models import (
    Activity,
    Attendance,
    Outcome,
    PlanItem,
    Report,
)
from lianxin.modules.group_activities.stages.common import (
    HALF_LABELS,
    OUTCOME_LABELS,
    _write,
    half_of,
    previous_half,
    standings,
)
from lianxin.modules.kit import today as kit_today
from lianxin.people.models import Representative, RepresentativeGroup
from lianxin.tenants.models import Township


def register_xlsx(actor: Actor, township: Township, *, today: date | None = None) -> bytes:
    """The township's register of group activities (the office's export)."""
    _write(actor, township)
    day = kit_today(today)
    names: dict[int, str] = {
        i: n
        for i, n in db.session.execute(select(RepresentativeGroup.id, RepresentativeGroup.name))
    }
    reps: dict[int, str] = {
        i: n for i, n in db.session.execute(select(Representative.id, Representative.name))
    }
    activities = list(db.session.scalars(select(Activity).order_by(Activity.held_on, Activity.id)))
    by_id = {a.id: a for a in activities}
    attendance = list(db.session.scalars(select(Attendance)))

    book = spreadsheets.Book()
    sheet = book.sheet("活动")
    sheet.widths([20, 12, 12, 30, 20, 8, 8, 50, 30])
    sheet.header(
        ["代表小组", "开始日期", "结束日期", "主题", "地点", "应到", "实到", "活动内容", "缺席"]
    )
    for a in activities:
        rows = [r for r in attendance if r.activity_id == a.id]
        sheet.append(
            [
                names.get(a.group_id, ""),
                a.held_on,
                a.ends_on,
                a.topic,
                a.place,
                len(rows),
                sum(1 for r in rows if r.attended),
                a.content,
                "、".join(reps.get(r.representative_id, "") for r in rows if not r.attended),
            ]
        )
    sheet = book.sheet("活动成果")
    sheet.widths([20, 12, 30, 50, 12])
    sheet.header(["代表小组", "活动日期", "活动主题", "成果", "处理"])
    for o in db.session.scalars(select(Outcome).order_by(Outcome.id)):
        a = by_id[o.activity_id]
        sheet.append(
            [
                names.get(a.group_id, ""),
                a.held_on,
                a.topic,
                o.text,
                str(OUTCOME_LABELS.get(o.state, o.state)),
            ]
        )
    sheet = book.sheet("年度计划")
    sheet.widths([20, 8, 8, 40])
    sheet.header(["代表小组", "年度", "月份", "计划活动"])
    for p in db.session.scalars(
        select(PlanItem).order_by(PlanItem.year, PlanItem.group_id, PlanItem.month)
    ):
        sheet.append([names.get(p.group_id, ""), p.year, p.month, p.topic])
    sheet = book.sheet("半年活动情况")
    sheet.widths([20, 8, 10, 10, 10, 10])
    sheet.header(["代表小组", "年度", "半年", "活动次数", "至少次数", "情况"])
    year, half = half_of(day)
    for y, h in (previous_half(year, half), (year, half)):
        for s in standings(actor, township, y, h, day):
            state = "已达到" if s.met else ("未达到" if s.ended else "进行中")
            sheet.append([s.group.name, y, str(HALF_LABELS[h]), s.activities, s.need, state])
    sheet = book.sheet("书面联络报告")
    sheet.widths([20, 10, 12, 12, 8, 80])
    sheet.header(["代表小组", "年会编号", "应提交日期", "提交日期", "逾期", "报告内容"])
    for r in db.session.scalars(select(Report).order_by(Report.session_id, Report.group_id)):
        sheet.append(
            [
                names.get(r.group_id, ""),
                r.session_id,
                r.due_on,
                r.submitted_on,
                "是" if r.late else "否",
                r.body,
            ]
        )
    return book.to_bytes()
