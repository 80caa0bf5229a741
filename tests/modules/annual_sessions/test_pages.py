"""The annual-session pages: the office creates a session; representatives propose and join an
item until it is on the agenda by rule; the committee decides the rest (a reason to decline);
the agenda is fixed; on the day representatives check in by QR code and staff by button while
the roll JSON counts them; opening is refused below quorum, then allowed; a show of hands; a
secret online election cast through the ballot page, its result hidden until closed and
counted from K ballots, never opened below K; a non-representative cannot vote; a resolution is
published on the public page; the report. Bad input is shown again (422) with what was typed;
on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from typing import Any

from sqlalchemy import delete, select

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import HandsInput, ItemInput, VoteInput
from lianxin.modules.annual_sessions.models import (
    Attendance,
    AttendanceStatus,
    Item,
    ItemStatus,
    Session,
    SessionState,
    Vote,
)
from tests.factories import actor
from tests.helpers import login
from tests.modules.annual_sessions.conftest import SESSION_DAY


def _base(world) -> str:
    return f"/t/{world.township.slug}/annual_sessions"


def _as(app, user: Any) -> Any:
    client = app.test_client()
    login(client, db.session.get(User, user.id))
    return client


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(m) for _c, m in session.get("_flashes", []))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _session(world, session_id: int) -> Session:
    with tenant_context(world.township.id):
        db.session.expire_all()
        row = db.session.get(Session, (world.township.id, session_id))
        assert row is not None
        return row


def _item(world, item_id: int) -> Item:
    with tenant_context(world.township.id):
        db.session.expire_all()
        row = db.session.get(Item, (world.township.id, item_id))
        assert row is not None
        return row


def _present(world, cast, indexes) -> None:
    with tenant_context(world.township.id):
        for i in indexes:
            db.session.add(
                Attendance(
                    session_id=cast.session,
                    representative_id=cast.reps[i],
                    status=AttendanceStatus.PRESENT,
                )
            )
        db.session.commit()


def _fixed(world, cast, office, kinds=("motion", "election")) -> list[int]:
    committee = actor(world.users["committee_member"])
    made = []
    with tenant_context(world.township.id):
        for n, kind in enumerate(kinds):
            item = service.propose_item(
                committee,
                world.township,
                cast.session,
                ItemInput(title=f"议题{n}", kind=kind, proposer="committee"),
            )
            service.decide_item(committee, world.township, item.id, accept=True)
            made.append(item.id)
        service.fix_agenda(office, world.township, cast.session)
    return made


def _opened(world, cast, office, clock, kinds=("motion", "election")) -> list[int]:
    made = _fixed(world, cast, office, kinds)
    clock.today = SESSION_DAY
    _present(world, cast, range(0, 85))
    with tenant_context(world.township.id):
        service.open_session(office, world.township, cast.session)
    return made


def test_the_list_the_create_form_and_the_session_page(app, clock, world, cast):
    base = _base(world)
    staff = _as(app, world.users["township_staff"])
    page = _text(staff.get(f"{base}/"))
    assert "第十三届党代表大会第二次会议" in page and "筹备中" in page and "创建会议" in page
    bad = staff.post(f"{base}/", data={"title": "第二次临时会议", "held_on": "明天", "place": ""})
    assert bad.status_code == 422
    assert "日期格式不正确" in _text(bad) and 'value="第二次临时会议"' in _text(bad)
    made = staff.post(
        f"{base}/", data={"title": "第二次临时会议", "held_on": "2026-06-01", "place": "镇政府"}
    )
    assert made.status_code == 302
    session = _text(staff.get(made.headers["Location"]))
    assert "第二次临时会议" in session and "2026-06-01" in session and "镇政府" in session
    assert "应到" in session and "至少 80 人" in session

    rep = _as(app, cast.users[0])
    assert "创建会议" not in _text(rep.get(f"{base}/"))
    page = _text(rep.get(f"{base}/{cast.session}"))
    assert "提出议题" in page and "请假" in page and "宣布开会" not in page
    assert rep.get(f"{base}/{cast.session}/attendance").status_code == 403
    assert (
        rep.post(f"{base}/", data={"title": "x", "held_on": "2026-06-01", "place": "y"}).status_code
        == 403
    )
    assert staff.get(f"{base}/999999").status_code == 404


def test_propose_join_by_rule_decide_with_a_reason_and_fix_the_agenda(app, clock, world, cast):
    base = _base(world)
    author = _as(app, cast.users[2])
    bad = author.post(
        f"{base}/{cast.session}/items",
        data={
            "title": "",
            "description": "说明文字",
            "kind": "motion",
            "proposer": "representatives",
        },
    )
    assert bad.status_code == 422 and "请填写议题" in _text(bad) and "说明文字" in _text(bad)
    r = author.post(
        f"{base}/{cast.session}/items",
        data={"title": "修缮镇文化站", "kind": "motion", "proposer": "representatives"},
    )
    assert r.status_code == 302
    with tenant_context(world.township.id):
        item = db.session.scalar(select(Item).where(Item.title == "修缮镇文化站"))
        item_id = item.id
        for i in range(3, 11):  # nine in all
            service.join_item(cast.actors[i], world.township, item_id)
    assert _item(world, item_id).status == ItemStatus.PROPOSED
    last = _as(app, cast.users[11])
    assert last.post(f"{base}/{cast.session}/items/{item_id}/join").status_code == 302
    assert "您已联名提出该议题" in _flashes(last)
    again = last.post(f"{base}/{cast.session}/items/{item_id}/join")
    assert again.status_code == 422 and "您已联名提出该议题" in _text(again)
    page = _text(last.get(f"{base}/{cast.session}"))
    assert "按规则列入" in page and "联名代表 10 人" in page
    assert _item(world, item_id).by_rule

    # A group item: the second group's leader joins it, the first proposed it.
    leader = _as(app, cast.users[0])
    r = leader.post(
        f"{base}/{cast.session}/items",
        data={
            "title": "农田水利",
            "kind": "motion",
            "proposer": "group",
            "group_id": str(cast.groups[0]),
        },
    )
    assert r.status_code == 302
    with tenant_context(world.township.id):
        group_item = db.session.scalar(select(Item).where(Item.title == "农田水利")).id
    other = _as(app, cast.users[1])
    assert "以小组名义提出" in _text(other.get(f"{base}/{cast.session}"))
    r = other.post(
        f"{base}/{cast.session}/items/{group_item}/join-group",
        data={"group_id": str(cast.groups[1])},
    )
    assert r.status_code == 302 and _item(world, group_item).by_rule

    # A lone item: the committee declines it, with a reason.
    author.post(
        f"{base}/{cast.session}/items",
        data={"title": "更换路灯", "kind": "motion", "proposer": "representatives"},
    )
    with tenant_context(world.township.id):
        lone = db.session.scalar(select(Item).where(Item.title == "更换路灯")).id
    committee = _as(app, world.users["committee_member"])
    staff = _as(app, world.users["township_staff"])
    pending = staff.post(f"{base}/{cast.session}/fix")
    assert pending.status_code == 422 and "还有议题未作决定" in _text(pending)
    assert (
        author.post(
            f"{base}/{cast.session}/items/{lone}/decide", data={"decision": "accept"}
        ).status_code
        == 403
    )
    no_reason = committee.post(
        f"{base}/{cast.session}/items/{lone}/decide", data={"decision": "decline", "reason": ""}
    )
    assert no_reason.status_code == 422 and "不列入议程须说明理由" in _text(no_reason)
    r = committee.post(
        f"{base}/{cast.session}/items/{lone}/decide",
        data={"decision": "decline", "reason": "属于镇政府日常工作"},
    )
    assert r.status_code == 302
    page = _text(committee.get(f"{base}/{cast.session}"))
    assert "不列入理由：" in page and "属于镇政府日常工作" in page
    assert staff.post(f"{base}/{cast.session}/fix").status_code == 302
    assert _session(world, cast.session).state == SessionState.AGENDA_FIXED
    assert "议程已确定" in _text(staff.get(f"{base}/{cast.session}"))
    late = author.post(
        f"{base}/{cast.session}/items",
        data={"title": "晚到的议题", "kind": "motion", "proposer": "representatives"},
    )
    assert late.status_code == 422 and "议程已经确定，不能再提出议题" in _text(late)


def test_leave_check_in_roll_and_opening_with_a_quorum(app, clock, world, cast, office):
    base = _base(world)
    rep3 = _as(app, cast.users[3])
    assert rep3.post(f"{base}/{cast.session}/leave", data={"reason": ""}).status_code == 422
    assert rep3.post(f"{base}/{cast.session}/leave", data={"reason": "外出学习"}).status_code == 302
    _fixed(world, cast, office)
    staff = _as(app, world.users["township_staff"])
    page = _text(staff.get(f"{base}/{cast.session}/attendance"))
    assert "请假待批" in page and "外出学习" in page and "<svg" in page and "roll.json" in page
    r = staff.post(
        f"{base}/{cast.session}/attendance/{cast.reps[3]}/leave", data={"decision": "approve"}
    )
    assert r.status_code == 302
    early = staff.post(f"{base}/{cast.session}/attendance/{cast.reps[5]}/check-in")
    assert early.status_code == 302 and "只能在会议当天" in _flashes(staff)

    clock.today = SESSION_DAY
    token = _session(world, cast.session).checkin_token
    rep = _as(app, cast.users[0])
    assert rep.get(f"{base}/{cast.session}/checkin/wrong").status_code == 404
    confirm = _text(rep.get(f"{base}/{cast.session}/checkin/{token}"))
    assert "确认签到" in confirm
    done = rep.post(f"{base}/{cast.session}/checkin/{token}")
    assert done.status_code == 200 and "您已签到" in _text(done)
    assert (
        staff.post(f"{base}/{cast.session}/attendance/{cast.reps[5]}/check-in").status_code == 302
    )
    roll = staff.get(f"{base}/{cast.session}/roll.json").get_json()
    assert roll == {
        "expected": 100,
        "present": 2,
        "on_leave": 1,
        "leave_requested": 0,
        "absent": 97,
        "quorum_needed": 80,
        "quorum_met": False,
        "left_early": 0,
    }
    _present(world, cast, range(20, 97))  # 79 present
    refused = staff.post(f"{base}/{cast.session}/open")
    assert refused.status_code == 422
    assert "到会代表 79 人，不足应到代表 100 人的 80%（须 80 人），不能开会" in _text(refused)
    staff.post(f"{base}/{cast.session}/attendance/{cast.reps[7]}/check-in")
    assert staff.get(f"{base}/{cast.session}/roll.json").get_json()["quorum_met"] is True
    assert staff.post(f"{base}/{cast.session}/open").status_code == 302
    assert _session(world, cast.session).state == SessionState.OPEN
    assert "会议进行中" in _text(staff.get(f"{base}/{cast.session}"))


def test_a_show_of_hands_and_a_secret_online_election(app, clock, world, cast, office):
    base = _base(world)
    motion, election = _opened(world, cast, office, clock)
    staff = _as(app, world.users["township_staff"])
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "开始表决" in page and "计票人一" in page
    assert (
        staff.post(
            f"{base}/{cast.session}/items/{motion}/vote", data={"method": "hands"}
        ).status_code
        == 302
    )
    with tenant_context(world.township.id):
        hands = db.session.scalar(select(Vote).where(Vote.item_id == motion)).id
    too_many = staff.post(
        f"{base}/{cast.session}/votes/{hands}/hands", data={"yes": "80", "no": "10", "abstain": "0"}
    )
    assert too_many.status_code == 422 and "不能超过到会人数 85" in _text(too_many)
    assert 'value="80"' in _text(too_many)
    r = staff.post(
        f"{base}/{cast.session}/votes/{hands}/hands", data={"yes": "70", "no": "10", "abstain": "5"}
    )
    assert r.status_code == 302
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "通过" in page and "赞成 70" in page

    equal = staff.post(
        f"{base}/{cast.session}/items/{election}/vote",
        data={"method": "secret", "channel": "online", "seats": "2", "candidates": "张三\n李四"},
    )
    assert equal.status_code == 422 and "差额选举" in _text(equal) and "李四" in _text(equal)
    r = staff.post(
        f"{base}/{cast.session}/items/{election}/vote",
        data={
            "method": "secret",
            "channel": "online",
            "seats": "2",
            "candidates": "张三\n李四\n王五",
        },
    )
    assert r.status_code == 302
    with tenant_context(world.township.id):
        vote = db.session.scalar(select(Vote).where(Vote.item_id == election))
        ids = {c.name: c.id for c in service.candidates(vote)}
        vote_id = vote.id
    ballot_url = f"{base}/{cast.session}/votes/{vote_id}"
    # Five ballots: K (the `ballot_batch` setting, 5) frozen into the vote, so it is counted.
    picks = [["张三", "李四"], ["张三"], ["张三", "王五"], ["李四"], ["王五"]]
    for user, names in zip(cast.users[:5], picks, strict=True):
        rep = _as(app, user)
        assert "去投票" in _text(rep.get(f"{base}/{cast.session}"))
        form = _text(rep.get(ballot_url))
        assert "最多选 2 名" in form and "王五" in form
        r = rep.post(ballot_url, data={"candidate_ids": [str(ids[n]) for n in names]})
        assert r.status_code == 302
        assert "已投票" in _text(rep.get(ballot_url))
        assert "已投票" in _text(rep.get(f"{base}/{cast.session}"))
    again = rep.post(ballot_url, data={"candidate_ids": [str(ids["王五"])]})
    assert again.status_code == 422 and "您已经投过票了" in _text(again)
    over = _as(app, cast.users[5]).post(
        ballot_url, data={"candidate_ids": [str(i) for i in ids.values()]}
    )
    assert over.status_code == 422 and "最多选 2 名" in _text(over)
    # Nothing of the tally shows while the vote is open.
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "已投 5 票" in page and "当选：" not in page and "收回选票" not in page
    assert staff.post(f"{base}/{cast.session}/votes/{vote_id}/close").status_code == 302
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "当选：" in page and "收回选票 5 张" in page and "张三 3 票" in page
    assert "王五 2 票" in page and "不开封计票" not in page
    assert "无人当选" in page  # 3 votes of 应到 100 is not more than half
    assert "当选：" in _text(_as(app, cast.users[0]).get(ballot_url))


def test_a_secret_vote_with_fewer_than_k_ballots_is_never_opened(app, clock, world, cast, office):
    base = _base(world)
    (item,) = _opened(world, cast, office, clock, kinds=("personnel",))
    with tenant_context(world.township.id):
        vote = service.create_vote(office, world.township, item, VoteInput(method="secret"))
        vote_id, k = vote.id, vote.min_ballots
    assert k == 5
    url = f"{base}/{cast.session}/votes/{vote_id}"
    for user in cast.users[:4]:
        assert _as(app, user).post(url, data={"choice": "yes"}).status_code == 302
    staff = _as(app, world.users["township_staff"])
    assert staff.post(f"{url}/close").status_code == 302
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "收回选票 4 张，不足 5 张，为保护投票秘密不开封计票，本项未通过。" in page
    assert "赞成 4" not in page and "赞成 0" not in page
    ballot = _text(_as(app, cast.users[0]).get(url))
    assert "选票不足 5 张，不开封计票。" in ballot and "赞成" not in ballot.split('id="result"')[1]


def test_a_non_representative_cannot_vote(app, clock, world, cast, office):
    base = _base(world)
    (item,) = _opened(world, cast, office, clock, kinds=("personnel",))
    with tenant_context(world.township.id):
        vote = service.create_vote(office, world.township, item, VoteInput(method="secret"))
        vote_id = vote.id
    url = f"{base}/{cast.session}/votes/{vote_id}"
    staff = _as(app, world.users["township_staff"])
    assert "投票进行中" in _text(staff.get(url))
    assert staff.post(url, data={"choice": "yes"}).status_code == 403
    committee = _as(app, world.users["committee_member"])
    assert committee.post(url, data={"choice": "yes"}).status_code == 403
    absent = _as(app, cast.users[0])
    with tenant_context(world.township.id):
        db.session.execute(delete(Attendance).where(Attendance.representative_id == cast.reps[0]))
        db.session.commit()
    assert absent.post(url, data={"choice": "yes"}).status_code == 403  # not checked in
    rep = _as(app, cast.users[1])
    assert rep.post(url, data={"choice": ""}).status_code == 422
    assert rep.post(url, data={"choice": "yes"}).status_code == 302
    assert staff.get(f"{base}/{cast.session}/votes/999999").status_code == 404


def test_a_resolution_published_and_the_report(app, clock, world, cast, office):
    base = _base(world)
    committee = actor(world.users["committee_member"])
    with tenant_context(world.township.id):
        lone = service.propose_item(
            cast.actors[4],
            world.township,
            cast.session,
            ItemInput(title="更换路灯", kind="motion", proposer="representatives"),
        )
        service.decide_item(committee, world.township, lone.id, accept=False, reason="已列入计划")
    motion, _report = _opened(world, cast, office, clock, kinds=("motion", "report"))
    with tenant_context(world.township.id):
        vote = service.create_vote(office, world.township, motion, VoteInput(method="hands"))
        service.record_hands(office, world.township, vote.id, HandsInput(yes=60, no=5, abstain=2))
    staff = _as(app, world.users["township_staff"])
    assert "形成决议" in _text(staff.get(f"{base}/{cast.session}"))
    bad = staff.post(
        f"{base}/{cast.session}/resolutions",
        data={"item_id": str(motion), "title": "关于议题0的决议", "text": ""},
    )
    assert bad.status_code == 422 and "请填写决议内容" in _text(bad)
    assert "关于议题0的决议" in _text(bad)
    r = staff.post(
        f"{base}/{cast.session}/resolutions",
        data={"item_id": str(motion), "title": "关于议题0的决议", "text": "会议同意议题0。"},
    )
    assert r.status_code == 302
    with tenant_context(world.township.id):
        (resolution,) = service.resolutions(office, world.township, cast.session)
        rid = resolution.id
    public = f"/p/{world.township.slug}/annual_sessions/"
    assert "关于议题0的决议" not in _text(app.test_client().get(public))
    rep = _as(app, cast.users[0])
    url = f"{base}/{cast.session}/resolutions/{rid}/publish"
    assert rep.post(url, data={"published": "1"}).status_code == 403
    assert staff.post(url, data={"published": "1"}).status_code == 302
    page = _text(app.test_client().get(public))
    assert "关于议题0的决议" in page and "会议同意议题0。" in page
    assert "第十三届党代表大会第二次会议" in page and SESSION_DAY.isoformat() in page
    impl = f"{base}/{cast.session}/resolutions/{rid}/implementation"
    assert staff.post(impl, data={"text": ""}).status_code == 422
    assert staff.post(impl, data={"text": "已按期完成。"}).status_code == 302
    assert "已按期完成。" in _text(app.test_client().get(public))
    assert staff.post(f"{base}/{cast.session}/resolutions/999999/publish").status_code == 404

    assert staff.post(f"{base}/{cast.session}/close").status_code == 302
    report = _text(staff.get(f"{base}/{cast.session}/report"))
    assert "应到 100 人，到会 85 人" in report
    assert "更换路灯：已列入计划" in report
    assert "通过（赞成 60，反对 5，弃权 2）" in report
    assert "关于议题0的决议" in report and "打印" in report


def test_a_paper_ballot_counted_by_two_tellers_under_a_scrutineer(app, clock, world, cast, office):
    base = _base(world)
    (item,) = _opened(world, cast, office, clock, kinds=("personnel",))
    staff = _as(app, world.users["township_staff"])
    teller1, teller2 = world.users["township_admin"], world.users["committee_member"]
    scrutineer = world.users["township_staff"]
    missing = staff.post(
        f"{base}/{cast.session}/items/{item}/vote", data={"method": "secret", "channel": "paper"}
    )
    assert missing.status_code == 422 and "纸质投票须指定两名计票人和一名监票人" in _text(missing)
    r = staff.post(
        f"{base}/{cast.session}/items/{item}/vote",
        data={
            "method": "secret",
            "channel": "paper",
            "teller1_id": str(teller1.id),
            "teller2_id": str(teller2.id),
            "scrutineer_id": str(scrutineer.id),
        },
    )
    assert r.status_code == 302
    with tenant_context(world.township.id):
        vote_id = db.session.scalar(select(Vote.id).where(Vote.item_id == item))
    url = f"{base}/{cast.session}/votes/{vote_id}"
    first, second = _as(app, teller1), _as(app, teller2)
    assert "录入计票结果" in _text(first.get(f"{base}/{cast.session}"))
    assert "录入计票结果" not in _text(staff.get(f"{base}/{cast.session}"))
    assert staff.post(f"{url}/tally", data={"yes": "1"}).status_code == 403
    assert (
        first.post(f"{url}/tally", data={"yes": "-1", "no": "0", "abstain": "0"}).status_code == 422
    )
    first.post(f"{url}/tally", data={"yes": "60", "no": "20", "abstain": "5"})
    assert "等待两名计票人录入" in _text(staff.get(f"{base}/{cast.session}"))
    second.post(f"{url}/tally", data={"yes": "61", "no": "19", "abstain": "5"})
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "不一致" in page and "重新计票" in page and "当选" not in page
    assert first.post(f"{url}/reset").status_code == 403
    assert staff.post(f"{url}/reset").status_code == 302
    assert "等待两名计票人录入" in _text(staff.get(f"{base}/{cast.session}"))
    first.post(f"{url}/tally", data={"yes": "60", "no": "20", "abstain": "5"})
    second.post(f"{url}/tally", data={"yes": "60", "no": "20", "abstain": "5"})
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "通过" in page and "赞成 60" in page


def test_session_documents(app, clock, world, cast):
    base = _base(world)
    staff = _as(app, world.users["township_staff"])
    empty = staff.post(
        f"{base}/{cast.session}/documents",
        data={"title": "党委工作报告"},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 422 and "请选择文件" in _text(empty)
    r = staff.post(
        f"{base}/{cast.session}/documents",
        data={"title": "党委工作报告", "file": (io.BytesIO(b"%PDF-1.4 report"), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, _text(r)[:500]
    rep = _as(app, cast.users[0])
    page = _text(rep.get(f"{base}/{cast.session}"))
    assert "上传" not in page
    found = re.search(r'<a href="([^"]+)">党委工作报告</a>', page)
    assert found is not None
    download = rep.get(found.group(1))
    assert download.status_code == 200 and download.data == b"%PDF-1.4 report"
    refused = rep.post(
        f"{base}/{cast.session}/documents",
        data={"title": "x", "file": (io.BytesIO(b"x"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403


def test_a_named_vote_and_a_group_item_without_a_group(app, clock, world, cast, office):
    base = _base(world)
    rep = _as(app, cast.users[0])
    r = rep.post(
        f"{base}/{cast.session}/items",
        data={"title": "小组议题", "kind": "motion", "proposer": "group", "group_id": ""},
    )
    assert r.status_code == 422 and "请选择以哪个代表小组名义提出" in _text(r)
    (item,) = _opened(world, cast, office, clock, kinds=("motion",))
    staff = _as(app, world.users["township_staff"])
    staff.post(f"{base}/{cast.session}/items/{item}/vote", data={"method": "named"})
    with tenant_context(world.township.id):
        vote_id = db.session.scalar(select(Vote.id).where(Vote.item_id == item))
    url = f"{base}/{cast.session}/votes/{vote_id}"
    assert "赞成" in _text(rep.get(url)) and "无记名投票：" not in _text(rep.get(url))
    assert rep.post(url, data={"choice": "yes"}).status_code == 302
    assert "已投票" in _text(rep.get(url))
    assert staff.post(f"{url}/close").status_code == 302
    page = _text(staff.get(f"{base}/{cast.session}"))
    assert "未通过" in page and "赞成 1" in page
