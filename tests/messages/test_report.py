"""The township's delivery report: per message, who was reached by which channel and who was
not, with the reason — on the office's pages (a phone's width) and through the API."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.db.tenancy import tenant_context
from lianxin.messages import service
from lianxin.notify.models import Delivery
from tests.factories import actor
from tests.helpers import bearer, login
from tests.messages.conftest import PUBLIC_PHONE, REP_PHONE

BASE = "/t/jia-zhen/messages"
API = "/api/v1/t/jia-zhen/messages"


def test_the_list_shows_each_message_with_who_was_reached(client, world, sent):
    login(client, world.users["township_staff"])
    page = client.get(f"{BASE}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "消息送达" in html
    assert html.index(f'data-message="{sent.resolution}"') < html.index(
        f'data-message="{sent.reminder}"'
    )  # newest first
    assert "第一次会议决议" in html and "接待日提醒：1月15日" in html
    assert "未送达 1 人" in html and "已送达 3 人" in html
    assert "乙镇的通知" not in html  # another township's
    assert 'name="viewport"' in html  # the layout for a phone


def test_the_detail_names_each_recipient_channel_and_reason(client, world, sent):
    login(client, world.users["township_admin"])
    html = client.get(f"{BASE}/{sent.reminder}").get_data(as_text=True)
    rep = world.users["representative"]
    staff = world.users["township_staff"]
    assert rep.display_name in html and staff.display_name in html
    assert "本人已关闭该渠道" in html  # the staff member's SMS
    assert "未登记手机号" in html  # the committee member's
    assert "138****8001" in html and REP_PHONE not in html
    resolution = client.get(f"{BASE}/{sent.resolution}").get_data(as_text=True)
    assert "李四" in resolution and "139****9009" in resolution and PUBLIC_PHONE not in resolution
    assert "王五" in resolution and "登记的号码不是手机号" in resolution and "无账号" in resolution
    unreached = client.get(f"{BASE}/{sent.resolution}?unreached=1").get_data(as_text=True)
    assert "王五" in unreached and "李四" not in unreached


def test_the_filters(client, world, sent):
    login(client, world.users["township_staff"])
    by_kind = client.get(f"{BASE}/?kind=resolution").get_data(as_text=True)
    assert "第一次会议决议" in by_kind and "接待日提醒" not in by_kind
    unreached = client.get(f"{BASE}/?status=unreached").get_data(as_text=True)
    assert "第一次会议决议" in unreached and "接待日提醒" not in unreached
    skipped = client.get(f"{BASE}/?status=skipped").get_data(as_text=True)
    assert "第一次会议决议" in skipped and "接待日提醒" in skipped
    failed = client.get(f"{BASE}/?status=failed").get_data(as_text=True)
    assert "暂无消息记录" in failed


def test_the_api_pages_and_explains(client, world, sent):
    headers = bearer(world.users["township_staff"])
    listed = client.get(f"{API}/?page_size=1", headers=headers)
    assert listed.status_code == 200
    assert '"total": 2' in listed.headers["X-Pagination"]
    (first,) = listed.get_json()
    assert (first["outbox_id"], first["kind"], first["kind_label"]) == (
        sent.resolution,
        "resolution",
        "决议",
    )
    assert (first["total"], first["reached"], first["not_reached"]) == (2, 1, 1)
    assert first["sent_by_channel"] == {"sms": 1}
    only = client.get(f"{API}/?status=unreached&kind=reminder", headers=headers).get_json()
    assert only == []
    detail = client.get(f"{API}/{sent.reminder}", headers=headers).get_json()
    people = {r["recipient"]: r for r in detail["recipients"]}
    staff = people[f"user:{world.users['township_staff'].id}"]
    assert staff["reached"] is True and staff["reached_by"] == ["inbox"]
    sms = next(c for c in staff["results"] if c["channel"] == "sms")
    assert (sms["status"], sms["code"], sms["reason"]) == (
        "skipped",
        "opted_out",
        "本人已关闭该渠道",
    )
    rep = people[f"user:{world.users['representative'].id}"]
    assert rep["phone_masked"] == "138****8001" and sorted(rep["reached_by"]) == ["inbox", "sms"]
    assert REP_PHONE not in str(detail)
    bad = client.get(f"{API}/?status=lost", headers=headers)
    assert bad.status_code == 422


def test_the_service_reads_the_same(app, world, sent):
    office = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        rows, total = service.page_messages(office, world.township)
        report = service.get_message(office, world.township, sent.reminder)
        kinds = service.kinds_in_use(office, world.township)
    assert total == 2 and [r.outbox_id for r in rows] == [sent.resolution, sent.reminder]
    assert (report.total, report.reached, report.not_reached) == (3, 3, 0)
    assert kinds == ["reminder", "resolution"]


def test_a_confidential_message_shows_how_many_never_who(client, world, sent):
    """An evaluation's reminder goes to those who have not answered: the office learns how
    many were reached, never who — said by the caller, by the evaluations' dedupe key until
    they say it, and for the older free-text SMS."""
    from lianxin.db import db
    from lianxin.notify import service as notify

    rep, staff = world.users["representative"], world.users["township_staff"]
    flagged = notify.notify(
        [rep.id], "请参加评议：甲", tenant_id=world.township.id, confidential=True
    )
    by_key = notify.notify(
        [staff.id],
        "请参加评议：乙",
        tenant_id=world.township.id,
        dedupe_key=f"evaluations.remind:{world.township.id}:1:2026-01-05",
    )
    old_sms = notify.enqueue(
        "sms", {"phone": "13700137001", "text": "请参加评议：丙"}, tenant_id=world.township.id
    )
    db.session.commit()
    headers = bearer(world.users["township_admin"])
    for message in (flagged, by_key, old_sms):
        detail = client.get(f"{API}/{message.id}", headers=headers).get_json()
        assert detail["confidential"] is True and detail["recipients"] == []
        assert detail["total"] == 1 and sum(o["count"] for o in detail["outcomes"]) >= 1
        assert rep.display_name not in str(detail) and staff.display_name not in str(detail)
    login(client, world.users["township_admin"])
    html = client.get(f"{BASE}/{flagged.id}").get_data(as_text=True)
    assert "收件人不公开" in html and rep.display_name not in html
    assert "站内消息" in html and "1 人" in html
    sms_page = client.get(f"{BASE}/{old_sms.id}").get_data(as_text=True)
    assert "137****7001" not in sms_page
    # Nothing that names the person is kept for a confidential message.
    with tenant_context(world.township.id):
        kept = db.session.scalars(
            select(Delivery).where(Delivery.outbox_id.in_([flagged.id, old_sms.id]))
        ).all()
    assert kept and all(r.recipient_name == "" and r.phone_masked is None for r in kept)
    assert all(r.confidential for r in kept)
    # A message of a newer caller with a kind is not confidential.
    plain = client.get(f"{API}/{sent.resolution}", headers=headers).get_json()
    assert plain["confidential"] is False and len(plain["recipients"]) == 2
