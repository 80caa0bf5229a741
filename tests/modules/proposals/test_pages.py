"""The proposals pages: a representative drafts and invites, co-signers sign from their own
accounts, the author submits once ten have signed; the office accepts and assigns; the unit
contacts the author and answers; the author rates; unsatisfied goes round again; the office
publishes and the public page shows the answer. Bad input is shown again (422) with what was
typed; the wrong person is refused; the office's windows, dashboard and report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from lianxin.auth.models import User
from lianxin.auth.passwords import hash_password
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.proposals import service
from lianxin.modules.proposals.inputs import AssignInput, ProposalDraftSchema
from lianxin.modules.proposals.models import Proposal, Signature, State
from lianxin.usecases import load_input
from tests.factories import PASSWORD
from tests.helpers import login

BODY = {
    "kind": "proposal",
    "title": "关于修建东关村便民桥的提案",
    "body": "东关河两岸群众出行不便，建议修建便民桥。",
    "category": "基础设施",
}


def _base(world) -> str:
    return f"/t/{world.township.slug}/proposals"


def _passwords(cast) -> None:
    """The cast's accounts are made without a password: give each one to log in with."""
    ids = [u.id for u in cast.users] + [a.user_id for _i, a in cast.units.values()]
    db.session.execute(
        update(User).where(User.id.in_(ids)).values(password_hash=hash_password(PASSWORD))
    )
    db.session.commit()


def _as(app, user_id: int) -> Any:
    client = app.test_client()
    login(client, db.session.get(User, user_id))
    return client


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(m) for _c, m in session.get("_flashes", []))


def _proposal(world, proposal_id: int) -> Proposal:
    with tenant_context(world.township.id):
        db.session.expire_all()
        row = db.session.get(Proposal, (world.township.id, proposal_id))
        assert row is not None
        db.session.expunge(row)
        return row


def _draft(world, cast, author_client) -> int:
    r = author_client.post(f"{_base(world)}/new", data=BODY)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_pages_render_for_each_role(app, clock, world, cast, client):
    _passwords(cast)
    base = _base(world)
    author = _as(app, cast.users[0].id)
    page = author.get(f"{base}/").get_data(as_text=True)
    assert "我的提案" in page and "新建" in page and "现在可以提交" in page
    new = author.get(f"{base}/new").get_data(as_text=True)
    assert "以代表小组名义" not in new or "代表小组" in new
    assert "基础设施" in new and "保存草稿" in new
    pid = _draft(world, cast, author)
    detail = author.get(f"{base}/{pid}").get_data(as_text=True)
    assert BODY["title"] in detail and "邀请代表联名" in detail
    assert "需要 10 名在任代表联名（含领衔代表），已联名 1 名" in detail
    mine = author.get(f"{base}/?mine=1&kind=proposal&state=draft").get_data(as_text=True)
    assert BODY["title"] in mine
    assert BODY["title"] not in author.get(f"{base}/?state=closed").get_data(as_text=True)

    login(client, world.users["township_staff"])
    office = client.get(f"{base}/").get_data(as_text=True)
    assert "办理情况" in office and "征集活动" in office and "新建" not in office
    assert BODY["title"] not in office  # drafts are the author's own
    assert client.get(f"{base}/{pid}").status_code == 404
    for path in ("dashboard", "windows"):
        assert client.get(f"{base}/{path}").status_code == 200, path
    empty = client.get(f"{base}/report/2026")  # nothing accepted in 2026 yet
    assert empty.status_code == 200 and "共 0 件" in empty.get_data(as_text=True)
    # A unit sees nothing it was not assigned; the dashboard is not for it.
    unit = _as(app, cast.units["farm"][1].user_id)
    assert unit.get(f"{base}/").status_code == 200
    assert unit.get(f"{base}/{pid}").status_code == 404
    assert unit.get(f"{base}/dashboard").status_code == 403
    # The public pages, empty for now.
    public = app.test_client().get(f"/p/{world.township.slug}/proposals/")
    assert public.status_code == 200 and "暂无公开的办理结果" in public.get_data(as_text=True)
    assert app.test_client().get(f"/p/{world.township.slug}/proposals/{pid}").status_code == 404


def test_bad_input_is_shown_again_with_what_was_typed(app, clock, world, cast):
    _passwords(cast)
    base = _base(world)
    author = _as(app, cast.users[0].id)
    r = author.post(f"{base}/new", data={**BODY, "title": "", "body": "我写的一段很长的内容"})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "请填写标题" in text and "我写的一段很长的内容" in text
    with tenant_context(world.township.id):
        assert db.session.scalar(select(Proposal.id)) is None
    pid = _draft(world, cast, author)
    r = author.post(f"{base}/{pid}/edit", data={**BODY, "title": "新标题", "body": ""})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "请填写内容" in text and 'value="新标题"' in text
    assert _proposal(world, pid).title == BODY["title"]


def test_the_whole_path_through_the_forms(app, clock, world, cast, client):
    _passwords(cast)
    base = _base(world)
    author = _as(app, cast.users[0].id)
    pid = _draft(world, cast, author)
    url = f"{base}/{pid}"

    # Invite eleven; the page offers everyone not yet named.
    page = author.get(url).get_data(as_text=True)
    assert page.count('name="representative_ids"') == 11
    r = author.post(f"{url}/invite", data={"representative_ids": cast.reps[1:12]})
    assert r.status_code == 302 and "已邀请 11 名代表联名" in _flashes(author)
    assert 'name="representative_ids"' not in author.get(url).get_data(as_text=True)

    # Eight sign and one declines from their own accounts: nine with the author.
    signers = {}
    for i in range(1, 9):
        signers[i] = _as(app, cast.users[i].id)
        page = signers[i].get(url).get_data(as_text=True)
        assert "邀请您联名此提案" in page
        assert signers[i].post(f"{url}/sign").status_code == 302
    declining = _as(app, cast.users[11].id)
    assert declining.post(f"{url}/decline").status_code == 302
    again = signers[1].post(f"{url}/sign")
    assert again.status_code == 422 and "您已经联名" in again.get_data(as_text=True)
    # Only the author submits; nine are refused with the reason, nothing changed.
    assert signers[1].post(f"{url}/submit").status_code == 403
    r = author.post(f"{url}/submit")
    assert r.status_code == 422
    assert "联名代表不足：需要 10 名在任代表联名（含领衔代表），现有 9 名" in r.get_data(
        as_text=True
    )
    assert _proposal(world, pid).state == State.DRAFT
    signers[9] = _as(app, cast.users[9].id)
    assert signers[9].post(f"{url}/sign").status_code == 302
    r = author.post(f"{url}/submit")
    assert r.status_code == 302 and "已提交" in _flashes(author)
    assert _proposal(world, pid).state == State.SUBMITTED
    page = author.get(url).get_data(as_text=True)
    assert "已提交，待审查" in page and "不联名" in page and "未回复" in page
    with tenant_context(world.township.id):
        counted = db.session.scalars(
            select(Signature).where(Signature.proposal_id == pid, Signature.counted.is_(True))
        ).all()
        assert len(counted) == 10

    # The office accepts and assigns to 镇农业农村办.
    login(client, world.users["township_staff"])
    page = client.get(url).get_data(as_text=True)
    assert "立案" in page and "不予立案" in page and "并案" in page
    r = client.post(f"{url}/reject", data={"reason": ""})
    assert r.status_code == 422 and "请写明不予立案的理由" in r.get_data(as_text=True)
    assert client.post(f"{url}/accept", data={"complexity": "simple"}).status_code == 302
    accepted = _proposal(world, pid)
    assert accepted.state == State.ACCEPTED and accepted.number == "2026-001"
    farm_id, farm = cast.units["farm"]
    roads_id, roads = cast.units["roads"]
    assert "镇农业农村办" in client.get(url).get_data(as_text=True)
    r = client.post(f"{url}/assign", data={"lead_unit_id": farm_id, "complexity": "simple"})
    assert r.status_code == 302
    assert _proposal(world, pid).state == State.ASSIGNED

    # A unit not assigned may not answer; the assigned one contacts the author, then answers.
    other = _as(app, roads.user_id)
    assert other.post(f"{url}/answer", data={"answer": "我们来答"}).status_code == 404
    unit = _as(app, farm.user_id)
    page = unit.get(url).get_data(as_text=True)
    assert "已联系领衔代表" in page and "办理期限：2026-03-12" in page
    r = unit.post(f"{url}/answer", data={"answer": "先答了再说"})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "请先与领衔代表联系" in text and "先答了再说" in text
    assert unit.post(f"{url}/contact", data={"note": "电话联系代表00"}).status_code == 302
    r = unit.post(f"{url}/answer", data={"answer": "已列入今年计划，年内开工。"})
    assert r.status_code == 302
    assert _proposal(world, pid).state == State.ANSWERED

    # The author is unsatisfied (a comment is needed), the office assigns again.
    page = author.get(url).get_data(as_text=True)
    assert "已列入今年计划" in page and "评价答复" in page
    r = author.post(f"{url}/rate", data={"rating": "unsatisfied", "comment": ""})
    assert r.status_code == 422 and "不满意时请写明意见" in r.get_data(as_text=True)
    r = author.post(f"{url}/rate", data={"rating": "unsatisfied", "comment": "没有说明开工时间"})
    assert r.status_code == 302
    assert _proposal(world, pid).state == State.UNSATISFIED
    assert "代表对答复不满意，请再交办" in client.get(url).get_data(as_text=True)
    r = client.post(
        f"{url}/assign",
        data={"lead_unit_id": farm_id, "co_unit_ids": [roads_id], "complexity": "complex"},
    )
    assert r.status_code == 302
    again = _proposal(world, pid)
    assert again.state == State.ASSIGNED and again.round == 2
    assert unit.post(f"{url}/contact", data={"note": "上门走访"}).status_code == 302
    r = unit.post(f"{url}/answer", data={"answer": "定于5月开工，10月建成通行。"})
    assert r.status_code == 302
    r = author.post(f"{url}/rate", data={"rating": "satisfied", "comment": ""})
    assert r.status_code == 302
    closed = _proposal(world, pid)
    assert closed.state == State.CLOSED and closed.rating == "satisfied"

    # The office publishes; anyone reads the answer.
    page = client.get(url).get_data(as_text=True)
    assert "公开办理结果" in page and "没有说明开工时间" in page  # the history keeps round one
    assert client.post(f"{url}/publish", data={"published": "1"}).status_code == 302
    public = app.test_client()
    listing = public.get(f"/p/{world.township.slug}/proposals/").get_data(as_text=True)
    assert "定于5月开工" in listing and "2026-001" in listing and "镇农业农村办" in listing
    assert "代表00" in listing
    one = public.get(f"/p/{world.township.slug}/proposals/{pid}")
    assert one.status_code == 200 and "定于5月开工" in one.get_data(as_text=True)

    # The dashboard and the year's report count it.
    board = client.get(f"{base}/dashboard").get_data(as_text=True)
    assert "镇农业农村办" in board and "100%" in board
    report = client.get(f"{base}/report/2026").get_data(as_text=True)
    assert "2026-001" in report and BODY["title"] in report
    xlsx = client.get(f"{base}/report/2026.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert client.get(f"{base}/report/700001").status_code == 404
    # A representative cannot read the office's report.
    assert author.get(f"{base}/report/2026").status_code == 403


def test_files_extensions_and_returns(app, clock, world, cast, office, client):
    import io

    _passwords(cast)
    base = _base(world)
    farm_id, farm = cast.units["farm"]
    with tenant_context(world.township.id):
        suggestion = load_input(ProposalDraftSchema, {**BODY, "kind": "suggestion"})
        draft = service.create_draft(cast.actors[0], world.township, suggestion)
        pid = draft.id
        service.submit(cast.actors[0], world.township, pid)
        service.accept(office, world.township, pid, complexity="simple")
        service.assign(office, world.township, pid, AssignInput(lead_unit_id=farm_id))
    url = f"{base}/{pid}"
    unit = _as(app, farm.user_id)
    r = unit.post(
        f"{url}/files",
        data={"file": (io.BytesIO(b"%PDF-1.4 plan"), "方案.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    page = unit.get(url).get_data(as_text=True)
    assert "方案.pdf" in page and "/files/" in page
    r = unit.post(f"{url}/extension", data={"days": "500", "reason": "需要勘测"})
    assert r.status_code == 422 and "需要勘测" in r.get_data(as_text=True)
    assert (
        unit.post(f"{url}/extension", data={"days": "10", "reason": "需要勘测"}).status_code == 302
    )
    login(client, world.users["township_staff"])
    page = client.get(url).get_data(as_text=True)
    assert "需要勘测" in page and "同意延期" in page
    with tenant_context(world.township.id):
        (ext,) = service.extensions(office, world.township, pid)
        ext_id = ext.id
    assert unit.post(f"{url}/extensions/{ext_id}", data={"decision": "approve"}).status_code == 403
    r = client.post(f"{url}/extensions/{ext_id}", data={"decision": "approve"})
    assert r.status_code == 302 and "已同意延期" in _flashes(client)
    assert "2026-03-22" in unit.get(url).get_data(as_text=True)
    r = unit.post(f"{url}/return", data={"reason": "属于城建办职责"})
    assert r.status_code == 302
    assert _proposal(world, pid).state == State.ACCEPTED
    assert "属于城建办职责" in client.get(url).get_data(as_text=True)
    r = client.post(f"{url}/close", data={"reason": "已由其他渠道解决"})
    assert r.status_code == 302 and _proposal(world, pid).state == State.CLOSED


def test_windows_page_and_submission_closed(app, clock, world, cast, client):
    _passwords(cast)
    base = _base(world)
    login(client, world.users["township_staff"])
    page = client.get(f"{base}/windows").get_data(as_text=True)
    assert "2026年提案征集" in page and "现在可以提交" in page and "提案全年均可提交" in page
    # The township turns collection windows on.
    admin = _as(app, world.users["township_admin"].id)
    r = admin.post(f"/t/{world.township.slug}/settings/proposals", data={"all_year": "0"})
    assert r.status_code == 302
    page = client.get(f"{base}/windows").get_data(as_text=True)
    assert "本乡镇设置为提案只在征集期内提交" in page
    r = client.post(
        f"{base}/windows",
        data={"title": "秋季征集", "opens_on": "2026-09-30", "closes_on": "2026-09-01"},
    )
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "截止日期不能早于开始日期" in text and "秋季征集" in text
    r = client.post(
        f"{base}/windows",
        data={"title": "秋季征集", "opens_on": "2026-09-01", "closes_on": "2026-09-30"},
    )
    assert r.status_code == 302
    r = client.post(f"{base}/windows/{cast.window}/delete")
    assert r.status_code == 302
    page = client.get(f"{base}/windows").get_data(as_text=True)
    assert "秋季征集" in page and "2026年提案征集" not in page and "现在不在征集期内" in page
    # A representative cannot add a window; submitting a proposal now is refused clearly, a
    # suggestion is not.
    author = _as(app, cast.users[0].id)
    assert author.post(f"{base}/windows", data={"title": "x"}).status_code == 403
    pid = _draft(world, cast, author)
    detail = author.get(f"{base}/{pid}").get_data(as_text=True)
    assert "现在不在提案征集期内，暂不能提交" in detail
    r = author.post(f"{base}/{pid}/submit")
    assert r.status_code == 422 and "现在不在提案征集期内" in r.get_data(as_text=True)
    assert _proposal(world, pid).state == State.DRAFT
    r = author.post(f"{base}/new", data={**BODY, "kind": "suggestion"})
    sid = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "现在不在提案征集期内" not in author.get(f"{base}/{sid}").get_data(as_text=True)
    assert author.post(f"{base}/{sid}/submit").status_code == 302
    assert _proposal(world, sid).state == State.SUBMITTED


def test_draft_from_case_and_an_inquiry_answered_publicly(app, clock, world, cast, office, client):
    _passwords(cast)
    base = _base(world)
    with tenant_context(world.township.id):
        new = casework.register(
            office,
            world.township,
            casework.CaseInput(
                title="村道破损",
                body="村道坑洼多",
                channel="phone",
                raiser_phone="13900139000",
                received_by_id=cast.reps[0],
            ),
        )
        case_id = new.case.id
    author = _as(app, cast.users[0].id)
    r = author.post(f"{base}/from-case/{case_id}", data={"kind": "proposal"})
    assert r.status_code == 302
    pid = int(r.headers["Location"].rsplit("/", 1)[1])
    page = author.get(f"{base}/{pid}").get_data(as_text=True)
    assert "村道破损" in page and "来源诉求" in page
    # Another representative cannot see the case.
    assert _as(app, cast.users[1].id).post(f"{base}/from-case/{case_id}").status_code == 404

    r = author.post(f"{base}/new", data={**BODY, "kind": "inquiry", "title": "关于资金使用的质询"})
    qid = int(r.headers["Location"].rsplit("/", 1)[1])
    assert author.post(f"{base}/{qid}/submit").status_code == 302
    login(client, world.users["township_staff"])
    assert client.post(f"{base}/{qid}/accept").status_code == 302
    page = client.get(f"{base}/{qid}").get_data(as_text=True)
    assert "答复质询" in page and "主办单位" not in page
    r = client.post(f"{base}/{qid}/answer-inquiry", data={"answer": "", "public": "1"})
    assert r.status_code == 422
    r = client.post(
        f"{base}/{qid}/answer-inquiry", data={"answer": "资金已全部公示。", "public": "1"}
    )
    assert r.status_code == 302
    listing = app.test_client().get(f"/p/{world.township.slug}/proposals/")
    assert "资金已全部公示" in listing.get_data(as_text=True)
