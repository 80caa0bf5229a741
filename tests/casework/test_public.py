"""Public submission: raise an issue without an account, follow it with a tracking code, rate it.

The code is shown once and only its SHA-256 is kept; a wrong code (or another township's) finds
nothing and says nothing more; lookups and submissions are rate-limited; a honeypot turns bots
away quietly; a suspended township accepts nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select, text

from lianxin.casework import service
from lianxin.casework.models import Case, CaseEvent, CaseState, Channel, Rating
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import TownshipStatus
from tests.factories import actor

FORM = {
    "category": "基础设施",
    "title": "村口路灯不亮",
    "body": "红旗村村口的三盏路灯坏了一个月，晚上出行不安全。",
    "raiser_name": "王大妈",
    "raiser_phone": "13800138000",
}
CODE_RE = re.compile(r'id="tracking-code"[^>]*>\s*([0-9A-Z-]+)\s*<')


def new_path(township: Any) -> str:
    return f"/p/{township.slug}/cases/new"


def track_path(township: Any) -> str:
    return f"/p/{township.slug}/cases/track"


def rate_path(township: Any) -> str:
    return f"/p/{township.slug}/cases/track/rate"


def count_cases(township: Any) -> int:
    with tenant_context(township.id):
        n = db.session.scalar(select(func.count()).select_from(Case)) or 0
    db.session.rollback()
    return n


def submit(client: Any, township: Any, **changes: Any) -> Any:
    return client.post(new_path(township), data={**FORM, **changes})


def submitted_code(client: Any, township: Any, **changes: Any) -> str:
    response = submit(client, township, **changes)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    match = CODE_RE.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:800]
    return match.group(1)


def only_case(township: Any) -> Case:
    with tenant_context(township.id):
        case = db.session.scalars(select(Case)).one()
        db.session.expunge(case)
    db.session.rollback()
    return case


def office_answers_on_spot(world: Any, case_id: int, answer: str) -> None:
    staff = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        service.receive(staff, world.township, case_id)
        service.handle_on_spot(staff, world.township, case_id, answer)


# --- raising an issue -------------------------------------------------------------------------


def test_form_is_public_with_csrf_field_and_honeypot(app, world, client):
    response = client.get(new_path(world.township))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
    for category in service.CATEGORIES:
        assert category in html
    for name in ("title", "body", "raiser_name", "raiser_phone", "anonymous"):
        assert f'name="{name}"' in html


def test_submit_creates_one_public_case_and_shows_the_code_once(app, world, client):
    response = submit(client, world.township)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    code = CODE_RE.search(html).group(1)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    assert "只显示这一次" in html
    # 查看进展 posts the code to the tracking page (tests/casework/test_tracking_code.py).
    assert f'action="{track_path(world.township)}"' in html

    assert count_cases(world.township) == 1
    case = only_case(world.township)
    assert case.channel == Channel.PUBLIC_WEB
    assert case.on_behalf is False and case.recorded_by_id is None
    assert case.state == CaseState.REGISTERED
    assert (case.title, case.category, case.raiser_phone) == (
        FORM["title"],
        FORM["category"],
        "13800138000",
    )
    plain = code.replace("-", "")
    assert case.tracking_hash == hashlib.sha256(plain.encode()).hexdigest()
    # The plain code is nowhere in the case's row, nor in its history.
    with tenant_context(world.township.id):
        row = (
            db.session.execute(
                text("SELECT * FROM cases WHERE tenant_id = :t"), {"t": world.township.id}
            )
            .mappings()
            .one()
        )
        events = (
            db.session.execute(
                text("SELECT * FROM case_events WHERE tenant_id = :t"), {"t": world.township.id}
            )
            .mappings()
            .all()
        )
    stored = json.dumps([dict(row), *map(dict, events)], default=str, ensure_ascii=False)
    assert code not in stored and plain not in stored
    # Another visit of the tracking page does not show it again.
    assert code not in client.get(track_path(world.township)).get_data(as_text=True)


def test_anonymous_submission_needs_no_phone_and_keeps_no_name(app, world, client):
    submitted_code(client, world.township, raiser_phone="", anonymous="1")
    case = only_case(world.township)
    assert case.anonymous is True and case.raiser_name is None and case.raiser_phone is None


def test_honeypot_pretends_success_and_writes_nothing(app, world, client, caplog):
    response = submit(client, world.township, website="http://spam.example")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "提交成功" in html and CODE_RE.search(html)
    assert count_cases(world.township) == 0
    assert any("honeypot" in r.getMessage() for r in caplog.records)


def test_missing_phone_without_anonymous_is_a_named_error(app, world, client):
    response = submit(client, world.township, raiser_phone="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="err-raiser_phone"' in html and "请留下手机号以便答复，或选择匿名" in html
    assert FORM["title"] in html  # what was typed is kept
    assert "tracking-code" not in html
    assert count_cases(world.township) == 0


def test_missing_title_and_bad_category_are_named_errors(app, world, client):
    response = submit(client, world.township, title="", category="乱填")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="err-title"' in html and 'id="err-category"' in html
    assert count_cases(world.township) == 0


def test_the_form_cannot_choose_its_channel_or_claim_staff(app, world, client):
    submitted_code(client, world.township, channel="liaison", on_behalf="1", source_type="x")
    case = only_case(world.township)
    assert case.channel == Channel.PUBLIC_WEB and case.on_behalf is False
    assert case.source_type is None


# --- following it -------------------------------------------------------------------------------


def test_track_shows_state_then_the_answer(app, world, client):
    code = submitted_code(client, world.township)
    response = client.post(track_path(world.township), data={"code": code})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert FORM["title"] in html and "已登记" in html and "答复期限" in html
    assert 'id="rate-form"' not in html  # nothing to rate yet
    # Nothing private: the phone, the name, the body.
    assert "13800138000" not in html and "王大妈" not in html and FORM["body"] not in html

    case = only_case(world.township)
    office_answers_on_spot(world, case.id, "已联系供电所，三天内修好。")
    html = client.post(track_path(world.township), data={"code": code.lower()}).get_data(
        as_text=True
    )
    assert "当场答复" in html and "已联系供电所，三天内修好。" in html
    assert 'id="rate-form"' in html and "满意" in html and "基本满意" in html


def test_rating_works_once(app, world, client):
    code = submitted_code(client, world.township)
    case = only_case(world.township)
    office_answers_on_spot(world, case.id, "已修好。")
    response = client.post(
        rate_path(world.township),
        data={"code": code, "rating": "basically_satisfied", "comment": "修得还算快"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "感谢您的评价" in html and "基本满意" in html and 'id="rate-form"' not in html
    rated = only_case(world.township)
    assert rated.state == CaseState.RATED
    assert rated.rating == Rating.BASICALLY_SATISFIED and rated.rating_comment == "修得还算快"

    with tenant_context(world.township.id):
        events_before = db.session.scalar(select(func.count()).select_from(CaseEvent))
    again = client.post(
        rate_path(world.township), data={"code": code, "rating": "unsatisfied", "comment": "改"}
    )
    assert again.status_code == 409 and "您已评价过" in again.get_data(as_text=True)
    after = only_case(world.township)
    assert (after.rating, after.rating_comment, after.rated_at) == (
        rated.rating,
        rated.rating_comment,
        rated.rated_at,
    )
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == events_before


def test_rating_before_an_answer_or_with_a_bad_value_is_refused(app, world, client):
    code = submitted_code(client, world.township)
    early = client.post(rate_path(world.township), data={"code": code, "rating": "satisfied"})
    assert early.status_code == 409 and "尚未答复" in early.get_data(as_text=True)
    office_answers_on_spot(world, only_case(world.township).id, "已修好。")
    bad = client.post(rate_path(world.township), data={"code": code, "rating": "great"})
    assert bad.status_code == 422 and "请选择满意、基本满意或不满意" in bad.get_data(as_text=True)
    case = only_case(world.township)
    assert case.state == CaseState.HANDLED_ON_SPOT and case.rating is None


def test_a_wrong_code_finds_nothing_and_hints_nothing(app, world, client):
    code = submitted_code(client, world.township)
    wrong = code[:-1] + ("2" if code[-1] != "2" else "3")
    for attempt in (wrong, "", "x" * 500, "' OR 1=1 --"):
        response = client.post(track_path(world.township), data={"code": attempt})
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "查询码不正确" in html
        assert FORM["title"] not in html and "已登记" not in html
    rate = client.post(rate_path(world.township), data={"code": wrong, "rating": "satisfied"})
    assert rate.status_code == 404 and "查询码不正确" in rate.get_data(as_text=True)
    assert only_case(world.township).rating is None


def test_another_townships_code_is_not_found_here(app, world, client):
    theirs = submitted_code(client, world.other, title="乙镇的专属诉求")
    response = client.post(track_path(world.township), data={"code": theirs})
    assert response.status_code == 404 and "乙镇的专属诉求" not in response.get_data(as_text=True)
    with tenant_context(world.other.id):
        case = db.session.scalars(select(Case)).one()
        case_id = case.id
    db.session.rollback()
    staff = actor(world.users["other_admin"])
    with tenant_context(world.other.id):
        service.receive(staff, world.other, case_id)
        service.handle_on_spot(staff, world.other, case_id, "乙镇的答复")
    rate = client.post(rate_path(world.township), data={"code": theirs, "rating": "unsatisfied"})
    assert rate.status_code == 404
    with tenant_context(world.other.id):
        assert db.session.get(Case, (world.other.id, case_id)).rating is None
    db.session.rollback()
    # Under its own township's slug the same code works.
    ok = client.post(track_path(world.other), data={"code": theirs})
    assert ok.status_code == 200 and "乙镇的答复" in ok.get_data(as_text=True)


def test_the_code_never_travels_in_a_url(app, world, client):
    html = client.get(track_path(world.township)).get_data(as_text=True)
    assert 'method="post"' in html and "?code=" not in html
    code = submitted_code(client, world.township)
    assert (
        client.get(f"{track_path(world.township)}?code={code}")
        .get_data(as_text=True)
        .count(FORM["title"])
        == 0
    )


# --- abuse and suspension -------------------------------------------------------------------


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "PUBLIC_TRACK_RATE_LIMIT": "3 per minute"}]
)
def test_lookups_are_rate_limited(app, world, client):
    from lianxin.extensions import limiter

    limiter.reset()
    codes = [
        client.post(
            track_path(world.township), data={"code": f"AAAA-BBBB-CCCC-{i:04d}"}
        ).status_code
        for i in range(4)
    ]
    assert codes == [404, 404, 404, 429]
    # Ratings share the budget, and another township's slug does not reset it.
    assert client.post(rate_path(world.township), data={"code": "x"}).status_code == 429
    assert client.post(track_path(world.other), data={"code": "x"}).status_code == 429
    assert client.get(track_path(world.township)).status_code == 200  # the empty form is free


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "PUBLIC_SUBMIT_RATE_LIMIT": "2 per minute"}]
)
def test_submissions_are_rate_limited(app, world, client):
    from lianxin.extensions import limiter

    limiter.reset()
    codes = [submit(client, world.township, title=f"问题{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert count_cases(world.township) == 2


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_post_without_csrf_token_is_refused(app, world, client):
    response = submit(client, world.township)
    assert response.status_code == 400
    assert count_cases(world.township) == 0
    page = client.get(new_path(world.township)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert submit(client, world.township, csrf_token=token).status_code == 200
    assert count_cases(world.township) == 1


def test_a_suspended_township_accepts_nothing(app, world, client):
    code = submitted_code(client, world.township)
    office_answers_on_spot(world, only_case(world.township).id, "已修好。")
    world.township.status = TownshipStatus.SUSPENDED
    db.session.commit()

    form = client.get(new_path(world.township))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "已暂停" in html and 'name="title"' not in html
    refused = submit(client, world.township, title="暂停期间的诉求")
    assert refused.status_code == 403 and "已暂停" in refused.get_data(as_text=True)
    assert "tracking-code" not in refused.get_data(as_text=True)
    assert count_cases(world.township) == 1

    lookup = client.post(track_path(world.township), data={"code": code})
    assert lookup.status_code == 403 and FORM["title"] not in lookup.get_data(as_text=True)
    rate = client.post(rate_path(world.township), data={"code": code, "rating": "satisfied"})
    assert rate.status_code == 403
    assert only_case(world.township).rating is None
