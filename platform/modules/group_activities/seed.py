"""The demo's group activities (代表小组活动, `lianxin demo`): each group plans its year in
January and holds an activity each half-year (one around 1 July, the seeds' activity day),
recorded by the office with most members present; some outcomes become cases. One group misses
the last half-year, so the office's to-do shows it. All through the module's use cases, each on
its day (`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

TOPICS = (
    ("走访联系群众，收集村民意见", "村委会议室"),
    ("七一党代表活动日：集中视察民生实事项目", "镇政府"),
    ("调研农村人居环境整治", "各村"),
    ("年会前集中活动：酝酿提案建议", "代表工作站"),
)
OUTCOMES = (
    ("群众反映村道路灯损坏，夜间出行不便", "基础设施"),
    ("建议增设农村公交班次", "民生保障"),
)


def seed(township: Township, index: int = 0) -> None:
    from lianxin.demo_clock import history
    from lianxin.modules.group_activities.models import Activity

    with tenant_context(township.id):
        if db.session.scalar(select(Activity.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Groups(township, timeline).plan()


class _Groups:
    def __init__(self, township: Township, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township = township
        self.timeline = timeline
        self.today = real_today()
        created = township.created_at.date() if township.created_at else self.today
        self.start = max(history_start(self.today), created)
        self.draw = rng("group_activities", township.slug)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        if self.start <= day <= self.today:
            self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.township.id)

    def plan(self) -> None:
        from lianxin.modules.group_activities import service

        rules = service.settings(self.township.id)
        for year in range(self.start.year, self.today.year + 1):
            self._on(date(year, 1, 20), 10, lambda y=year: self._plan(y))
            self._on(date(year, 1, 6), 9, lambda y=year: self._receptions(y))
            for month in range(1, 13):
                day = service.reception_day(year, month, int(rules["reception_day_of_month"]))
                self._on(day, 17, lambda d=day: self._received(d))
            for month in service.visit_months(self.township.id):
                first = date(year, month, 1)
                self._on(first - timedelta(days=35), 10, lambda y=year, m=month: self._visits(y, m))
                for n in range(4):
                    self._on(
                        first + timedelta(days=4 + n),
                        18,
                        lambda y=year, m=month: self._minutes(y, m),
                    )
            self._on(date(year, 4, 16), 15, lambda y=year: self._held(date(y, 4, 15), 0))
            self._on(date(year, 7, 2), 15, lambda y=year: self._held(date(y, 7, 1), 1))
            self._on(date(year, 10, 21), 15, lambda y=year: self._held(date(y, 10, 20), 2))

    def _groups(self) -> list:
        from lianxin.demo_clock import office
        from lianxin.modules.group_activities import service

        return service.groups(office(self.township), self.township)

    def _plan(self, year: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.group_activities import service
        from lianxin.modules.group_activities.inputs import PlanItemInput

        actor = office(self.township)
        for group in self._groups():
            for month, (topic, _place) in zip((4, 7, 10, 12), TOPICS, strict=True):
                service.add_plan_item(
                    actor, self.township, group.id, PlanItemInput(year, month, topic)
                )

    def _held(self, day: date, n: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.group_activities import service
        from lianxin.modules.group_activities.inputs import (
            ActivityInput,
            OutcomeCaseInput,
            OutcomeInput,
        )

        actor = office(self.township)
        groups = self._groups()
        for i, group in enumerate(groups):
            if i == 0 and n == 2:
                continue  # the first group misses a half-year: the office's to-do shows it
            if not group.members:
                continue
            topic, place = TOPICS[n % len(TOPICS)]
            came = [r.id for r in group.members if self.draw.random() < 0.85]
            activity = service.record_activity(
                actor,
                self.township,
                group.id,
                ActivityInput(topic, day, day, place, "座谈交流，现场走访", came),
                today=day,
            )
            if self.draw.random() < 0.5:
                text, category = OUTCOMES[self.draw.randrange(len(OUTCOMES))]
                outcome = service.record_outcome(
                    actor, self.township, activity.id, OutcomeInput(text)
                )
                if group.leader is not None and self.draw.random() < 0.5:
                    service.outcome_to_case(
                        actor,
                        self.township,
                        outcome.id,
                        OutcomeCaseInput(title=text[:20], body=text, category=category),
                    )

    # --- the committee members: reception days and visiting months ------------------------------

    def _receptions(self, year: int) -> None:
        from lianxin.demo_clock import committee, office
        from lianxin.modules.group_activities import service
        from lianxin.modules.group_activities.inputs import ReceptionPlanInput

        if committee(self.township):
            service.plan_receptions(
                office(self.township), self.township, ReceptionPlanInput(year, "党代表联络办公室")
            )

    def _received(self, day: date) -> None:
        from lianxin.demo_clock import actor_of
        from lianxin.modules.group_activities import service
        from lianxin.modules.group_activities.inputs import NotesInput
        from lianxin.modules.group_activities.models import Reception

        with tenant_context(self.township.id):
            row = db.session.scalar(select(Reception).where(Reception.day == day))
        if row is None:
            return
        text = (
            "组长反映：" + OUTCOMES[self.draw.randrange(len(OUTCOMES))][0] + "。已交有关部门办理。"
        )
        service.record_reception(
            actor_of(row.member_user_id), self.township, row.id, NotesInput(text), today=day
        )

    def _visits(self, year: int, month: int) -> None:
        from lianxin.demo_clock import committee, office
        from lianxin.modules.group_activities import service
        from lianxin.modules.group_activities.inputs import VisitInput, VisitPlanInput

        members = committee(self.township)
        groups = [g for g in self._groups() if g.members]
        if not members or not groups:
            return
        actor = office(self.township)
        plan = service.create_plan(actor, self.township, VisitPlanInput(year, month))
        for i, member in enumerate(members):
            group = groups[(i + month) % len(groups)]
            day = date(year, month, 5 + i % 4)
            assert member.user_id is not None
            service.add_visit(
                actor, self.township, plan.id, VisitInput(member.user_id, group.id, day)
            )
        service.publish_plan(actor, self.township, plan.id)

    def _minutes(self, year: int, month: int) -> None:
        from lianxin.demo_clock import actor_of
        from lianxin.modules.group_activities import service
        from lianxin.modules.group_activities.inputs import NotesInput
        from lianxin.modules.group_activities.models import Visit, VisitPlan
        from lianxin.modules.kit import today

        with tenant_context(self.township.id):
            plan = db.session.scalar(
                select(VisitPlan).where(VisitPlan.year == year, VisitPlan.month == month)
            )
            if plan is None or plan.published_on is None:
                return
            due = list(
                db.session.scalars(
                    select(Visit).where(
                        Visit.plan_id == plan.id, Visit.day == today(), Visit.minutes.is_(None)
                    )
                )
            )
        for visit in due:
            service.record_minutes(
                actor_of(visit.member_user_id),
                self.township,
                visit.id,
                NotesInput("听取小组代表对党委工作的意见建议，形成三条整改措施。"),
            )
