"""The demo's sitting in (列席, `lianxin demo`): each quarter the committee holds an enlarged
meeting that a batch of representatives sits in on, invited ten days before from the top of
the rotation; most confirm and come, and a few of their suggestions are answered in writing or
become cases. A meeting a week ahead waits with its invitations still to be answered. All
through the module's use cases, each on its day (`lianxin.demo_clock`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Step, Timeline
from lianxin.tenants.models import Township

TOPICS = (
    ("镇党委扩大会议：年度重点工作部署", "年度重点项目安排；党建工作要点"),
    ("镇党委扩大会议：乡村振兴规划", "产业发展规划；人居环境整治"),
    ("镇党委全体会议：评先评优", "年度先进集体和个人推荐"),
    ("镇党委扩大会议：民生实事项目", "民生实事项目征集和确定"),
)
SUGGESTIONS = (
    ("建议加快村道硬化，方便群众出行", "基础设施"),
    ("建议增加村卫生室的坐诊时间", "教育医疗"),
    ("建议为留守老人开设助餐点", "民生保障"),
    ("建议对农田水渠统一清淤", "农业农村"),
)
ANSWERS = (
    "已列入年度民生实事项目，年内完成。",
    "已交镇相关部门研究，下一步结合预算统筹安排。",
)


def seed(township: Township, index: int = 0) -> None:
    from lianxin.demo_clock import history
    from lianxin.modules.sittings.models import Meeting

    with tenant_context(township.id):
        if db.session.scalar(select(Meeting.id).limit(1)) is not None:
            return
    with history() as timeline:
        _Sittings(township, timeline).plan()


class _Sittings:
    def __init__(self, township: Township, timeline: Timeline) -> None:
        from lianxin.demo_clock import history_start, real_today, rng

        self.township = township
        self.timeline = timeline
        self.today = real_today()
        created = township.created_at.date() if township.created_at else self.today
        self.start = max(history_start(self.today), created)
        self.draw = rng("sittings", township.slug)

    def _on(self, day: date, hour: int, step: Step) -> None:
        from lianxin.demo_clock import moment

        self.timeline.add(moment(day, hour, self.draw.randint(0, 59)), step, self.township.id)

    def plan(self) -> None:
        from lianxin.demo_clock import next_working_day

        n = 0
        month = date(self.start.year, ((self.start.month - 1) // 3) * 3 + 2, 1)
        while True:
            held_on = next_working_day(month.replace(day=15))
            if held_on - timedelta(days=10) > self.today:
                break
            if held_on - timedelta(days=10) >= self.start:
                self._on(
                    held_on - timedelta(days=10), 10, lambda d=held_on, i=n: self._meeting(d, i)
                )
                n += 1
            month = (month + timedelta(days=95)).replace(day=1)
        # One a week ahead, its invitations waiting for answers.
        ahead = next_working_day(self.today + timedelta(days=7))
        self._on(self.today - timedelta(days=1), 9, lambda: self._meeting(ahead, n, answer=False))

    def _meeting(self, held_on: date, n: int, *, answer: bool = True) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.sittings import service
        from lianxin.modules.sittings.inputs import MeetingInput

        actor = office(self.township)
        title, topics = TOPICS[n % len(TOPICS)]
        kind = "full_committee" if "全体" in title else "enlarged"
        meeting = service.plan_meeting(
            actor,
            self.township,
            MeetingInput(title, kind, held_on, "09:00", "镇党委会议室", topics),
        )
        batch = [
            s.representative_id for s in service.propose_batch(actor, self.township, meeting.id)
        ]
        if not batch:
            return
        rows = service.invite_batch(actor, self.township, meeting.id, batch)
        if answer:
            ids = [r.id for r in rows]
            self._on(held_on - timedelta(days=7), 11, lambda: self._answers(ids))
            self._on(held_on, 17, lambda: self._held(meeting.id))

    def _answers(self, invitation_ids: list[int]) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.sittings import service
        from lianxin.modules.sittings.inputs import AnswerInput

        actor = office(self.township)
        for i, invitation_id in enumerate(invitation_ids):
            declined = self.draw.random() < 0.15 and i > 0
            service.answer_invitation(
                actor,
                self.township,
                invitation_id,
                AnswerInput("declined", "外出务工") if declined else AnswerInput("confirmed"),
            )

    def _held(self, meeting_id: int) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.sittings import service
        from lianxin.modules.sittings.inputs import SuggestionCaseInput, SuggestionInput

        actor = office(self.township)
        meeting = service.get_meeting(actor, self.township, meeting_id)
        present = [
            i.representative_id for i in service.invitations_of(meeting) if i.answer == "confirmed"
        ]
        service.record_attendance(actor, self.township, meeting_id, present)
        for rep_id in present[: self.draw.randint(0, 2)]:
            text, category = SUGGESTIONS[self.draw.randrange(len(SUGGESTIONS))]
            item = service.record_suggestion(
                actor, self.township, meeting_id, SuggestionInput(text, rep_id)
            )
            if self.draw.random() < 0.4:
                service.suggestion_to_case(
                    actor,
                    self.township,
                    item.id,
                    SuggestionCaseInput(title=text[2:22], body=text, category=category),
                )
            else:
                answer = ANSWERS[self.draw.randrange(len(ANSWERS))]
                later = meeting.held_on + timedelta(days=self.draw.randint(5, 20))
                suggestion_id = item.id
                self._on(later, 15, lambda s=suggestion_id, a=answer: self._answer(s, a))

    def _answer(self, suggestion_id: int, answer: str) -> None:
        from lianxin.demo_clock import office
        from lianxin.modules.sittings import service
        from lianxin.modules.sittings.inputs import WrittenAnswerInput

        service.answer_suggestion(
            office(self.township), self.township, suggestion_id, WrittenAnswerInput(answer)
        )
