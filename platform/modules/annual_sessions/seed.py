"""The demo's annual sessions (`lianxin demo`): the yearly cycle of the last two years.

The township comes on with its next March session planned. The committee puts its reports on
the agenda in November; the office fixes the agenda a week before; a few representatives ask for
leave, which the office grants; on the day the office checks in those who came, opens the session
once the quorum is there, records its resolution and closes it — and plans the next one, the way
a congress closes naming its next meeting. In September the office reports how the resolution
was carried out. In 城关镇 cg.rep (张秀英) has proposed an item for the coming session that the
representatives are still gathering names for (10 put it on the agenda). All through the
module's use cases, each on its day (`lianxin.demo_clock`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

# The 13th congress met first in 2021; each March since is its next session (第N次会议).
ORDINALS = "一二三四五六七八九十"
FIRST_YEAR = 2021
AGENDA = [
    ("审议镇党委工作报告", "report"),
    ("审议镇纪委工作报告", "report"),
    ("审议党代表提案办理情况报告", "report"),
]
RESOLUTION = (
    "关于镇党委工作报告的决议",
    "会议同意镇党委工作报告，要求镇党委围绕乡村振兴抓好产业发展、人居环境整治和民生实事。",
    "产业发展项目已开工三个，人居环境整治完成年度任务的八成，民生实事按计划推进。",
)
LEAVES = ("在外地参加培训", "身体原因住院治疗", "单位有紧急任务")
OBSERVERS = (  # who sits in without being a representative (列席人员)
    ("陈建华", "migrant_member", "在外流动党员（苏州务工）"),
    ("刘玉梅", "congress_deputy", "县人大代表"),
    ("周志强", "cppcc_member", "县政协委员"),
)


def seed(township: Township, index: int = 0) -> None:
    """The sessions of a township since it came on, and the next one in planning."""
    from lianxin.demo_clock import history
    from lianxin.modules.annual_sessions.models import Session

    with tenant_context(township.id):
        if db.session.scalar(select(Session.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Sessions(township, index, timeline).plan()


class _Sessions:
    def __init__(self, township: Township, index: int, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township, self.tid, self.index = township, township.id, index
        self.timeline = timeline
        self.today = real_today()
        self.start = max(history_start(self.today), _local(township.created_at))
        self.draw = rng("annual_sessions", township.slug)

    def plan(self) -> None:
        from lianxin.demo_clock import annual_session_day, next_working_day

        year = self.start.year
        while annual_session_day(year) - timedelta(days=20) < self.start:
            year += 1
        planned = next_working_day(self.start + timedelta(days=5))
        self._on(planned, 10, lambda: self._plan_session(year))

    # --- the steps ------------------------------------------------------------------------------

    def _plan_session(self, year: int) -> None:
        """The session of `year`, planned; what happens up to it and on the day."""
        from lianxin.demo_clock import annual_session_day, moment, next_working_day, office
        from lianxin.modules.annual_sessions import service as sessions
        from lianxin.modules.annual_sessions.inputs import SessionInput

        held = annual_session_day(year)
        ordinal = ORDINALS[(year - FIRST_YEAR) % len(ORDINALS)]
        session = sessions.create_session(
            office(self.township),
            self.township,
            SessionInput(
                title=f"{self.township.name}第十三届党代表大会第{ordinal}次会议",
                held_on=held,
                place=f"{self.township.name}人民政府会议中心",
            ),
        )
        session_id = session.id
        now = _local(self._now())
        agenda_on = max(now, date(held.year - 1, 11, 5))
        self._on(next_working_day(agenda_on), 15, lambda: self._agenda(session_id))
        if self.township.slug == "chengguan":
            joined = max(now, date(held.year - 1, 9, 20))
            self._on(next_working_day(joined), 20, lambda: self._motion(session_id))
        fixed = next_working_day(held - timedelta(days=8))
        self.timeline.add(moment(fixed, 10), lambda: self._fix(session_id), self.tid)
        leave = moment(held - timedelta(days=4), 9)
        self.timeline.add(leave, lambda: self._leave(session_id), self.tid)
        self.timeline.add(moment(held, 8, 10), lambda: self._held(session_id), self.tid)
        self.timeline.add(moment(held, 16, 30), lambda: self._close(session_id, year), self.tid)

    def _agenda(self, session_id: int) -> None:
        """The committee's reports on the agenda."""
        from lianxin.demo_clock import committee
        from lianxin.modules.annual_sessions import service as sessions
        from lianxin.modules.annual_sessions.inputs import ItemInput

        member = committee(self.township)[0]
        for item_title, kind in AGENDA:
            item = sessions.propose_item(
                member,
                self.township,
                session_id,
                ItemInput(title=item_title, kind=kind, proposer="committee"),
            )
            sessions.decide_item(member, self.township, item.id, accept=True)

    def _motion(self, session_id: int) -> None:
        """cg.rep proposes an item jointly; a few join it over the weeks (not yet ten)."""
        from lianxin.demo_clock import actor_of
        from lianxin.modules.annual_sessions import service as sessions
        from lianxin.modules.annual_sessions.inputs import ItemInput
        from lianxin.people.models import Representative

        reps = list(db.session.scalars(select(Representative).order_by(Representative.id)))
        mine = next((r for r in reps if r.name == "张秀英"), None)
        if mine is None or mine.user_id is None:
            return
        item = sessions.propose_item(
            actor_of(mine.user_id),
            self.township,
            session_id,
            ItemInput(
                title="关于加快老街排水改造的议题",
                description="请代表联名：满 10 名代表联名即列入议程。",
                kind="motion",
                proposer="representatives",
            ),
        )
        item_id = item.id
        others = [r.user_id for r in reps if r.user_id is not None and r.id != mine.id]
        for n, user_id in enumerate(self.draw.sample(others, min(6, len(others)))):
            self.timeline.add(
                self._now() + timedelta(days=3 + 9 * n, hours=n),
                lambda u=user_id: sessions.join_item(actor_of(u), self.township, item_id),
                self.tid,
            )

    def _fix(self, session_id: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.annual_sessions import service as sessions
        from lianxin.modules.annual_sessions.inputs import ObserverInput
        from lianxin.modules.annual_sessions.models import ItemStatus

        actor = office(self.township)
        for item in sessions.items(actor, self.township, session_id):
            if item.status == ItemStatus.PROPOSED:  # a joint item that did not gather ten names
                sessions.decide_item(
                    committee_first(self.township),
                    self.township,
                    item.id,
                    accept=False,
                    reason="联名人数不足，转为代表建议办理",
                )
        sessions.fix_agenda(actor, self.township, session_id)
        for name, kind, unit in OBSERVERS:  # 列席人员, never counted in 应到 (001张家港, 004)
            sessions.add_observer(
                actor, self.township, session_id, ObserverInput(name=name, kind=kind, unit=unit)
            )

    def _leave(self, session_id: int) -> None:
        """Two representatives (with an account) ask for leave; the office grants it."""
        from lianxin.demo_clock import actor_of, office
        from lianxin.modules.annual_sessions import service as sessions

        session = sessions.get_session(office(self.township), self.township, session_id)
        expected = [r for r in sessions.expected_reps(self.township, session) if r.user_id]
        for rep in self.draw.sample(expected, min(2, len(expected))):
            sessions.request_leave(
                actor_of(rep.user_id), self.township, session_id, self.draw.choice(LEAVES)
            )
            sessions.decide_leave(
                office(self.township), self.township, session_id, rep.id, approve=True
            )

    def _held(self, session_id: int) -> None:
        """The office checks in those who came (most), then opens the session."""
        from lianxin.demo_clock import office
        from lianxin.modules.annual_sessions import service as sessions
        from lianxin.modules.annual_sessions.models import AttendanceStatus

        actor = office(self.township)
        session = sessions.get_session(actor, self.township, session_id)
        away = {
            rep.id
            for rep, row in sessions.attendance(actor, self.township, session_id)
            if row is not None and row.status == AttendanceStatus.LEAVE_APPROVED
        }
        for rep in sessions.expected_reps(self.township, session):
            if rep.id in away or self.draw.random() < 0.04:
                continue  # on leave, or did not come
            sessions.check_in(actor, self.township, session_id, rep.id)
        for observer in sessions.observers(actor, self.township, session_id)[:2]:
            sessions.check_in_observer(actor, self.township, observer.id)
        sessions.open_session(actor, self.township, session_id)

    def _close(self, session_id: int, year: int) -> None:
        """The resolution, sent to every representative and published; the session closed and
        the next one planned; the resolution's implementation reported in September."""
        from lianxin.demo_clock import moment, office
        from lianxin.modules.annual_sessions import service as sessions
        from lianxin.modules.annual_sessions.inputs import ResolutionInput

        actor = office(self.township)
        title, text, done = RESOLUTION
        resolution = sessions.create_resolution(
            actor, self.township, session_id, ResolutionInput(title=title, text=text)
        )
        sessions.set_resolution_published(actor, self.township, resolution.id, True)
        sessions.close_session(actor, self.township, session_id)
        resolution_id = resolution.id
        self.timeline.add(
            moment(date(year, 9, 15), 10),
            lambda: sessions.report_implementation(
                office(self.township), self.township, resolution_id, done
            ),
            self.tid,
        )
        self.timeline.add(
            self._now() + timedelta(minutes=30), lambda: self._plan_session(year + 1), self.tid
        )

    def _now(self) -> datetime:
        assert self.timeline.now is not None
        return self.timeline.now

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.tid)


def committee_first(township: Township) -> Actor:
    from lianxin.demo_clock import committee

    return committee(township)[0]


def _local(moment: datetime) -> date:
    from lianxin.demo_clock import SHANGHAI

    return moment.astimezone(SHANGHAI).date()
