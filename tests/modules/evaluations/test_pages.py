"""The evaluation pages: the office creates a campaign (bad input shown again, 422), edits the
form, adds subjects and opens it (the one-time links shown once), sees the raters to reissue
links and has the system remind those who have not answered; representatives answer from their
account (a second answer refused, bad scores shown again with what was typed); no results while
open, after the close hidden at four answers and shown at five; the office proposes grades and
the committee decides with a reason; the subject reads neither his result nor his feedback
until it is published; publication puts the result on the public page; a one-time link and a
public code are answered without login; a representative is refused the results. SQLite and
PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import date
from types import SimpleNamespace
from typing import Any

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import CampaignInput, SubjectInput
from lianxin.modules.evaluations.models import Campaign, CampaignState, Subject
from tests.factories import actor
from tests.helpers import login


def _base(world) -> str:
    return f"/t/{world.township.slug}/evaluations"


def _as(app, user: Any) -> Any:
    client = app.test_client()
    login(client, db.session.get(User, user.id))
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _campaign_row(world, campaign_id: int) -> Campaign:
    with tenant_context(world.township.id):
        db.session.expire_all()
        row = db.session.get(Campaign, (world.township.id, campaign_id))
        assert row is not None
        return row


def _made(world, office, cast, shape="committee", opened=True) -> tuple[Any, list[Any]]:
    with tenant_context(world.township.id):
        campaign = service.create_campaign(
            office,
            world.township,
            CampaignInput(
                title=f"评议{uuid.uuid4().hex[:6]}",
                shape=shape,
                opens_on=date(2025, 12, 1),
                closes_on=date(2026, 1, 15),
            ),
        )
        if shape == "committee":
            for member in cast.members:
                service.add_subject(
                    office, world.township, campaign.id, SubjectInput(user_id=member.id)
                )
        else:
            service.add_default_subjects(office, world.township, campaign.id)
        links = service.open_campaign(office, world.township, campaign.id) if opened else []
        subjects = [
            SimpleNamespace(id=s.id, name=s.name)
            for s in service.subjects(office, world.township, campaign.id)
        ]
        return campaign.id, subjects, [SimpleNamespace(token=link.token) for link in links]


def _form(campaign_dims, subjects, score=9, overall="excellent", comment="") -> dict[str, str]:
    data: dict[str, str] = {}
    for s in subjects:
        for d in campaign_dims:
            data[f"s{s.id}-{d['key']}"] = str(score)
        data[f"s{s.id}-overall"] = overall
        data[f"s{s.id}-comment"] = comment
    return data


def _dims(world, campaign_id: int) -> list[dict[str, Any]]:
    return list(_campaign_row(world, campaign_id).dimensions)


def test_create_edit_the_form_add_subjects_and_open_showing_the_links_once(
    app, clock, world, cast, office
):
    base = _base(world)
    staff = _as(app, world.users["township_staff"])
    page = _text(staff.get(f"{base}/"))
    assert "新建评议活动" in page and 'value="2025-12-01"' in page and 'value="2026-01-15"' in page
    bad = staff.post(
        f"{base}/",
        data={"title": "年度评议", "shape": "committee", "opens_on": "明天", "closes_on": ""},
    )
    assert bad.status_code == 422
    assert "日期格式不正确" in _text(bad) and 'value="年度评议"' in _text(bad)
    made = staff.post(
        f"{base}/",
        data={
            "title": "年度评议",
            "shape": "committee",
            "opens_on": "2025-12-01",
            "closes_on": "2026-01-15",
        },
    )
    assert made.status_code == 302
    url = made.headers["Location"]
    campaign_id = int(url.rstrip("/").rsplit("/", 1)[1])
    page = _text(staff.get(url))
    assert "代表评议两委委员" in page and "思想品德" in page and "添加全体两委委员" in page
    assert "代表评议两委委员" in _text(staff.get(f"{base}/"))

    # The form: keep two rows (one reweighted), drop the rest, add one.
    dims = _dims(world, campaign_id)
    labels = [d["label"] for d in dims] + ["联系群众", ""]
    weights = ["2"] + ["1"] * (len(dims) - 1) + ["1.5", ""]
    keys = [d["key"] for d in dims] + ["", ""]
    removed = [d["key"] for d in dims[2:]]
    bad = staff.post(
        f"{url}/form",
        data={
            "label": ["", *labels[1:]],
            "weight": weights,
            "key": keys,
            "remove": removed,
            "scale_min": "1",
            "scale_max": "10",
        },
    )
    assert bad.status_code == 422 and "第 1 项" in _text(bad) and "联系群众" in _text(bad)
    ok = staff.post(
        f"{url}/form",
        data={
            "label": labels,
            "weight": weights,
            "key": keys,
            "remove": removed,
            "scale_min": "1",
            "scale_max": "10",
            "opens_on": "2025-12-01",
            "closes_on": "2026-01-15",
        },
    )
    assert ok.status_code == 302
    dims = _dims(world, campaign_id)
    assert [(d["label"], d["weight"]) for d in dims] == [
        ("思想品德", 2.0),
        ("领导才能", 1.0),
        ("联系群众", 1.5),
    ]
    assert len({d["key"] for d in dims}) == 3

    # Subjects: one by choice, then the default ones (the rest), one removed and added again.
    assert staff.post(f"{url}/subjects", data={}).status_code == 422
    assert (
        staff.post(f"{url}/subjects", data={"user_id": str(cast.members[0].id)}).status_code == 302
    )
    assert staff.post(f"{url}/subjects/default").status_code == 302
    with tenant_context(world.township.id):
        subjects = service.subjects(office, world.township, campaign_id)
    names = {s.name for s in subjects}
    assert {m.display_name or m.username for m in cast.members} <= names
    page = _text(staff.get(url))
    assert all(n in page for n in names)
    gone = subjects[0]
    assert staff.post(f"{url}/subjects/{gone.id}/remove").status_code == 302
    assert staff.post(f"{url}/subjects/999999/remove").status_code == 404
    assert (
        staff.post(f"{url}/subjects", data={"user_id": str(cast.members[0].id)}).status_code == 302
    )
    with tenant_context(world.township.id):
        subjects = service.subjects(office, world.township, campaign_id)
    # A duty report written by the office.
    report = staff.post(
        f"{url}/subjects/{subjects[0].id}/report", data={"text": "一年来认真履职……"}
    )
    assert report.status_code == 302 and "一年来认真履职" in _text(staff.get(url))

    # Opening shows every rater's one-time link, once.
    opened = staff.post(f"{url}/open")
    assert opened.status_code == 200 and opened.headers["Cache-Control"] == "no-store"
    page = _text(opened)
    found = re.findall(r"/p/[a-z0-9-]+/evaluations/answer/([A-Za-z0-9_-]+)", page)
    assert len(found) == 30 and "评议人00" in page and "打印" in page
    again = _text(staff.get(url))
    assert not re.search(r"/evaluations/answer/", again)
    # The raters, to reissue a link, and a button for the system to remind whoever has not
    # answered — never a list of who has or has not; no results link before the count.
    assert "评议进行中" in again and "评议人（30）" in again and "提醒未提交的评议人" in again
    assert "未提交的评议人（" not in again and 'id="results-link"' not in again
    reminded = staff.post(f"{url}/reminders")
    assert reminded.status_code == 302 and reminded.headers["Location"].endswith("#raters")
    assert "已由系统提醒 30 名未提交的评议人" in _text(staff.get(url))
    staff.post(f"{url}/reminders")
    assert "今天已经提醒过了" in _text(staff.get(url))
    assert staff.post(f"{url}/form", data={"label": ["x"], "weight": ["1"]}).status_code == 422
    # A link re-issued: the old one no longer works, the new one is shown once.
    first = found[0]
    with tenant_context(world.township.id):
        _c, rater = service.rater_by_link(world.township, first)
        rater_id = rater.id
    reissued = staff.post(f"{url}/raters/{rater_id}/reissue")
    assert reissued.status_code == 200
    (fresh,) = re.findall(r"/evaluations/answer/([A-Za-z0-9_-]+)", _text(reissued))
    links = f"/p/{world.township.slug}/evaluations/answer"
    old = app.test_client().get(f"{links}/{first}", follow_redirects=True)
    assert old.status_code == 404
    new = app.test_client().get(f"{links}/{fresh}", follow_redirects=True)
    assert new.status_code == 200
    assert staff.get(f"{base}/999999").status_code == 404


def test_answer_once_results_after_the_count_proposal_grade_and_feedback_once_published(
    app, clock, world, cast, office
):
    base = _base(world)
    campaign_id, subjects, _links = _made(world, office, cast)
    dims = _dims(world, campaign_id)
    url = f"{base}/{campaign_id}"

    rep = _as(app, cast.users[0])
    listing = _text(rep.get(f"{base}/"))
    assert "请您参加的评议" in listing and "去评议" in listing and "新建评议活动" not in listing
    form = _text(rep.get(f"{url}/answer"))
    assert all(s.name in form for s in subjects) and "思想品德" in form and "优秀" in form
    bad = _form(dims, subjects)
    bad[f"s{subjects[0].id}-{dims[0]['key']}"] = ""
    bad[f"s{subjects[1].id}-comment"] = "工作很扎实"
    refused = rep.post(f"{url}/answer", data=bad)
    assert refused.status_code == 422
    assert "请打 1–10 分" in _text(refused) and "工作很扎实" in _text(refused)
    done = rep.post(f"{url}/answer", data=_form(dims, subjects, comment="意见0"))
    assert done.status_code == 200 and "提交成功" in _text(done)
    twice = rep.post(f"{url}/answer", data=_form(dims, subjects))
    assert twice.status_code == 422 and "已经提交过" in _text(twice)
    assert "已提交" in _text(rep.get(f"{base}/"))
    assert rep.get(f"{url}/results").status_code == 403  # a representative reads no results
    outsider = _as(app, world.users["committee_member"])
    assert outsider.get(f"{url}/answer").status_code == 403  # not a rater

    for i in range(1, 5):
        client = _as(app, cast.users[i])
        assert client.post(f"{url}/answer", data=_form(dims, subjects)).status_code == 200
    # While open the office sees how many answered, and no results at all.
    staff = _as(app, world.users["township_staff"])
    assert "5 / 30" in _text(staff.get(f"{base}/"))
    early = staff.get(f"{url}/results")
    assert early.status_code == 409 and "9.0" not in _text(early) and "意见0" not in _text(early)
    assert staff.get(f"{url}/results.xlsx").status_code == 409
    assert 'id="results-link"' not in _text(staff.get(url))

    assert staff.post(f"{url}/close").status_code == 302
    assert 'id="results-link"' in _text(staff.get(url))
    page = _text(staff.get(f"{url}/results"))
    assert "答卷不足" not in page and "9.0" in page and "意见0" in page
    # The office sees its proposal and may change it; deciding is the committee's.
    assert "办公室建议等次：" in page and "优秀" in page and "修改建议等次" in page
    assert "党委确定等次" not in page
    committee = _as(app, world.users["committee_member"])
    page = _text(committee.get(f"{url}/results"))
    assert "党委确定等次" in page and "修改建议等次" not in page
    first, second = subjects
    assert (
        staff.post(
            f"{url}/subjects/{first.id}/grade", data={"grade": "excellent", "reason": ""}
        ).status_code
        == 403
    )
    for subject in subjects:  # the responsible leader's opinion first (test_leader_opinion.py)
        assert (
            staff.post(
                f"{url}/subjects/{subject.id}/leader-opinion",
                data={"leader_name": "王分管", "opinion": "同意评议意见"},
            ).status_code
            == 302
        )
    assert (
        committee.post(
            f"{url}/subjects/{first.id}/grade", data={"grade": "excellent", "reason": ""}
        ).status_code
        == 302
    )
    bad = committee.post(f"{url}/subjects/{first.id}/grade", data={"grade": "competent"})
    assert bad.status_code == 422 and "须写明理由" in _text(bad)
    # The office proposes another grade for the second, with its reason.
    bad = staff.post(f"{url}/subjects/{second.id}/proposal", data={"grade": "competent"})
    assert bad.status_code == 422 and "须写明理由" in _text(bad)
    assert (
        committee.post(
            f"{url}/subjects/{second.id}/proposal",
            data={"grade": "competent", "reason": "年内有一次通报批评"},
        ).status_code
        == 403
    )
    ok = staff.post(
        f"{url}/subjects/{second.id}/proposal",
        data={"grade": "competent", "reason": "年内有一次通报批评"},
    )
    assert ok.status_code == 302
    assert (
        committee.post(f"{url}/subjects/{second.id}/grade", data={"grade": "competent"}).status_code
        == 302
    )
    assert "年内有一次通报批评" in _text(committee.get(f"{url}/results"))
    xlsx = staff.get(f"{url}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"

    # The subject (the second committee member) reads the first's result, not his own, and
    # decides no grade of his own; no feedback before publication.
    member = _as(app, cast.members[1])
    page = _text(member.get(f"{url}/results"))
    assert "这是您本人的评议结果：公开后才能查看" in page and "年内有一次通报批评" not in page
    own = member.post(
        f"{url}/subjects/{second.id}/grade", data={"grade": "excellent", "reason": "自评"}
    )
    assert own.status_code == 403
    assert "我的评议反馈" not in _text(member.get(f"{base}/"))
    assert "暂无评议反馈" in _text(member.get(f"{base}/feedback"))

    # Publication: the public page shows the grade and scores, no comments.
    public = app.test_client()
    assert "暂无公开的评议结果" in _text(public.get(f"/p/{world.township.slug}/evaluations/"))
    assert (
        committee.post(f"{url}/subjects/{first.id}/publish", data={"published": "1"}).status_code
        == 403
    )
    assert (
        staff.post(f"{url}/subjects/{first.id}/publish", data={"published": "1"}).status_code == 302
    )
    page = _text(public.get(f"/p/{world.township.slug}/evaluations/"))
    assert first.name in page and "优秀" in page and "意见0" not in page
    assert second.name not in page
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert db.session.get(Subject, (world.township.id, first.id)).published_at is not None
    assert "暂无评议反馈" in _text(member.get(f"{base}/feedback"))

    # Published, the subject sees his result and the office's reason.
    assert (
        staff.post(f"{url}/subjects/{second.id}/publish", data={"published": "1"}).status_code
        == 302
    )
    assert "我的评议反馈" in _text(member.get(f"{base}/"))
    feedback = _text(member.get(f"{base}/feedback"))
    assert "称职" in feedback and "思想品德" in feedback
    assert "暂无评议反馈" in _text(rep.get(f"{base}/feedback"))
    assert "这是您本人的评议结果" not in _text(member.get(f"{url}/results"))


def test_results_hidden_at_four_answers_shown_at_five(app, clock, world, cast, office):
    staff = _as(app, world.users["township_staff"])
    for answers, hidden in ((4, True), (5, False)):
        campaign_id, subjects, _links = _made(world, office, cast)
        dims = _dims(world, campaign_id)
        url = f"{_base(world)}/{campaign_id}"
        for i in range(answers):
            client = _as(app, cast.users[i])
            assert client.post(f"{url}/answer", data=_form(dims, subjects)).status_code == 200
        assert staff.post(f"{url}/close").status_code == 302
        page = _text(staff.get(f"{url}/results"))
        assert page.count("有效答卷不足 5 份，不显示") == (len(subjects) if hidden else 0)
        assert ("9.0" in page) is not hidden
        assert ("修改建议等次" in page) is not hidden  # no proposal below K


def test_a_one_time_link_answered_without_login(app, clock, world, cast, office):
    campaign_id, subjects, links = _made(world, office, cast)
    dims = _dims(world, campaign_id)
    anon = app.test_client()
    # The link's secret leaves the URL at once (tests/modules/evaluations/test_links.py).
    first = anon.get(f"/p/{world.township.slug}/evaluations/answer/{links[5].token}")
    assert first.status_code == 302 and first.headers["Referrer-Policy"] == "no-referrer"
    url = first.headers["Location"]
    page = anon.get(url)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert all(s.name in _text(page) for s in subjects)
    bad = anon.post(url, data={**_form(dims, subjects), f"s{subjects[0].id}-overall": "great"})
    assert bad.status_code == 422 and "请选择优秀、称职或不称职" in _text(bad)
    assert "提交成功" in _text(anon.post(url, data=_form(dims, subjects)))
    assert "已经提交过" in _text(anon.get(url))
    assert anon.post(url, data=_form(dims, subjects)).status_code == 422
    nope = app.test_client().get(
        f"/p/{world.township.slug}/evaluations/answer/nope", follow_redirects=True
    )
    assert nope.status_code == 404
    with tenant_context(world.township.id):
        assert service.campaign_participation(_campaign_row(world, campaign_id)).answered == 1


def test_public_codes_shown_once_with_a_qr_and_answered_once(app, clock, world, cast, office):
    campaign_id, subjects, _links = _made(world, office, cast, shape="public")
    dims = _dims(world, campaign_id)
    staff = _as(app, world.users["township_staff"])
    url = f"{_base(world)}/{campaign_id}"
    assert "群众测评" in _text(staff.get(url))
    assert staff.post(f"{url}/codes", data={"count": "0"}).status_code == 422
    issued = staff.post(f"{url}/codes", data={"count": "3"})
    assert issued.status_code == 200 and "<svg" in _text(issued)
    codes = re.findall(r"/evaluations/\d+/public\?code=([A-Za-z0-9_-]+)", _text(issued))
    assert len(set(codes)) == 3
    anon = app.test_client()
    public = f"/p/{world.township.slug}/evaluations/{campaign_id}/public"
    page = _text(anon.get(f"{public}?code={codes[0]}", follow_redirects=True))
    assert world.township.name in page and f'value="{codes[0]}"' in page
    assert "提交成功" in _text(anon.post(public, data={"code": codes[0], **_form(dims, subjects)}))
    again = anon.post(public, data={"code": codes[0], **_form(dims, subjects)})
    assert again.status_code == 422 and "测评码无效或已使用" in _text(again)
    assert "测评码" in _text(app.test_client().get(public))  # no code: a field to type it
    with tenant_context(world.township.id):
        figures = service.campaign_participation(_campaign_row(world, campaign_id))
        assert (figures.eligible, figures.answered) == (3, 1)
    # A draft campaign has no public page.
    draft_id, _s, _l = _made(world, office, cast, shape="public", opened=False)
    assert anon.get(f"/p/{world.township.slug}/evaluations/{draft_id}/public").status_code == 404


def test_refusals_and_unknown_ids(app, clock, world, cast, office):
    base = _base(world)
    campaign_id, _subjects, _links = _made(world, office, cast)
    rep = _as(app, cast.users[0])
    assert (
        rep.post(
            f"{base}/",
            data={
                "title": "x",
                "shape": "committee",
                "opens_on": "2025-12-01",
                "closes_on": "2026-01-15",
            },
        ).status_code
        == 403
    )
    assert rep.post(f"{base}/{campaign_id}/close").status_code == 403
    assert rep.get(f"{base}/{campaign_id}/results.xlsx").status_code == 403
    assert rep.get(f"{base}/{campaign_id}").status_code == 200
    staff = _as(app, world.users["township_staff"])
    _other, other_subjects, _l = _made(world, office, cast)
    # A subject of another campaign under this campaign's URL: 404.
    assert (
        staff.post(
            f"{base}/{campaign_id}/subjects/{other_subjects[0].id}/grade", data={}
        ).status_code
        == 404
    )
    assert staff.get(f"{base}/999999/results").status_code == 404
    assert staff.post(f"{base}/{campaign_id}/raters/999999/reissue").status_code == 404
    assert actor(cast.users[0]) is not None and CampaignState.OPEN == "open"
