"""Messages that reach people (issue 21): the notify handler sends each recipient's channels
through the configured providers and records what happened, per recipient and channel.

Aliyun's SMS API and WeCom's are local stand-ins (tests/notify/fakes.py) reached through the
real SDK and HTTP calls; the outbox delivers eagerly at commit as in the embedded default.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from lianxin.db import db, utcnow
from lianxin.db.tenancy import tenant_context
from lianxin.notify import channels, preferences
from lianxin.notify import service as notify
from lianxin.notify.models import DeadLetter, Delivery, Notification, OutboxMessage, OutboxStatus
from lianxin.notify.preferences import Preferences
from tests.notify.fakes import FakeHttp, fake_http

TEMPLATES = {
    "reminder": {"code": "SMS_100", "params": ["name", "title"]},
    "resolution": {"code": "SMS_200", "params": ["title"]},
    "tracking_code": {"code": "SMS_300", "params": {"code": "tracking_code"}},
}
REP_PHONE, STAFF_PHONE = "13800138001", "13800138002"


class Aliyun:
    """The SMS API's answers: OK, or a refusal for the numbers in `refuse` (each time, or the
    first `times` times)."""

    def __init__(self) -> None:
        self.refuse: dict[str, tuple[str, int]] = {}
        self.seq = 0

    def __call__(self, request) -> tuple[int, Any]:
        number = request.params.get("PhoneNumbers", "")
        code, times = self.refuse.get(number, ("", 0))
        if code and times:
            self.refuse[number] = (code, times - 1)
            return 200, {"Code": code, "Message": "流控", "RequestId": "R"}
        self.seq += 1
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"BIZ{self.seq}", "RequestId": "R"}


@pytest.fixture
def provider() -> Aliyun:
    return Aliyun()


@pytest.fixture
def sms(app, provider) -> Iterator[FakeHttp]:
    with fake_http(provider) as fake:
        app.config.update(
            SMS_CHANNEL="aliyun",
            SMS_KEY_ID="key",
            SMS_KEY_SECRET="secret",
            SMS_SIGN_NAME="连心平台",
            SMS_ENDPOINT=fake.url,
            SMS_TEMPLATES=TEMPLATES,
        )
        yield fake


def sent_to(fake: FakeHttp) -> list[str]:
    return [r.params["PhoneNumbers"] for r in fake.requests]


def rows(world, **where: Any) -> list[Delivery]:
    db.session.rollback()  # what the delivery committed
    with tenant_context(world.township.id):
        query = select(Delivery).filter_by(**where).order_by(Delivery.recipient, Delivery.channel)
        return list(db.session.scalars(query))


def table(world) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {(r.recipient, r.channel): (r.status, r.code) for r in rows(world)}


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
def people(world):
    rep, staff = world.users["representative"], world.users["township_staff"]
    rep.phone, staff.phone = REP_PHONE, STAFF_PHONE
    db.session.commit()
    return rep, staff


def test_a_representative_without_an_account_is_reached_by_phone(app, world, sms):
    message = notify.notify(
        [],
        "第一次会议决议",
        "全文已在公告栏公布",
        tenant_id=world.township.id,
        kind="resolution",
        phones=[("李四", "138 0013 8009"), notify.Recipient("13800138010", "赵五")],
    )
    db.session.commit()
    assert sent_to(sms) == ["13800138009", "13800138010"]
    assert {r.params["TemplateCode"] for r in sms.requests} == {"SMS_200"}
    assert fresh(message.id).status == OutboxStatus.DELIVERED
    found = rows(world, outbox_id=message.id)
    assert [(r.recipient, r.recipient_name, r.channel, r.status) for r in found] == [
        ("phone:0", "李四", "sms", "sent"),
        ("phone:1", "赵五", "sms", "sent"),
    ]
    assert [r.phone_masked for r in found] == ["138****8009", "138****8010"]
    assert {r.provider for r in found} == {"aliyun"} and all(r.provider_id for r in found)
    assert all(r.kind == "resolution" and r.user_id is None for r in found)
    # No phone in clear in the new table.
    with tenant_context(world.township.id):
        values = db.session.execute(select(Delivery.__table__)).all()
    assert not any("13800138009" in str(v) for row in values for v in row)


def test_inbox_and_sms_by_preference_and_every_skip_recorded(app, world, sms, people):
    rep, staff = people
    nobody = world.users["committee_member"]  # no phone
    preferences.save_preferences(staff.id, Preferences(sms=False))
    db.session.commit()
    message = notify.notify(
        [rep.id, staff.id, nobody.id], "接待日提醒", tenant_id=world.township.id, kind="reminder"
    )
    db.session.commit()
    assert sent_to(sms) == [REP_PHONE]  # the staff member opted out
    assert table(world) == {
        (f"user:{rep.id}", "inbox"): ("sent", None),
        (f"user:{rep.id}", "sms"): ("sent", None),
        (f"user:{staff.id}", "inbox"): ("sent", None),
        (f"user:{staff.id}", "sms"): ("skipped", "opted_out"),
        (f"user:{nobody.id}", "inbox"): ("sent", None),
        (f"user:{nobody.id}", "sms"): ("skipped", "no_phone"),
    }
    (request,) = sms.requests
    assert (
        request.params["TemplateParam"]
        == f'{{"name": "{rep.display_name}", "title": "接待日提醒"}}'
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.outbox_id == message.id)
        )
        == 3
    )


def test_a_kind_without_a_template_is_recorded_not_dropped(app, world, sms, people):
    rep, _staff = people
    notify.notify([rep.id], "一般通知", "正文", tenant_id=world.township.id)  # kind "general"
    db.session.commit()
    assert sms.requests == []
    assert table(world) == {
        (f"user:{rep.id}", "inbox"): ("sent", None),
        (f"user:{rep.id}", "sms"): ("skipped", "no_template"),
    }


def test_an_existing_call_with_only_the_inbox_sends_nothing_else(app, world, sms, people):
    rep, _staff = people
    notify.notify([rep.id], "站内", tenant_id=world.township.id, channels=("inbox",))
    db.session.commit()
    assert sms.requests == []
    assert table(world) == {(f"user:{rep.id}", "inbox"): ("sent", None)}


def test_a_provider_error_is_recorded_and_the_message_retried(app, world, sms, provider):
    provider.refuse["13800138009"] = ("isv.BUSINESS_LIMIT_CONTROL", 1)
    message = notify.notify(
        [],
        "决议",
        tenant_id=world.township.id,
        kind="resolution",
        phones=[("甲", "13800138009"), ("乙", "13800138010")],
    )
    db.session.commit()
    first = fresh(message.id)
    assert (first.status, first.attempts) == (OutboxStatus.PENDING, 1)
    assert first.available_at > utcnow() and "isv.BUSINESS_LIMIT_CONTROL" in first.last_error
    failed, sent = rows(world, outbox_id=message.id)
    assert (failed.status, failed.code, failed.attempts) == (
        "failed",
        "isv.BUSINESS_LIMIT_CONTROL",
        1,
    )
    assert (sent.status, sent.attempts) == ("sent", 1)

    make_due(message.id)
    assert notify.deliver(message.id) is True
    assert sent_to(sms) == ["13800138009", "13800138010", "13800138009"]  # 乙 not texted twice
    again, _ = rows(world, outbox_id=message.id)
    assert (again.status, again.code, again.attempts) == ("sent", None, 2)
    assert fresh(message.id).status == OutboxStatus.DELIVERED


def test_a_retried_message_adds_no_second_inbox_entry(app, world, sms, provider, people):
    rep, _staff = people
    provider.refuse[REP_PHONE] = ("isv.BUSINESS_LIMIT_CONTROL", 1)
    message = notify.notify([rep.id], "提醒", tenant_id=world.township.id, kind="reminder")
    db.session.commit()
    make_due(message.id)
    assert notify.deliver(message.id) is True
    count = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.outbox_id == message.id)
    )
    assert count == 1
    assert table(world)[(f"user:{rep.id}", "sms")] == ("sent", None)


def test_a_refusal_that_lasts_ends_dead_after_the_last_attempt(app, world, sms, provider):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    provider.refuse["13800138009"] = ("isv.BUSINESS_LIMIT_CONTROL", 99)
    message = notify.notify(
        [], "决议", tenant_id=world.township.id, kind="resolution", phones=[("甲", "13800138009")]
    )
    db.session.commit()
    make_due(message.id)
    assert notify.deliver(message.id) is False
    assert fresh(message.id).status == OutboxStatus.DEAD
    assert db.session.scalar(select(func.count()).select_from(DeadLetter)) == 1
    (row,) = rows(world, outbox_id=message.id)
    assert (row.status, row.attempts) == ("failed", 2)


def test_a_final_refusal_is_not_retried(app, world, sms, provider):
    provider.refuse["13800138009"] = ("isv.MOBILE_NUMBER_ILLEGAL", 99)
    message = notify.notify(
        [], "决议", tenant_id=world.township.id, kind="resolution", phones=[("甲", "13800138009")]
    )
    db.session.commit()
    assert fresh(message.id).status == OutboxStatus.DELIVERED
    (row,) = rows(world, outbox_id=message.id)
    assert (row.status, row.code) == ("failed", "isv.MOBILE_NUMBER_ILLEGAL")


def test_a_batch_keeps_what_was_sent_and_retries_the_rest(app, world, sms, provider, monkeypatch):
    from lianxin.notify import tasks

    monkeypatch.setattr(tasks.deliver_outbox_batch, "delay", lambda *a, **k: None)
    provider.refuse["13800138009"] = ("isv.BUSINESS_LIMIT_CONTROL", 1)
    ids = notify.enqueue_many(
        "notify",
        [
            (
                notify.notification([], "决议", kind="resolution", phones=[("甲", "13800138009")]),
                None,
            ),
            (
                notify.notification([], "决议", kind="resolution", phones=[("乙", "13800138010")]),
                None,
            ),
        ],
        tenant_id=world.township.id,
    )
    db.session.commit()
    assert notify.deliver_many(ids) == 1
    assert [fresh(i).status for i in ids] == [OutboxStatus.PENDING, OutboxStatus.DELIVERED]
    assert [r.status for r in rows(world)] == ["failed", "sent"]
    make_due(ids[0])
    assert notify.deliver_many(ids) == 1
    assert [r.status for r in rows(world)] == ["sent", "sent"]


def test_the_sms_topic_goes_through_the_kind_template(app, world, sms):
    notify.enqueue(
        "sms",
        {
            "phone": "13800138009",
            "text": "您的诉求已受理，查询码 K7Q2",
            "kind": "tracking_code",
            "params": {"tracking_code": "K7Q2"},
        },
        tenant_id=world.township.id,
    )
    db.session.commit()
    (request,) = sms.requests
    assert (request.params["TemplateCode"], request.params["TemplateParam"]) == (
        "SMS_300",
        '{"code": "K7Q2"}',
    )
    assert "您的诉求已受理" not in request.raw
    assert table(world) == {("phone:0", "sms"): ("sent", None)}


def test_wecom_for_those_who_gave_their_userid(app, world, sms, people):
    rep, staff = people

    def wecom(request) -> tuple[int, Any]:
        if "gettoken" in request.path:
            return 200, {"errcode": 0, "access_token": "T", "expires_in": 7200}
        return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "M1"}

    channels._tokens.clear()
    with fake_http(wecom) as api:
        app.config.update(
            WECOM_CORP_ID="ww", WECOM_SECRET="s", WECOM_AGENT_ID="1000002", WECOM_API_BASE=api.url
        )
        preferences.save_preferences(staff.id, Preferences(wecom_userid="ZhangSan"))
        preferences.save_preferences(rep.id, Preferences(wecom=False, wecom_userid="WangFang"))
        db.session.commit()
        notify.notify(
            [rep.id, staff.id],
            "诉求已交办",
            tenant_id=world.township.id,
            link="/t/jia-zhen/cases/1",
        )
        db.session.commit()
    channels._tokens.clear()
    sends = [r for r in api.requests if "message/send" in r.path]
    assert [r.json["touser"] for r in sends] == ["ZhangSan"]
    assert sends[0].json["textcard"]["url"] == "http://testserver/t/jia-zhen/cases/1"
    found = table(world)
    assert found[(f"user:{staff.id}", "wecom")] == ("sent", None)
    assert found[(f"user:{rep.id}", "wecom")] == ("skipped", "opted_out")


def test_an_email_only_message_records_who_has_no_address(app, world, people):
    rep, staff = people
    staff.email = "staff@example.cn"
    preferences.save_preferences(staff.id, Preferences(email=False))
    db.session.commit()
    notify.notify(
        [rep.id, staff.id],
        "连心平台账号设置",
        link="/setup/secret",
        channels=("email",),
        tenant_id=world.township.id,
        kind="account.setup",
    )
    db.session.commit()
    assert table(world) == {
        (f"user:{rep.id}", "email"): ("skipped", "no_email"),
        # Opted out of email, but a set-up link is what the person needs to use the platform.
        (f"user:{staff.id}", "email"): ("sent", None),
    }
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_an_old_style_sms_channel_still_works(app, world, monkeypatch):
    texts: list[tuple[str, str]] = []

    class Recorder:
        def send(self, phone: str, text: str) -> None:
            texts.append((phone, text))

    monkeypatch.setattr(channels, "sms_channel", lambda: Recorder())
    notify.notify([], "通知", "正文", tenant_id=world.township.id, phones=[("甲", "13800138009")])
    db.session.commit()
    assert texts == [("13800138009", "通知 正文")]
    assert table(world) == {("phone:0", "sms"): ("sent", None)}


def test_a_platform_message_is_delivered_without_a_record(app, world):
    rep = world.users["representative"]
    notify.notify([rep.id], "平台通知", tenant_id=None)
    db.session.commit()
    assert rows(world) == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_the_log_channel_is_the_default_and_reaches_everyone(app, world, people, caplog):
    caplog.set_level("INFO", logger="lianxin.notify")
    rep, _staff = people
    notify.notify([rep.id], "一般通知", tenant_id=world.township.id)
    db.session.commit()
    assert table(world)[(f"user:{rep.id}", "sms")] == ("sent", None)
    assert "138****8001" in caplog.text and REP_PHONE not in caplog.text
