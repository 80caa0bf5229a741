"""The rules of briefings, through the use cases: drafts change until sent and never after, the
audience, read receipts, the reminder at N days (N−1 no, N yes, once), a setting moved in one
township only, and Shanghai dates near midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.briefings import metrics, service
from lianxin.modules.briefings.inputs import BriefingInput, BriefingInputSchema
from lianxin.modules.briefings.models import Recipient
from lianxin.notify.models import OutboxMessage
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import Changes, load_input
from tests.factories import actor
from tests.modules.briefings.conftest import TODAY


def _draft(office, t, **kw):
    data = {"kind": "decision", "title": "关于村道改造的决定", "text": "党委会决定……", **kw}
    return service.create_briefing(office, t, BriefingInput(**data))


def _sent(office, t, **kw):
    briefing = _draft(office, t, **kw)
    return service.send_briefing(office, t, briefing.id)


def _recipients(briefing_id):
    return {
        r.representative_id: r
        for r in db.session.scalars(select(Recipient).where(Recipient.briefing_id == briefing_id))
    }


def _outbox(prefix):
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.dedupe_key.like(f"{prefix}%"))
            .order_by(OutboxMessage.id)
        )
    )


def test_send_to_everyone_in_office_by_inbox_and_sms(world, roll, office, tctx):
    briefing = _sent(office, tctx)
    got = _recipients(briefing.id)
    assert set(got) == set(roll.ids("a", "b", "c", "d"))  # x's qualification ended
    assert got[roll.reps["a"].id].channel == "inbox"
    assert got[roll.reps["b"].id].channel == "sms" and got[roll.reps["b"].id].token_hash
    assert got[roll.reps["c"].id].channel == "none" and got[roll.reps["c"].id].token_hash is None
    assert briefing.sent_on == TODAY and briefing.read_days == 3
    assert briefing.remind_on == TODAY + timedelta(days=3)
    [notice] = _outbox(f"briefings.send:{tctx.id}:{briefing.id}")[:1]
    assert notice.topic == "notify"
    assert notice.payload["user_ids"] == [world.users["representative"].id]
    assert notice.payload["link"] == f"/t/{tctx.slug}/briefings/{briefing.id}"
    assert notice.payload["kind"] == "briefing"
    texts = [m for m in _outbox(f"briefings.send:{tctx.id}:{briefing.id}:") if m.topic == "sms"]
    assert sorted(m.payload["phone"] for m in texts) == ["13900000002", "13900000004"]
    assert all(f"/p/{tctx.slug}/briefings/read/" in m.payload["link"] for m in texts)


def test_a_sent_briefing_never_changes(roll, office, tctx):
    briefing = _sent(office, tctx)
    with pytest.raises(service.AlreadySent):
        service.update_briefing(office, tctx, briefing.id, Changes({"title": "改"}))
    with pytest.raises(service.AlreadySent):
        service.delete_draft(office, tctx, briefing.id)
    with pytest.raises(service.AlreadySent):
        service.send_briefing(office, tctx, briefing.id)


def test_a_draft_changes_until_sent(roll, office, tctx):
    briefing = _draft(office, tctx)
    service.update_briefing(office, tctx, briefing.id, Changes({"title": "新标题"}))
    assert service.get_briefing(office, tctx, briefing.id).title == "新标题"
    service.delete_draft(office, tctx, briefing.id)
    with pytest.raises(NotFound):
        service.get_briefing(office, tctx, briefing.id)


def test_groups_and_named_audiences(roll, office, tctx):
    east = _sent(office, tctx, audience="groups", group_ids=[roll.groups["east"].id])
    assert set(_recipients(east.id)) == set(roll.ids("a", "b", "c"))
    named = _sent(office, tctx, audience="named", representative_ids=roll.ids("d", "x"))
    assert set(_recipients(named.id)) == set(roll.ids("d"))
    with pytest.raises(ValidationFailed) as exc:
        load_input(
            BriefingInputSchema, {"kind": "other", "title": "t", "text": "x", "audience": "groups"}
        )
    assert "group_ids" in exc.value.errors
    only_ended = _draft(office, tctx, audience="named", representative_ids=roll.ids("x"))
    with pytest.raises(service.NoRecipients):
        service.send_briefing(office, tctx, only_ended.id)


def test_another_townships_group_or_representative_is_not_found(world, roll, office, tctx):
    other = world.other
    with tenant_context(other.id):
        group = people.create_group(
            actor(world.users["other_admin"]), other, people.GroupInput(name="乙镇小组")
        )
    with pytest.raises(NotFound):
        _draft(office, tctx, audience="groups", group_ids=[group.id])


def test_a_correction_refers_to_a_sent_briefing(roll, office, tctx):
    draft = _draft(office, tctx)
    with pytest.raises(ValidationFailed):
        _draft(office, tctx, corrects_id=draft.id)
    old = _sent(office, tctx)
    fix = _sent(office, tctx, title="更正：关于村道改造的决定", corrects_id=old.id)
    assert [b.id for b in service.corrections_of(old)] == [fix.id]


def test_only_the_office_drafts(world, roll, tctx):
    rep = actor(world.users["representative"])
    with pytest.raises(PermissionDenied):
        _draft(rep, tctx)


def test_the_first_read_is_the_receipt(world, roll, office, tctx, clock):
    briefing = _sent(office, tctx)
    rep = actor(world.users["representative"])
    service.read_briefing(office, tctx, briefing.id)  # the office reading is no receipt
    assert all(r.read_at is None for r in _recipients(briefing.id).values())
    service.read_briefing(rep, tctx, briefing.id)
    first = _recipients(briefing.id)[roll.reps["a"].id].read_at
    assert first is not None
    clock.today = TODAY + timedelta(days=1)
    service.read_briefing(rep, tctx, briefing.id)
    mine = _recipients(briefing.id)[roll.reps["a"].id]
    assert mine.read_at == first and mine.read_on == TODAY
    receipts = service.receipts(office, tctx, briefing.id)
    assert [r.name for r in receipts if r.read] == ["安代表"]
    assert service.read_counts([briefing.id])[briefing.id] == service.Counts(4, 1)


def test_a_representative_sees_only_briefings_sent_to_them(world, roll, office, tctx):
    rep = actor(world.users["representative"])
    draft = _draft(office, tctx)
    west = _sent(office, tctx, audience="groups", group_ids=[roll.groups["west"].id])
    mine = _sent(office, tctx)
    for hidden in (draft, west):
        with pytest.raises(NotFound):
            service.get_briefing(rep, tctx, hidden.id)
    assert [b.id for b in service.list_briefings(rep, tctx)] == [mine.id]


def _token_of(briefing_id, rep_id):
    """Give the recipient a known link token (as an office re-issue would)."""
    from lianxin.modules.briefings.stages.common import _digest

    recipient = _recipients(briefing_id)[rep_id]
    recipient.token_hash = _digest("known-token")
    db.session.commit()
    return "known-token"


def test_reading_by_the_sms_link(roll, office, tctx):
    briefing = _sent(office, tctx)
    token = _token_of(briefing.id, roll.reps["b"].id)
    found, recipient = service.read_by_link(tctx, token)
    assert found.id == briefing.id and recipient.read_at is not None
    with pytest.raises(NotFound):
        service.read_by_link(tctx, "wrong")


def test_reminded_once_on_day_n_not_on_day_n_minus_1(world, roll, office, tctx, clock):
    briefing = _sent(office, tctx)
    service.read_briefing(actor(world.users["representative"]), tctx, briefing.id)
    clock.today = TODAY + timedelta(days=2)  # N−1
    assert service.remind_due(tctx) == 0
    clock.today = TODAY + timedelta(days=3)  # N
    old_hash = _recipients(briefing.id)[roll.reps["b"].id].token_hash
    assert service.remind_due(tctx) == 3  # b, c, d: a has read it
    got = _recipients(briefing.id)
    assert {k for k, r in got.items() if r.reminded_on == clock.today} == set(
        roll.ids("b", "c", "d")
    )
    assert got[roll.reps["b"].id].token_hash != old_hash  # a fresh link by SMS
    texts = _outbox(f"briefings.remind:{tctx.id}:{briefing.id}:{clock.today.isoformat()}:")
    assert sorted(m.payload["phone"] for m in texts) == ["13900000002", "13900000004"]
    assert service.remind_due(tctx) == 0  # the sweep again the same day
    clock.today = TODAY + timedelta(days=4)
    assert service.remind_due(tctx) == 0  # once only


def test_the_reading_days_are_one_townships_setting(world, roll, office, tctx, clock):
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "briefings", {"read_days": 5})
    briefing = _sent(office, tctx)
    assert briefing.read_days == 5 and briefing.remind_on == TODAY + timedelta(days=5)
    clock.today = TODAY + timedelta(days=4)
    assert service.remind_due(tctx) == 0
    clock.today = TODAY + timedelta(days=5)
    assert service.remind_due(tctx) == 4
    other = world.other
    assert service.settings(other.id)["read_days"] == 3


def test_the_day_of_sending_is_shanghais_near_midnight(roll, office, tctx, monkeypatch):
    # 16:10 UTC on 1 May is 00:10 on 2 May in Shanghai: the briefing is sent on 2 May.
    instant = datetime(2026, 5, 1, 16, 10, tzinfo=UTC)

    def shanghai_today(now=None):
        return (now or instant).astimezone(deadlines.SHANGHAI).date()

    monkeypatch.setattr(deadlines, "shanghai_today", shanghai_today)
    briefing = _sent(office, tctx)
    assert briefing.sent_on == date(2026, 5, 2)
    assert briefing.remind_on == date(2026, 5, 5)


def test_county_figures(world, roll, office, tctx, clock):
    rep = actor(world.users["representative"])
    briefing = _sent(office, tctx)
    service.read_briefing(rep, tctx, briefing.id)
    clock.today = TODAY + timedelta(days=1)
    _sent(office, tctx, title="第二份")
    clock.today = TODAY + timedelta(days=3)  # the first one's reading days are over
    got = metrics.figures(date(2026, 5, 1), date(2026, 6, 1))
    assert got["briefings_sent"] == 2
    assert got["briefings_read_in_time"].value == pytest.approx(1 / 4)
    assert got["briefings_read_in_time"].n == 4


def test_to_do_lines(world, roll, office, tctx, clock):
    rep = actor(world.users["representative"])
    briefing = _sent(office, tctx)
    assert service.my_unread(rep, tctx).count == 1
    assert service.unread_past_due(office, tctx, clock.today).count == 0
    clock.today = TODAY + timedelta(days=3)
    assert service.unread_past_due(office, tctx, clock.today).only_id == briefing.id
    service.read_briefing(rep, tctx, briefing.id)
    assert service.my_unread(rep, tctx).count == 0


def test_exports(roll, office, tctx):
    briefing = _sent(office, tctx)
    assert service.export_register(office, tctx).startswith(b"PK")
    assert service.export_receipts(office, tctx, briefing.id).startswith(b"PK")
