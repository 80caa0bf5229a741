"""The year's public commitments beside a duty report (issue 24, 003 "承诺、亮诺、践诺、述诺、评诺":
at year end the commitments feed the duty report and its evaluation by party members).

The evaluation of a representative's duty report asks every switched-on part through the
registry's report-commitment hook, never importing the commitments module. Raters see, beside
the report on the answer page (a one-time link, on a phone), the subject's commitments of the
campaign's year with their status and latest progress note; so do the API's subject and form,
the campaign page, the results and the subject's own feedback. Only what the public board
shows: one waiting for approval or returned never appears, nor one of the previous year, nor
another township's (even for a representative of the same id there). A township with the
module off shows nothing, and no error. The answers are sealed as before. SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.commitments.models import Commitment, Progress, Status
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import GradeInput
from lianxin.people.models import Representative
from tests.factories import actor
from tests.helpers import bearer, login
from tests.modules.evaluations import steps
from tests.modules.evaluations.conftest import switch_module

KEPT = "修通村东头道路，解决群众出行难"
NOT_KEPT = "帮扶五户困难家庭增收"
ON_TRACK = "年底前走访全部网格户"
LAST_YEAR = "上年承诺：修建文化广场"
PENDING = "尚待审核的承诺"
RETURNED = "被退回修改的承诺"
ELSEWHERE = "乙镇代表的承诺"
LATEST = "道路已全线硬化通车"
EARLIER = "已联系镇交通站勘察"


@pytest.fixture
def modules_on():
    from lianxin.modules.commitments.module import MODULE as COMMITMENTS

    return (COMMITMENTS,)


def _commitment(rep_id: int, year: int, content: str, due: date, status: str) -> Commitment:
    row = Commitment(
        representative_id=rep_id, year=year, content=content, due_on=due, status=status
    )
    if status in (Status.KEPT, Status.NOT_KEPT):
        row.closed_on, row.close_note = due, "联络办评定"
    db.session.add(row)
    return row


def _commitments(world, cast) -> None:
    """reps[0]: one kept (two progress notes) and one not kept in 2025, one kept in 2024, one
    pending and one returned in 2025; reps[1]: one under way in 2025. In the other township, a
    representative of reps[0]'s very id with a public commitment of 2025."""
    one, two = cast.reps[0], cast.reps[1]
    with tenant_context(world.township.id):
        kept = _commitment(one, 2025, KEPT, date(2025, 6, 30), Status.KEPT)
        _commitment(one, 2025, NOT_KEPT, date(2025, 10, 31), Status.NOT_KEPT)
        _commitment(one, 2024, LAST_YEAR, date(2024, 9, 30), Status.KEPT)
        _commitment(one, 2025, PENDING, date(2025, 12, 20), Status.PENDING)
        _commitment(one, 2025, RETURNED, date(2025, 12, 20), Status.RETURNED)
        _commitment(two, 2025, ON_TRACK, date(2025, 12, 31), Status.APPROVED)
        db.session.flush()
        db.session.add_all(
            [
                Progress(commitment_id=kept.id, noted_on=date(2025, 5, 20), note=LATEST),
                Progress(commitment_id=kept.id, noted_on=date(2025, 3, 1), note=EARLIER),
            ]
        )
        db.session.commit()
    with tenant_context(world.other.id):
        twin = Representative(
            id=one,
            name="乙镇代表",
            name_pinyin="yizhendaibiao",
            name_initials="yzdb",
            gender="男",
            birth_date=date(1970, 1, 1),
            education="高中",
            category="农民",
            term=13,
        )
        db.session.add(twin)
        db.session.flush()
        _commitment(one, 2025, ELSEWHERE, date(2025, 8, 31), Status.APPROVED)
        db.session.commit()


def _campaign(world, cast, office, *, raters: int = 5, report: bool = True):
    """A duty-report campaign of 2025 (closing 31 December) of reps 0 and 1, opened; five
    party members of their branch rate by one-time link. Returns (campaign id, subject ids,
    the links' tokens)."""
    with tenant_context(world.township.id):
        township = world.township
        campaign, subjects = steps.duty_campaign(world, office, cast.reps[:2], raters=raters)
        if report:
            service.set_report(office, township, subjects[0].id, "本人2025年度履职情况如下。")
        links = service.open_campaign(office, township, campaign.id)
        return campaign.id, [s.id for s in subjects], [link.token for link in links]


def _section(page: str, subject_id: int) -> str:
    return page.split(f'id="subject-{subject_id}"')[1].split('class="ev-subject"')[0]


def _link_page(app, world, token: str) -> tuple[object, str]:
    client = app.test_client()
    first = client.get(f"/p/{world.township.slug}/evaluations/answer/{token}")
    assert first.status_code == 302
    url = first.headers["Location"]
    page = client.get(url)
    assert page.status_code == 200
    return client, url


def test_raters_see_this_years_commitments_with_their_status_beside_the_report(
    app, clock, world, cast, office
):
    _commitments(world, cast)
    campaign_id, (one, two), tokens = _campaign(world, cast, office)
    client, url = _link_page(app, world, tokens[0])
    page = client.get(url).get_data(as_text=True)
    first = _section(page, one)
    assert "述职报告" in first and "本人2025年公开承诺 2 项" in first
    assert KEPT in first and NOT_KEPT in first
    assert re.search(r"cm-state ok\">已兑现<", first) and "未兑现" in first
    assert "完成期限 2025-06-30" in first and "完成期限 2025-10-31" in first
    # What the public board shows, no more: the progress notes (践诺, which the office may write
    # naming the people helped) stay in the township, away from a guest rater's link.
    assert "最近进展" not in page and LATEST not in page and EARLIER not in page
    # Only the public board's commitments of the campaign's year, and only our township's.
    for hidden in (LAST_YEAR, PENDING, RETURNED, ELSEWHERE):
        assert hidden not in page
    second = _section(page, two)
    assert ON_TRACK in second and "进行中" in second and KEPT not in second
    # The answer is taken and sealed as before.
    with tenant_context(world.township.id):
        campaign = service.get_campaign(office, world.township, campaign_id)
        dims = list(campaign.dimensions)
    form = {}
    for sid in (one, two):
        form.update({f"s{sid}-{d['key']}": "8" for d in dims})
    done = client.post(url, data=form)
    assert done.status_code == 200 and "提交成功" in done.get_data(as_text=True)
    assert KEPT not in done.get_data(as_text=True)


def test_the_subject_and_the_office_see_them_on_the_campaign_page(app, clock, world, cast, office):
    _commitments(world, cast)
    campaign_id, (one, _two), _tokens = _campaign(world, cast, office)
    client = app.test_client()
    login(client, db.session.get(User, cast.users[0].id))
    page = client.get(f"/t/{world.township.slug}/evaluations/{campaign_id}").get_data(as_text=True)
    mine = page.split(f'id="subject-{one}"')[1].split('class="ev-item"')[0]
    assert KEPT in mine and NOT_KEPT in mine and LAST_YEAR not in mine and PENDING not in mine


def test_the_api_lists_them_in_the_subject_and_the_form(app, clock, world, cast, office):
    _commitments(world, cast)
    campaign_id, (one, two), _tokens = _campaign(world, cast, office)
    client = app.test_client()
    with tenant_context(world.township.id):
        staff = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{world.township.slug}/evaluations"
    form = client.get(f"{base}/campaigns/{campaign_id}/form", headers=staff)
    assert form.status_code == 200
    by_id = {s["id"]: s for s in form.get_json()["subjects"]}
    assert [(c["content"], c["state"], c["state_label"]) for c in by_id[one]["commitments"]] == [
        (KEPT, "kept", "已兑现"),
        (NOT_KEPT, "not_kept", "未兑现"),
    ]
    kept = by_id[one]["commitments"][0]
    assert kept["due_on"] == "2025-06-30"
    assert set(kept) == {"content", "due_on", "state", "state_label"}  # the board's, no notes
    assert [c["state"] for c in by_id[two]["commitments"]] == ["on_track"]
    listed = client.get(f"{base}/campaigns/{campaign_id}/subjects", headers=staff).get_json()
    assert [len(s["commitments"]) for s in listed] == [2, 1]
    single = client.get(f"{base}/subjects/{one}", headers=staff).get_json()
    assert single["commitments"] == by_id[one]["commitments"]
    text = form.get_data(as_text=True)
    for hidden in (LAST_YEAR, PENDING, RETURNED, ELSEWHERE):
        assert hidden not in text


def test_the_results_show_them_beside_each_subjects_figures(app, clock, world, cast, office):
    _commitments(world, cast)
    campaign_id, (one, two), tokens = _campaign(world, cast, office)
    with tenant_context(world.township.id):
        township = world.township
        for token in tokens:
            chosen, rater = service.rater_by_link(township, token)
            form = service.form_subjects(township, chosen, rater)
            service.submit_by_link(township, token, steps.answers(chosen, form, 9, "excellent"))
        service.close_campaign(office, township, campaign_id)
        rows = {r.subject.id: r for r in service.results(office, township, campaign_id)}
    assert [c.state for c in rows[one].commitments] == ["kept", "not_kept"]
    assert [c.content for c in rows[two].commitments] == [ON_TRACK]
    client = app.test_client()
    login(client, db.session.get(User, world.users["committee_member"].id))
    page = client.get(f"/t/{world.township.slug}/evaluations/{campaign_id}/results")
    text = page.get_data(as_text=True)
    section = text.split(f'id="result-{one}"')[1].split('<section class="card"')[0]
    assert page.status_code == 200 and KEPT in section and "未兑现" in section
    with tenant_context(world.township.id):
        staff = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{world.township.slug}/evaluations"
    got = client.get(f"{base}/subjects/{one}/result", headers=staff)
    assert got.status_code == 200, got.get_data(as_text=True)
    assert [c["state"] for c in got.get_json()["subject"]["commitments"]] == ["kept", "not_kept"]
    listed = client.get(f"{base}/campaigns/{campaign_id}/results", headers=staff).get_json()
    assert {r["subject"]["id"]: len(r["subject"]["commitments"]) for r in listed} == {
        one: 2,
        two: 1,
    }
    # The subject reads them beside his own result once it is published (我的评议反馈).
    with tenant_context(world.township.id):
        township = world.township
        subject = service.get_subject(office, township, one)
        steps.opinions(office, township, [subject])
        committee = actor(world.users["committee_member"])
        service.decide_grade(committee, township, one, GradeInput("competent", "有承诺未兑现"))
        service.set_published(office, township, one, True)
    mine = app.test_client()
    login(mine, db.session.get(User, cast.users[0].id))
    feedback = mine.get(f"/t/{world.township.slug}/evaluations/feedback").get_data(as_text=True)
    assert f'id="feedback-{one}"' in feedback and KEPT in feedback and NOT_KEPT in feedback
    assert LAST_YEAR not in feedback


def test_a_township_without_the_module_shows_nothing_and_no_error(app, clock, world, cast, office):
    _commitments(world, cast)
    switch_module(world.township, "commitments", on=False)
    campaign_id, (one, _two), tokens = _campaign(world, cast, office)
    client, url = _link_page(app, world, tokens[0])
    page = client.get(url).get_data(as_text=True)
    assert "述职报告" in _section(page, one)
    assert "公开承诺" not in page and KEPT not in page
    with tenant_context(world.township.id):
        staff = bearer(world.users["township_staff"])
    form = app.test_client().get(
        f"/api/v1/t/{world.township.slug}/evaluations/campaigns/{campaign_id}/form",
        headers=staff,
    )
    assert form.status_code == 200
    assert [s["commitments"] for s in form.get_json()["subjects"]] == [[], []]


def test_another_townships_commitments_never_appear(clock, world, cast, office):
    """The other township's representative has reps[0]'s id and a public commitment of 2025;
    switched on there too, it still never reaches our evaluation, nor ours theirs."""
    _commitments(world, cast)
    _campaign_id, (one, _two), _tokens = _campaign(world, cast, office)
    with tenant_context(world.township.id):
        subject = service.get_subject(office, world.township, one)
        found = service.report_commitments(world.township, [subject])
    assert [c.content for c in found[one]] == [KEPT, NOT_KEPT]
    from lianxin.modules.commitments.report import report_commitments

    with tenant_context(world.other.id, read_only=True):
        assert [c.content for c in report_commitments(2025, [cast.reps[0]])[cast.reps[0]]] == [
            ELSEWHERE
        ]


def test_only_duty_reports_of_representatives_have_them(clock, world, cast, office, tctx):
    _commitments(world, cast)
    made = steps.campaign(cast, tctx, office, shape="committee")
    subjects = service.subjects(office, tctx, made.id)
    assert subjects and service.report_commitments(tctx, subjects) == {}
    assert service.report_commitments(tctx, []) == {}


def test_the_hook_asks_a_fixed_number_of_queries_whatever_the_batch(clock, world, cast):
    from lianxin.modules.commitments.report import report_commitments

    _commitments(world, cast)

    def queries(rep_ids):
        seen: list[str] = []
        bind = db.session.get_bind()
        engine = getattr(bind, "engine", bind)

        def listen(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", listen)
        try:
            with tenant_context(world.township.id, read_only=True):
                found = report_commitments(2025, rep_ids)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len([s for s in seen if s.lstrip().upper().startswith("SELECT")]), found

    queries(cast.reps[1:2])  # the first read of the test begins its transaction
    small, found_small = queries(cast.reps[:1])
    large, found_large = queries(cast.reps[:30])
    assert small == large  # two reads (and the tenant setting on PostgreSQL)
    assert len(found_small[cast.reps[0]]) == 2 and set(found_large) == set(cast.reps[:2])


def test_only_switched_on_parts_are_asked():
    from lianxin.modules.registry import ModuleSpec, Registry

    def none(year, ids):
        return {}

    registry = Registry(
        [
            ModuleSpec(key="a", name="甲", report_commitments=none),
            ModuleSpec(key="b", name="乙"),
            ModuleSpec(key="core", name="核心", core=True, report_commitments=none),
        ]
    )
    assert [s.key for s, _fn in registry.report_commitment_sources({"b"})] == ["core"]
    assert [s.key for s, _fn in registry.report_commitment_sources({"a", "b"})] == ["a", "core"]


def test_evaluations_never_import_commitments():
    """The commitments come through the registry: no import path, direct or not, leads from
    the evaluations module to the commitments module."""
    from tests.test_import_graph import _graph

    edges = _graph()
    start = [name for name in edges if name.startswith("lianxin.modules.evaluations")]
    seen, todo = set(start), list(start)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert start and not [n for n in seen if n.startswith("lianxin.modules.commitments")]
    assert "lianxin.modules.registry" in seen
