"""Thematic groups (专业小组, 002 海安, 003/6) beside the area group: a representative keeps exactly
one area group (`group_id`) and may belong to several thematic groups at once, each membership
with its dates; the roster form takes area groups only; the pages and the API show them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, ValidationFailed
from lianxin.people import service as people
from lianxin.people.inputs import GroupInput, GroupPatchSchema, RepresentativeInputSchema
from lianxin.people.models import GroupMembership
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import bearer, login

REP = {
    "name": "张秀英",
    "gender": "女",
    "birth_date": "1975-03-01",
    "education": "大学本科",
    "category": "农民",
    "term": 13,
}


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


@pytest.fixture
def setup(world, office):
    """(rep id, area groups a and b, thematic groups x and y), all of our township."""
    t = world.township
    with tenant_context(t.id):
        rep = people.create_representative(office, t, load_input(RepresentativeInputSchema, REP))
        a = people.create_group(office, t, GroupInput("东片小组"))
        b = people.create_group(office, t, GroupInput("西片小组"))
        x = people.create_group(office, t, GroupInput("农业专业小组", kind="thematic"))
        y = people.create_group(office, t, GroupInput("党建专业小组", kind="thematic"))
        db.session.commit()
        return rep.id, a.id, b.id, x.id, y.id


def _current(rep_id):
    return sorted(
        db.session.scalars(
            select(GroupMembership.group_id).where(
                GroupMembership.representative_id == rep_id, GroupMembership.ended_on.is_(None)
            )
        )
    )


def test_one_area_group_and_several_thematic(world, office, setup):
    rep_id, a, b, x, y = setup
    t = world.township
    with tenant_context(t.id):
        people.assign_to_group(office, t, rep_id=rep_id, group_id=a, on=date(2026, 1, 1))
        people.assign_to_group(office, t, rep_id=rep_id, group_id=x, on=date(2026, 2, 1))
        people.assign_to_group(
            office, t, rep_id=rep_id, group_id=y, role="leader", on=date(2026, 3, 1)
        )
        assert _current(rep_id) == sorted([a, x, y])
        # moving to another area group keeps the thematic groups
        rep = people.assign_to_group(office, t, rep_id=rep_id, group_id=b, on=date(2026, 4, 1))
        assert rep.group_id == b and _current(rep_id) == sorted([b, x, y])
        assert {g.id for g in people.thematic_groups(office, t, rep_id)} == {x, y}
        # joining a thematic group twice is the same membership
        people.assign_to_group(office, t, rep_id=rep_id, group_id=x, on=date(2026, 5, 1))
        assert _current(rep_id).count(x) == 1
        # leaving a thematic group ends that membership only, with its date
        people.remove_from_group(office, t, rep_id=rep_id, group_id=x, on=date(2026, 6, 1))
        assert _current(rep_id) == sorted([b, y])
        left = db.session.scalar(
            select(GroupMembership).where(
                GroupMembership.representative_id == rep_id, GroupMembership.group_id == x
            )
        )
        assert (left.started_on, left.ended_on) == (date(2026, 2, 1), date(2026, 6, 1))
        with pytest.raises(Conflict):  # not in it any more
            people.remove_from_group(office, t, rep_id=rep_id, group_id=x)
        # leaving the area group clears group_id, the thematic one stays
        rep = people.remove_from_group(office, t, rep_id=rep_id, group_id=b, on=date(2026, 7, 1))
        assert rep.group_id is None and _current(rep_id) == [y]
        # the qualification ended: every group is left
        people.end_qualification(office, t, rep_id, reason="transferred", on=date(2026, 7, 2))
        assert _current(rep_id) == []
        db.session.commit()


def test_the_roster_form_takes_area_groups_only(world, office, setup):
    rep_id, a, _b, x, _y = setup
    t = world.township
    with tenant_context(t.id):
        with pytest.raises(ValidationFailed) as caught:
            people.update_representative(
                office,
                t,
                rep_id,
                load_input(RepresentativeInputSchema, {"group_id": x}, partial=True),
            )
        assert "group" in caught.value.errors
        with pytest.raises(ValidationFailed):  # by name, as an import names it
            people.create_representative(
                office,
                t,
                load_input(
                    RepresentativeInputSchema,
                    {**REP, "name": "李四", "group": "农业专业小组"},
                ),
            )
        people.update_representative(
            office, t, rep_id, load_input(RepresentativeInputSchema, {"group_id": a}, partial=True)
        )
        assert people.get_representative(office, t, rep_id).group_id == a


def test_a_group_with_members_keeps_its_kind(world, office, setup):
    rep_id, _a, _b, x, _y = setup
    t = world.township
    with tenant_context(t.id):
        people.assign_to_group(office, t, rep_id=rep_id, group_id=x)
        with pytest.raises(ValidationFailed):
            people.update_group(office, t, x, load_input(GroupPatchSchema, {"kind": "area"}))
        with pytest.raises(ValidationFailed):
            load_input(GroupPatchSchema, {"kind": "other"})


def test_pages_and_api(world, office, setup, client):
    rep_id, a, _b, x, _y = setup
    t = world.township
    with tenant_context(t.id):
        people.assign_to_group(office, t, rep_id=rep_id, group_id=a)
        db.session.commit()
    login(client, world.users["township_staff"])
    base = f"/t/{t.slug}/people"
    page = client.get(f"{base}/groups").get_data(as_text=True)
    assert "专业小组" in page and "地域小组" in page
    client.post(f"{base}/groups/{x}/assign", data={"representative_id": rep_id, "role": "member"})
    detail = client.get(f"{base}/{rep_id}").get_data(as_text=True)
    assert "农业专业小组（专业小组）" in detail
    client.post(f"{base}/groups/{x}/assign", data={"representative_id": rep_id, "remove": "1"})
    with tenant_context(t.id):
        assert _current(rep_id) == [a]
        assert people.get_representative(office, t, rep_id).group_id == a
    headers = bearer(world.users["township_staff"])
    api = f"/api/v1/t/{t.slug}"
    made = client.post(
        f"{api}/groups", json={"name": "教育专业小组", "kind": "thematic"}, headers=headers
    )
    assert made.status_code == 201 and made.json["kind"] == "thematic"
    gid = made.json["id"]
    body = client.post(
        f"{api}/groups/{gid}/members", json={"representative_id": rep_id}, headers=headers
    ).json
    assert [m["representative_id"] for m in body["members"]] == [rep_id]
    rows = client.get(f"{api}/representatives/{rep_id}/groups", headers=headers).json
    assert {(r["group_id"], r["kind"]) for r in rows if r["ended_on"] is None} == {
        (a, "area"),
        (gid, "thematic"),
    }
    gone = client.delete(f"{api}/groups/{gid}/members/{rep_id}", headers=headers)
    assert gone.status_code == 200 and gone.json["members"] == []


# --- the roster import's 专业小组 column ------------------------------------------------------


def test_the_import_reads_thematic_groups(world, office, setup, client):
    from tests.people.test_import import HEADERS, commit, person, preview, xlsx

    _rep_id, _a, _b, x, y = setup
    t = world.township
    admin = bearer(world.users["township_admin"])
    headers = [*HEADERS, "专业小组"]
    bad = preview(client, admin, t.slug, xlsx([person(1, 专业小组="不存在小组")], headers))
    assert bad["error_count"] == 1
    assert bad["errors"][0]["column"] == "专业小组" and "不存在小组" in bad["errors"][0]["message"]
    body = preview(
        client,
        admin,
        t.slug,
        xlsx([person(1, 专业小组="农业专业小组、党建专业小组"), person(2)], headers),
    )
    assert body["error_count"] == 0, body["errors"]
    assert commit(client, admin, t.slug, body["id"]).status_code == 200
    with tenant_context(t.id):
        db.session.rollback()
        from lianxin.people.models import Representative

        first = db.session.scalar(
            select(Representative).where(Representative.name == person(1)["姓名"])
        )
        assert _current(first.id) == sorted([x, y])
    # a re-import naming one of them ends the other; without the column nothing changes
    again = preview(client, admin, t.slug, xlsx([person(1, 专业小组="党建专业小组")], headers))
    commit(client, admin, t.slug, again["id"])
    with tenant_context(t.id):
        db.session.rollback()
        assert _current(first.id) == [y]
    plain = preview(client, admin, t.slug, xlsx([person(1)]))
    commit(client, admin, t.slug, plain["id"])
    with tenant_context(t.id):
        db.session.rollback()
        assert _current(first.id) == [y]


def test_the_roster_and_the_card_print_filter_by_a_thematic_group(world, office, setup, client):
    """A thematic group's members are listed and their cards printed for it (the filter read the
    area group column only: a thematic group listed nobody); one who left it is not."""
    rep_id, a, _b, x, y = setup
    t = world.township
    with tenant_context(t.id):
        other = people.create_representative(
            office, t, load_input(RepresentativeInputSchema, {**REP, "name": "李建国"})
        ).id
        people.assign_to_group(office, t, rep_id=rep_id, group_id=a, on=date(2026, 1, 1))
        people.assign_to_group(office, t, rep_id=rep_id, group_id=x, on=date(2026, 2, 1))
        people.assign_to_group(office, t, rep_id=other, group_id=y, on=date(2026, 2, 1))
        db.session.commit()
        members, total = people.list_representatives(office, t, group_id=x)
        assert [r.id for r in members] == [rep_id] and total == 1
        assert [r.id for r in people.list_representatives(office, t, group_id=a)[0]] == [rep_id]
        assert [r.id for r in people.list_representatives(office, t, group_id=y)[0]] == [other]
        people.remove_from_group(office, t, rep_id=other, group_id=y, on=date(2026, 3, 1))
        db.session.commit()
        assert people.list_representatives(office, t, group_id=y)[0] == []
    login(client, world.users["township_staff"])
    page = client.get(f"/t/{t.slug}/people/cards/print?group_id={x}").get_data(as_text=True)
    assert "张秀英" in page and "李建国" not in page
