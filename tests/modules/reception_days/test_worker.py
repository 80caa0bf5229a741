"""Reception-day reminders through a real Celery worker on the real Redis: the daily task run
twice at once reminds each person once; a moved day and a substitute are reminded afresh.

Reuses the worker harness of tests/notify/test_worker.py (its own committed database per
backend, a worker process consuming a queue of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.reception_days import service
from lianxin.modules.reception_days.inputs import GenerateInput, MoveInput, SiteInput
from lianxin.modules.reception_days.models import Duty
from lianxin.modules.registry import load_first_party
from lianxin.notify.models import Notification, OutboxMessage, OutboxStatus
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor, build_world
from tests.notify.test_worker import worker_stack
from tests.testmodule import TEST_MODULES

pytestmark = pytest.mark.redis


def _cast(world: Any) -> dict[str, Any]:
    """Two sites, four representatives (one with an account), the 2026 schedule published."""
    township, office = world.township, actor(world.users["township_staff"])
    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "reception_days")
        .values(enabled=True)
    )
    db.session.commit()
    with pytest.MonkeyPatch.context() as patch, tenant_context(township.id):
        patch.setattr(deadlines, "shanghai_today", lambda now=None: date(2025, 12, 1))
        reps = {}
        for key, name, cadre in (
            ("cadre1", "张书记", True),
            ("cadre2", "李主任", True),
            ("a", "王芳", False),
            ("b", "赵强", False),
            ("c", "孙丽", False),
        ):
            reps[key] = people.create_representative(
                office,
                township,
                load_input(
                    people.RepresentativeInputSchema,
                    {
                        "name": name,
                        "gender": "女",
                        "birth_date": "1975-03-01",
                        "education": "大学本科",
                        "category": "农民",
                        "term": 13,
                        "is_grassroots_cadre": cadre,
                        "branch_id": world.branches["t"].id,
                    },
                ),
            )
        reps["a"].user_id = world.users["representative"].id
        db.session.commit()
        room = service.create_site(
            office, township, SiteInput(kind="township_room", name="镇接待室")
        )
        centre = service.create_site(
            office, township, SiteInput(kind="branch_centre", name="甲村中心")
        )
        view = service.generate(office, township, GenerateInput(2026, [room.id, centre.id]))
        first = view.days[0].day.id
        service.set_team(
            office, township, first, room.id, [reps["cadre1"].id, reps["a"].id], apply_to_rest=True
        )
        service.set_team(
            office,
            township,
            first,
            centre.id,
            [reps["cadre2"].id, reps["b"].id],
            apply_to_rest=True,
        )
        service.publish(office, township, 2026)
        return {"reps": {k: r.id for k, r in reps.items()}, "day": first, "room": room.id}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    def build() -> tuple[Any, dict[str, Any]]:
        world = build_world()
        return world, _cast(world)

    with worker_stack(
        request, tmp_path_factory, build, modules=(*TEST_MODULES, *load_first_party())
    ) as running:
        yield running


def _reminder_counts(township_id: int) -> tuple[int, int, int]:
    """(reminder messages, delivered ones, reminder notifications) in the township."""
    with tenant_context(township_id):
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == service.REMINDER_TOPIC)
        ).all()
        notes = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.title.like("接待日提醒%"))
        )
    delivered = sum(1 for m in messages if m.status == OutboxStatus.DELIVERED)
    return len(messages), delivered, notes or 0


def test_the_daily_task_run_twice_reminds_each_person_once(stack):
    township_id = stack.world.township.id
    first = stack.send("reception_days.daily", tenant_id=township_id, today="2026-01-13")
    second = stack.send("reception_days.daily", tenant_id=township_id, today="2026-01-13")
    results = [stack.get(first), stack.get(second)]
    assert sum(r["reminders"] for r in results) == 4
    assert sum(r["notices"] for r in results) == 1
    # Four duties: 王芳 (with an account) and the branch liaison of all four are told.
    expected = (4, 4, 5)
    assert stack.wait_for(lambda: _reminder_counts(township_id) == expected, "4 reminders")
    again = stack.get(stack.send("reception_days.daily", tenant_id=township_id, today="2026-01-14"))
    assert again == {"notices": 0, "reminders": 0, "summaries": 0}
    assert _reminder_counts_in(stack, township_id) == expected


def _reminder_counts_in(stack: Any, township_id: int) -> tuple[int, int, int]:
    with stack.app.app_context():
        return _reminder_counts(township_id)


def test_a_moved_day_and_a_substitute_are_reminded_afresh(stack):
    township_id, cast = stack.world.township.id, stack.extra
    with stack.app.app_context(), pytest.MonkeyPatch.context() as patch:
        office = actor(stack.world.users["township_staff"])
        patch.setattr(deadlines, "shanghai_today", lambda now=None: date(2026, 1, 14))
        with tenant_context(township_id):
            township = db.session.get(type(stack.world.township), township_id)
            service.move_day(
                office,
                township,
                cast["day"],
                MoveInput(
                    date(2026, 1, 19),
                    "与全镇大会冲突",
                    short_notice_reason="全镇大会临时召开",  # 5 days ahead: short notice
                ),
            )
            duty = db.session.scalar(
                select(Duty).where(
                    Duty.day_id == cast["day"], Duty.representative_id == cast["reps"]["a"]
                )
            )
            service.report_absence(office, township, duty.id, "生病")
            service.substitute(office, township, duty.id, cast["reps"]["c"])
    before = _reminder_counts_in(stack, township_id)
    result = stack.get(
        stack.send("reception_days.daily", tenant_id=township_id, today="2026-01-16")
    )
    # The three still on duty for the new date, and the substitute: four new reminders; 王芳,
    # absent, is not reminded of the new date.
    assert result["reminders"] == 4
    expected = (before[0] + 4, before[1] + 4, before[2] + 4)
    assert stack.wait_for(
        lambda: _reminder_counts(township_id) == expected, "the reminders of the new date"
    )
    with stack.app.app_context(), tenant_context(township_id):
        fresh = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.topic == service.REMINDER_TOPIC)
            .order_by(OutboxMessage.id.desc())
            .limit(4)
        ).all()
        assert {m.payload["day"] for m in fresh} == {"2026-01-19"}
        assert cast["reps"]["a"] not in {m.payload["representative_id"] for m in fresh}
        assert cast["reps"]["c"] in {m.payload["representative_id"] for m in fresh}
