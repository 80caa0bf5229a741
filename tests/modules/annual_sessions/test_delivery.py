"""Issue 19: the fixed agenda and every resolution reach each representative in office — by inbox
(站内信) with an account, by SMS (短信) without one but with a phone on the roll, and are
recorded as not delivered (未送达：无手机号) otherwise; the office sees who was reached by which
channel (never the phone number), through the service, the API and the session page. 应到 100:
twelve with accounts, 24 with only a phone, 64 with neither (the issue's "24 of 36 with a phone
got nothing"). On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import HandsInput, ItemInput, ResolutionInput, VoteInput
from lianxin.notify.models import OutboxMessage
from lianxin.people.models import Representative
from tests.factories import actor
from tests.helpers import assert_error, bearer, login

PHONE_ONLY = range(12, 36)  # reps 12..35: no account, a phone on the roll


def _phone(i: int) -> str:
    return f"139{i:08d}"


def _give_phones(world, cast) -> None:
    with tenant_context(world.township.id):
        for i in PHONE_ONLY:
            rep = db.session.get(Representative, (world.township.id, cast.reps[i]))
            rep.phone = _phone(i)
        # An account holder's phone changes nothing: they are reached in their inbox.
        rep0 = db.session.get(Representative, (world.township.id, cast.reps[0]))
        rep0.phone = "13900000000"
        db.session.commit()


def _fix(cast, tctx, office, world):
    committee = actor(world.users["committee_member"])
    item = service.propose_item(
        committee,
        tctx,
        cast.session,
        ItemInput(title="党委工作报告", kind="motion", proposer="committee"),
    )
    service.decide_item(committee, tctx, item.id, accept=True)
    service.fix_agenda(office, tctx, cast.session)
    return item


def _sms(prefix: str) -> dict[str, str]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "sms")).all()
    return {
        m.payload["phone"]: m.payload["text"]
        for m in rows
        if (m.dedupe_key or "").startswith(prefix)
    }


def _channels(office, tctx, session_id, notice):
    return {
        row.representative.id: row.channels[notice]
        for row in service.deliveries(office, tctx, session_id).rows
    }


def test_the_agenda_reaches_those_without_an_account_by_sms(clock, cast, tctx, office, world):
    _give_phones(world, cast)
    _fix(cast, tctx, office, world)
    texts = _sms(f"as:{tctx.id}:{cast.session}:agenda")
    assert set(texts) == {_phone(i) for i in PHONE_ONLY}  # 24 texts; none to account holders
    assert all("议程" in t and "党委工作报告" in t for t in texts.values())
    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "notify"))
    agenda = next(m for m in notices if m.dedupe_key == f"as:{tctx.id}:{cast.session}:agenda")
    assert len(agenda.payload["user_ids"]) == 12
    channels = _channels(office, tctx, cast.session, "agenda")
    assert len(channels) == 100
    assert [channels[cast.reps[i]] for i in (0, 11, 12, 35, 36, 99)] == [
        "inbox",
        "inbox",
        "sms",
        "sms",
        "none",
        "none",
    ]
    assert sorted(channels.values()).count("sms") == 24


def test_a_resolution_reaches_them_by_sms_too(clock, cast, tctx, office, world):
    from tests.modules.annual_sessions.conftest import SESSION_DAY
    from tests.modules.annual_sessions.test_service import _present

    _give_phones(world, cast)
    item = _fix(cast, tctx, office, world)
    clock.today = SESSION_DAY
    _present(cast, tctx, range(20, 100))
    service.open_session(office, tctx, cast.session)
    vote = service.create_vote(office, tctx, item.id, VoteInput(method="hands"))
    service.record_hands(office, tctx, vote.id, HandsInput(yes=70, no=5, abstain=5))
    resolution = service.create_resolution(
        office,
        tctx,
        cast.session,
        ResolutionInput(item_id=item.id, title="关于工作报告的决议", text="同意"),
    )
    texts = _sms(f"as:{tctx.id}:resolution:{resolution.id}")
    assert set(texts) == {_phone(i) for i in PHONE_ONLY}
    assert all("关于工作报告的决议" in t for t in texts.values())
    channels = _channels(office, tctx, cast.session, f"resolution:{resolution.id}")
    assert (channels[cast.reps[5]], channels[cast.reps[20]], channels[cast.reps[50]]) == (
        "inbox",
        "sms",
        "none",
    )


def test_the_office_sees_the_channels_through_the_api_and_the_page(app, clock, cast, world, office):
    with tenant_context(world.township.id):
        _give_phones(world, cast)
        _fix(cast, world.township, office, world)
    client = app.test_client()
    url = f"/api/v1/t/{world.township.slug}/annual_sessions/sessions/{cast.session}/deliveries"
    staff = bearer(world.users["township_staff"])
    body = client.get(url, headers=staff)
    assert body.status_code == 200, body.get_data(as_text=True)[:500]
    rows = {r["representative_id"]: r for r in body.get_json()}
    assert rows[cast.reps[12]]["agenda"] == "sms" and rows[cast.reps[0]]["agenda"] == "inbox"
    assert rows[cast.reps[99]]["agenda"] == "none"
    assert "phone" not in rows[cast.reps[12]]  # the channel only, never the number
    with tenant_context(world.township.id):
        rep_token = bearer(cast.users[3])
    assert_error(client.get(url, headers=rep_token), 403)

    login(client, db.session.get(User, world.users["township_staff"].id))
    page = client.get(f"/t/{world.township.slug}/annual_sessions/{cast.session}").get_data(
        as_text=True
    )
    assert 'id="deliveries"' in page
    assert "站内信" in page and "短信" in page and "未送达：无手机号" in page
    assert _phone(12) not in page
    rep = app.test_client()
    login(rep, db.session.get(User, cast.users[3].id))
    mine = rep.get(f"/t/{world.township.slug}/annual_sessions/{cast.session}").get_data(
        as_text=True
    )
    assert 'id="deliveries"' not in mine
