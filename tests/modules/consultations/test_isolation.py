"""The foundation's cross-township walk, with the consultations module in the registry and
switched on, and in every township a consultation (with its invitees, an answer, a case raised
from it and a secret vote with its receipt and sealed ballot) — so that every id the walk sends
from 乙镇 names a real row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.consultations import service
from lianxin.modules.consultations.inputs import (
    AnswerInput,
    ConsultationInput,
    OpinionCaseInput,
    VoteInput,
)
from lianxin.tenants import service as tenants
from tests.factories import actor, make_represented
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)


@pytest.fixture
def world(world, monkeypatch):  # the conftest's world, plus consultations in every township
    monkeypatch.setattr(deadlines, "shanghai_today", lambda *a: date(2026, 6, 10))
    for key, township, user in (
        ("t", world.township, world.users["township_admin"]),
        ("o", world.other, world.users["other_admin"]),
        ("f", world.far, world.users["far_admin"]),
    ):
        admin = actor(user)
        tenants.update_township_settings(
            admin, township, "consultations", {"min_representatives": 2, "secret_min_ballots": 2}
        )
        reps, users = make_represented(township, 3, f"{key}.cs.", name=f"{township.name}专属代表")
        with tenant_context(township.id):
            data = ConsultationInput(
                title=f"{township.name}专属征询",
                kind="appointment",
                deadline=date(2026, 6, 20),
                representative_ids=[r.id for r in reps],
            )
            cid = service.open_consultation(admin, township, data).consultation.id
            service.answer(actor(users[0]), township, cid, AnswerInput("opinion", "专属意见"))
            invitee = service.my_invitee(
                actor(users[0]), township, service.find_consultation(township, cid)
            )
            service.raise_case(
                admin, township, invitee.id, OpinionCaseInput(f"{township.name}专属诉求")
            )
            vote = service.call_vote(
                admin, township, cid, VoteInput(date(2026, 6, 20) + timedelta(days=1))
            )
            service.answer(actor(users[1]), township, vote.consultation.id, AnswerInput("agree"))
            db.session.commit()
    return world


def test_the_walk_sees_consultation_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    base = "/api/v1/t/<township_slug>/consultations"
    for path in (
        "/consultations/<int:consultation_id>",
        "/consultations/<int:consultation_id>/answer",
        "/consultations/<int:consultation_id>/feedback",
        "/invitees/<int:invitee_id>/case",
    ):
        assert base + path in rules, path
    assert "/t/<township_slug>/consultations/<int:consultation_id>/close" in rules
