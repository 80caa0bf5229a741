"""The demo's training (学习培训, `lianxin demo`): each quarter the office holds a session for
every representative in office, scheduled ten days ahead — a learning day most quarters, a
three-day 党校培训 each summer and a two-day 轮训 once. Most of the invited confirm (themselves
on their phone, or the office from a call) and are checked in day by day; a few ask for leave,
which the office approves; now and then one who confirmed does not come (an unexcused absence),
or misses a day of a longer session. A session next week waits with its invitations still to be
answered. All through the module's use cases, each on its day (`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

# (title, kind, days, place, content): one a quarter, the eight quarters of two years in turn
# (the third quarter's is the yearly 党校培训).
SESSIONS = (
    (
        "第一季度集中学习：学习县委全会精神",
        "study",
        1,
        "镇党群服务中心会议室",
        "传达学习县委全会精神；交流代表履职体会",
    ),
    (
        "第二季度集中学习：党章党规专题",
        "study",
        1,
        "镇党群服务中心会议室",
        "学习党章和《中国共产党纪律处分条例》",
    ),
    (
        "党代表党校培训班",
        "party_school",
        3,
        "县委党校",
        "党的创新理论；党代表履职能力；基层治理案例教学",
    ),
    (
        "党代表轮训：履职能力提升",
        "rotation",
        2,
        "县委党校",
        "党代表任期制的有关规定；提出提议和联系群众的方法",
    ),
    (
        "第一季度集中学习：乡村振兴政策解读",
        "study",
        1,
        "镇党群服务中心会议室",
        "中央一号文件解读；本镇产业发展规划",
    ),
    (
        "第二季度集中学习：基层党风廉政建设",
        "study",
        1,
        "镇党群服务中心会议室",
        "廉政警示教育；观看专题片",
    ),
    (
        "党代表党校培训班",
        "party_school",
        3,
        "县委党校",
        "党的二十届全会精神；党代表联系服务群众；现场教学",
    ),
    (
        "第四季度集中学习：年度履职交流",
        "study",
        1,
        "镇党群服务中心会议室",
        "代表年度履职情况交流；学习先进典型事迹",
    ),
)
UPCOMING = (
    "集中学习：学习贯彻上级全会精神",
    "study",
    1,
    "镇党群服务中心会议室",
    "专题辅导；分组讨论",
)
LEAVE_REASONS = ("外出务工", "身体不适，在医院复查", "村里防汛值班", "家中老人住院陪护")


def seed(township: Township, index: int = 0) -> None:
    """The sessions of the last two years, unless the township has some."""
    from lianxin.demo_clock import history
    from lianxin.modules.trainings.models import TrainingSession

    with tenant_context(township.id):
        if db.session.scalar(select(TrainingSession.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Trainings(township, timeline).plan()


def _working_run(start: date, days: int) -> date:
    """The first working day from `start` that begins `days` working days in a row."""
    from lianxin.demo_clock import next_working_day, working_day

    day = next_working_day(start)
    while not all(working_day(day + timedelta(days=i)) for i in range(days)):
        day = next_working_day(day, 1)
    return day


class _Trainings:
    def __init__(self, township: Township, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township = township
        self.timeline = timeline
        self.today = real_today()
        created = township.created_at.date() if township.created_at else self.today
        self.start = max(history_start(self.today), created)
        self.draw = rng("trainings", township.slug)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.township.id)

    def plan(self) -> None:
        """One session in the middle month of each quarter that is over by today; then the
        one a week ahead."""
        quarter = date(self.start.year, ((self.start.month - 1) // 3) * 3 + 1, 1)
        while True:
            what = SESSIONS[(quarter.year * 4 + (quarter.month - 1) // 3) % len(SESSIONS)]
            starts_on = _working_run(quarter.replace(month=quarter.month + 1, day=20), what[2])
            ends_on = starts_on + timedelta(days=what[2] - 1)
            if ends_on >= self.today:
                break
            scheduled = starts_on - timedelta(days=10)
            if scheduled >= self.start:
                self._on(scheduled, 10, lambda s=starts_on, w=what: self._session(s, w))
            quarter = (quarter + timedelta(days=95)).replace(day=1)
        ahead = _working_run(self.today + timedelta(days=7), 1)
        self._on(self.today - timedelta(days=1), 9, lambda: self._session(ahead, UPCOMING))

    def _session(self, starts_on: date, what: tuple[str, str, int, str, str]) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.trainings import service
        from lianxin.modules.trainings.inputs import SessionInput
        from lianxin.people.models import Representative

        title, kind, days, place, content = what
        session = service.schedule_session(
            office(self.township),
            self.township,
            SessionInput(
                title=title,
                kind=kind,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=days - 1),
                place=place,
                content=content,
            ),
        )
        session_id = session.id
        invited = [(i.id, i.representative_id) for i in service.invitations_of(session)]
        rows = db.session.execute(
            select(Representative.id, Representative.user_id).where(
                Representative.id.in_([r for _i, r in invited])
            )
        )
        users: dict[int, int | None] = {rep_id: user_id for rep_id, user_id in rows}
        upcoming = starts_on > self.today
        # Each answers within a few days of the notice; the upcoming session's few so far.
        present: list[int] = []
        for invitation_id, rep_id in invited:
            user_id = users.get(rep_id)
            if upcoming and self.draw.random() < 0.8:
                continue
            on = starts_on - timedelta(days=self.draw.randint(2, 8))
            if upcoming:
                on = self.today - timedelta(days=1)
            if self.draw.random() < 0.08:
                reason = LEAVE_REASONS[self.draw.randrange(len(LEAVE_REASONS))]
                self._on(
                    on,
                    15,
                    lambda i=invitation_id, u=user_id, r=reason, o=on: self._leave(
                        i, u, r, o, upcoming
                    ),
                )
            else:
                self._on(on, 16, lambda i=invitation_id, u=user_id: self._answer(i, u))
                present.append(rep_id)
        if upcoming or not present:
            return
        # Now and then one who confirmed does not come (unexcused); on a longer session a few
        # miss a day.
        if self.draw.random() < 0.35:
            present.pop(self.draw.randrange(len(present)))
        for d in range(days):
            there = [r for r in present if d == 0 or self.draw.random() > 0.06]
            self._on(
                starts_on + timedelta(days=d),
                9,
                lambda s=session_id, day=starts_on + timedelta(days=d), r=there: self._check_in(
                    s, day, r
                ),
            )

    def _by(self, user_id: int | None) -> Actor:
        """The representative on their phone when they have an account, else the office
        (from a phone call)."""
        from lianxin.demo_clock import actor_of, office

        return actor_of(user_id) if user_id is not None else office(self.township)

    def _answer(self, invitation_id: int, user_id: int | None) -> None:
        from lianxin.modules.trainings import service
        from lianxin.modules.trainings.inputs import AnswerInput

        service.answer_invitation(
            self._by(user_id), self.township, invitation_id, AnswerInput("confirmed")
        )

    def _leave(
        self, invitation_id: int, user_id: int | None, reason: str, on: date, upcoming: bool
    ) -> None:
        """A leave request, approved the next working day (the upcoming session's wait for the
        office: a to-do)."""
        from lianxin.demo_clock import next_working_day
        from lianxin.modules.trainings import service
        from lianxin.modules.trainings.inputs import AnswerInput

        service.answer_invitation(
            self._by(user_id), self.township, invitation_id, AnswerInput("leave", reason)
        )
        if not upcoming:
            self._on(next_working_day(on, 1), 10, lambda: self._approve(invitation_id))

    def _approve(self, invitation_id: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.trainings import service

        service.decide_leave(office(self.township), self.township, invitation_id, True)

    def _check_in(self, session_id: int, day: date, rep_ids: list[int]) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.trainings import service

        actor = office(self.township)
        for rep_id in rep_ids:
            service.check_in(actor, self.township, session_id, rep_id, day=day)
