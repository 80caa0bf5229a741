"""The reminder of non-respondents (`reminder_days_before_close`, default 2): the daily beat
reminds, once per consultation, only the representatives asked who have not answered (an
account in the inbox, a phone without one by SMS), through the outbox; at the boundary (the
deadline N+1 days away: not yet; N days away: reminded) on Shanghai dates near midnight, with
the setting moved in one township only; the message and the office's delivery report say
nothing about anyone else's answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.messages import service as messages
from lianxin.modules.consultations import service, tasks
from lianxin.modules.consultations.inputs import AnswerInput
from lianxin.notify.models import OutboxMessage
from lianxin.tenants import service as tenants
from lianxin.tenants.models import TownshipModule
from tests.factories import actor

from .conftest import TODAY, open_one

D = timedelta(days=1)
PHONE = "13900001111"  # the conftest's representative without an account


def _reminders(township_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.dedupe_key.like(f"consultations.remind:{township_id}:%"))
        .order_by(OutboxMessage.id)
    ).all()
    out = [dict(r.payload, dedupe_key=r.dedupe_key) for r in rows]
    db.session.rollback()
    return out


def _recipients(township_id: int) -> tuple[set[int], set[str]]:
    users: set[int] = set()
    phones: set[str] = set()
    for payload in _reminders(township_id):
        users |= set(payload["user_ids"])
        phones |= {p["phone"] for p in payload.get("phones", [])}
    return users, phones


def _opinion(office, township, reps, deadline: date, n: int = 10):
    with tenant_context(township.id):
        ids = [*reps.ids(n), reps.phone_only.id, reps.unreachable.id]
        opened = open_one(office, township, ids, deadline=deadline)
        db.session.commit()
        return opened.consultation.id


def test_only_those_who_have_not_answered_are_reminded_once(world, office, reps, clock):
    township = world.township
    cid = _opinion(office, township, reps, TODAY + 2 * D)
    with tenant_context(township.id):
        service.answer(actor(reps.users[0]), township, cid, AnswerInput("agree"))
        service.answer(actor(reps.users[1]), township, cid, AnswerInput("opinion", "建议增加路灯"))
        db.session.commit()
    assert tasks.remind_sweep.delay().get() >= 1
    users, phones = _recipients(township.id)
    assert users == {u.id for u in reps.users[2:10]}  # those who have not answered
    assert phones == {PHONE}  # no account, a phone: by SMS (none for no phone)
    # Once per consultation: the sweep again, the next day too, adds nothing.
    sent = _reminders(township.id)
    tasks.remind_sweep.delay().get()
    clock.today = TODAY + D
    tasks.remind_sweep.delay().get()
    assert _reminders(township.id) == sent


def test_the_reminder_says_nothing_about_other_respondents(app, world, office, reps, clock):
    township = world.township
    cid = _opinion(office, township, reps, TODAY + 2 * D)
    with tenant_context(township.id):
        service.answer(actor(reps.users[0]), township, cid, AnswerInput("disagree"))
        name = reps.accounts[0].name
        db.session.commit()
    tasks.remind_sweep.delay().get()
    text = " ".join(f"{p['title']} {p['body']}" for p in _reminders(township.id))
    assert "请按时答复" in text and (TODAY + 2 * D).isoformat() in text
    for word in ("不同意", "同意", "已答复", "名代表", name):
        assert word not in text, word
    assert not any(ch.isdigit() for ch in text.replace((TODAY + 2 * D).isoformat(), ""))
    assert all(p.get("confidential") is True for p in _reminders(township.id))
    # The office's delivery report counts the reminded; it names none of them.
    with app.test_request_context(), tenant_context(township.id):
        rows, _total = messages.page_messages(office, township, kind="reminder")
        reminders = [r for r in rows if "请按时答复" in r.title]
        assert reminders and all(r.confidential and r.shown == [] for r in reminders)


def test_a_secret_vote_reminds_those_without_a_receipt(world, office, reps, clock):
    township = world.township
    with tenant_context(township.id):
        opened = open_one(
            office,
            township,
            reps.ids(10),
            kind="appointment",
            mode="secret_vote",
            deadline=TODAY + 1 * D,
        )
        cid = opened.consultation.id
        for user in reps.users[:3]:
            service.answer(actor(user), township, cid, AnswerInput("agree"))
        db.session.commit()
    tasks.remind_sweep.delay().get()
    users, _phones = _recipients(township.id)
    assert users == {u.id for u in reps.users[3:10]}


@pytest.mark.parametrize(("days_left", "reminded"), [(3, False), (2, True), (0, True), (-1, False)])
def test_boundary_of_the_reminder_days(world, office, reps, clock, days_left, reminded):
    township = world.township
    _opinion(office, township, reps, TODAY)
    clock.today = TODAY - days_left * D
    tasks.remind_sweep.delay().get()
    assert bool(_reminders(township.id)) is reminded


def _at(moment: datetime):
    return lambda now=None: moment.astimezone(deadlines.SHANGHAI).date()


def test_the_reminder_day_turns_at_shanghai_midnight(world, office, reps, clock, monkeypatch):
    """Deadline D, two days: at 23:59 in Shanghai on D−3 (15:59 UTC) nothing; one minute later,
    00:00 on D−2 in Shanghai (16:00 UTC, still D−3 in UTC), the reminder goes."""
    township = world.township
    deadline = TODAY + 5 * D
    _opinion(office, township, reps, deadline)
    midnight = datetime(deadline.year, deadline.month, deadline.day, tzinfo=UTC) - 2 * D
    monkeypatch.setattr(deadlines, "shanghai_today", _at(midnight - timedelta(hours=8, minutes=1)))
    tasks.remind_sweep.delay().get()
    assert _reminders(township.id) == []
    monkeypatch.setattr(deadlines, "shanghai_today", _at(midnight - timedelta(hours=8)))
    tasks.remind_sweep.delay().get()
    assert len(_reminders(township.id)) == 2  # the inbox's and the SMS's


def test_the_setting_moves_in_one_township_only(world, office, reps, clock):
    township = world.township
    admin = actor(world.users["county_admin"])
    tenants.update_module_settings(
        admin, world.county, township.id, "consultations", {"reminder_days_before_close": 5}
    )
    with tenant_context(township.id):
        assert service.settings(township.id)["reminder_days_before_close"] == 5
    with tenant_context(world.other.id):
        assert service.settings(world.other.id)["reminder_days_before_close"] == 2
    _opinion(office, township, reps, TODAY + 6 * D)
    tasks.remind_sweep.delay().get()
    assert _reminders(township.id) == []  # N+1 days away
    clock.today = TODAY + D
    tasks.remind_sweep.delay().get()
    assert len(_reminders(township.id)) == 2  # N days away


def test_closed_or_switched_off_is_not_reminded(world, office, reps, clock):
    township = world.township
    cid = _opinion(office, township, reps, TODAY + D)
    with tenant_context(township.id):
        service.close_consultation(office, township, cid)
        db.session.commit()
    tasks.remind_sweep.delay().get()
    assert _reminders(township.id) == []
    _opinion(office, township, reps, TODAY + D)
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.township_id == township.id,
            TownshipModule.module_key == "consultations",
        )
        .values(enabled=False)
    )
    db.session.commit()
    tasks.remind_sweep.delay().get()
    assert _reminders(township.id) == []
