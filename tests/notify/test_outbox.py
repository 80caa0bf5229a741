"""The outbox (ARCHITECTURE.md §7): written with the change, delivered once, retried with backoff,
dead-lettered at the end, and never lost or slowed down by a broker that is down."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from lianxin.db import db, utcnow
from lianxin.notify import service
from lianxin.notify.models import DeadLetter, Notification, OutboxMessage, OutboxStatus
from lianxin.notify.tasks import deliver_outbox_message, sweep_outbox
from lianxin.tenants.models import Township
from tests.helpers import bearer


def count(model: Any, *where: Any) -> int:
    db.session.rollback()  # a fresh snapshot: what other sessions (the task's) committed
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def fresh(message_id: int) -> OutboxMessage:
    db.session.rollback()
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None
    db.session.refresh(message)
    return message


def make_due(message_id: int) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(available_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


@pytest.fixture
def boom(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A topic whose handler always fails; records the ids it was called with."""
    calls: list[int] = []

    def handler(message: OutboxMessage) -> None:
        calls.append(message.id)
        raise RuntimeError("gateway refused")

    monkeypatch.setitem(service.HANDLERS, "test.boom", handler)
    return calls


def test_rolled_back_transaction_leaves_nothing(app, world):
    user = world.users["representative"]
    # The change and its message in one transaction: a township rename, say.
    township = db.session.get(Township, world.township.id)
    township.name = "改名镇"
    service.notify([user.id], "乡镇已改名", tenant_id=world.township.id)
    db.session.rollback()
    assert count(OutboxMessage) == 0
    # A later commit on the same session must not dispatch the forgotten message either.
    db.session.get(Township, world.township.id).name = "甲镇二"
    db.session.commit()
    assert count(OutboxMessage) == 0
    assert count(Notification) == 0


def test_committed_message_is_delivered_once(app, world):
    rep, staff = world.users["representative"], world.users["township_staff"]
    message = service.notify(
        [rep.id, staff.id, rep.id],
        "会议通知",
        "周五下午三点",
        tenant_id=world.township.id,
        link="/t/jia-zhen/",
    )
    assert message.status == OutboxStatus.PENDING
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    db.session.commit()  # eager Celery in tests: the after-commit kick delivers it now

    sent = fresh(message.id)
    assert sent.status == OutboxStatus.DELIVERED
    assert sent.attempts == 1
    assert sent.delivered_at is not None
    rows = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert [(n.user_id, n.outbox_id, n.tenant_id, n.title, n.body) for n in rows] == sorted(
        (u.id, message.id, world.township.id, "会议通知", "周五下午三点") for u in (rep, staff)
    )
    assert service.unread_count(rep.id) == 1
    assert [n.title for n in service.inbox(rep.id)] == ["会议通知"]

    # A redelivered task, or the sweep racing the first send: claims nothing, adds nothing.
    assert service.deliver(message.id) is False
    assert service.deliver(message.id) is False
    assert count(Notification) == 2
    assert fresh(message.id).attempts == 1


def test_dedupe_key_enqueued_twice_is_one_row(app, world):
    rep = world.users["representative"]
    first = service.notify([rep.id], "提醒", tenant_id=world.township.id, dedupe_key="remind:1")
    again = service.notify([rep.id], "提醒", tenant_id=world.township.id, dedupe_key="remind:1")
    assert again.id == first.id
    db.session.commit()
    later = service.notify([rep.id], "提醒", tenant_id=world.township.id, dedupe_key="remind:1")
    db.session.commit()
    assert later.id == first.id
    assert count(OutboxMessage) == 1
    assert count(Notification) == 1
    service.notify([rep.id], "提醒", tenant_id=world.township.id, dedupe_key="remind:2")
    db.session.commit()
    assert count(OutboxMessage) == 2
    assert count(Notification) == 2


def test_bulk_enqueue_writes_each_key_once_and_delivers_in_batches(app, world, monkeypatch):
    """A sweep's many reminders: one INSERT per 500 rows, a key already there (or twice in the
    call) adds nothing, and after the commit one task per 500 messages delivers them."""
    monkeypatch.setattr(service, "BATCH", 3)
    sent: list[str] = []
    monkeypatch.setitem(service.HANDLERS, "test.sms", lambda m: sent.append(m.payload["to"]))
    published: list[list[int]] = []
    real_many = service.deliver_many

    def spy(ids: list[int]) -> int:
        published.append(list(ids))
        return real_many(ids)

    monkeypatch.setattr(service, "deliver_many", spy)
    tid = world.township.id
    service.enqueue("test.sms", {"to": "p0"}, tenant_id=tid, dedupe_key="bulk:0")
    db.session.commit()
    sent.clear()

    items = [({"to": f"p{n}"}, f"bulk:{n}") for n in range(7)] + [({"to": "p3"}, "bulk:3")]
    ids = service.enqueue_many("test.sms", items, tenant_id=tid)
    assert len(ids) == 6  # bulk:0 was there already; bulk:3 twice is one row
    assert sent == []  # nothing leaves before the commit
    db.session.commit()
    assert sorted(sent) == [f"p{n}" for n in range(1, 7)]
    assert [len(batch) for batch in published] == [3, 3]
    assert count(OutboxMessage, OutboxMessage.status == OutboxStatus.DELIVERED) == 7
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
    assert {(r.tenant_id, r.attempts) for r in rows} == {(tid, 1)}

    # The same sweep again: every key exists, nothing is written or sent.
    assert service.enqueue_many("test.sms", items, tenant_id=tid) == []
    db.session.commit()
    assert len(sent) == 6
    # A redelivered batch claims nothing.
    assert real_many(ids) == 0


def test_a_batched_handler_writes_its_townships_rows(app, world, monkeypatch):
    """A handler that writes a tenant row: the batch flushes it inside the message's township
    (each township's rows in its own), not after the handler has left it."""
    from lianxin.db.tenancy import tenant_context
    from lianxin.tenants.models import Branch

    def add_branch(message: OutboxMessage) -> None:
        db.session.add(Branch(name=message.payload["name"], kind="village", is_active=True))

    monkeypatch.setitem(service.HANDLERS, "test.branch", add_branch)
    ours = service.enqueue("test.branch", {"name": "批量甲"}, tenant_id=world.township.id)
    theirs = service.enqueue("test.branch", {"name": "批量乙"}, tenant_id=world.other.id)
    db.session.info.pop("outbox_new", None)  # delivered below as one batch
    db.session.commit()
    assert service.deliver_many([ours.id, theirs.id]) == 2
    pairs = ((world.township, "批量甲", "批量乙"), (world.other, "批量乙", "批量甲"))
    for township, own, other in pairs:
        with tenant_context(township.id):
            names = set(db.session.scalars(select(Branch.name)))
        assert own in names and other not in names


def test_bulk_enqueue_rolled_back_leaves_nothing(app, world):
    service.enqueue_many("sms", [({"phone": "1", "text": "t"}, "gone:1")], tenant_id=None)
    db.session.rollback()
    assert count(OutboxMessage) == 0
    db.session.get(Township, world.township.id).name = "甲镇二"
    db.session.commit()  # the forgotten batch is not published with a later commit
    assert count(OutboxMessage) == 0


class TestFailures:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"OUTBOX_MAX_ATTEMPTS": 3}

    def test_failing_handler_backs_off_then_goes_dead(self, app, world, boom):
        message = service.enqueue("test.boom", {"n": 1}, tenant_id=world.township.id)
        before = utcnow()
        db.session.commit()  # the eager task runs, fails, and records the failure
        assert boom == [message.id]

        failed = fresh(message.id)
        assert failed.status == OutboxStatus.PENDING
        assert failed.attempts == 1
        assert failed.last_error == "RuntimeError: gateway refused"
        assert failed.delivered_at is None
        assert before + timedelta(seconds=29) < failed.available_at
        assert failed.available_at < utcnow() + timedelta(seconds=31)
        # Not due yet: neither a redelivered task nor the sweep touches it.
        assert service.deliver(message.id) is False
        assert message.id not in [i for i, _ in service.due_message_ids()]
        assert boom == [message.id]

        make_due(message.id)
        with pytest.raises(RuntimeError, match="gateway refused"):
            service.deliver(message.id)
        second = fresh(message.id)
        assert (second.status, second.attempts) == (OutboxStatus.PENDING, 2)
        assert second.available_at > utcnow() + timedelta(seconds=55)  # 60 s: doubled
        assert count(DeadLetter) == 0

        make_due(message.id)
        with pytest.raises(RuntimeError):
            service.deliver(message.id)
        dead = fresh(message.id)
        assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 3)
        letters = db.session.scalars(select(DeadLetter)).all()
        assert [(d.outbox_id, d.task_name, d.tenant_id, d.arguments) for d in letters] == [
            (message.id, "outbox:test.boom", world.township.id, {"message_id": message.id})
        ]
        assert letters[0].error == "RuntimeError: gateway refused"

        # Dead is final: the sweep and a redelivered task leave it alone.
        make_due(message.id)
        assert message.id not in [i for i, _ in service.due_message_ids()]
        assert service.deliver(message.id) is False
        assert len(boom) == 3
        assert count(DeadLetter) == 1

    def test_a_failure_in_a_batch_is_rescheduled_alone(self, app, world, boom):
        """One handler fails in a batch: its own effects are undone and it backs off; the other
        messages of the batch are delivered with their effects."""
        rep = world.users["representative"]
        good = service.notify([rep.id], "甲", tenant_id=world.township.id)
        bad = service.enqueue("test.boom", {"n": 1}, tenant_id=world.township.id)
        other = service.notify([rep.id], "乙", tenant_id=world.township.id)
        db.session.info.pop("outbox_new", None)  # not one task each: deliver them as one batch
        db.session.commit()
        assert service.deliver_many([good.id, bad.id, other.id]) == 2
        assert boom == [bad.id]
        assert sorted(n.title for n in service.inbox(rep.id)) == ["乙", "甲"]
        failed = fresh(bad.id)
        assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 1)
        assert failed.last_error == "RuntimeError: gateway refused"
        assert failed.delivered_at is None and failed.available_at > utcnow()
        assert fresh(good.id).status == OutboxStatus.DELIVERED
        assert service.deliver_many([good.id, bad.id, other.id]) == 0  # not due, or done
        for _ in range(2):
            make_due(bad.id)
            assert service.deliver_many([bad.id]) == 0
        dead = fresh(bad.id)
        assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 3)
        assert count(DeadLetter) == 1

    def test_failure_rolls_back_the_handlers_partial_work(self, app, world, monkeypatch):
        rep = world.users["representative"]

        def half_done(message: OutboxMessage) -> None:
            service.HANDLERS["notify"](message)  # writes the inbox row…
            raise RuntimeError("then the SMS gateway fails")

        monkeypatch.setitem(service.HANDLERS, "test.half", half_done)
        message = service.enqueue(
            "test.half",
            {"user_ids": [rep.id], "title": "t", "body": "", "link": None, "channels": ["inbox"]},
            tenant_id=world.township.id,
        )
        db.session.commit()
        assert count(Notification) == 0  # …which is rolled back with the claim
        assert fresh(message.id).attempts == 1

        monkeypatch.setitem(service.HANDLERS, "test.half", service.HANDLERS["notify"])
        make_due(message.id)
        assert service.deliver(message.id) is True
        assert count(Notification) == 1


# A refused publish takes milliseconds once kombu's connection retries are bounded (jobs.py);
# unbounded, each publish held the caller for about 6 s.
QUICK = 2.0


class TestBrokerDown:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        # Nothing listens on port 1: every publish is refused.
        return {"CELERY_EAGER": False, "BROKER_URL": "redis://127.0.0.1:1/0"}

    def test_enqueue_succeeds_quickly_and_the_sweep_delivers_later(self, app, world):
        rep = world.users["representative"]
        started = time.monotonic()
        message = service.notify([rep.id], "议案已受理", tenant_id=world.township.id)
        db.session.commit()
        elapsed = time.monotonic() - started
        assert elapsed < QUICK, f"a failed publish held the request for {elapsed:.1f} s"

        assert fresh(message.id).status == OutboxStatus.PENDING
        assert count(Notification) == 0
        # The beat sweep cannot queue either; it gives up quickly and loses nothing.
        started = time.monotonic()
        assert sweep_outbox.run() == 1
        assert time.monotonic() - started < QUICK
        assert fresh(message.id).status == OutboxStatus.PENDING

        # Later (the broker back, or the sweep's delivery run): due ids are delivered once.
        due = service.due_message_ids()
        assert due == [(message.id, world.township.id)]
        assert [service.deliver(i) for i, _ in due] == [True]
        assert [service.deliver(i) for i, _ in due] == [False]
        assert fresh(message.id).status == OutboxStatus.DELIVERED
        assert count(Notification) == 1
        assert service.due_message_ids() == []

    def test_a_request_that_enqueues_still_succeeds(self, app, client, world):
        """Adding a member with an email sends a set-up link through the outbox: the API still
        answers 201 at once, and the link waits in the outbox for the sweep."""
        headers = bearer(world.users["township_admin"])
        started = time.monotonic()
        response = client.post(
            "/api/v1/t/jia-zhen/members",
            headers=headers,
            json={
                "role": "representative",
                "username": "new.rep",
                "display_name": "新代表",
                "email": "new.rep@example.com",
            },
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 201, response.get_data(as_text=True)
        assert elapsed < QUICK, f"a failed publish held the request for {elapsed:.1f} s"
        db.session.rollback()
        (message,) = db.session.scalars(select(OutboxMessage)).all()
        assert message.status == OutboxStatus.PENDING
        assert message.tenant_id == world.township.id
        assert message.payload["user_ids"] == [response.get_json()["user_id"]]
        assert message.payload["channels"] == ["email"]


def test_messages_leave_only_when_the_whole_transaction_commits(app, world, monkeypatch):
    """A SAVEPOINT released inside the transaction (enqueue's own, or the caller's) is not the
    commit: nothing is sent to the worker until the outer transaction commits."""
    kicked: list[int] = []
    monkeypatch.setattr(deliver_outbox_message, "delay", kicked.append)
    rep = world.users["representative"]
    first = service.notify([rep.id], "一", tenant_id=world.township.id)
    second = service.notify([rep.id], "二", tenant_id=world.township.id)
    with db.session.begin_nested():
        third = service.notify([rep.id], "三", tenant_id=world.township.id)
    assert kicked == []
    db.session.commit()
    assert sorted(kicked) == sorted([first.id, second.id, third.id])


def test_several_messages_in_one_transaction_are_all_delivered_at_commit(app, world):
    rep = world.users["representative"]
    started = time.monotonic()
    for title in ("一", "二", "三"):
        service.notify([rep.id], title, tenant_id=world.township.id)
    db.session.commit()
    assert time.monotonic() - started < QUICK
    assert count(OutboxMessage, OutboxMessage.status == OutboxStatus.DELIVERED) == 3
    assert sorted(n.title for n in service.inbox(rep.id)) == ["一", "三", "二"]


def test_rolled_back_dedupe_message_leaves_nothing_either(app, world):
    """With a dedupe key, enqueue writes inside a SAVEPOINT: releasing it must not commit."""
    rep = world.users["representative"]
    service.notify([rep.id], "提醒", tenant_id=world.township.id, dedupe_key="remind:rollback")
    db.session.rollback()
    assert count(OutboxMessage) == 0
    assert count(Notification) == 0
