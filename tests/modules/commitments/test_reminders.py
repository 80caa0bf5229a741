"""The daily reminder: a commitment due within the township's remind_days (N) reminds its
representative once; one due on day N+1 does not yet; the task runs it per township."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.commitments import service
from lianxin.modules.commitments.inputs import CommitmentInput
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.modules.commitments.conftest import TODAY


def _reminders(township_id):
    return [
        m.payload
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.tenant_id == township_id)
        )
        if m.payload.get("kind") == "commitment.reminder"
    ]


def _made(office, township, rep, days):
    return service.create_commitment(
        office,
        township,
        CommitmentInput(
            year=2026,
            content=f"{days}天后到期",
            due_on=TODAY + timedelta(days=days),
            representative_id=rep.id,
        ),
    )


def test_once_within_the_reminder_days(world, clock, office, people, tctx):
    reps, _users = people
    seven = _made(office, tctx, reps[1], 7)
    _made(office, tctx, reps[2], 8)
    assert service.remind_due(tctx) == 1
    [sent] = _reminders(tctx.id)
    assert sent["link"].endswith(f"/commitments/{seven.id}")
    service.remind_due(tctx)  # the next run adds nothing
    assert len(_reminders(tctx.id)) == 1
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        world.township.id,
        "commitments",
        {"remind_days": 8},
    )
    service.remind_due(tctx)
    assert len(_reminders(tctx.id)) == 2


def test_the_task_runs_per_township(world, clock, office, people):
    from lianxin.modules.commitments.tasks import remind

    reps, _users = people
    with tenant_context(world.township.id):
        _made(office, world.township, reps[6], 1)  # no account: by SMS
        db.session.commit()
    assert remind.delay(tenant_id=world.township.id).get() == 1
