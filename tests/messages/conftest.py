"""Messages of the township with every kind of result: reached by inbox and SMS, opted out,
no phone, a person without an account reached by phone, one whose number is a landline."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lianxin.db import db
from lianxin.notify import preferences
from lianxin.notify import service as notify
from lianxin.notify.preferences import Preferences

REP_PHONE = "13800138001"
PUBLIC_PHONE = "13900139009"


@dataclass
class Sent:
    reminder: int  # to accounts: reached, opted out, no phone
    resolution: int  # to people without an account: one reached, one landline
    other: int  # another township's message


@pytest.fixture
def sent(app, world) -> Sent:
    rep, staff = world.users["representative"], world.users["township_staff"]
    rep.phone, staff.phone = REP_PHONE, "13800138002"
    preferences.save_preferences(staff.id, Preferences(sms=False))
    db.session.commit()
    reminder = notify.notify(
        [rep.id, staff.id, world.users["committee_member"].id],
        "接待日提醒：1月15日",
        tenant_id=world.township.id,
        kind="reminder",
    )
    resolution = notify.notify(
        [],
        "第一次会议决议",
        tenant_id=world.township.id,
        kind="resolution",
        phones=[("李四", PUBLIC_PHONE), ("王五", "0571-88888888")],
    )
    other = notify.notify(
        [world.users["other_admin"].id], "乙镇的通知", tenant_id=world.other.id, kind="general"
    )
    db.session.commit()
    return Sent(reminder.id, resolution.id, other.id)
