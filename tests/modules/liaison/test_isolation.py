"""The foundation's cross-township walk, with the liaison module in the registry and switched
on, and in every township a committee member, a representative, a party member and a household
paired at every level, a contact, a report, a meeting and a branch confirmation — so that every
id the walk sends from 乙镇 names a real row."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.liaison.models import (
    BranchReview,
    Contact,
    Link,
    Meeting,
    MeetingAttendee,
    Report,
)
from lianxin.people import service as people
from lianxin.people.models import Household, PartyMember
from lianxin.usecases import load_input
from tests.factories import actor, grant, make_user
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def world(world):  # the conftest's world, plus a liaison chain in every township
    for key, township, user in (
        ("t", world.township, world.users["township_admin"]),
        ("o", world.other, world.users["other_admin"]),
        ("f", world.far, world.users["far_admin"]),
    ):
        committee = make_user(f"{key}.liaison.committee", name=f"{township.name}专属委员")
        grant(committee, Role.COMMITTEE_MEMBER, township=township)
        branch = world.branches[key]
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
                        "branch_id": branch.id,
                    },
                ),
            )
            member = PartyMember(
                name=f"{township.name}专属党员",
                name_pinyin="x",
                name_initials="x",
                branch_id=branch.id,
            )
            household = Household(head_name=f"{township.name}专属户主", branch_id=branch.id)
            db.session.add_all([member, household])
            db.session.flush()
            links = [
                Link(
                    year=2026,
                    level="committee_rep",
                    pair_key=f"cr:{committee.id}:{rep.id}",
                    upper_user_id=committee.id,
                    lower_rep_id=rep.id,
                    branch_id=branch.id,
                    started_on=date(2026, 1, 1),
                ),
                Link(
                    year=2026,
                    level="rep_member",
                    pair_key=f"rm:{rep.id}:{member.id}",
                    upper_rep_id=rep.id,
                    lower_member_id=member.id,
                    branch_id=branch.id,
                    started_on=date(2026, 1, 1),
                ),
                Link(
                    year=2026,
                    level="member_household",
                    pair_key=f"mh:{member.id}:{household.id}",
                    upper_member_id=member.id,
                    lower_household_id=household.id,
                    branch_id=branch.id,
                    started_on=date(2026, 1, 1),
                ),
            ]
            db.session.add_all(links)
            db.session.flush()
            db.session.add(
                Contact(
                    link_id=links[1].id,
                    contacted_on=date(2026, 2, 1),
                    method="visit",
                    summary=f"{township.name}专属走访",
                    client_key=f"{key}-isolation-contact",
                )
            )
            db.session.add(
                Report(
                    representative_id=rep.id, year=2026, quarter=1, text=f"{township.name}专属报告"
                )
            )
            meeting = Meeting(
                committee_user_id=committee.id,
                held_on=date(2026, 2, 2),
                place="",
                summary=f"{township.name}专属座谈",
                client_key=f"{key}-isolation-meeting",
            )
            db.session.add(meeting)
            db.session.flush()
            db.session.add(MeetingAttendee(meeting_id=meeting.id, representative_id=rep.id))
            db.session.add(BranchReview(year=2026, branch_id=branch.id, links=3))
            db.session.commit()
    return world


def test_the_walk_sees_liaison_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    base = "/api/v1/t/<township_slug>/liaison"
    for path in (
        "/links/<int:link_id>",
        "/contacts/<int:contact_id>",
        "/contacts/<int:contact_id>/cases",
        "/meetings/<int:meeting_id>",
        "/meetings/<int:meeting_id>/cases",
    ):
        assert base + path in rules, path
    assert "/t/<township_slug>/liaison/branches/<int:branch_id>/confirm" in rules
