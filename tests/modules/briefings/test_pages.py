"""The briefings pages: the office drafts on the form, sends and sees who read; a representative
opens it from the inbox link on a phone (the read receipt); someone without an account reads by
the SMS link; the exports download."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.briefings import service
from lianxin.modules.briefings.models import Briefing, Recipient
from lianxin.modules.briefings.stages.common import _digest
from tests.helpers import login


def _base(world) -> str:
    return f"/t/{world.township.slug}/briefings"


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(m) for _c, m in session.get("_flashes", []))


def test_office_drafts_sends_and_sees_receipts(world, roll, client):
    login(client, world.users["township_staff"])
    base = _base(world)
    assert "写通报" in client.get(f"{base}/").get_data(as_text=True)
    form = client.get(f"{base}/new").get_data(as_text=True)
    assert "东片代表小组" in form and "安代表" in form
    bad = client.post(f"{base}/new", data={"kind": "decision", "title": "", "text": "x"})
    assert bad.status_code == 422 and "请填写标题" in bad.get_data(as_text=True)
    made = client.post(
        f"{base}/new",
        data={
            "kind": "decision",
            "title": "关于村道改造的决定",
            "text": "党委会决定……",
            "audience": "groups",
            "group_ids": [str(roll.groups["east"].id)],
        },
    )
    assert made.status_code == 302
    with tenant_context(world.township.id):
        bid = db.session.scalar(select(Briefing.id).where(Briefing.title == "关于村道改造的决定"))
    page = client.get(f"{base}/{bid}").get_data(as_text=True)
    assert "发出后将通知 3 名代表" in page
    assert client.post(f"{base}/{bid}/send").status_code == 302
    page = client.get(f"{base}/{bid}").get_data(as_text=True)
    assert "已阅 0 / 应阅 3" in page and "陈代表" in page and "无账号无手机" in page
    assert client.get(f"{base}/{bid}/edit").status_code == 302  # sent: no form
    assert client.get(f"{base}/export.xlsx").data.startswith(b"PK")
    assert client.get(f"{base}/{bid}/receipts.xlsx").data.startswith(b"PK")
    with tenant_context(world.township.id):
        rid = db.session.scalar(
            select(Recipient.id).where(
                Recipient.briefing_id == bid, Recipient.representative_id == roll.reps["c"].id
            )
        )
    issued = client.post(f"{base}/{bid}/recipients/{rid}/link").get_data(as_text=True)
    assert "陈代表 的阅读链接" in issued and "/briefings/read/" in issued


def _sent(world, roll):
    from lianxin.modules.briefings.inputs import BriefingInput
    from tests.factories import actor

    office = actor(world.users["township_staff"])
    with tenant_context(world.township.id):
        b = service.create_briefing(
            office,
            world.township,
            BriefingInput(kind="progress", title="村道进展", text="第一行\n<b>第二行</b>"),
        )
        service.send_briefing(office, world.township, b.id)
        return b.id


def test_representative_reads_on_the_phone(world, roll, client):
    bid = _sent(world, roll)
    login(client, world.users["representative"])
    index = client.get(f"{_base(world)}/").get_data(as_text=True)
    assert "村道进展" in index and "未阅" in index
    page = client.get(f"{_base(world)}/{bid}").get_data(as_text=True)
    assert "第一行<br>" in page and "&lt;b&gt;" in page and "您已于" in page
    assert client.get(f"{_base(world)}/new").status_code == 403
    with tenant_context(world.township.id):
        mine = db.session.scalar(
            select(Recipient).where(Recipient.representative_id == roll.reps["a"].id)
        )
        assert mine.read_at is not None


def test_reading_by_the_sms_link(world, roll, client):
    bid = _sent(world, roll)
    with tenant_context(world.township.id):
        recipient = db.session.scalar(
            select(Recipient).where(
                Recipient.briefing_id == bid, Recipient.representative_id == roll.reps["b"].id
            )
        )
        recipient.token_hash = _digest("known-token")
        db.session.commit()
    public = f"/p/{world.township.slug}/briefings"
    first = client.get(f"{public}/read/known-token")
    assert first.status_code == 302 and "known-token" not in first.headers["Location"]
    page = client.get(first.headers["Location"])
    assert page.status_code == 200 and "村道进展" in page.get_data(as_text=True)
    with tenant_context(world.township.id):
        assert db.session.get(Recipient, (world.township.id, recipient.id)).read_at is not None
    client.get(f"{public}/read/wrong")
    assert client.get(f"{public}/read").status_code == 404
    assert _flashes(client) == ""


def test_no_english_on_the_pages(world, roll, client):
    from tests.web.visible_text import english_words

    bid = _sent(world, roll)
    data = [u.username for u in world.users.values()] + [world.township.slug]
    login(client, world.users["township_staff"])
    base = _base(world)
    for path in (f"{base}/", f"{base}/new", f"{base}/{bid}"):
        assert english_words(client.get(path).get_data(as_text=True), data) == [], path
    login(client, world.users["representative"])
    for path in (f"{base}/", f"{base}/{bid}"):
        assert english_words(client.get(path).get_data(as_text=True), data) == [], path
