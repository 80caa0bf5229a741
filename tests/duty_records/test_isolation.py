"""Who sees what: another township's office cannot read a record; a representative reads only
their own; the county cannot write a township's steps; plus the foundation's cross-township
walk over the duty record's routes, with a representative and a step in every township."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.duty_records.models import DutyStep
from lianxin.people.models import Representative
from tests.factories import make_represented
from tests.helpers import bearer, login
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)

API = "/api/v1/t/{slug}/duty_records"


@pytest.fixture
def world(world):  # the conftest's world, plus a representative and a step in every township
    for township in (world.township, world.other, world.far):
        with tenant_context(township.id):
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
            db.session.add(rep)
            db.session.flush()
            db.session.add(
                DutyStep(
                    representative_id=rep.id,
                    year=2026,
                    step="talk",
                    taken_on=date(2026, 1, 5),
                    note=f"{township.name}专属谈话",
                )
            )
            db.session.commit()
    return world


def test_the_walk_sees_duty_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/duty_records/<int:rep_id>" in rules
    assert "/api/v1/t/<township_slug>/duty_records/steps" in rules


def test_another_townships_office_cannot_read_a_record(world, client):
    reps, _users = make_represented(world.township, 1, "iso.rep")
    rep_id = reps[0].id
    other_admin = bearer(world.users["other_admin"])
    url = API.format(slug=world.township.slug)
    assert client.get(f"{url}/records/{rep_id}", headers=other_admin).status_code == 404
    assert client.get(f"{url}/records", headers=other_admin).status_code == 404
    # Under its own slug, our id is not found either.
    theirs = API.format(slug=world.other.slug)
    assert client.get(f"{theirs}/records/{rep_id}", headers=other_admin).status_code == 404


def test_a_representative_reads_only_their_own(world, client):
    reps, users = make_represented(world.township, 2, "iso.rep")
    mine, theirs, name = reps[0].id, reps[1].id, reps[0].name
    url = API.format(slug=world.township.slug)
    own = client.get(f"{url}/records/{mine}", headers=bearer(users[0]))
    assert own.status_code == 200 and own.get_json()["name"] == name
    other = client.get(f"{url}/records/{theirs}", headers=bearer(users[0]))
    assert other.status_code == 403
    assert client.get(f"{url}/records/{theirs}/term", headers=bearer(users[0])).status_code == 403
    assert client.get(f"{url}/records", headers=bearer(users[0])).status_code == 403
    assert client.get(f"{url}/steps", headers=bearer(users[0])).status_code == 403
    login(client, users[0])
    page = client.get(f"/t/{world.township.slug}/duty_records/{theirs}")
    assert page.status_code == 403
    xlsx = client.get(f"/t/{world.township.slug}/duty_records/{theirs}.xlsx")
    assert xlsx.status_code == 403


@pytest.mark.parametrize("who", ["county_admin", "county_viewer"])
def test_the_county_cannot_write_township_steps(world, client, who):
    reps, _users = make_represented(world.township, 1, "iso.rep")
    rep_id = reps[0].id
    url = API.format(slug=world.township.slug)

    def count():
        with tenant_context(world.township.id):
            return db.session.scalar(select(func.count()).select_from(DutyStep))

    before = count()
    answer = client.post(
        f"{url}/steps",
        json={"representative_id": rep_id, "year": 2026, "step": "talk", "taken_on": "2026-01-05"},
        headers=bearer(world.users[who]),
    )
    assert answer.status_code == 404
    assert count() == before


@pytest.mark.parametrize("who", ["committee_member", "handling_unit", "group_leader"])
def test_other_township_roles_see_no_list(world, client, who):
    url = API.format(slug=world.township.slug)
    assert client.get(f"{url}/records", headers=bearer(world.users[who])).status_code == 403
