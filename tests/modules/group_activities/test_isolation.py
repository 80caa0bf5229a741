"""The foundation's cross-township walk, with the group-activities module (and the annual
sessions) in the registry and switched on, and a group with a plan, an activity, its attendance,
an outcome and a report in every township."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions.models import Session
from lianxin.modules.group_activities.models import (
    Activity,
    Attendance,
    Keeper,
    Outcome,
    PlanItem,
    Reception,
    Report,
    Visit,
    VisitPlan,
)
from lianxin.people.models import Representative, RepresentativeGroup
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def app_modules():  # the module and the sessions its reports follow: the walk is about theirs
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.group_activities.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, SESSIONS, MODULE)


@pytest.fixture
def world(world):  # the conftest's world, plus group-activity rows in every township
    for township in (world.township, world.other, world.far):
        with tenant_context(township.id):
            group = RepresentativeGroup(name=f"{township.name}专属小组")
            rep = Representative(
                name=f"{township.name}专属代表",
                name_pinyin="zhuanshu",
                name_initials="zs",
                gender="男",
                birth_date=date(1970, 1, 1),
                education="高中",
                category="农民",
                term=13,
            )
            session = Session(
                title=f"{township.name}专属年会",
                held_on=date(2030, 1, 1),
                ends_on=date(2030, 1, 1),
                place="",
                checkin_token="x" * 24,
            )
            db.session.add_all([group, rep, session])
            db.session.flush()
            activity = Activity(
                group_id=group.id,
                topic=f"{township.name}专属活动",
                held_on=date(2026, 1, 5),
                ends_on=date(2026, 1, 5),
                place="",
                content="",
            )
            db.session.add_all(
                [
                    activity,
                    PlanItem(group_id=group.id, year=2026, month=3, topic="专属计划"),
                ]
            )
            db.session.flush()
            db.session.add_all(
                [
                    Attendance(activity_id=activity.id, representative_id=rep.id, attended=True),
                    Outcome(activity_id=activity.id, text=f"{township.name}专属成果"),
                    Report(
                        group_id=group.id,
                        session_id=session.id,
                        body=f"{township.name}专属报告",
                        due_on=date(2029, 12, 17),
                        submitted_on=date(2029, 12, 1),
                        late=False,
                    ),
                ]
            )
            member = world.users["township_staff"].id
            plan = VisitPlan(year=2026, month=11, published_on=date(2026, 9, 1))
            db.session.add_all(
                [
                    Reception(day=date(2026, 6, 15), member_user_id=member, group_ids=[group.id]),
                    Keeper(group_id=group.id, year=2026, member_user_id=member),
                    plan,
                ]
            )
            db.session.flush()
            db.session.add(
                Visit(
                    plan_id=plan.id, member_user_id=member, group_id=group.id, day=date(2026, 11, 5)
                )
            )
            db.session.commit()
    return world


def test_the_walk_sees_group_activity_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/group_activities/activities/<int:activity_id>" in rules
    assert "/api/v1/t/<township_slug>/group_activities/outcomes/<int:outcome_id>/case" in rules
    assert "/t/<township_slug>/group_activities/visits/<int:plan_id>" in rules
    assert "/t/<township_slug>/group_activities/visit/<int:visit_id>/minutes" in rules
    assert "/api/v1/t/<township_slug>/group_activities/sessions/<int:session_id>/reports" in rules
    assert "/api/v1/t/<township_slug>/group_activities/sessions/<int:session_id>/file" in rules
    assert "/api/v1/t/<township_slug>/group_activities/keepers/<int:keeper_id>" in rules
    assert "/api/v1/t/<township_slug>/group_activities/receptions/<int:reception_id>/notes" in rules


def test_new_tables_are_tenant_owned(world):
    """Another township's reception, schedule and visit are not found, by the use cases."""
    from lianxin.errors import NotFound
    from lianxin.modules.group_activities import service

    with tenant_context(world.other.id):
        foreign = (
            db.session.scalars(select(Reception)).one().id,
            db.session.scalars(select(VisitPlan)).one().id,
            db.session.scalars(select(Visit)).one().id,
        )
    with tenant_context(world.township.id):
        assert len(db.session.scalars(select(Reception)).all()) == 1  # ours only
        for find, id_ in zip(
            (service.find_reception, service.find_plan, service.find_visit), foreign, strict=True
        ):
            with pytest.raises(NotFound):
                find(world.township, id_)
