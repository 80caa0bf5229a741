"""The advance notice (评议预告, 001 张家港: 评议组向被评议对象发布评议预告，告知评议时间、内容、
评议组成员): sent through the outbox to those evaluated, once, on a draft; with `notice_days` N
(a township's setting; 0, the default, asks for none — the seed names no number of days) the
campaign opens only from the Shanghai day N days after the notice: N−1 refused, N accepted,
near midnight too, and in the township that set it only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.errors import Conflict
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.errors import FormLocked, NoticeMissing
from lianxin.modules.evaluations.inputs import SubjectInput
from lianxin.notify.models import OutboxMessage
from tests.modules.evaluations import steps


def test_the_notice_goes_through_the_outbox_to_those_evaluated_once(clock, cast, tctx, office):
    campaign = steps.campaign(cast, tctx, office)
    service.add_subject(office, tctx, campaign.id, SubjectInput(kind="committee"))
    service.send_notice(office, tctx, campaign.id)
    db.session.commit()
    assert campaign.notice_sent_on == date(2025, 12, 15)
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"evaluation.notice:{tctx.id}:{campaign.id}"
        )
    )
    assert message is not None and message.payload["kind"] == "evaluation.notice"
    # The two members, and (for the body) every committee member: accounts, by the outbox.
    assert {m.id for m in cast.members} <= set(message.payload["user_ids"])
    assert "评议时间：2025-12-01 至 2026-01-15" in message.payload["body"]
    with pytest.raises(Conflict):  # once
        service.send_notice(office, tctx, campaign.id)
    service.open_campaign(office, tctx, campaign.id)
    with pytest.raises(FormLocked):  # a notice belongs before the opening
        service.send_notice(office, tctx, campaign.id)


def test_without_the_setting_no_notice_is_asked(clock, cast, tctx, office, world):
    assert service.settings(tctx.id)["notice_days"] == 0
    campaign = steps.campaign(cast, tctx, office)
    service.open_campaign(office, tctx, campaign.id)


def test_the_opening_waits_n_days_after_the_notice(clock, cast, tctx, office, world):
    steps.settings(world, tctx, notice_days=5)
    assert service.settings(world.other.id)["notice_days"] == 0  # this township only
    campaign = steps.campaign(cast, tctx, office)
    with pytest.raises(NoticeMissing) as missing:
        service.open_campaign(office, tctx, campaign.id)
    assert missing.value.code == "notice_missing" and "5" in missing.value.message
    clock.today = date(2025, 12, 10)
    service.send_notice(office, tctx, campaign.id)
    clock.today = date(2025, 12, 14)  # N−1 days after
    with pytest.raises(NoticeMissing) as early:
        service.open_campaign(office, tctx, campaign.id)
    assert "2025-12-15" in early.value.message
    clock.today = date(2025, 12, 15)  # N days after
    service.open_campaign(office, tctx, campaign.id)


def test_the_days_are_shanghai_days_near_midnight(clock, cast, tctx, office, world, monkeypatch):
    steps.settings(world, tctx, notice_days=5)
    moment = {"now": datetime(2025, 12, 9, 16, 30, tzinfo=UTC)}  # 10 Dec 00:30 in Shanghai

    def shanghai_today(now=None):
        return moment["now"].astimezone(ZoneInfo("Asia/Shanghai")).date()

    monkeypatch.setattr(deadlines, "shanghai_today", shanghai_today)
    campaign = steps.campaign(cast, tctx, office)
    service.send_notice(office, tctx, campaign.id)
    assert campaign.notice_sent_on == date(2025, 12, 10)
    moment["now"] = datetime(2025, 12, 14, 15, 59, tzinfo=UTC)  # 14 Dec 23:59 in Shanghai
    with pytest.raises(NoticeMissing):
        service.open_campaign(office, tctx, campaign.id)
    moment["now"] = datetime(2025, 12, 14, 16, 0, tzinfo=UTC)  # 15 Dec 00:00 in Shanghai
    service.open_campaign(office, tctx, campaign.id)
