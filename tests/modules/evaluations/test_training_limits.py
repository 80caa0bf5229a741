"""What absences from training mean for the year's grade (issue 24; 001 果园 "凡连续两次不参加学习
的，民主评议党员时不能评为优秀等次""无故不参加学习的…定为不合格等次"): the evaluation of a
representative's duty report asks every switched-on module through the registry's grade-limit
hook, never importing trainings. One absence leaves 优秀 open, two in a row close it (称职 is
accepted), an unexcused one sets 不称职; the bound shows beside the proposed grade, lowers the
office's proposal, and a grade above it is refused (a flashed error on the page, 409 on the
API). A rule switched off in one township, or the module switched off, bounds nothing there;
the year is the one of the campaign's closing date."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.errors import GradeAboveLimit
from lianxin.modules.evaluations.inputs import GradeInput
from lianxin.modules.evaluations.models import Campaign, Subject
from lianxin.modules.kit import module_settings
from lianxin.modules.trainings.models import (
    Leave,
    TrainingCheckIn,
    TrainingInvitation,
    TrainingSession,
)
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import assert_error, bearer, login
from tests.modules.evaluations import steps
from tests.modules.evaluations.conftest import switch_module

# Three sessions of 2025, all over before the clock's 15 December 2025.
SESSIONS = (date(2025, 10, 10), date(2025, 11, 10), date(2025, 12, 10))


@pytest.fixture
def modules_on():
    from lianxin.modules.trainings.module import MODULE as TRAININGS

    return (TRAININGS,)


def _absences(world, cast) -> None:
    """cast.reps[0] (one): missed the third session on leave; [1] (two in a row): missed the
    second and the third on leave; [2] (unexcused): missed the first with no leave."""
    missed = {0: {2: True}, 1: {1: True, 2: True}, 2: {0: False}}  # session: excused
    with tenant_context(world.township.id):
        for n, day in enumerate(SESSIONS):
            session = TrainingSession(
                title=f"第{n + 1}次集中学习",
                kind="study",
                starts_on=day,
                ends_on=day,
                audience="all",
                group_ids=[],
                term=13,
            )
            db.session.add(session)
            db.session.flush()
            for who in range(3):
                rep_id = cast.reps[who]
                excused = missed[who].get(n)
                db.session.add(
                    TrainingInvitation(
                        session_id=session.id,
                        representative_id=rep_id,
                        term=13,
                        leave=Leave.APPROVED if excused else None,
                    )
                )
                if excused is None:
                    db.session.add(
                        TrainingCheckIn(session_id=session.id, representative_id=rep_id, day=day)
                    )
        db.session.commit()


def _counted(
    world, cast, office, closes_on=date(2025, 12, 31), before_close=None, opens_on=date(2025, 12, 1)
):
    """A duty-report campaign of reps 0–2, rated 10 (优秀) by five party members, closed and
    counted; the leader's opinions recorded. Returns (campaign id, [subject ids])."""
    _absences(world, cast)
    with tenant_context(world.township.id):
        township = world.township
        campaign, subjects = steps.duty_campaign(
            world, office, cast.reps[:3], opens_on=opens_on, closes_on=closes_on
        )
        links = service.open_campaign(office, township, campaign.id)
        assert len(links) == 5
        for link in links:
            chosen, rater = service.rater_by_link(township, link.token)
            form = service.form_subjects(township, chosen, rater)
            service.submit_by_link(
                township, link.token, steps.answers(campaign, form, 10, "excellent")
            )
        if before_close:
            before_close()
        service.close_campaign(office, township, campaign.id)
        steps.opinions(office, township, subjects)
        return campaign.id, [s.id for s in subjects]


def _subject(world, subject_id) -> Subject:
    with tenant_context(world.township.id):
        db.session.expire_all()
        row = db.session.get(Subject, (world.township.id, subject_id))
        assert row is not None
        return row


def _decide(world, who, subject_id, grade, reason=""):
    with tenant_context(world.township.id):
        return service.decide_grade(who, world.township, subject_id, GradeInput(grade, reason))


def test_one_absence_leaves_excellent_two_in_a_row_bar_it_unexcused_fails(
    clock, world, cast, office
):
    campaign_id, (one, two, unexcused) = _counted(world, cast, office)
    with tenant_context(world.township.id):
        rows = {r.subject.id: r for r in service.results(office, world.township, campaign_id)}
    # The bound beside each result, and the office's proposal lowered to it at the count.
    assert rows[one].limit is None and rows[one].proposed_grade == "excellent"
    assert rows[two].limit.cap == "competent" and rows[two].limit.lowest_forced is None
    assert "连续两次" in rows[two].limit.reasons[0] and "2025年" in rows[two].limit.reasons[0]
    assert rows[two].proposed_grade == "competent"
    assert rows[unexcused].limit.cap == rows[unexcused].limit.lowest_forced == "incompetent"
    assert "无故不参加学习培训 1 次" in rows[unexcused].limit.reasons[0]
    assert [_subject(world, s).proposed_grade for s in (one, two, unexcused)] == [
        "excellent",
        "competent",
        "incompetent",
    ]

    committee = actor(world.users["committee_member"])
    assert _decide(world, committee, one, "excellent").grade == "excellent"
    with pytest.raises(GradeAboveLimit) as refused:
        _decide(world, committee, two, "excellent", "群众评价很好")
    assert refused.value.code == "grade_above_limit"
    assert "不能评为优秀" in refused.value.message and "连续两次" in refused.value.message
    assert _subject(world, two).grade is None  # nothing written
    assert _decide(world, committee, two, "competent").grade == "competent"
    with pytest.raises(GradeAboveLimit, match="无故"):
        _decide(world, committee, unexcused, "competent", "情有可原")
    assert _decide(world, committee, unexcused, "incompetent").grade == "incompetent"
    # The office may not propose above it either.
    with tenant_context(world.township.id), pytest.raises(GradeAboveLimit):
        service.propose_grade(office, world.township, two, GradeInput("excellent", "群众评价很好"))


def test_the_rule_switched_off_in_one_township_only_bounds_nothing_there(
    clock, world, cast, office
):
    admin = actor(world.users["township_admin"])

    def switch_off():
        tenants.update_township_settings(
            admin, world.township, "trainings", {"consecutive_absences_bar_excellent": False}
        )

    campaign_id, (_one, two, unexcused) = _counted(world, cast, office, before_close=switch_off)
    with tenant_context(world.other.id):
        assert module_settings(world.other.id, "trainings")["consecutive_absences_bar_excellent"]
    with tenant_context(world.township.id):
        rows = {r.subject.id: r for r in service.results(office, world.township, campaign_id)}
    assert rows[two].limit is None and rows[two].proposed_grade == "excellent"
    assert rows[unexcused].limit.cap == "incompetent"  # the other rule still holds
    committee = actor(world.users["committee_member"])
    assert _decide(world, committee, two, "excellent").grade == "excellent"


def test_trainings_switched_off_bounds_nothing(clock, world, cast, office):
    def module_off():
        switch_module(world.township, "trainings", on=False)

    campaign_id, (_one, two, unexcused) = _counted(world, cast, office, before_close=module_off)
    with tenant_context(world.township.id):
        rows = service.results(office, world.township, campaign_id)
    assert all(r.limit is None for r in rows)
    committee = actor(world.users["committee_member"])
    assert _decide(world, committee, two, "excellent").grade == "excellent"
    assert _decide(world, committee, unexcused, "excellent").grade == "excellent"


def test_a_season_into_january_grades_the_year_before(clock, world, cast, office):
    """The season runs 1 December to 15 January: the campaign grades 2025, so the 2025 absences
    bound it (it is not the closing date's year)."""
    campaign_id, (one, two, unexcused) = _counted(world, cast, office, closes_on=date(2026, 1, 15))
    with tenant_context(world.township.id):
        limits = {
            r.subject.id: r.limit for r in service.results(office, world.township, campaign_id)
        }
    assert limits[one] is None
    assert limits[two] is not None and limits[unexcused] is not None


@pytest.mark.parametrize(
    ("opens_on", "year"),
    [
        (date(2026, 1, 5), 2025),
        (date(2026, 2, 28), 2025),
        (date(2026, 3, 1), 2026),
        (date(2025, 12, 1), 2025),
        (date(2025, 7, 1), 2025),
    ],
)
def test_the_year_a_campaign_grades(opens_on, year):
    """Opened in January or February: the year before (the season's tail); else its own year."""
    campaign = Campaign(opens_on=opens_on, closes_on=opens_on + timedelta(days=30))
    assert service.campaign_year(campaign) == year


def test_the_page_shows_the_bound_and_flashes_the_refusal(app, clock, world, cast, office):
    campaign_id, (one, two, _unexcused) = _counted(world, cast, office)
    client = app.test_client()
    login(client, db.session.get(User, world.users["committee_member"].id))
    url = f"/t/{world.township.slug}/evaluations/{campaign_id}"
    page = client.get(f"{url}/results").get_data(as_text=True)
    section = page.split(f'id="result-{two}"')[1].split('<section class="card"')[0]
    assert "等次限制：最高只能评为称职" in section and "连续两次不参加学习培训" in section
    assert "等次限制" not in page.split(f'id="result-{one}"')[1].split('<section class="card"')[0]
    assert "等次限制：应定为不称职" in page
    refused = client.post(
        f"{url}/subjects/{two}/grade", data={"grade": "excellent", "reason": "群众评价很好"}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "不能评为优秀" in text and "群众评价很好" in text
    assert _subject(world, two).grade is None
    done = client.post(f"{url}/subjects/{two}/grade", data={"grade": "competent"})
    assert done.status_code == 302 and _subject(world, two).grade == "competent"


def test_the_api_refuses_with_409_and_lists_the_bound(app, clock, world, cast, office):
    campaign_id, (one, two, _unexcused) = _counted(world, cast, office)
    client = app.test_client()
    with tenant_context(world.township.id):
        ids = SimpleNamespace(
            committee=bearer(world.users["committee_member"]),
            staff=bearer(world.users["township_staff"]),
        )
    base = f"/api/v1/t/{world.township.slug}/evaluations"
    results = client.get(f"{base}/campaigns/{campaign_id}/results", headers=ids.staff).get_json()
    by_id = {r["subject"]["id"]: r for r in results}
    assert by_id[one]["grade_limit"] is None
    bound = by_id[two]["grade_limit"]
    assert bound["cap"] == bound["highest"] == "competent" and bound["lowest_forced"] is None
    assert "连续两次" in bound["reasons"][0] and by_id[two]["proposed_grade"] == "competent"
    body = assert_error(
        client.post(
            f"{base}/subjects/{two}/grade",
            headers=ids.committee,
            json={"grade": "excellent", "reason": "群众评价很好"},
        ),
        409,
        "grade_above_limit",
    )
    assert "不能评为优秀" in body["message"]
    made = client.post(
        f"{base}/subjects/{two}/grade", headers=ids.committee, json={"grade": "competent"}
    )
    assert made.status_code == 200 and made.get_json()["grade"] == "competent"


def test_evaluations_never_import_trainings():
    """The bound comes through the registry: no import path, direct or not, leads from the
    evaluations module to the trainings module."""
    from tests.test_import_graph import _graph

    edges = _graph()
    start = [name for name in edges if name.startswith("lianxin.modules.evaluations")]
    seen, todo = set(start), list(start)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert start and not [n for n in seen if n.startswith("lianxin.modules.trainings")]
    assert "lianxin.modules.registry" in seen


def test_the_hook_asks_a_fixed_number_of_queries_whatever_the_batch(clock, world, cast):
    from sqlalchemy import event

    from lianxin.modules.trainings.grades import grade_limits

    _absences(world, cast)

    def queries(rep_ids) -> tuple[int, dict]:
        seen: list[str] = []
        bind = db.session.get_bind()
        engine = getattr(bind, "engine", bind)

        def listen(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", listen)
        try:
            with tenant_context(world.township.id, read_only=True):
                found = grade_limits(2025, rep_ids)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len([s for s in seen if s.lstrip().upper().startswith("SELECT")]), found

    grade_limits_warm = queries(cast.reps[:1])  # settings read once, then cached
    small, found_small = queries(cast.reps[1:2])
    large, found_large = queries(cast.reps[:30])
    assert grade_limits_warm[1] == {} and found_small[cast.reps[1]].cap == "competent"
    assert small == large
    assert set(found_large) == {cast.reps[1], cast.reps[2]}


def test_limits_fold_and_only_switched_on_parts_are_asked():
    from lianxin.modules.registry import GradeLimit, ModuleSpec, Registry, tightest

    bar = GradeLimit("competent", None, ("连续两次",))
    fail = GradeLimit("incompetent", "incompetent", ("无故",))
    assert bar.allows("competent") and not bar.allows("excellent")
    assert bar.bounded("excellent") == "competent" and bar.bounded("incompetent") == "incompetent"
    assert GradeLimit(None, "competent").cap == "competent"
    assert tightest([]) is None and tightest([GradeLimit()]) is None
    both = tightest([bar, fail])
    assert both is not None and both.cap == "incompetent" and both.reasons == ("连续两次", "无故")

    def limits(year, ids):
        return {}

    registry = Registry(
        [
            ModuleSpec(key="a", name="甲", grade_limits=limits),
            ModuleSpec(key="b", name="乙"),
            ModuleSpec(key="core", name="核心", core=True, grade_limits=limits),
        ]
    )
    assert [s.key for s, _fn in registry.grade_limit_sources({"b"})] == ["core"]
    assert [s.key for s, _fn in registry.grade_limit_sources({"a", "b"})] == ["a", "core"]
