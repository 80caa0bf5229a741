"""Each person chooses their channels on /me and through the API (the inbox always on), and
the change is audited; delivery honours the choice (tests/notify/test_delivery.py)."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.notify import preferences
from tests.helpers import bearer, login


def test_the_profile_page_shows_and_saves_my_channels(client, world):
    user = world.users["representative"]
    user.phone = "13800138001"
    db.session.commit()
    login(client, user)
    html = client.get("/me").get_data(as_text=True)
    assert "消息接收方式" in html and "站内消息（始终接收）" in html
    assert "138****8001" in html and "13800138001" not in html
    saved = client.post(
        "/me",
        data={"channels-save": "1", "channels-email": "1", "channels-wecom_userid": "WangFang"},
    )
    assert saved.status_code == 302
    db.session.rollback()
    assert preferences.preferences(user.id) == preferences.Preferences(
        sms=False, email=True, wecom=False, wecom_userid="WangFang"
    )
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.channels_changed")
    ).one()
    assert entry.before["sms"] is True and entry.after["sms"] is False
    again = client.get("/me").get_data(as_text=True)
    assert 'value="WangFang"' in again


def test_a_bad_wecom_userid_is_refused_on_the_page(client, world):
    user = world.users["township_staff"]
    login(client, user)
    page = client.post(
        "/me", data={"channels-save": "1", "channels-sms": "1", "channels-wecom_userid": "王 芳"}
    )
    assert page.status_code == 200
    assert "企业微信账号只能包含" in page.get_data(as_text=True)
    db.session.rollback()
    assert preferences.preferences(user.id) == preferences.DEFAULT


def test_the_api_reads_and_changes_my_channels(client, world):
    user = world.users["township_staff"]
    headers = bearer(user)
    mine = client.get("/api/v1/me/channels", headers=headers).get_json()
    assert mine == {
        "inbox": True,
        "sms": True,
        "email": True,
        "wecom": True,
        "wecom_userid": None,
        "phone_masked": None,
        "email_address": None,
    }
    changed = client.patch(
        "/api/v1/me/channels", headers=headers, json={"sms": False, "wecom_userid": "ZhangSan"}
    )
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["sms"], changed.get_json()["email"]) == (False, True)
    assert changed.get_json()["wecom_userid"] == "ZhangSan"
    refused = client.patch("/api/v1/me/channels", headers=headers, json={"inbox": False})
    assert refused.status_code == 422
    assert client.get("/api/v1/me/channels").status_code == 401
