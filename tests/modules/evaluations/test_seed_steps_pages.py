"""The pages of the seeds' steps: the office sets the group and names raters; a group member
sends the notice and opens; paper forms handed out and a batch registered (bad input shown again,
422); the tellers key the batch in on its page (a mismatch shown); the office records the
leader's opinion on the results page; per-category figures shown. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lianxin.auth.models import User
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.models import PaperBatch, Rater
from tests.factories import actor, grant
from tests.helpers import login
from tests.modules.evaluations import steps


def _as(app, user: Any) -> Any:
    client = app.test_client()
    login(client, db.session.get(User, user.id))
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_seeds_steps_on_the_pages(app, clock, cast, world):
    township = world.township
    with tenant_context(township.id):
        grant(cast.users[0], Role.GROUP_LEADER, township=township)
        office = actor(world.users["township_staff"])
        campaign = steps.campaign(cast, township, office)
        db.session.commit()
        cid = campaign.id
        leader_id, members = cast.users[0].id, [m.id for m in cast.members]
    url = f"/t/{township.slug}/evaluations/{cid}"
    staff = _as(app, world.users["township_staff"])
    leader = _as(app, cast.users[0])

    page = _text(staff.get(url))
    assert 'id="form-group"' in page and 'id="form-notice"' in page and 'id="form-guest"' in page
    bad = staff.post(f"{url}/group", data={"leader_id": leader_id, "member1_id": members[0]})
    assert bad.status_code == 422 and "请选择人员" in _text(bad)
    group = {"leader_id": leader_id, "member1_id": members[0], "member2_id": members[1]}
    assert staff.post(f"{url}/group", data=group).status_code == 302
    assert "组长：" in _text(staff.get(url))
    bad = staff.post(f"{url}/guests", data={"name": "", "category": "agency_cadre"})
    assert bad.status_code == 422 and "请填写评议人姓名" in _text(bad)
    ok = staff.post(f"{url}/guests", data={"name": "李干部", "category": "agency_cadre"})
    assert ok.status_code == 302
    assert "李干部（机关干部）" in _text(staff.get(url))
    subject = staff.post(f"{url}/subjects", data={"kind": "city_rep", "name": "周市代"})
    assert subject.status_code == 302 and "市党代表" in _text(staff.get(url))

    # The group leader (a representative) runs it: notice, then the opening.
    page = _text(leader.get(url))
    assert 'id="form-notice"' in page and 'id="form-group"' not in page
    assert leader.post(f"{url}/notice").status_code == 302
    assert "已于 2025-12-15 向被评议对象发布评议预告" in _text(leader.get(url))
    assert leader.post(f"{url}/open").status_code == 200
    with tenant_context(township.id):
        raters = db.session.scalars(
            select(Rater.id).where(Rater.campaign_id == cid).order_by(Rater.id)
        ).all()
    bad = leader.post(f"{url}/paper/hand-out", data={})
    assert bad.status_code == 422 and "请选择领取纸质评议表的评议人" in _text(bad)
    hand = leader.post(f"{url}/paper/hand-out", data={"rater_ids": [str(r) for r in raters[1:4]]})
    assert hand.status_code == 302
    tellers = world.users["township_staff"], world.users["township_admin"]
    batch = {
        "label": "第一票箱",
        "category": "representative",
        "forms": "4",
        "teller1_id": tellers[0].id,
        "teller2_id": tellers[1].id,
    }
    bad = leader.post(f"{url}/paper", data=batch)
    assert bad.status_code == 422 and "只有 3 份" in _text(bad)
    assert leader.post(f"{url}/paper", data={**batch, "forms": "3"}).status_code == 302
    with tenant_context(township.id):
        batch_id = db.session.scalar(select(PaperBatch.id).where(PaperBatch.campaign_id == cid))
        camp = service.get_campaign(office, township, cid)
        subjects = service.subjects(office, township, cid)
        keys = [d["key"] for d in camp.dimensions]
    paper_url = f"{url}/paper/{batch_id}"
    assert "第一票箱" in _text(leader.get(url))
    assert 'id="not-teller"' in _text(leader.get(paper_url))

    def typed(score_of_third: int) -> dict[str, str]:
        data = {}
        for n in (1, 2, 3):
            for s in subjects:
                for key in keys:
                    data[f"f{n}-s{s.id}-{key}"] = str(score_of_third if n == 3 else 8)
        return data

    first = _as(app, tellers[0])
    assert 'id="form-entry"' in _text(first.get(paper_url))
    short = first.post(
        paper_url, data={k: v for k, v in typed(8).items() if not k.startswith("f3-")}
    )
    assert short.status_code == 422
    assert first.post(paper_url, data=typed(8)).status_code == 302
    second = _as(app, tellers[1])
    assert second.post(paper_url, data=typed(7)).status_code == 302
    page = _text(second.get(paper_url))
    assert "两人录入不一致" in page and "第 3 份" in page
    assert second.post(paper_url, data=typed(8)).status_code == 302
    assert "两人一致，已计入" in _text(second.get(paper_url))

    # Two more online answers (K = 5 in all), then the close.
    with tenant_context(township.id):
        for i in (5, 6):
            service.submit_by_account(cast.actors[i], township, cid, steps.answers(camp, subjects))
        db.session.commit()
    assert leader.post(f"{url}/close").status_code == 302
    results = _text(staff.get(f"{url}/results"))
    assert "记录分管领导意见" in results
    sid = subjects[0].id
    bad = staff.post(f"{url}/subjects/{sid}/leader-opinion", data={"leader_name": "王分管"})
    assert bad.status_code == 422 and "请填写分管领导意见" in _text(bad)
    ok = staff.post(
        f"{url}/subjects/{sid}/leader-opinion", data={"leader_name": "王分管", "opinion": "同意"}
    )
    assert ok.status_code == 302
    assert "分管领导意见（王分管）：" in _text(staff.get(f"{url}/results"))
