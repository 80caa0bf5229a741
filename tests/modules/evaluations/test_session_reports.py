"""A city representative's duty report filed among an annual session's documents (列入年会文件,
001 张家港 第六节: the city representatives living in the township report at the annual session
and the township's representatives evaluate them). The office files a written report with a
session not yet over: the document is among the session's documents, which the township's
representatives read like any other; the subject says where it went; filing again adds no
second document. Refused while the annual-sessions module is off in the township, for another
kind of subject, an empty report, a session over (its last day yesterday; today it is
accepted); another township's session or subject is not found. Through the service, the API
and the campaign page, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions import service as annual_sessions
from lianxin.modules.annual_sessions.inputs import SessionInput
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import CampaignInput, SubjectInput
from lianxin.modules.evaluations.models import Subject
from tests.factories import actor
from tests.helpers import assert_error, bearer, login
from tests.modules.evaluations.conftest import TODAY, switch_module

REPORT = "一年来，我认真履行市党代表职责，参加市党代表大会……"


@pytest.fixture
def modules_on():
    """The annual sessions beside evaluations, switched on in every township of the world."""
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS

    return (SESSIONS,)


def _sessions_off(world) -> None:
    switch_module(world.township, "annual_sessions", on=False)


def _session(township, office, title, held_on, ends_on=None) -> int:
    with tenant_context(township.id):
        made = annual_sessions.create_session(
            office,
            township,
            SessionInput(title=title, held_on=held_on, place="镇会议中心", ends_on=ends_on),
        )
        return made.id


@pytest.fixture
def made(world, office, clock):
    """A committee campaign with a city representative (report written), another city
    representative without one, a committee member (report written); a session next month, one
    ending today, one ended yesterday; a session and a city representative in the other
    township."""
    township = world.township
    with tenant_context(township.id):
        campaign = service.create_campaign(
            office,
            township,
            CampaignInput(
                title="2025年度两委委员评议",
                shape="committee",
                opens_on=date(2025, 12, 1),
                closes_on=date(2026, 1, 15),
            ),
        )
        city = service.add_subject(
            office, township, campaign.id, SubjectInput(kind="city_rep", name="张三")
        )
        service.set_report(office, township, city.id, REPORT)
        empty = service.add_subject(
            office, township, campaign.id, SubjectInput(kind="city_rep", name="李四")
        )
        body = service.add_subject(office, township, campaign.id, SubjectInput(kind="committee"))
        service.set_report(office, township, body.id, "班子述职")
        ids = SimpleNamespace(campaign=campaign.id, city=city.id, empty=empty.id, body=body.id)
    ids.coming = _session(township, office, "第十三届党代表大会第二次会议", date(2026, 1, 10))
    ids.today = _session(township, office, "今日闭幕的会议", TODAY - timedelta(1), TODAY)
    ids.over = _session(
        township, office, "昨日闭幕的会议", TODAY - timedelta(2), TODAY - timedelta(1)
    )
    other_office = actor(world.users["other_admin"])
    ids.other_session = _session(world.other, other_office, "外镇年会", date(2026, 1, 10))
    with tenant_context(world.other.id):
        other = service.create_campaign(
            other_office,
            world.other,
            CampaignInput(
                title="外镇评议",
                shape="committee",
                opens_on=date(2025, 12, 1),
                closes_on=date(2026, 1, 15),
            ),
        )
        foreign = service.add_subject(
            other_office, world.other, other.id, SubjectInput(kind="city_rep", name="王五")
        )
        service.set_report(other_office, world.other, foreign.id, REPORT)
        ids.foreign = foreign.id
    db.session.commit()
    return ids


def _documents(township, office, session_id) -> list[Any]:
    with tenant_context(township.id):
        return [
            (d.title, d.file_id) for d in annual_sessions.documents(office, township, session_id)
        ]


# --- the service ---------------------------------------------------------------------------------


def test_filed_once_with_a_session_not_over(world, office, made, tctx):
    subject = service.file_with_session(office, tctx, made.city, made.coming)
    assert subject.filed_session_id == made.coming
    assert subject.filed_session_title == "第十三届党代表大会第二次会议"
    docs = _documents(world.township, office, made.coming)
    assert [t for t, _f in docs] == ["市党代表张三履职报告"]
    assert subject.filed_document_id is not None
    # Filing again — with this session or another — is said so and adds nothing.
    with pytest.raises(service.AlreadyFiled, match="已列入《第十三届党代表大会第二次会议》文件"):
        service.file_with_session(office, tctx, made.city, made.coming)
    with pytest.raises(service.AlreadyFiled):
        service.file_with_session(office, tctx, made.city, made.today)
    assert len(_documents(world.township, office, made.coming)) == 1
    assert _documents(world.township, office, made.today) == []
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "evaluation.city_rep_filed")
    )
    assert entry is not None and entry.target_id == str(made.city)


def test_a_session_ending_today_is_accepted_one_ended_yesterday_refused(office, made, tctx):
    with pytest.raises(service.SessionFilingRefused, match="已结束"):
        service.file_with_session(office, tctx, made.city, made.over)
    assert service.file_with_session(office, tctx, made.city, made.today).filed_session_id == (
        made.today
    )


def test_only_sessions_not_over_are_offered(office, made, tctx):
    assert [s.id for s in service.filing_sessions(office, tctx)] == [made.today, made.coming]


def test_refused_for_another_kind_of_subject_and_an_empty_report(office, made, tctx):
    with pytest.raises(service.SessionFilingRefused, match="只有市党代表"):
        service.file_with_session(office, tctx, made.body, made.coming)
    with pytest.raises(service.SessionFilingRefused, match="尚未填写"):
        service.file_with_session(office, tctx, made.empty, made.coming)


def test_refused_while_the_sessions_module_is_off_in_the_township(world, office, made, tctx):
    _sessions_off(world)
    with pytest.raises(service.SessionFilingRefused, match="未启用年会模块"):
        service.file_with_session(office, tctx, made.city, made.coming)
    assert service.filing_sessions(office, tctx) == []
    # The other township keeps its module: its own office still files there.
    other_office = actor(world.users["other_admin"])
    with tenant_context(world.other.id):
        filed = service.file_with_session(
            other_office, world.other, made.foreign, made.other_session
        )
        assert filed.filed_session_id == made.other_session


def test_a_representative_may_not_file(cast, made, tctx):
    from lianxin.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        service.file_with_session(cast.actors[0], tctx, made.city, made.coming)


# --- the API -------------------------------------------------------------------------------------


def _url(world, path: str) -> str:
    return f"/api/v1/t/{world.township.slug}/evaluations{path}"


def test_api_files_and_representatives_read_the_document(app, world, cast, made):
    client = app.test_client()
    staff = bearer(world.users["township_staff"])
    path = _url(world, f"/subjects/{made.city}/file-with-session")
    rep = bearer(cast.users[0])
    assert_error(client.post(path, headers=rep, json={"session_id": made.coming}), 403)
    assert_error(client.post(path, headers=staff, json={}), 422)
    response = client.post(path, headers=staff, json={"session_id": made.coming})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["filed_session_id"] == made.coming
    assert body["filed_session_title"] == "第十三届党代表大会第二次会议"
    again = assert_error(
        client.post(path, headers=staff, json={"session_id": made.coming}), 409, "already_filed"
    )
    assert "已列入《第十三届党代表大会第二次会议》文件" in again["message"]
    # Among the session's documents, read by a representative of the township like the others.
    slug = world.township.slug
    listed = client.get(
        f"/api/v1/t/{slug}/annual_sessions/sessions/{made.coming}/documents", headers=rep
    )
    assert listed.status_code == 200, listed.get_data(as_text=True)
    docs = listed.get_json()
    assert [d["title"] for d in docs] == ["市党代表张三履职报告"]
    assert docs[0]["id"] == body["filed_document_id"]
    download = client.get(f"/api/v1/t/{slug}/files/{docs[0]['file_id']}", headers=rep)
    assert download.status_code == 200
    text = download.get_data().decode()
    assert "市党代表张三履职报告" in text and REPORT in text
    # A representative of another township reads it nowhere.
    outsider = bearer(world.users["other_admin"])
    foreign = client.get(f"/api/v1/t/{slug}/files/{docs[0]['file_id']}", headers=outsider)
    assert foreign.status_code in (403, 404)


def test_api_refusals_are_structured(app, world, made):
    client = app.test_client()
    staff = bearer(world.users["township_staff"])

    def post(subject_id: int, session_id: int):
        return client.post(
            _url(world, f"/subjects/{subject_id}/file-with-session"),
            headers=staff,
            json={"session_id": session_id},
        )

    refused = "session_filing_refused"
    assert "已结束" in assert_error(post(made.city, made.over), 409, refused)["message"]
    assert "只有市党代表" in assert_error(post(made.body, made.coming), 409, refused)["message"]
    assert "尚未填写" in assert_error(post(made.empty, made.coming), 409, refused)["message"]
    # Another township's session or subject: not found, and nothing filed.
    assert_error(post(made.city, made.other_session), 404)
    assert_error(post(made.foreign, made.coming), 404)
    with tenant_context(world.township.id):
        row = db.session.get(Subject, (world.township.id, made.city))
        assert row is not None and row.filed_document_id is None
    _sessions_off(world)
    off = assert_error(post(made.city, made.coming), 409, refused)
    assert "未启用年会模块" in off["message"]


# --- the campaign page ---------------------------------------------------------------------------


def _page(world, made) -> str:
    return f"/t/{world.township.slug}/evaluations/{made.campaign}"


def _as(app, user: Any) -> Any:
    client = app.test_client()
    login(client, db.session.get(User, user.id))
    return client


def test_the_office_files_from_the_campaign_page(app, world, made):
    client = _as(app, world.users["township_staff"])
    page = client.get(_page(world, made)).get_data(as_text=True)
    # Offered for the city representative whose report is written, with the sessions not over.
    assert page.count("列入年会文件") == 1
    assert "第十三届党代表大会第二次会议" in page and "今日闭幕的会议" in page
    assert "昨日闭幕的会议" not in page
    action = f"{_page(world, made)}/subjects/{made.city}/file-with-session"
    unchosen = client.post(action, data={"session_id": ""})
    assert unchosen.status_code == 422 and "请选择年会" in unchosen.get_data(as_text=True)
    refused = client.post(action, data={"session_id": str(made.over)})
    assert refused.status_code == 422
    assert "该次年会已结束" in refused.get_data(as_text=True)
    done = client.post(action, data={"session_id": str(made.coming)})
    assert done.status_code == 302
    page = client.get(_page(world, made)).get_data(as_text=True)
    assert "已列入《第十三届党代表大会第二次会议》文件" in page
    assert "列入年会文件</button>" not in page
    again = client.post(action, data={"session_id": str(made.coming)})
    assert again.status_code == 422 and "已列入" in again.get_data(as_text=True)
    assert len(_documents(world.township, actor(world.users["township_staff"]), made.coming)) == 1
    # Another township's subject through our page: not found.
    foreign = f"{_page(world, made)}/subjects/{made.foreign}/file-with-session"
    assert client.post(foreign, data={"session_id": str(made.coming)}).status_code == 404


def test_the_page_offers_nothing_while_the_sessions_module_is_off(app, world, made):
    _sessions_off(world)
    client = _as(app, world.users["township_staff"])
    page = client.get(_page(world, made)).get_data(as_text=True)
    assert "列入年会文件</button>" not in page
    action = f"{_page(world, made)}/subjects/{made.city}/file-with-session"
    refused = client.post(action, data={"session_id": str(made.coming)})
    assert refused.status_code == 422
    assert "本镇未启用年会模块" in refused.get_data(as_text=True)


# --- a report edited after filing ----------------------------------------------------------------

# The office expects the session's documents to carry the report as it now reads. What was filed
# stays as it was (representatives may have read or printed it, like the groups' reports filed
# before the session): filing again adds the current text beside it, titled as the update, and
# the subject points to it. Filing again is refused while the report has not changed since.

EDITED = REPORT + "补充：全年走访群众二十次。"


def _text(township, office, file_id) -> str:
    from lianxin.storage import service as files

    with tenant_context(township.id):
        stream = files.open_download(office, township, file_id).stream
        with stream:
            return stream.read().decode()


def test_an_edited_report_is_filed_again_beside_the_copy_filed_before(world, office, made, tctx):
    filed = service.file_with_session(office, tctx, made.city, made.coming)
    first = filed.filed_document_id
    assert service.filed_stale(filed) is False
    service.set_report(office, tctx, made.city, EDITED)
    edited = service.get_subject(office, tctx, made.city)
    assert service.filed_stale(edited) is True  # the filed copy is older than the report
    # The update goes with the session the report was filed with, not another one.
    with pytest.raises(service.AlreadyFiled, match="第十三届党代表大会第二次会议"):
        service.file_with_session(office, tctx, made.city, made.today)
    assert _documents(world.township, office, made.today) == []
    again = service.file_with_session(office, tctx, made.city, made.coming)
    assert again.filed_document_id not in (None, first)
    assert service.filed_stale(again) is False
    docs = _documents(world.township, office, made.coming)
    assert [t for t, _f in docs] == ["市党代表张三履职报告", "市党代表张三履职报告（更新）"]
    old, new = (_text(world.township, office, f) for _t, f in docs)
    assert REPORT in old and "补充" not in old  # what was filed then, unchanged
    assert EDITED in new
    # Saved again with the same text: no change, nothing to file, nothing added.
    service.set_report(office, tctx, made.city, EDITED + "  ")
    assert service.filed_stale(service.get_subject(office, tctx, made.city)) is False
    with pytest.raises(service.AlreadyFiled, match="此后未修改"):
        service.file_with_session(office, tctx, made.city, made.coming)
    assert len(_documents(world.township, office, made.coming)) == 2
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "evaluation.city_rep_filed")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.after or {}).get("replaces_document_id") for e in entries] == [None, first]


def test_an_update_is_taken_on_the_sessions_last_day_not_the_day_after(
    world, office, made, tctx, clock
):
    service.file_with_session(office, tctx, made.city, made.today)  # ends TODAY
    service.set_report(office, tctx, made.city, EDITED)
    assert service.file_with_session(office, tctx, made.city, made.today).filed_document_id
    service.set_report(office, tctx, made.city, EDITED + "再补充。")
    clock.today = TODAY + timedelta(1)  # Asia/Shanghai: the session ended yesterday
    with pytest.raises(service.SessionFilingRefused, match="已结束"):
        service.file_with_session(office, tctx, made.city, made.today)
    # Still older than the report: the office keeps being told so.
    assert service.filed_stale(service.get_subject(office, tctx, made.city)) is True
    assert len(_documents(world.township, office, made.today)) == 2


def test_the_api_says_the_filed_copy_is_older_and_files_the_update(app, world, cast, made):
    client = app.test_client()
    staff = bearer(world.users["township_staff"])
    path = _url(world, f"/subjects/{made.city}/file-with-session")
    first = client.post(path, headers=staff, json={"session_id": made.coming}).get_json()
    assert first["filed_stale"] is False
    edited = client.put(
        _url(world, f"/subjects/{made.city}/report"), headers=staff, json={"text": EDITED}
    )
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert edited.get_json()["filed_stale"] is True
    read = client.get(_url(world, f"/subjects/{made.city}"), headers=staff).get_json()
    assert read["filed_stale"] is True
    # A representative may not file the update either.
    rep = bearer(cast.users[0])
    assert_error(client.post(path, headers=rep, json={"session_id": made.coming}), 403)
    again = client.post(path, headers=staff, json={"session_id": made.coming})
    assert again.status_code == 200, again.get_data(as_text=True)
    body = again.get_json()
    assert body["filed_stale"] is False
    assert body["filed_document_id"] != first["filed_document_id"]
    refused = client.post(path, headers=staff, json={"session_id": made.coming})
    assert "此后未修改" in assert_error(refused, 409, "already_filed")["message"]


def test_the_page_tells_the_office_the_filed_copy_is_older(app, world, made, clock):
    staff = _as(app, world.users["township_staff"])
    action = f"{_page(world, made)}/subjects/{made.city}/file-with-session"
    assert staff.post(action, data={"session_id": str(made.today)}).status_code == 302
    page = staff.get(_page(world, made)).get_data(as_text=True)
    assert "filed-stale" not in page and "重新列入年会文件" not in page
    with tenant_context(world.township.id):
        office = actor(world.users["township_staff"])
        service.set_report(office, world.township, made.city, EDITED)
        db.session.commit()
    page = staff.get(_page(world, made)).get_data(as_text=True)
    assert "列入后履职报告已修改" in page and "重新列入年会文件</button>" in page
    # The update goes with the same session: the form names it, no other is offered to it.
    assert f'name="session_id" value="{made.today}"' in page
    # The committee member reading the page is not asked to do anything.
    committee = _as(app, world.users["committee_member"])
    seen = committee.get(_page(world, made)).get_data(as_text=True)
    assert "列入后履职报告已修改" not in seen
    assert staff.post(action, data={"session_id": str(made.today)}).status_code == 302
    page = staff.get(_page(world, made)).get_data(as_text=True)
    assert "列入后履职报告已修改" not in page
    titles = [t for t, _f in _documents(world.township, office, made.today)]
    assert titles == ["市党代表张三履职报告", "市党代表张三履职报告（更新）"]
    # Edited again once the session is over: told so, and that it can no longer be filed.
    with tenant_context(world.township.id):
        service.set_report(office, world.township, made.city, EDITED + "再补充。")
        db.session.commit()
    clock.today = TODAY + timedelta(1)
    page = staff.get(_page(world, made)).get_data(as_text=True)
    assert "列入后履职报告已修改" in page and "重新列入年会文件</button>" not in page
    assert "该次年会已结束" in page
