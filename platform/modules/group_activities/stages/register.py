"""The registers as spreadsheets: the groups' plans, their activities with attendance and
outcomes, each group's half-years against the minimum, and the reports before the sessions;
and the committee side's year: the monthly reception days with their notes, the visiting
months' schedules with each visit and its minutes, and who keeps which group."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import PermissionDenied
from lianxin.modules.group_activities.models import (
    Activity,
    Attendance,
    Keeper,
    Outcome,
    PlanItem,
    Report,
    Visit,
    VisitPlan,
)
from lianxin.modules.group_activities.stages.committee import (
    is_committee,
    list_receptions,
    member_names,
)
from lianxin.modules.group_activities.stages.common import (
    HALF_LABELS,
    OUTCOME_LABELS,
    _read,
    _write,
    half_of,
    is_office,
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
    sheet.widths([20, 12, 30, 50, 12, 10, 10])
    sheet.header(["代表小组", "活动日期", "活动主题", "成果", "处理", "诉求编号", "提案编号"])
    for o in db.session.scalars(select(Outcome).order_by(Outcome.id)):
        a = by_id[o.activity_id]
        sheet.append(
            [
                names.get(a.group_id, ""),
                a.held_on,
                a.topic,
                o.text,
                str(OUTCOME_LABELS.get(o.state, o.state)),
                o.case_id,
                o.proposal_id,
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


def committee_xlsx(actor: Actor, township: Township, year: int) -> bytes:
    """The committee side's year (the office and the committee members): the reception days
    with the member, the groups whose leaders came, the place and the notes; the visiting
    months' schedules with each visit and its minutes (drafts: the office's only)."""
    _read(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied(_("只有联络办公室和党委委员可以导出"))
    names: dict[int, str] = {
        i: n
        for i, n in db.session.execute(select(RepresentativeGroup.id, RepresentativeGroup.name))
    }
    members = member_names(township)
    book = spreadsheets.Book()
    sheet = book.sheet("组长接待日")
    sheet.widths([12, 12, 30, 20, 60, 10])
    sheet.header(["接待日", "接待的党委委员", "参加的代表小组", "地点", "接待记录", "已记录"])
    for r in list_receptions(actor, township, year):
        sheet.append(
            [
                r.day,
                members.get(r.member_user_id, ""),
                "、".join(names.get(g, "") for g in r.group_ids or []),
                r.place,
                r.notes or "",
                "是" if r.notes is not None else "否",
            ],
            wrap=True,
        )
    sheet = book.sheet("走访工作月")
    sheet.widths([10, 12, 12, 20, 12, 60])
    sheet.header(["工作月", "安排表发布日期", "党委委员", "代表小组", "走访日期", "会议纪要"])
    plans = select(VisitPlan).where(VisitPlan.year == year).order_by(VisitPlan.month)
    if not is_office(actor, township):
        plans = plans.where(VisitPlan.published_on.is_not(None))
    for plan in db.session.scalars(plans):
        visits = db.session.scalars(
            select(Visit).where(Visit.plan_id == plan.id).order_by(Visit.day, Visit.id)
        ).all()
        month = f"{plan.year}年{plan.month}月"
        published = plan.published_on if plan.published_on else "未发布"
        if not visits:
            sheet.append([month, published, "", "", "", ""])
        for v in visits:
            sheet.append(
                [
                    month,
                    published,
                    members.get(v.member_user_id, ""),
                    names.get(v.group_id, ""),
                    v.day,
                    v.minutes or "",
                ],
                wrap=True,
            )
    sheet = book.sheet("包组")
    sheet.widths([20, 8, 12])
    sheet.header(["代表小组", "年度", "包组党委委员"])
    for k in db.session.scalars(
        select(Keeper).where(Keeper.year == year).order_by(Keeper.group_id)
    ):
        sheet.append([names.get(k.group_id, ""), k.year, members.get(k.member_user_id, "")])
    return book.to_bytes()
