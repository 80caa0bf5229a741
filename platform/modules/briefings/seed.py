"""The demo's briefings (`lianxin demo`): over the last year the office briefs every
representative in office about once every two months — a decision taken, the progress of a
matter, the result of a consultation — and one briefing is corrected. Representatives with an
account open most of them within a few days (their read receipts); the daily reminder reaches
the rest. Every step goes through the module's use cases on its day (`lianxin.demo_clock`)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.demo_clock import Timeline
from lianxin.tenants.models import Township

# (months before today, kind, title, text)
BRIEFINGS = (
    (
        20,
        "decision",
        "关于建设镇级代表工作站的决定",
        "党委会研究决定，在镇便民服务中心建设代表工作站……",
    ),
    (15, "progress", "代表工作站建设进展情况", "工作站已完成装修，制度上墙，即将投入使用……"),
    (
        11,
        "decision",
        "关于实施村道提档升级工程的决定",
        "党委会研究决定，今年实施村道提档升级工程……",
    ),
    (9, "progress", "村道提档升级工程进展情况", "工程已完成路基施工，预计年底前完工……"),
    (7, "consultation", "关于年度民生实事项目征询意见结果", "共收到代表意见23条，采纳15条……"),
    (5, "decision", "关于调整农村人居环境整治考核办法的决定", "经党委会研究，调整考核办法如下……"),
    (3, "progress", "农村人居环境整治工作进展", "全镇已完成整治村12个……"),
    (1, "other", "关于开展代表集中学习的通知", "定于下月第一个周五开展代表集中学习……"),
)


def seed(township: Township, index: int = 0) -> None:
    """The briefings of the last year, unless the township has some."""
    from lianxin.demo_clock import history
    from lianxin.modules.briefings.models import Briefing

    with tenant_context(township.id):
        if db.session.scalar(select(Briefing.id).limit(1)) is not None:
            return
    with history() as timeline:
        _plan(township, timeline)


def _plan(township: Township, timeline: Timeline) -> None:
    from lianxin.demo_clock import moment, next_working_day, real_today, rng

    draw = rng("briefings", township.slug)
    today = real_today()
    for months, kind, title, text in BRIEFINGS:
        day = next_working_day(today - timedelta(days=30 * months))
        timeline.add(
            moment(day, 10, draw.randint(0, 59)),
            lambda k=kind, t=title, x=text, d=day: _send(township, timeline, draw, k, t, x, d),
            township.id,
        )


def _send(
    township: Township,
    timeline: Timeline,
    draw: random.Random,
    kind: str,
    title: str,
    text: str,
    day: date,
) -> None:
    from lianxin.demo_clock import actor_of, moment, office
    from lianxin.modules.briefings import service
    from lianxin.modules.briefings.inputs import BriefingInput
    from lianxin.modules.briefings.models import Briefing

    actor = office(township)
    briefing = service.create_briefing(
        actor, township, BriefingInput(kind=kind, title=title, text=text)
    )
    service.send_briefing(actor, township, briefing.id)
    briefing_id = briefing.id
    readers = [
        (rep.user_id, rep.id)
        for rep in service.audience_of(actor, township, briefing)
        if rep.user_id is not None
    ]
    for user_id, _rep in readers:
        if draw.random() > 0.85:
            continue  # not read: the reminder reaches them
        later = day + timedelta(days=draw.randrange(5))
        timeline.add(
            moment(later, draw.randint(8, 21), draw.randint(0, 59)),
            lambda u=user_id: service.read_briefing(actor_of(u), township, briefing_id),
            township.id,
        )
    sent = db.session.get(Briefing, (township.id, briefing_id))
    if sent is not None and sent.remind_on is not None:
        timeline.add(
            moment(sent.remind_on, 9, 5), lambda: service.remind_due(township), township.id
        )
    if title.startswith("农村人居环境整治工作进展"):
        fix = service.create_briefing(
            actor,
            township,
            BriefingInput(
                kind=kind,
                title=f"更正：{title}",
                text="前一份通报中“整治村12个”应为“整治村14个”，特此更正。",
                corrects_id=briefing_id,
            ),
        )
        service.send_briefing(actor, township, fix.id)
