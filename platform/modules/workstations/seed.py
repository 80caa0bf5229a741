"""The demo's workstations (`lianxin demo`): two years of duty and meetings.

Each township opens its station (城关镇 also a village station) the week it comes onto the
platform. Every month the office puts representatives on duty for the next month and publishes
the roster in time (提前三个工作日); now and then a shift added late is never published. Each
month a station holds a meeting with the public (常规、主题、集中约见); what people raise there
becomes a case that goes the way cases go (`lianxin.casework.seed.follow`). Representatives
make commitments and report on them; the monthly report of the last months is generated as the
beat does. All through the module's use cases, each on its day (`lianxin.demo_clock`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

# Stations of a township: (kind, name, address, hours); {t}: the township's name.
STATIONS = {
    "chengguan": [
        ("township", "{t}党代表工作站", "{t}人民路8号", "每周三下午、周六上午"),
        ("village", "东关村党代表联络站", "东关村村委会", "每月第二个周三上午"),
    ],
}
DEFAULT_STATIONS = [("township", "{t}党代表工作站", "{t}人民政府一楼", "每周三上午")]
MEETINGS = [
    ("regular", None),
    ("themed", "农村人居环境整治"),
    ("regular", None),
    ("concentrated", None),
    ("themed", "养老服务"),
    ("regular", None),
]
# What people raise at a meeting: (title, body, category, unit, the unit's answer).
ISSUES = [
    (
        "路口缺少交通信号灯",
        "镇区{place}路口车流量大，没有信号灯，行人过街危险。",
        "基础设施",
        "县交通运输局",
        "已在该路口安装信号灯和人行横道线，上下学时段安排交警值守。",
    ),
    (
        "村里快递代收点太远",
        "{place}村民取快递要跑到镇上，希望在村里设代收点。",
        "民生保障",
        "镇党政办",
        "已协调快递企业在村便民服务点设立代收点。",
    ),
    (
        "农田机耕路损坏",
        "{place}机耕路被雨水冲坏，农机下不了田。",
        "农业农村",
        "镇农业农村办",
        "已组织修复机耕路，农机可正常下田。",
    ),
    (
        "小区停车位不足",
        "{place}小区停车位少，车辆乱停占用消防通道。",
        "社会治理",
        "镇城建办",
        "已在小区周边新划停车位四十个，并清理消防通道。",
    ),
    (
        "希望开展电信诈骗防范宣传",
        "{place}老人接到诈骗电话较多，希望多宣传。",
        "社会治理",
        "镇党政办",
        "已联合派出所到村开展防诈骗宣传，并发放宣传资料。",
    ),
]
COMMITMENTS = [
    ("年内推动{place}路灯全部修复。", "已协调镇城建办完成路灯修复。"),
    ("推动{place}建成一处老年助餐点。", "助餐点已建成并投入使用。"),
    ("帮助{place}葡萄种植户拓宽销路。", None),
]


def seed(township: Township, index: int = 0) -> None:
    """Two years of a township's stations; in 城关镇 also this month's roster and a commitment
    due soon."""
    from lianxin.demo_clock import history
    from lianxin.modules.workstations.models import Station

    with tenant_context(township.id):
        if db.session.scalar(select(Station.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Stations(township, index, timeline).plan()


class _Stations:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township, self.tid, self.index = township, township.id, index
        self.timeline = timeline
        self.today = real_today()
        self.start = max(history_start(self.today), _local(township.created_at))
        self.draw = rng("workstations", township.slug)
        self.stations: list[int] = []
        self.teams: dict[int, list[int]] = {}

    def plan(self) -> None:
        from lianxin.demo_clock import months, next_working_day

        opened = next_working_day(self.start + timedelta(days=2))
        self._on(opened, 10, self._open)
        for month in months(self.start, self.today):
            self._on(
                next_working_day(month + timedelta(days=19)), 15, lambda m=month: self._roster(m)
            )
            held = next_working_day(month + timedelta(days=self.draw.randint(3, 24)))
            self._on(held, 14, lambda h=held: self._meeting(h))
            if month > self.start:
                report_day = month
                # The beat's monthly report of the last three months before today.
                if (self.today.year * 12 + self.today.month) - (month.year * 12 + month.month) <= 3:
                    self._on(report_day, 2, lambda m=month: self._reports(m))
        for n, (text, outcome) in enumerate(COMMITMENTS):
            made = next_working_day(self.start + timedelta(days=60 + n * 200))
            self._on(made, 11, lambda t=text, o=outcome, d=made: self._commit(t, o, d))
        # The first month: a roster for what is left of it, published the day the station opens.
        self._on(opened, 11, lambda: self._roster(opened, this_month=True))

    # --- the steps ------------------------------------------------------------------------------

    def _open(self) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.workstations import service as workstations
        from lianxin.modules.workstations.inputs import StationInput

        name = self.township.name
        reps = list(db.session.scalars(select(Representative).order_by(Representative.id)))
        liaison = office(self.township).name
        for n, (kind, title, address, hours) in enumerate(
            STATIONS.get(self.township.slug, DEFAULT_STATIONS)
        ):
            station = workstations.create_station(
                office(self.township),
                self.township,
                StationInput(
                    kind=kind,
                    name=title.format(t=name),
                    address=address.format(t=name),
                    phone=f"0513-8{self.index + 1}88{n:04d}",
                    hours=hours,
                    liaison_name=liaison,
                    liaison_phone=f"1380{self.index:02d}0009{n}",
                    rules="一套标识、一部电话、一本记录本、一张值班表、一套制度。",
                ),
            )
            team = [r.id for r in reps[n * 6 : n * 6 + 6]]
            workstations.set_representatives(office(self.township), self.township, station.id, team)
            self.stations.append(station.id)
            self.teams[station.id] = team

    def _roster(self, month: date, *, this_month: bool = False) -> None:
        """Next month's duty (or the rest of this one), two shifts a station, published; once in a
        while a shift added late stays unpublished."""
        from lianxin.demo_clock import office
        from lianxin.modules.workstations import service as workstations
        from lianxin.modules.workstations.inputs import RosterPublishInput, ShiftInput

        actor = office(self.township)
        if this_month:
            first = workstations.earliest_publishable(self.tid)
            last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        else:
            first = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        for station_id in self.stations:
            team = self.teams[station_id]
            days = [d for d in _weekdays(first, last, 2)]  # Wednesdays
            chosen = days[1::2] if len(days) > 2 else days
            added = 0
            for n, day in enumerate(chosen):
                rep = team[(month.month * 2 + n + station_id) % len(team)]
                workstations.add_shift(
                    actor,
                    self.township,
                    station_id,
                    ShiftInput(representative_id=rep, day=day, starts_at="09:00", ends_at="11:30"),
                )
                added += 1
            if added:
                workstations.publish_roster(
                    actor,
                    self.township,
                    station_id,
                    RosterPublishInput(
                        date_from=first, date_to=last, confirm_estimated_calendar=True
                    ),
                )
            if not this_month and self.draw.random() < 0.25 and days:
                # A Saturday shift added later for a busy month, never published.
                saturday = next(iter(_weekdays(first, last, 5)), None)
                if saturday is not None:
                    workstations.add_shift(
                        actor,
                        self.township,
                        station_id,
                        ShiftInput(
                            representative_id=team[-1],
                            day=saturday,
                            starts_at="08:30",
                            ends_at="11:00",
                        ),
                    )

    def _meeting(self, held: date) -> None:
        from lianxin.casework import seed as casework_seed
        from lianxin.demo_clock import office
        from lianxin.modules.workstations import service as workstations
        from lianxin.modules.workstations.inputs import MeetingCaseInput, MeetingInput
        from lianxin.people.seed import names

        if not self.stations:
            return
        actor = office(self.township)
        station_id = self.draw.choice(self.stations)
        kind, topic = MEETINGS[(held.month + held.year) % len(MEETINGS)]
        team = self.teams[station_id]
        reps = self.draw.sample(team, 2)
        meeting = workstations.create_meeting(
            actor,
            self.township,
            station_id,
            MeetingInput(kind=kind, held_on=held, topic=topic, representative_ids=reps),
        )
        if self.draw.random() < 0.6:
            title, body, category, unit, answer = self.draw.choice(ISSUES)
            place = self.draw.choice(["东片", "西片", "南片", "北片"])
            raiser = next(names(f"station-{meeting.id}-{self.township.slug}", set(_rep_names())))
            made = workstations.record_case(
                actor,
                self.township,
                meeting.id,
                MeetingCaseInput(
                    title=title,
                    body=body.format(place=place),
                    category=category,
                    raiser_name=raiser[0],
                    raiser_phone=f"135{self.index:02d}{meeting.id:06d}",
                    received_by_id=reps[0],
                ),
            )
            casework_seed.follow(
                self.township,
                made.case.id,
                made.tracking_code,
                category,
                unit=unit,
                answer=answer,
            )

    def _reports(self, month: date) -> None:
        from lianxin.modules.workstations import service as workstations

        previous = (month - timedelta(days=1)).replace(day=1)
        for station_id in self.stations:
            workstations.generate_monthly_report(self.township, station_id, previous)

    def _commit(self, text: str, outcome: str | None, made: date) -> None:
        from lianxin.demo_clock import next_working_day, office
        from lianxin.modules.workstations import service as workstations
        from lianxin.modules.workstations.inputs import CommitmentInput
        from lianxin.usecases import Changes

        if not self.stations:
            return
        rep = self.teams[self.stations[0]][len(self.stations) % 6]
        place = self.township.name
        deadline = made + timedelta(days=180)
        commitment = workstations.add_commitment(
            office(self.township),
            self.township,
            CommitmentInput(
                representative_id=rep, text=text.format(place=place), deadline=deadline
            ),
        )
        if outcome is not None:
            commitment_id = commitment.id

            def keep() -> None:
                workstations.update_commitment(
                    office(self.township),
                    self.township,
                    commitment_id,
                    Changes({"outcome": outcome}),
                )

            self._on(next_working_day(deadline - timedelta(days=20)), 10, keep)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.tid)


def _weekdays(first: date, last: date, weekday: int) -> list[date]:
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=7)
    return out


def _rep_names() -> list[str]:
    return list(db.session.scalars(select(Representative.name)))


def _local(moment: datetime) -> date:
    from lianxin.demo_clock import SHANGHAI

    return moment.astimezone(SHANGHAI).date()
