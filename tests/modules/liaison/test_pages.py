"""The liaison-chain pages: a representative records a contact from the phone form (a resent
form stores once, bad input comes back with the typed text), raises a case, reports up; the
office suggests, adjusts and sees compliance; a branch liaison confirms its part."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.liaison import service
from lianxin.modules.liaison.inputs import LinkInput
from lianxin.modules.liaison.models import BranchReview, Contact, Link
from tests.helpers import login


def _base(world) -> str:
    return f"/t/{world.township.slug}/liaison"


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(m) for _c, m in session.get("_flashes", []))


def _pair(world, chain, office):
    with tenant_context(world.township.id):
        link = service.add_link(
            office,
            world.township,
            LinkInput(
                year=2026,
                level="rep_member",
                upper_id=chain.reps["a"].id,
                lower_id=chain.members["m1"].id,
            ),
        ).link
        return link.id


def test_representative_records_a_contact_and_raises_a_case(world, chain, office, client, clock):
    link_id = _pair(world, chain, office)
    login(client, world.users["representative"])
    base = _base(world)
    home = client.get(f"{base}/").get_data(as_text=True)
    assert "党员1" in home and "本季度未联系" in home and "2026年第2季度" in home
    form = client.get(f"{base}/contacts/new?link={link_id}").get_data(as_text=True)
    key = re.search(r'name="client_key" value="([0-9a-f]{32})"', form).group(1)
    assert f'value="{link_id}" selected' in form
    data = {
        "link_id": link_id,
        "contacted_on": "2026-05-20",
        "method": "visit",
        "summary": "入户走访，了解到灌溉用水紧张",
        "client_key": key,
        "case_title": "灌溉用水紧张",
        "case_category": "其他",
    }
    # A date in the future: the form comes back (422) with the typed text and the message.
    bad = client.post(f"{base}/contacts/new", data={**data, "contacted_on": "2026-05-30"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "联系日期不能晚于今天" in page and "入户走访，了解到灌溉用水紧张" in page
    ok = client.post(f"{base}/contacts/new", data=data)
    assert ok.status_code == 302
    assert "联系记录已保存" in _flashes(client)
    again = client.post(f"{base}/contacts/new", data=data)  # the phone resends
    assert again.status_code == 302 and again.location == ok.location
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 1
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    detail = client.get(ok.location).get_data(as_text=True)
    assert "灌溉用水紧张" in detail and "党员1" in detail
    home = client.get(f"{base}/").get_data(as_text=True)
    assert "本季度已联系 1 次" in home
    # Reporting up once a quarter.
    r = client.post(f"{base}/reports", data={"year": "2026", "quarter": "2", "text": "走访一户"})
    assert r.status_code == 302
    assert "走访一户" in client.get(f"{base}/reports").get_data(as_text=True)
    r = client.post(f"{base}/reports", data={"year": "2026", "quarter": "2", "text": ""})
    assert r.status_code == 422 and "请填写履职情况" in r.get_data(as_text=True)
    # A representative does not see the township's compliance.
    assert client.get(f"{base}/compliance").status_code == 403


def test_office_suggests_adjusts_and_sees_who_is_behind(world, chain, office, client, clock):
    login(client, world.users["township_staff"])
    base = _base(world)
    r = client.post(f"{base}/links/suggest", data={"year": "2026", "levels": ["rep_member"]})
    assert r.status_code == 302
    page = client.get(f"{base}/links?year=2026").get_data(as_text=True)
    assert "党员1" in page and "建议" in page and "未达到人数要求" in page
    # The office keeps nobody itself: its page has no "my people", but it may record for anyone.
    home = client.get(f"{base}/").get_data(as_text=True)
    assert "我的联系对象" not in home and "季度达标情况" in home
    assert "党员1" in client.get(f"{base}/contacts/new").get_data(as_text=True)
    with tenant_context(world.township.id):
        link = db.session.scalar(select(Link).order_by(Link.id))
        link_id, member = link.id, link.lower_member_id
    r = client.post(f"{base}/links/{link_id}/remove")
    assert r.status_code == 302
    # Adding a member someone else keeps is refused with a message, nothing added.
    with tenant_context(world.township.id):
        taken = db.session.scalar(select(Link).where(Link.ended_on.is_(None)).order_by(Link.id))
        count = db.session.scalar(select(func.count()).select_from(Link))
        data = {
            "year": "2026",
            "level": "rep_member",
            "upper_id": str(chain.reps["a"].id),
            "lower_id": str(taken.lower_member_id),
        }
    client.post(f"{base}/links", data=data)
    assert "今年已由" in _flashes(client)
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(Link)) == count
        data["lower_id"] = str(member)
    assert client.post(f"{base}/links", data=data).status_code == 302
    compliance = client.get(f"{base}/compliance").get_data(as_text=True)
    assert "未完成名单" in compliance and "安代表" in compliance
    assert client.get(f"{base}/compliance?year=2026&quarter=1").status_code == 200


def test_branch_liaison_confirms_and_committee_records_a_meeting(
    world, chain, office, client, clock
):
    _pair(world, chain, office)
    login(client, world.users["branch_liaison"])
    base = _base(world)
    east = chain.branches["east"].id
    page = client.get(f"{base}/links?year=2026").get_data(as_text=True)
    assert "确认本支部安排" in page
    assert client.post(f"{base}/branches/{east}/confirm", data={"year": "2026"}).status_code == 302
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(BranchReview)) == 1
    client.post("/logout")
    login(client, world.users["committee_member"])
    form = client.get(f"{base}/meetings/new").get_data(as_text=True)
    key = re.search(r'name="client_key" value="([0-9a-f]{32})"', form).group(1)
    r = client.post(
        f"{base}/meetings/new",
        data={
            "held_on": "2026-05-12",
            "place": "镇会议室",
            "summary": "代表反映村道破损",
            "attendee_ids": [str(chain.reps["a"].id)],
            "client_key": key,
        },
    )
    assert r.status_code == 302
    meeting = client.get(r.location).get_data(as_text=True)
    assert "代表反映村道破损" in meeting and "安代表" in meeting
    r = client.post(r.location + "/case", data={"title": "修复村道", "category": "其他"})
    assert r.status_code == 302
    assert "修复村道" in client.get(r.location).get_data(as_text=True)
    # Representatives cannot open the meeting form.
    client.post("/logout")
    login(client, world.users["representative"])
    assert client.get(f"{base}/meetings/new").status_code == 403


def test_township_settings_page_sets_the_chain_numbers(world, client):
    login(client, world.users["township_admin"])
    slug = world.township.slug
    page = client.get(f"/t/{slug}/settings").get_data(as_text=True)
    assert "三联工作" in page and "每名党委委员联系代表（名）" in page
    r = client.post(
        f"/t/{slug}/settings/liaison",
        data={"reps_per_committee_member": "5", "members_per_rep": "3", "reminder_days": "10"},
    )
    assert r.status_code == 302
    saved = service.settings(world.township.id)
    assert (saved["reps_per_committee_member"], saved["members_per_rep"]) == (5, 3)
    assert saved["reminder_days"] == 10 and saved["households_per_member"] == 1
    bad = client.post(f"/t/{slug}/settings/liaison", data={"members_per_rep": "0"})
    assert bad.status_code in (302, 422)
    assert service.settings(world.township.id)["members_per_rep"] == 3
