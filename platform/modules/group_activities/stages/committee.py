"""The committee members and the groups (001 张家港 "党委委员联系党代表小组和党代表制度"):

- the reception day: once a month (`reception_day_of_month`; a shorter month, its last day) one
  committee member receives the group leaders, the members taking turns in a fixed order; the
  office lays out a year (the rotation goes on from the last day laid out), may give a day to
  another member (a swap), and the member records what was raised;
- the visiting month, twice a year (`visit_month_first`, `visit_month_second`): each committee
  member visits one or two groups; the office drafts the schedule and publishes it at least
  `visit_schedule_days_ahead` days before the month begins (one day less is refused); after a
  visit, its minutes are recorded and circulated to the group's members (the outbox).

The committee members are the township's users holding the committee-member role."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.group_activities.errors import GroupRuleBroken
from lianxin.modules.group_activities.inputs import (
    NotesInput,
    ReceptionPlanInput,
    VisitInput,
    VisitPlanInput,
)
from lianxin.modules.group_activities.models import Reception, Visit, VisitPlan
from lianxin.modules.group_activities.stages.common import (
    _audit,
    _read,
    _write,
    find_group,
    groups,
    is_office,
    settings,
)
from lianxin.modules.kit import today as kit_today
from lianxin.notify import service as notify
from lianxin.people.models import GroupKind
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

MAX_VISITS = 2  # "分头走访1～2个党代表小组"


# --- the committee members ------------------------------------------------------------------------


def committee_members(township: Township) -> list[User]:
    """The users holding the committee-member role in the township, in a fixed order (their
    account's: names sort differently on each database), the order of the rotation."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.tenant_id == township.id,
                Membership.role == Role.COMMITTEE_MEMBER.value,
            )
            .distinct()
            .order_by(User.id)
        )
    )


def find_member(township: Township, user_id: int) -> User:
    """A committee member of this township; anyone else is not found."""
    found = next((u for u in committee_members(township) if u.id == int(user_id)), None)
    if found is None:
        raise NotFound(_("未找到该党委委员"))
    return found


def is_committee(actor: Actor, township: Township) -> bool:
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def member_names(township: Township) -> dict[int, str]:
    return {u.id: u.display_name for u in committee_members(township)}


# --- the monthly reception day ----------------------------------------------------------------


def reception_day(year: int, month: int, day_of_month: int) -> date:
    """The month's reception day: the setting's day, or the month's last day if shorter."""
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def find_reception(township: Township, reception_id: int) -> Reception:
    row = db.session.get(Reception, (township.id, int(reception_id)))
    if row is None:
        raise NotFound(_("未找到该接待安排"))
    return row


def list_receptions(actor: Actor, township: Township, year: int) -> list[Reception]:
    """The year's reception days, in order (every member of the township may see them)."""
    _read(actor, township)
    return list(
        db.session.scalars(
            select(Reception)
            .where(Reception.day >= date(year, 1, 1), Reception.day < date(year + 1, 1, 1))
            .order_by(Reception.day)
        )
    )


def _leaders_groups(actor: Actor, township: Township) -> list[int]:
    """The active area groups, whose leaders (or deputies) come to the reception."""
    return [g.id for g in groups(actor, township) if g.kind == GroupKind.AREA]


@use_case
def plan_receptions(
    actor: Actor, township: Township, data: ReceptionPlanInput, *, today: date | None = None
) -> list[Reception]:
    """Lay out the year's reception days not laid out yet and not past, one a month, the
    committee members in turn (`committee_members` order), going on after the last member laid
    out. Each member is told their days."""
    _write(actor, township)
    members = committee_members(township)
    if not members:
        raise GroupRuleBroken(_("本镇还没有党委委员，无法安排接待"))
    now = kit_today(today)
    dom = int(settings(township.id)["reception_day_of_month"])
    taken = {
        r.day.month
        for r in db.session.scalars(
            select(Reception).where(
                Reception.day >= date(data.year, 1, 1), Reception.day < date(data.year + 1, 1, 1)
            )
        )
    }
    last = db.session.scalar(select(Reception).order_by(Reception.day.desc()).limit(1))
    ids = [m.id for m in members]
    turn = (ids.index(last.member_user_id) + 1) if last and last.member_user_id in ids else 0
    group_ids = _leaders_groups(actor, township)
    made: list[Reception] = []
    for month in range(1, 13):
        day = reception_day(data.year, month, dom)
        if month in taken or day < now:
            continue
        made.append(
            Reception(
                day=day,
                member_user_id=ids[turn % len(ids)],
                group_ids=group_ids,
                place=data.place,
                created_by_id=actor.user_id,
            )
        )
        turn += 1
    if not made:
        raise GroupRuleBroken(_("%(y)s年没有需要安排的接待日", y=data.year))
    db.session.add_all(made)
    db.session.flush()
    for member_id in {r.member_user_id for r in made}:
        days = "、".join(r.day.isoformat() for r in made if r.member_user_id == member_id)
        notify.notify(
            [member_id],
            _("代表小组组长接待日安排：%(y)s年", y=data.year),
            _("请您于 %(d)s 接待各代表小组组长。", d=days),
            tenant_id=township.id,
            link=committee_url(township),
            dedupe_key=f"ga:{township.id}:receptions:{data.year}:{member_id}:{made[0].id}",
            kind="group_activity.reception_assigned",
        )
    _audit(
        "group_activity.receptions_plan",
        actor,
        township,
        "group_reception",
        made[0].id,
        year=data.year,
        days=len(made),
    )
    return made


@use_case
def reassign_reception(
    actor: Actor, township: Township, reception_id: int, member_user_id: int
) -> Reception:
    """Another committee member takes a reception day not yet held (both are told)."""
    _write(actor, township)
    row = find_reception(township, reception_id)
    member = find_member(township, member_user_id)
    if row.notes is not None:
        raise GroupRuleBroken(_("该接待日已经记录，不能再调换"))
    before = row.member_user_id
    if before == member.id:
        return row
    row.member_user_id = member.id
    db.session.flush()
    notify.notify(
        [member.id, before],
        _("接待日调整：%(d)s", d=row.day.isoformat()),
        _("%(d)s 的代表小组组长接待由 %(n)s 负责。", d=row.day.isoformat(), n=member.display_name),
        tenant_id=township.id,
        link=committee_url(township),
        dedupe_key=f"ga:{township.id}:reception:{row.id}:to:{member.id}:{utcnow().isoformat()}",
        kind="group_activity.reception_assigned",
    )
    _audit(
        "group_activity.reception_reassign",
        actor,
        township,
        "group_reception",
        row.id,
        member_before=before,
        member=member.id,
    )
    return row


def _member_or_office(actor: Actor, township: Township, member_user_id: int) -> None:
    _read(actor, township)
    if actor.user_id != member_user_id and not is_office(actor, township):
        raise PermissionDenied(_("只有负责的党委委员和联络办公室可以记录"))


@use_case
def record_reception(
    actor: Actor,
    township: Township,
    reception_id: int,
    data: NotesInput,
    *,
    today: date | None = None,
) -> Reception:
    """The member (or the office) records what the leaders raised, on the day or after."""
    row = find_reception(township, reception_id)
    _member_or_office(actor, township, row.member_user_id)
    if kit_today(today) < row.day:
        raise GroupRuleBroken(_("接待日 %(d)s 还没有到", d=row.day.isoformat()))
    row.notes = data.text
    row.recorded_at = utcnow()
    db.session.flush()
    _audit("group_activity.reception_record", actor, township, "group_reception", row.id)
    return row


# --- the visiting month -----------------------------------------------------------------------


def committee_url(township: Township) -> str:
    return f"/t/{township.slug}/group_activities/committee"


def plan_url(township: Township, plan_id: int) -> str:
    return f"/t/{township.slug}/group_activities/visits/{plan_id}"


def visit_months(township_id: int) -> tuple[int, int]:
    rules = settings(township_id)
    return int(rules["visit_month_first"]), int(rules["visit_month_second"])


def publish_by(township_id: int, plan: VisitPlan) -> date:
    """The last day the schedule may be published: N days before the month's first day."""
    ahead = int(settings(township_id)["visit_schedule_days_ahead"])
    return date(plan.year, plan.month, 1) - timedelta(days=ahead)


def find_plan(township: Township, plan_id: int) -> VisitPlan:
    row = db.session.get(VisitPlan, (township.id, int(plan_id)))
    if row is None:
        raise NotFound(_("未找到该走访安排"))
    return row


def find_visit(township: Township, visit_id: int) -> Visit:
    row = db.session.get(Visit, (township.id, int(visit_id)))
    if row is None:
        raise NotFound(_("未找到该走访"))
    return row


def list_plans(actor: Actor, township: Township) -> list[VisitPlan]:
    """The visiting months' schedules, newest first: the office sees the drafts too."""
    _read(actor, township)
    query = select(VisitPlan).order_by(VisitPlan.year.desc(), VisitPlan.month.desc())
    if not is_office(actor, township):
        query = query.where(VisitPlan.published_on.is_not(None))
    return list(db.session.scalars(query))


def get_plan(actor: Actor, township: Township, plan_id: int) -> VisitPlan:
    _read(actor, township)
    plan = find_plan(township, plan_id)
    if plan.published_on is None and not is_office(actor, township):
        raise NotFound(_("未找到该走访安排"))
    return plan


def visits_of(plan: VisitPlan) -> list[Visit]:
    return list(
        db.session.scalars(
            select(Visit).where(Visit.plan_id == plan.id).order_by(Visit.day, Visit.id)
        )
    )


@use_case
def create_plan(actor: Actor, township: Township, data: VisitPlanInput) -> VisitPlan:
    """A draft schedule for one of the township's two visiting months."""
    _write(actor, township)
    if data.month not in visit_months(township.id):
        months = "、".join(_("%(m)s月", m=m) for m in visit_months(township.id))
        raise ValidationFailed(errors={"month": [_("走访工作月为每年 %(m)s", m=months)]})
    if db.session.scalar(
        select(VisitPlan.id).where(VisitPlan.year == data.year, VisitPlan.month == data.month)
    ):
        raise ValidationFailed(errors={"month": [_("该月的走访安排已经存在")]})
    plan = VisitPlan(year=data.year, month=data.month, created_by_id=actor.user_id)
    db.session.add(plan)
    db.session.flush()
    _audit(
        "group_activity.visit_plan",
        actor,
        township,
        "group_visit_plan",
        plan.id,
        year=plan.year,
        month=plan.month,
    )
    return plan


def _draft(plan: VisitPlan) -> None:
    if plan.published_on is not None:
        raise GroupRuleBroken(_("走访安排已经发布，不能再修改"))


@use_case
def add_visit(actor: Actor, township: Township, plan_id: int, data: VisitInput) -> Visit:
    """A committee member visits a group on a day of the month; at most two groups each."""
    _write(actor, township)
    plan = find_plan(township, plan_id)
    member = find_member(township, data.member_user_id)
    group = find_group(actor, township, data.group_id)
    _draft(plan)
    if (data.day.year, data.day.month) != (plan.year, plan.month):
        raise ValidationFailed(
            errors={"day": [_("走访日期须在%(y)s年%(m)s月内", y=plan.year, m=plan.month)]}
        )
    visits = visits_of(plan)
    if any(v.member_user_id == member.id and v.group_id == group.id for v in visits):
        raise ValidationFailed(errors={"group_id": [_("该委员已安排走访这个小组")]})
    if sum(1 for v in visits if v.member_user_id == member.id) >= MAX_VISITS:
        raise GroupRuleBroken(
            _(
                "每位党委委员走访 1～%(n)s 个代表小组，%(m)s 已经安排满了",
                n=MAX_VISITS,
                m=member.display_name,
            )
        )
    visit = Visit(plan_id=plan.id, member_user_id=member.id, group_id=group.id, day=data.day)
    db.session.add(visit)
    db.session.flush()
    _audit(
        "group_activity.visit_add",
        actor,
        township,
        "group_visit",
        visit.id,
        plan=plan.id,
        member=member.id,
        group=group.id,
        day=data.day.isoformat(),
    )
    return visit


@use_case
def remove_visit(actor: Actor, township: Township, visit_id: int) -> None:
    _write(actor, township)
    visit = find_visit(township, visit_id)
    _draft(find_plan(township, visit.plan_id))
    db.session.delete(visit)
    db.session.flush()
    _audit("group_activity.visit_remove", actor, township, "group_visit", visit_id)


@dataclass(frozen=True)
class PlanCheck:
    """Whether a draft may be published: the members without a visit, the last day."""

    missing: list[str]
    publish_by: date


def check_plan(township: Township, plan: VisitPlan) -> PlanCheck:
    counts = Counter(v.member_user_id for v in visits_of(plan))
    missing = [u.display_name for u in committee_members(township) if not counts[u.id]]
    return PlanCheck(missing, publish_by(township.id, plan))


@use_case
def publish_plan(
    actor: Actor, township: Township, plan_id: int, *, today: date | None = None
) -> VisitPlan:
    """Publish the schedule, at least N days before the month begins (Asia/Shanghai dates;
    N − 1 is refused); every committee member must visit at least one group. The members are
    told their visits; each group's members who visits them and when."""
    _write(actor, township)
    plan = find_plan(township, plan_id)
    _draft(plan)
    now = kit_today(today)
    check = check_plan(township, plan)
    if now > check.publish_by:
        raise GroupRuleBroken(
            _(
                "走访安排须在 %(d)s 前（工作月开始前 %(n)s 天）发布，已经来不及",
                d=check.publish_by.isoformat(),
                n=settings(township.id)["visit_schedule_days_ahead"],
            )
        )
    if check.missing:
        raise GroupRuleBroken(
            _("每位党委委员都要走访代表小组，尚未安排：%(n)s", n="、".join(check.missing))
        )
    plan.published_on = now
    plan.published_by_id = actor.user_id
    db.session.flush()
    names = member_names(township)
    for visit in visits_of(plan):
        group = find_group(actor, township, visit.group_id)
        notify.notify(
            [visit.member_user_id],
            _("走访代表小组安排：%(g)s", g=group.name),
            _("请您于 %(d)s 走访%(g)s。", d=visit.day.isoformat(), g=group.name),
            tenant_id=township.id,
            link=plan_url(township, plan.id),
            dedupe_key=f"ga:{township.id}:visit:{visit.id}:member",
            kind="group_activity.visit_scheduled",
        )
        _tell_group(
            township,
            group.members,
            _("党委委员走访本组：%(d)s", d=visit.day.isoformat()),
            _(
                "%(n)s 将于 %(d)s 走访%(g)s，听取意见和建议。",
                n=names.get(visit.member_user_id, ""),
                d=visit.day.isoformat(),
                g=group.name,
            ),
            plan_url(township, plan.id),
            f"ga:{township.id}:visit:{visit.id}:group",
            "group_activity.visit_scheduled",
        )
    _audit(
        "group_activity.visit_publish",
        actor,
        township,
        "group_visit_plan",
        plan.id,
        published_on=now.isoformat(),
        visits=len(visits_of(plan)),
    )
    return plan


def _tell_group(
    township: Township, members: list, title: str, body: str, link: str, key: str, kind: str
) -> None:
    with_account = [r.user_id for r in members if r.user_id is not None]
    by_phone = [(r.name, r.phone) for r in members if r.user_id is None and r.phone]
    if not with_account and not by_phone:
        return
    notify.notify(
        with_account,
        title,
        body,
        tenant_id=township.id,
        link=link,
        phones=by_phone,
        dedupe_key=key,
        kind=kind,
    )


@use_case
def record_minutes(
    actor: Actor,
    township: Township,
    visit_id: int,
    data: NotesInput,
    *,
    today: date | None = None,
) -> Visit:
    """After the visit (its day or later), the member or the office records the minutes
    (会议纪要); they are circulated to the group's members. A correction circulates again."""
    visit = find_visit(township, visit_id)
    _member_or_office(actor, township, visit.member_user_id)
    plan = find_plan(township, visit.plan_id)
    if plan.published_on is None:
        raise GroupRuleBroken(_("走访安排尚未发布"))
    if kit_today(today) < visit.day:
        raise GroupRuleBroken(_("走访日 %(d)s 还没有到", d=visit.day.isoformat()))
    visit.minutes = data.text
    visit.minutes_at = utcnow()
    visit.minutes_by_id = actor.user_id
    db.session.flush()
    group = find_group(actor, township, visit.group_id)
    _tell_group(
        township,
        group.members,
        _("党委委员走访纪要：%(g)s", g=group.name),
        data.text[:500],
        plan_url(township, plan.id),
        f"ga:{township.id}:visit:{visit.id}:minutes:{visit.minutes_at.isoformat()}",
        "group_activity.visit_minutes",
    )
    _audit(
        "group_activity.visit_minutes",
        actor,
        township,
        "group_visit",
        visit.id,
        group=group.id,
        circulated=len(group.members),
    )
    return visit
