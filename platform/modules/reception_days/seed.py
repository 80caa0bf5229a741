"""The demo's reception days (`lianxin demo`): two years of them.

The township opens its reception room and a branch's service centre the week it comes onto the
platform, schedules what is left of that year and, every December, next year from the same rule
with a new rotation of representatives (each site with a basic-level leading cadre), published
ahead of the notice period. Around each day the daily sweep puts up the notice (and, for the
last two months' days, reminds the people on duty: the demo runs the sweep on the days it has
work); now and then one cannot come and the office puts a substitute on; on the day the sites
record how many people came and the issue one of them raised, which becomes a case that goes
the way cases go (`lianxin.casework.seed.follow`); the next morning the sweep sends the day's
summary up. In 城关镇 cg.rep (张秀英) is on this year's team at the service centre. All
through the module's use cases, each on its day (`lianxin.demo_clock`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township

# What people raise on the day: (title, body, category, unit, the unit's answer).
ISSUES = [
    (
        "希望硬化{place}通组路",
        "{place}还有一段通组路是泥巴路，下雨天出行困难。",
        "基础设施",
        "镇城建办",
        "已将该路段列入今年通组路硬化计划，秋收后施工。",
    ),
    (
        "咨询城乡居民养老保险缴费",
        "{place}村民想了解养老保险缴费档次和补贴。",
        "民生保障",
        "镇社会事务办",
        "已上门讲解缴费档次和政府补贴标准，并帮助办理了缴费。",
    ),
    (
        "反映{place}沟渠垃圾堆积",
        "{place}沟渠里垃圾堆积，夏天有异味。",
        "生态环境",
        "镇城建办",
        "已组织清理沟渠垃圾，并纳入保洁日常巡查。",
    ),
    (
        "希望增加{place}公益性岗位",
        "{place}有几位低收入村民希望就近找份工作。",
        "经济发展",
        "镇社会事务办",
        "已安排两个保洁、护路公益性岗位，优先录用低收入村民。",
    ),
    (
        "咨询危房改造政策",
        "{place}一户老人住房老旧，想了解危房改造补助。",
        "民生保障",
        "镇城建办",
        "经鉴定符合条件，已纳入今年农村危房改造计划。",
    ),
]
ABSENCES = ("身体不适，需住院检查", "外出参加县里培训", "家中有事无法参加")


def seed(township: Township, index: int = 0) -> None:
    """Two years of a township's reception days, through the module's use cases."""
    from lianxin.demo_clock import history
    from lianxin.modules.reception_days.models import Site

    with tenant_context(township.id):
        if db.session.scalar(select(Site.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Reception(township, index, timeline).plan()


class _Reception:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township, self.tid, self.index = township, township.id, index
        self.timeline = timeline
        self.today = real_today()
        self.start = max(history_start(self.today), _local(township.created_at))
        self.draw = rng("reception_days", township.slug)
        self.sites: list[int] = []

    def plan(self) -> None:
        from lianxin.demo_clock import next_working_day

        opened = next_working_day(self.start + timedelta(days=3))
        self._on(opened, 10, lambda: self._open(opened.year))
        for year in range(self.start.year + 1, self.today.year + 2):
            self._on(next_working_day(date(year - 1, 12, 10)), 10, lambda y=year: self._year(y))

    # --- the steps ------------------------------------------------------------------------------

    def _open(self, year: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.reception_days import service as reception
        from lianxin.modules.reception_days.inputs import SiteInput

        actor = office(self.township)
        branch = db.session.scalar(select(Branch).order_by(Branch.id))
        room = reception.create_site(
            actor,
            self.township,
            SiteInput(
                kind="township_room",
                name=f"{self.township.name}党代表接待室",
                address=f"{self.township.name}人民政府一楼",
            ),
        )
        centre = reception.create_site(
            actor,
            self.township,
            SiteInput(
                kind="branch_centre",
                name=f"{_place(branch.name)}党群服务中心" if branch else "党群服务中心",
                address=f"{_place(branch.name)}村（居）委会" if branch else "",
                branch_id=branch.id if branch else None,
            ),
        )
        self.sites = [room.id, centre.id]
        self._year(year, first=True)

    def _year(self, year: int, *, first: bool = False) -> None:
        """The year's schedule from the rule, this year's teams on it, published."""
        from lianxin.demo_clock import office
        from lianxin.errors import ValidationFailed
        from lianxin.modules.reception_days import service as reception
        from lianxin.modules.reception_days.inputs import GenerateInput

        if not self.sites:
            return
        actor = office(self.township)
        try:
            view = reception.generate(actor, self.township, GenerateInput(year, self.sites))
        except ValidationFailed:
            return  # no reception day left in the year the township came on
        first_day = view.days[0].day.id
        for site_id, team in zip(self.sites, self._teams(year), strict=True):
            reception.set_team(actor, self.township, first_day, site_id, team, apply_to_rest=True)
        reception.publish(
            actor,
            self.township,
            year,
            confirm_estimated_calendar=True,
            short_notice_reason="接待日制度启动，首次发布日程" if first else None,
        )
        self._plan_days(year)

    def _teams(self, year: int) -> list[list[int]]:
        """Two representatives a site, one of them a basic-level leading cadre, a new rotation
        each year; cg.rep is at the service centre this year."""
        from lianxin.people.seed import DEMO_LOGINS

        reps = [
            r
            for r in db.session.scalars(select(Representative).order_by(Representative.id))
            if r.in_office
        ]
        cadres = [r.id for r in reps if r.is_grassroots_cadre]
        others = [r.id for r in reps if not r.is_grassroots_cadre]
        turn = year - 2020
        room = [cadres[(2 * turn) % len(cadres)], others[(3 * turn) % len(others)]]
        centre = [cadres[(2 * turn + 1) % len(cadres)], others[(3 * turn + 1) % len(others)]]
        named = {v: k for k, v in DEMO_LOGINS.get(self.township.slug, {}).items()}
        mine = next((r.id for r in reps if r.name == named.get("cg.rep")), None)
        if mine is not None and year == self.today.year and mine not in room:
            centre[1] = mine
        return [room, centre]

    def _plan_days(self, year: int) -> None:
        """Around each day of the published year: the notice, the reminders, someone who cannot
        come and the substitute, the day itself, the summary the next morning."""
        from lianxin.modules.reception_days import service as reception
        from lianxin.modules.reception_days.models import ReceptionDay, Schedule

        rule = reception.settings(self.tid)
        schedule = db.session.scalar(select(Schedule).where(Schedule.year == year))
        assert schedule is not None
        days = db.session.scalars(
            select(ReceptionDay)
            .where(ReceptionDay.schedule_id == schedule.id)
            .order_by(ReceptionDay.day)
        )
        for day in days:
            on, day_id = day.day, day.id
            self._on(on - timedelta(days=int(rule["notice_days"])), 7, self._sweep)
            if (self.today - on).days < 62:  # the reminders of the last two months' days
                self._on(on - timedelta(days=int(rule["reminder_days"])), 7, self._sweep)
            if self.draw.random() < 0.3:
                self._on(on - timedelta(days=2), 10, lambda d=day_id: self._absence(d))
            self._on(on, 12, lambda d=day_id: self._held(d))
            self._on(on + timedelta(days=1), 7, self._sweep)

    def _sweep(self) -> None:
        from lianxin.modules.reception_days import service as reception

        reception.run_daily(self.township)

    def _absence(self, day_id: int) -> None:
        """One on duty cannot come: the office records it and puts a substitute on."""
        from lianxin.demo_clock import office
        from lianxin.modules.reception_days import service as reception
        from lianxin.modules.reception_days.models import Duty, DutyStatus

        actor = office(self.township)
        duties = list(
            db.session.scalars(
                select(Duty)
                .where(Duty.day_id == day_id, Duty.status == DutyStatus.ON_DUTY)
                .order_by(Duty.id)
            )
        )
        if not duties:
            return
        duty_id = self.draw.choice(duties).id
        reception.report_absence(actor, self.township, duty_id, self.draw.choice(ABSENCES))
        candidates = reception.substitute_candidates(actor, self.township, duty_id)
        if candidates:
            reception.substitute(actor, self.township, duty_id, candidates[0].id)

    def _held(self, day_id: int) -> None:
        """The day: people received at each site, and one issue raised there as a case."""
        from lianxin.casework import seed as casework_seed
        from lianxin.demo_clock import office
        from lianxin.modules.reception_days import service as reception
        from lianxin.modules.reception_days.inputs import DayCaseInput
        from lianxin.modules.reception_days.models import Duty, DutyStatus
        from lianxin.people.seed import names

        actor = office(self.township)
        for site_id in self.sites:
            reception.set_people_received(
                actor, self.township, day_id, site_id, self.draw.randint(3, 14)
            )
        site_id = self.draw.choice(self.sites)
        on_duty = list(
            db.session.scalars(
                select(Duty.representative_id).where(
                    Duty.day_id == day_id,
                    Duty.site_id == site_id,
                    Duty.status == DutyStatus.ON_DUTY,
                )
            )
        )
        if not on_duty:
            return
        title, body, category, unit, answer = self.draw.choice(ISSUES)
        place = self.draw.choice(self._places())
        raiser = next(names(f"rd-{day_id}-{self.township.slug}", set(_rep_names())))[0]
        made = reception.record_case(
            actor,
            self.township,
            day_id,
            DayCaseInput(
                site_id=site_id,
                title=title.format(place=place),
                body=body.format(place=place),
                category=category,
                raiser_name=raiser,
                raiser_phone=f"136{self.index:02d}{day_id:06d}",
                received_by_id=on_duty[0],
            ),
        )
        casework_seed.follow(
            self.township, made.case.id, made.tracking_code, category, unit=unit, answer=answer
        )

    def _places(self) -> list[str]:
        return [_place(b.name) for b in db.session.scalars(select(Branch).order_by(Branch.id))]

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 29)), step, self.tid)


def _place(branch_name: str) -> str:
    return branch_name.removesuffix("党支部").removesuffix("党总支")


def _rep_names() -> list[str]:
    return list(db.session.scalars(select(Representative.name)))


def _local(moment: datetime) -> date:
    from lianxin.demo_clock import SHANGHAI

    return moment.astimezone(SHANGHAI).date()
