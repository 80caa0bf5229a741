"""Another township's or county's ids are 404 and change nothing; on PostgreSQL the county
policy alone keeps a township from reading another's candidates and marks."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from lianxin.awards import service
from lianxin.awards.inputs import AdoptionInput, NominationInput, SelectionInput
from lianxin.awards.models import Adoption, Candidate
from lianxin.db import db
from lianxin.db.tenancy import county_context, tenant_context
from tests.awards.conftest import ADOPTED_ON
from tests.factories import actor
from tests.helpers import bearer, login


def _nominated(world, scene):
    """乙镇 marks and nominates one of its cases to 甲县's selection; (selection, candidate,
    adoption) ids."""
    county_admin = actor(world.users["county_admin"])
    other = actor(world.users["other_admin"])
    selection = service.open_selection(county_admin, world.county, SelectionInput(2025, "四十佳"))
    sid = selection.id
    with tenant_context(world.other.id):
        mark = service.mark_adopted(
            other, world.other, AdoptionInput("case", scene.cases["o"][0], "committee", ADOPTED_ON)
        )
        row = service.nominate(other, world.other, sid, NominationInput("case", mark.item_id))
        ids = (sid, row.id, mark.id)
    return ids


def test_other_townships_ids_are_404_on_pages_and_api(world, scene, client):
    _sid, candidate_id, adoption_id = _nominated(world, scene)
    login(client, world.users["township_admin"])
    assert client.post(f"/t/jia-zhen/awards/adoptions/{adoption_id}/delete").status_code == 404
    assert client.post(f"/t/jia-zhen/awards/nominations/{candidate_id}/withdraw").status_code == 404
    headers = bearer(world.users["township_admin"])
    assert (
        client.delete(
            f"/api/v1/t/jia-zhen/awards/adoptions/{adoption_id}", headers=headers
        ).status_code
        == 404
    )
    assert (
        client.delete(
            f"/api/v1/t/jia-zhen/awards/nominations/{candidate_id}", headers=headers
        ).status_code
        == 404
    )
    with tenant_context(world.other.id):
        assert db.session.scalar(select(Adoption.id)) == adoption_id
    with county_context(world.county.id):
        assert db.session.get(Candidate, candidate_id) is not None


def test_another_countys_selection_is_404(world, scene, client):
    sid, candidate_id, _a = _nominated(world, scene)
    headers = bearer(world.users["far_county_admin"])
    assert client.get(f"/api/v1/c/yuan/awards/selections/{sid}", headers=headers).status_code == 404
    refused = client.post(
        f"/api/v1/c/yuan/awards/candidates/{candidate_id}/choose",
        json={"reason": "越权"},
        headers=headers,
    )
    assert refused.status_code == 404
    far_office = bearer(world.users["far_admin"])
    assert (
        client.get(
            f"/api/v1/t/yuan-zhen/awards/selections/{sid}/nominations", headers=far_office
        ).status_code
        == 404
    )


@pytest.mark.postgres
def test_the_county_policy_alone_hides_other_townships_candidates(world, scene):
    _nominated(world, scene)
    with tenant_context(world.township.id):
        assert db.session.execute(text("SELECT count(*) FROM award_candidates")).scalar() == 0
        assert db.session.execute(text("SELECT count(*) FROM award_adoptions")).scalar() == 0
    with tenant_context(world.other.id):
        assert db.session.execute(text("SELECT count(*) FROM award_candidates")).scalar() == 1
    with county_context(world.far_county.id):
        assert db.session.execute(text("SELECT count(*) FROM award_candidates")).scalar() == 0
    with county_context(world.county.id):
        assert db.session.execute(text("SELECT count(*) FROM award_candidates")).scalar() == 1
    db.session.rollback()


@pytest.mark.postgres
def test_the_county_policy_hides_a_townships_own_selection_from_the_county(world, scene):
    """Defence in depth: a county context reads the candidates of the county's selections only,
    never the rows of a township's own selection (乡镇评先), whatever the query asks; it writes
    none there either. The township's context reads its own rows of both."""
    sid, nominated_id, _a = _nominated(world, scene)  # 乙镇's nomination to the county's
    other = actor(world.users["other_admin"])
    with tenant_context(world.other.id):
        own = service.open_own_selection(other, world.other, SelectionInput(2025, "乙镇评先"))
        service.gather_own_candidates(other, world.other, own.id)
        own_ids = set(
            db.session.execute(
                text("SELECT id FROM award_candidates WHERE selection_id = :s"), {"s": own.id}
            ).scalars()
        )
        assert own_ids  # its stations, units and adopted item
        mine = db.session.execute(text("SELECT id FROM award_candidates")).scalars()
        assert set(mine) == own_ids | {nominated_id}
    probe = db.session.execute(text("SELECT id FROM award_candidates LIMIT 1"))
    assert probe.first() is None  # no context: nothing
    with county_context(world.county.id):
        seen = set(db.session.execute(text("SELECT id FROM award_candidates")).scalars())
        assert seen == {nominated_id}, seen & own_ids
        asked = db.session.execute(
            text("SELECT count(*) FROM award_candidates WHERE selection_id = :s"), {"s": own.id}
        ).scalar()
        assert asked == 0
        changed = db.session.execute(
            text("UPDATE award_candidates SET chosen = true, reason = 'x' WHERE id = ANY(:ids)"),
            {"ids": list(own_ids)},
        )
        assert changed.rowcount == 0
        with pytest.raises(Exception, match="row-level security"), db.session.begin_nested():
            db.session.execute(
                text(
                    "INSERT INTO award_candidates (county_id, tenant_id, selection_id, category,"
                    " entity_id, kind, name, summary, nominated, chosen, created_at) VALUES"
                    " (:c, :t, :s, 'unit', 1, '', '县级插入', '', false, false, now())"
                ),
                {"c": world.county.id, "t": world.other.id, "s": own.id},
            )
    with tenant_context(world.other.id):
        chosen = db.session.execute(
            text("SELECT count(*) FROM award_candidates WHERE chosen")
        ).scalar()
        assert chosen == 0
    assert sid
    db.session.rollback()


@pytest.mark.postgres
def test_a_selection_keeps_its_owner_so_the_county_cannot_take_a_townships_candidates(world, scene):
    """award_selections has no row-level security: without the owner fixed, one UPDATE in the
    county's context turning 乙镇's own selection into a county one (township_id NULL) let the
    county read and change its candidates. The database refuses the move, from any context."""
    other = actor(world.users["other_admin"])
    with tenant_context(world.other.id):
        own = service.open_own_selection(other, world.other, SelectionInput(2025, "乙镇评先"))
        service.gather_own_candidates(other, world.other, own.id)
    db.session.commit()
    for context, change in (
        (county_context(world.county.id), "township_id = NULL, year = 1999"),
        (tenant_context(world.other.id), "township_id = NULL, year = 1999"),
        (county_context(world.county.id), f"county_id = {int(world.far_county.id)}"),
    ):
        with (
            context,
            pytest.raises(Exception, match="keeps its county and township"),
            db.session.begin_nested(),
        ):
            db.session.execute(
                text(f"UPDATE award_selections SET {change} WHERE id = :s"),
                {"s": own.id},
            )
    with county_context(world.county.id):
        assert (
            db.session.execute(
                text("SELECT count(*) FROM award_candidates WHERE selection_id = :s"),
                {"s": own.id},
            ).scalar()
            == 0
        )
    db.session.rollback()
