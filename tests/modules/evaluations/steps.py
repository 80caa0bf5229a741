"""Steps the tests of the seeds' evaluation rules share (groups, notice, categories, paper,
subject kinds, the leader's opinion, the report to the county): a campaign drafted and opened,
answers, a township's settings changed, the count."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from lianxin.db import db
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import (
    AnswerInput,
    CampaignInput,
    LeaderOpinionInput,
    SubjectInput,
)
from lianxin.people.models import PartyMember
from lianxin.tenants import service as tenants
from tests.factories import actor


def settings(world: Any, township: Any, **changes: Any) -> None:
    """The township's own settings of the module (its administrator), this township only."""
    tenants.update_township_settings(
        actor(world.users["township_admin"]), township, "evaluations", changes
    )


def campaign(cast: Any, tctx: Any, office: Any, shape: str = "committee", members: bool = True):
    made = service.create_campaign(
        office,
        tctx,
        CampaignInput(
            title=f"评议{uuid.uuid4().hex[:6]}",
            shape=shape,
            opens_on=date(2025, 12, 1),
            closes_on=date(2026, 1, 15),
        ),
    )
    if shape == "committee" and members:
        for member in cast.members:
            service.add_subject(office, tctx, made.id, SubjectInput(user_id=member.id))
    return made


def answers(campaign: Any, subjects: list[Any], score: int = 8, overall: str = "competent"):
    return [
        AnswerInput(
            subject_id=s.id,
            scores={d["key"]: score for d in campaign.dimensions},
            overall=overall,
        )
        for s in subjects
    ]


def opinions(office: Any, tctx: Any, subjects: list[Any]) -> None:
    for subject in subjects:
        service.record_leader_opinion(
            office, tctx, subject.id, LeaderOpinionInput("王分管", "同意评议意见")
        )


def duty_campaign(
    world: Any,
    office: Any,
    reps: list[int],
    *,
    raters: int = 5,
    opens_on: date = date(2025, 12, 1),
    closes_on: date = date(2025, 12, 31),
) -> tuple[Any, list[Any]]:
    """In 甲镇's context: `raters` party members of its branch, and a duty-report campaign of
    2025 (述职评议) drafted with `reps` as its subjects. Returns (campaign, subjects)."""
    township = world.township
    for i in range(raters):
        db.session.add(
            PartyMember(
                name=f"党员{i}",
                name_pinyin=f"dangyuan{i}",
                name_initials="dy",
                branch_id=world.branches["t"].id,
            )
        )
    db.session.commit()
    made = service.create_campaign(
        office,
        township,
        CampaignInput(
            title="2025年度代表述职评议", shape="duty", opens_on=opens_on, closes_on=closes_on
        ),
    )
    subjects = [
        service.add_subject(office, township, made.id, SubjectInput(representative_id=r))
        for r in reps
    ]
    return made, subjects
