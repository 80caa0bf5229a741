"""The paper around a case (issue 25): the referral sheet (交办单), a new tracking code for a lost
receipt, the blank opinion form, and a case keyed in from paper (据纸质表登记) through the page
and the API. Who may print what: another township's case is 404, a user who may not see the case
404, one who sees it but is not the office 403."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.casework.models import Case, CaseEvent
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from tests.casework import test_pages_api as pages
from tests.casework.test_pages_api import PHONE, Desk, _case, _client, _register
from tests.factories import actor
from tests.helpers import assert_error, bearer

desk = pages.desk  # the office, a representative and three units (test_pages_api.py)

CODE = re.compile(r"查询码：([2-9A-Z]{4}(?:-[2-9A-Z]{4}){3})")


def _referred(desk: Desk, **extra: Any) -> int:
    """A case received and referred to the lead unit with the co-unit, assessed simple."""
    case_id = _register(desk, **extra)
    with tenant_context(desk.world.township.id):
        staff = actor(desk.office)
        cases.receive(staff, desk.world.township, case_id, desk.rep)
        cases.refer(
            staff,
            desk.world.township,
            case_id,
            cases.ReferInput(lead_unit_id=desk.lead, co_unit_ids=(desk.co,), complexity="simple"),
        )
    return case_id


def _rep_user(desk: Desk) -> Any:
    """The township's representative account, linked to the representative who received the
    cases of `_referred`."""
    user = desk.world.users["representative"]
    with tenant_context(desk.world.township.id):
        rep = db.session.get(Representative, (desk.world.township.id, desk.rep))
        assert rep is not None
        rep.user_id = user.id
        db.session.commit()
    return user


def _theirs(world: Any) -> int:
    """A referred case of the other township."""
    with tenant_context(world.other.id):
        theirs = actor(world.users["other_admin"])
        return cases.register(
            theirs, world.other, cases.CaseInput(channel="phone", title="乙镇专属诉求", body="乙镇")
        ).case.id


# --- the referral sheet ---------------------------------------------------------------------------


def test_the_referral_sheet_names_the_case_its_units_and_the_working_day_deadline(app, desk):
    world = desk.world
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        world.township.id,
        "casework",
        {"simple_complex": True, "day_count": "working"},
    )
    body = "东村到镇上的道路坑洼，雨天积水。" * 80  # far beyond one page: summarised
    case_id = _register(desk, received_by_id=desk.rep)
    with tenant_context(world.township.id):
        db.session.get(Case, (world.township.id, case_id)).body = body  # type: ignore[union-attr]
        db.session.commit()
    office = _client(app, desk.office)
    base = f"/t/{desk.slug}/cases"
    # Not referred yet: no sheet, and the case page offers none.
    assert office.get(f"{base}/{case_id}/referral-sheet").status_code == 409
    assert 'id="print-referral"' not in office.get(f"{base}/{case_id}").get_data(as_text=True)

    with tenant_context(world.township.id):
        staff = actor(desk.office)
        cases.receive(staff, world.township, case_id)
        cases.refer(
            staff,
            world.township,
            case_id,
            cases.ReferInput(lead_unit_id=desk.lead, co_unit_ids=(desk.co,), complexity="simple"),
        )
    case = _case(world, case_id)
    assert case.due_days == 10 and case.due_count == "working" and case.due_on is not None
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert f'href="{base}/{case_id}/referral-sheet"' in page

    sheet = office.get(f"{base}/{case_id}/referral-sheet")
    assert sheet.status_code == 200
    text = sheet.get_data(as_text=True)
    due = case.due_on
    assert f"请于 {due.year}年{due.month}月{due.day}日 前书面答复" in text
    assert "10个工作日" in text and "自然日" not in text
    assert re.search(r'id="sheet-lead"><strong>镇交通办</strong>', text)
    assert re.search(r'id="sheet-co">镇财政所<', text)
    assert f"编号：第 {case_id} 号" in text and "村道破损影响出行" in text
    assert "李大爷" in text and PHONE in text and "张秀英" in text  # the first-asked representative
    assert "盖章" in text and "签收" in text and world.township.name in text
    assert "@page { size: A4" in text
    # The body is summarised on the one page; the platform keeps the whole.
    assert body not in text and body[:399] + "…" in text and "全文见平台" in text
    # 再交办 to another unit: the sheet names the new round's unit only.
    with tenant_context(world.township.id):
        staff = actor(desk.office)
        cases.refer(staff, world.township, case_id, cases.ReferInput(lead_unit_id=desk.third))
    text = office.get(f"{base}/{case_id}/referral-sheet").get_data(as_text=True)
    assert "镇派出所" in text and "镇交通办" not in text and "镇财政所" not in text


def test_an_anonymous_case_s_sheet_prints_no_phone(app, desk):
    case_id = _referred(desk, anonymous=True)
    text = (
        _client(app, desk.office)
        .get(f"/t/{desk.slug}/cases/{case_id}/referral-sheet")
        .get_data(as_text=True)
    )
    assert "匿名" in text and PHONE not in text and "李大爷" not in text


def test_only_the_office_prints_and_reissues_and_never_another_township_s(app, desk):
    world = desk.world
    case_id = _referred(desk)
    rep = _rep_user(desk)
    base = f"/t/{desk.slug}/cases/{case_id}"
    prints = ("referral-sheet",)
    writes = ("new-code",)
    # The lead unit and the representative who received it see the case, but print nothing.
    for user in (desk.lead_user, rep):
        who = _client(app, user)
        assert who.get(base).status_code == 200
        assert 'id="case-prints"' not in who.get(base).get_data(as_text=True)
        for path in prints:
            assert who.get(f"{base}/{path}").status_code == 403
        for path in writes:
            assert who.post(f"{base}/{path}").status_code == 403
    # A unit not on the case does not even see it.
    third = _client(app, desk.third_user)
    for path in prints:
        assert third.get(f"{base}/{path}").status_code == 404
    for path in writes:
        assert third.post(f"{base}/{path}").status_code == 404
    # Another township's case, by its id under ours: 404; our office in their township: 404.
    theirs = _theirs(world)
    office = _client(app, desk.office)
    for path in prints:
        assert office.get(f"/t/{desk.slug}/cases/{theirs}/{path}").status_code == 404
        assert office.get(f"/t/{world.other.slug}/cases/{theirs}/{path}").status_code == 404
    for path in writes:
        assert office.post(f"/t/{desk.slug}/cases/{theirs}/{path}").status_code == 404
        assert office.post(f"/t/{world.other.slug}/cases/{theirs}/{path}").status_code == 404
    with tenant_context(world.other.id):
        assert not db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == theirs, CaseEvent.action == "reissue_code")
        ).all()
    assert _events(world, case_id, "reissue_code") == 0


def _events(world: Any, case_id: int, action: str) -> int:
    db.session.expire_all()
    with tenant_context(world.township.id):
        return len(
            db.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.action == action)
            ).all()
        )


# --- the receipt: a new code for a lost one -------------------------------------------------------


REASON = "群众遗失回执，本人持身份证来站申请"


def test_a_new_code_replaces_the_lost_one_and_prints_a_receipt(app, client, desk):
    world = desk.world
    office = _client(app, desk.office)
    base = f"/t/{desk.slug}/cases"
    response = office.post(
        f"{base}/new",
        data={
            "channel": "phone",
            "title": "路灯不亮",
            "body": "村口路灯坏了。",
            "raiser_phone": PHONE,
        },
    )
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    first = CODE.search(office.get(f"{base}/{case_id}").get_data(as_text=True))
    assert first is not None
    # Later the code is gone from the page; the office may give a new one.
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert CODE.search(page) is None and 'id="form-reissue-code"' in page

    # Not without a reason: the person's code stops working, so the office says why.
    for blank in ({}, {"reason": "   "}):
        refused = office.post(f"{base}/{case_id}/new-code", data=blank, follow_redirects=True)
        assert "请填写补发查询码的原因" in refused.get_data(as_text=True)
    assert _events(world, case_id, "reissue_code") == 0
    assert office.post(f"{base}/{case_id}/new-code", data={"reason": "长" * 201}).status_code in (
        200,
        302,
    )
    assert _events(world, case_id, "reissue_code") == 0

    response = office.post(f"{base}/{case_id}/new-code", data={"reason": REASON})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{case_id}")
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert REASON in page  # the history says why
    found = CODE.search(page)
    assert found is not None and found.group(1) != first.group(1)
    new_code = found.group(1)
    assert 'id="case-receipt"' in page and "补发查询码" in page  # the event in the history

    public = f"/p/{desk.slug}/cases"
    # The old code opens nothing; the new one the case, and its receipt carries its QR code.
    assert client.post(f"{public}/track", data={"code": first.group(1)}).status_code == 404
    assert client.post(f"{public}/receipt", data={"code": first.group(1)}).status_code == 404
    receipt = client.post(f"{public}/receipt", data={"code": new_code})
    assert receipt.status_code == 200
    text = receipt.get_data(as_text=True)
    assert new_code in text and "路灯不亮" in text and 'class="qr-code"' in text
    assert "@page { size: A4" in text

    assert _events(world, case_id, "reissue_code") == 1
    with tenant_context(world.township.id):
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "case.reissue_code", AuditEntry.target_id == str(case_id)
            )
        )
    assert entry is not None and entry.after == {"reason": REASON}


# --- the blank opinion form -----------------------------------------------------------------------


def test_the_blank_opinion_form_is_for_those_who_register_cases(app, desk):
    world = desk.world
    rep = _rep_user(desk)
    path = f"/t/{desk.slug}/cases/blank-opinion-form"
    for user in (desk.office, rep, world.users["branch_liaison"]):
        response = _client(app, user).get(path)
        assert response.status_code == 200, user.username
    text = response.get_data(as_text=True)
    for category in cases.CATEGORIES:
        assert f"□ {category}" in text
    assert "□ 电话" in text and "网上提交" not in text
    assert "代表签字" in text and "记录人签字" in text and "@page { size: A4" in text
    assert world.township.name in text
    # A handling unit registers nothing; another township's admin does not enter ours.
    assert _client(app, desk.lead_user).get(path).status_code == 403
    assert _client(app, world.users["other_admin"]).get(path).status_code == 404
    # The new-case form links to it.
    page = _client(app, desk.office).get(f"/t/{desk.slug}/cases/new").get_data(as_text=True)
    assert f'href="{path}"' in page and 'name="from_paper"' in page


# --- registered from paper ------------------------------------------------------------------------


def test_a_paper_form_keyed_in_on_the_page_is_recorded_shown_and_in_the_api(app, client, desk):
    world = desk.world
    office = _client(app, desk.office)
    base = f"/t/{desk.slug}/cases"
    today = deadlines.shanghai_today()
    form = {"channel": "reception_day", "title": "渠道淤塞", "body": "北沟渠道淤塞，影响灌溉。"}

    # A date on its own, or a date after today: refused, nothing registered.
    before = _count_cases(world)
    response = office.post(f"{base}/new", data={**form, "paper_form_on": today.isoformat()})
    assert response.status_code == 422 and "请勾选“据纸质表登记”" in response.get_data(as_text=True)
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = office.post(
        f"{base}/new", data={**form, "from_paper": "1", "paper_form_on": tomorrow}
    )
    assert response.status_code == 422 and "纸质表日期不能晚于今天" in response.get_data(
        as_text=True
    )
    response = office.post(
        f"{base}/new", data={**form, "from_paper": "1", "paper_form_on": "2026-02-30"}
    )
    assert response.status_code == 422 and "请填写有效的纸质表日期" in response.get_data(
        as_text=True
    )
    assert _count_cases(world) == before

    # Today is the latest date a form may carry.
    response = office.post(
        f"{base}/new", data={**form, "from_paper": "1", "paper_form_on": today.isoformat()}
    )
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    case = _case(world, case_id)
    assert case.from_paper and case.paper_form_on == today and case.on_behalf
    page = office.get(f"{base}/{case_id}").get_data(as_text=True)
    assert f"据纸质表登记（纸质表日期 {today.isoformat()}）" in page

    api = f"/api/v1/t/{desk.slug}/cases"
    headers = bearer(desk.office)
    out = client.get(f"{api}/{case_id}", headers=headers).get_json()
    assert out["from_paper"] is True and out["paper_form_on"] == today.isoformat()
    with tenant_context(world.township.id):
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "case.register", AuditEntry.target_id == str(case_id)
            )
        )
    assert entry is not None
    assert entry.after["from_paper"] is True and entry.after["paper_form_on"] == today.isoformat()

    # A case not from paper says so too, and its page says nothing of paper.
    plain = _register(desk)
    assert client.get(f"{api}/{plain}", headers=headers).get_json()["from_paper"] is False
    assert 'id="case-paper"' not in office.get(f"{base}/{plain}").get_data(as_text=True)


def test_the_api_keys_a_paper_form_in_with_the_same_checks(app, client, desk):
    world = desk.world
    api = f"/api/v1/t/{desk.slug}/cases/"
    headers = bearer(desk.office)
    body = {"channel": "paper", "title": "来信反映噪音", "body": "夜间施工噪音扰民。"}
    last_week = (deadlines.shanghai_today() - timedelta(days=7)).isoformat()

    response = client.post(api, headers=headers, json={**body, "paper_form_on": last_week})
    assert "paper_form_on" in assert_error(response, 422)["errors"]
    tomorrow = (deadlines.shanghai_today() + timedelta(days=1)).isoformat()
    response = client.post(
        api, headers=headers, json={**body, "from_paper": True, "paper_form_on": tomorrow}
    )
    assert "paper_form_on" in assert_error(response, 422)["errors"]

    response = client.post(
        api, headers=headers, json={**body, "from_paper": True, "paper_form_on": last_week}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    out = response.get_json()
    assert out["from_paper"] is True and out["paper_form_on"] == last_week
    listed = client.get(api, headers=headers).get_json()
    assert next(c for c in listed if c["id"] == out["id"])["from_paper"] is True
    case = _case(world, out["id"])
    with tenant_context(world.township.id):
        note = db.session.scalar(
            select(CaseEvent.note).where(
                CaseEvent.case_id == case.id, CaseEvent.action == "register"
            )
        )
    assert note == f"据纸质表登记（纸质表日期 {last_week}）"


def test_the_public_form_cannot_claim_paper(client, desk):
    response = client.post(
        f"/p/{desk.slug}/cases/new",
        data={
            "title": "自己提交",
            "body": "网上提交的诉求。",
            "raiser_phone": PHONE,
            "from_paper": "1",
            "paper_form_on": "2026-01-05",
        },
    )
    assert response.status_code == 200
    with tenant_context(desk.world.township.id):
        case = db.session.scalar(select(Case).where(Case.title == "自己提交"))
        assert case is not None and not case.from_paper and case.paper_form_on is None


def _count_cases(world: Any) -> int:
    db.session.expire_all()
    with tenant_context(world.township.id):
        return len(db.session.scalars(select(Case.id)).all())


def test_a_paper_form_dated_more_than_a_year_back_is_refused(app, client, desk):
    """A form keyed in today may carry a date as far back as the same day last year, no
    further (a date in year 1 was taken and stored)."""
    api = f"/api/v1/t/{desk.slug}/cases/"
    headers = bearer(desk.office)
    body = {"channel": "paper", "title": "来信反映噪音", "body": "夜间施工噪音扰民。"}
    today = deadlines.shanghai_today()
    oldest = deadlines.a_year_before(today)
    for too_old in (oldest - timedelta(days=1), date(1, 1, 1)):
        response = client.post(
            api,
            headers=headers,
            json={**body, "from_paper": True, "paper_form_on": too_old.isoformat()},
        )
        assert "paper_form_on" in assert_error(response, 422)["errors"]
    response = client.post(
        api, headers=headers, json={**body, "from_paper": True, "paper_form_on": oldest.isoformat()}
    )
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("today", "oldest"),
    [(date(2028, 2, 29), date(2027, 2, 28)), (date(2027, 3, 1), date(2026, 3, 1))],
)
def test_a_year_before_keeps_the_calendar_day(today, oldest):
    assert deadlines.a_year_before(today) == oldest
