"""The demo's clock: the history stops today, and what it writes is never dated after now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from lianxin import demo_clock
from lianxin.db import db
from lianxin.notify import service as notify
from lianxin.notify.models import OutboxMessage


def test_a_step_taken_seconds_ago_still_has_its_messages_delivered(app: Any) -> None:
    """A load started just after a step's moment (the CI run at 16:00:30 Shanghai with a step
    at 16:00) delivered the day's messages a minute after the step, in the future, and failed."""
    timeline = demo_clock.Timeline()
    sent: list[int] = []

    def step() -> None:
        sent.append(notify.notify([], "到点", tenant_id=None).id)
        db.session.commit()

    assert timeline.add(demo_clock.real_now() - timedelta(seconds=5), step)
    assert timeline.run() == 1
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(sent))).one()
    assert message.delivered_at is not None
    assert message.delivered_at <= demo_clock.real_now()


def test_a_step_still_to_come_is_dropped(app: Any) -> None:
    timeline = demo_clock.Timeline()
    assert not timeline.add(demo_clock.real_now() + timedelta(minutes=1), lambda: None)
    assert timeline.run() == 0
