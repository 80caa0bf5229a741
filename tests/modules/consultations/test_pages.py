"""The consultations' pages: the office opens one from the phone form (too few asked comes back
with what was typed), a representative answers from the page, the office closes and feeds back;
a representative without an account answers once through the one-time link."""

from __future__ import annotations

from datetime import timedelta

from lianxin.db.tenancy import tenant_context
from lianxin.modules.consultations import service
from tests.helpers import login
from tests.modules.consultations.conftest import TODAY, open_one


def _base(world) -> str:
    return f"/t/{world.township.slug}/consultations"


def test_office_opens_a_consultation_from_the_form(world, reps, client, clock):
    login(client, world.users["township_staff"])
    base = _base(world)
    form = client.get(f"{base}/new").get_data(as_text=True)
    assert "发起征询" in form and "第一代表小组" in form and "不少于10名代表" in form
    data = {
        "title": "关于年度重点项目计划的征求意见",
        "kind": "plan",
        "deadline": (TODAY + timedelta(days=3)).isoformat(),
        "mode": "opinion",
        "representative_ids": [str(r) for r in reps.ids(9)],
    }
    refused = client.post(f"{base}/new", data=data)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "不得少于10名" in page and "关于年度重点项目计划的征求意见" in page
    data["representative_ids"] = [str(r) for r in reps.ids(10)]
    done = client.post(f"{base}/new", data=data)
    assert done.status_code == 302
    detail = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "征询代表" in detail and "截止征询" in detail


def test_representative_answers_on_the_page_and_sees_the_feedback(
    world, reps, office, client, clock
):
    t = world.township
    with tenant_context(t.id):
        cid = open_one(office, t, reps.ids(10)).consultation.id
    login(client, reps.users[0])
    base = _base(world)
    listing = client.get(f"{base}/").get_data(as_text=True)
    assert "待我答复" in listing
    page = client.get(f"{base}/{cid}").get_data(as_text=True)
    assert "有意见" in page and 'name="stance"' in page
    missing = client.post(f"{base}/{cid}/answer", data={"stance": "opinion"})
    assert missing.status_code == 422 and "请写明您的意见" in missing.get_data(as_text=True)
    ok = client.post(f"{base}/{cid}/answer", data={"stance": "opinion", "opinion": "建议公示"})
    assert ok.status_code == 302
    assert "建议公示" in client.get(f"{base}/{cid}").get_data(as_text=True)
    assert client.post(f"{base}/{cid}/close").status_code == 403

    login(client, world.users["township_staff"])
    office_page = client.get(f"{base}/{cid}").get_data(as_text=True)
    assert "建议公示" in office_page and "转为诉求" in office_page
    client.post(f"{base}/{cid}/close")
    client.post(f"{base}/{cid}/feedback", data={"outcome": "adopted", "feedback": "已采纳"})
    export = client.get(f"{base}/{cid}/export.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"

    login(client, reps.users[0])
    assert "采纳情况：采纳" in client.get(f"{base}/{cid}").get_data(as_text=True)


def test_one_time_link_answers_once(world, reps, office, client, clock):
    t = world.township
    with tenant_context(t.id):
        opened = open_one(office, t, [*reps.ids(9), reps.unreachable.id])
        url = opened.links[0].url
        cid = opened.consultation.id
    path = url.split("://", 1)[1].split("/", 1)[1]
    first = client.get("/" + path)
    assert first.status_code == 302 and "answer/" not in first.headers["Location"]
    form = client.get(first.headers["Location"])
    assert form.headers["Cache-Control"] == "no-store"
    assert "关于镇村道路改造方案的征求意见" in form.get_data(as_text=True)
    done = client.post(first.headers["Location"], data={"stance": "agree"})
    assert "已提交您的答复" in done.get_data(as_text=True)
    again = client.get("/" + path, follow_redirects=True)
    assert again.status_code == 404 and "链接无效或已使用" in again.get_data(as_text=True)
    with tenant_context(t.id):
        rows = service.answers(office, t, cid)
        assert [r.invitee.stance for r in rows if r.answered] == ["agree"]


def test_the_menu_and_the_list(world, reps, client, clock):
    login(client, world.users["township_staff"])
    page = client.get(f"{_base(world)}/").get_data(as_text=True)
    assert "征询意见" in page and "发起征询" in page
