"""The foundation's cross-township walk, with the reception-days module in the registry and
switched on, and in every township a site, a schedule with a day, the site open that day and a
representative on duty there — so that every id the walk sends from 乙镇 names a real row."""

from __future__ import annotations

from datetime import date, time

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.reception_days.models import DaySite, Duty, ReceptionDay, Schedule, Site
from lianxin.people import service as people
from lianxin.usecases import load_input
from tests.factories import actor
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def world(world):  # the conftest's world, plus reception-day rows in every township
    for township, user in (
        (world.township, world.users["township_admin"]),
        (world.other, world.users["other_admin"]),
        (world.far, world.users["far_admin"]),
    ):
        with tenant_context(township.id):
            rep = people.create_representative(
                actor(user),
                township,
                load_input(
                    people.RepresentativeInputSchema,
                    {
                        "name": f"{township.name}专属代表",
                        "gender": "男",
                        "birth_date": "1970-01-01",
                        "education": "大学本科",
                        "category": "农民",
                        "term": 13,
                        "is_grassroots_cadre": True,
                    },
                ),
            )
            site = Site(kind="township_room", name=f"{township.name}专属接待点", address="")
            schedule = Schedule(year=2026, status="published", rule={})
            db.session.add_all([site, schedule])
            db.session.flush()
            day = ReceptionDay(
                schedule_id=schedule.id,
                day=date(2026, 3, 16),
                rule_day=date(2026, 3, 16),
                starts_at=time(8, 30),
                ends_at=time(17, 30),
                moved_reason=f"{township.name}专属调整原因",
            )
            db.session.add(day)
            db.session.flush()
            db.session.add(DaySite(day_id=day.id, site_id=site.id, note=f"{township.name}专属"))
            db.session.flush()
            db.session.add(Duty(day_id=day.id, site_id=site.id, representative_id=rep.id))
            db.session.commit()
    return world


def test_the_walk_sees_reception_day_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    base = "/api/v1/t/<township_slug>/reception_days"
    for path in (
        "/sites/<int:site_id>",
        "/schedules/<int:year>/publish",
        "/days/<int:day_id>/sites/<int:site_id>/team",
        "/days/<int:day_id>/sites/<int:site_id>/people",
        "/duties/<int:duty_id>/substitute",
        "/days/<int:day_id>/cases",
        "/days/<int:day_id>/summary",
        "/reports/<int:year>",
    ):
        assert base + path in rules, path
