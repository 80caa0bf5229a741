"""The foundation's cross-township walk, with the proposals module in the registry and switched
on, and in every township a representative, a group, a unit, a collection window and proposals
in several states (a draft with a co-signer, one assigned with an extension request and its
history) — so that every id the walk sends from 乙镇 names a real row.

甲镇's walker (the township admin, also staff) is made a representative of 甲镇 too, so that
drafting through the API reaches the group it names (and 404s on 乙镇's) instead of stopping at
"only representatives may draft"."""

from __future__ import annotations

from datetime import date

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.proposals.models import (
    Assignment,
    CollectionWindow,
    Event,
    Extension,
    Proposal,
    Signature,
)
from lianxin.people.models import HandlingUnit, Representative, RepresentativeGroup
from tests.test_isolation_walk import (  # noqa: F401  (collected here with our fixtures)
    test_foreign_ids_in_api_bodies_are_not_found,
    test_lists_show_nothing_of_another_township,
    test_walk_every_township_route_with_foreign_ids,
    test_walk_every_township_route_with_foreign_slug,
    walker,
)

# 乙镇's and 远镇's rows take ids far above anything of 甲镇 (in any table, global ones included),
# so that every route is walked with an id that names a real row of 乙镇 and nothing of 甲镇.
FOREIGN_BASE = {"乙镇": 700_000, "远镇": 800_000}


def _rows(township, user_id):
    base = FOREIGN_BASE.get(township.name)

    def own(k):
        return {} if base is None else {"id": base + k}

    mark = f"{township.name}专属"
    author, signer = (
        Representative(
            **own(k),
            name=f"{mark}{role}",
            name_pinyin="daibiao",
            name_initials="db",
            gender="男",
            birth_date=date(1970, 1, 1),
            education="大学本科",
            category="农民",
            term=13,
            user_id=user_id if k == 1 else None,
        )
        for k, role in ((1, "领衔代表"), (2, "联名代表"))
    )
    group = RepresentativeGroup(**own(1), name=f"{mark}代表小组")
    unit = HandlingUnit(**own(1), name=f"{mark}承办单位")
    window = CollectionWindow(
        **own(1), title=f"{mark}征集", opens_on=date(2026, 2, 1), closes_on=date(2026, 3, 31)
    )
    db.session.add_all([author, signer, group, unit, window])
    db.session.flush()
    common = {"body": f"{mark}内容", "category": "其他", "author_id": author.id}
    draft = Proposal(**own(1), kind="proposal", title=f"{mark}草稿", state="draft", **common)
    assigned = Proposal(
        **own(2),
        kind="proposal",
        title=f"{mark}提案",
        complexity="simple",
        group_id=group.id,
        state="assigned",
        number="2026-001",
        year=2026,
        round=1,
        **common,
    )
    db.session.add_all([draft, assigned])
    db.session.flush()
    assignment = Assignment(
        **own(1),
        proposal_id=assigned.id,
        unit_id=unit.id,
        role="lead",
        round=1,
        due_on=date(2026, 3, 12),
    )
    db.session.add_all(
        [
            Signature(**own(1), proposal_id=draft.id, representative_id=author.id, status="signed"),
            Signature(**own(2), proposal_id=draft.id, representative_id=signer.id),
            Signature(
                **own(3),
                proposal_id=assigned.id,
                representative_id=author.id,
                status="signed",
                counted=True,
            ),
            assignment,
            Event(
                **own(1),
                proposal_id=assigned.id,
                action="assign",
                from_state="accepted",
                to_state="assigned",
                actor_name=f"{mark}办公室",
                note=f"{mark}交办",
            ),
        ]
    )
    db.session.flush()
    db.session.add(Extension(**own(1), assignment_id=assignment.id, days=5, reason=f"{mark}延期"))
    db.session.commit()


@pytest.fixture
def world(world):  # the proposals conftest's world, plus proposal rows in every township
    for township in (world.township, world.other, world.far):
        walker_id = world.users["township_admin"].id if township is world.township else None
        with tenant_context(township.id):
            _rows(township, walker_id)
    return world


def test_the_walk_sees_proposal_routes(app):
    from tests.test_isolation_walk import township_rules

    rules = {r.rule for r in township_rules(app)}
    base = "/api/v1/t/<township_slug>/proposals"
    for path in (
        "/proposals",
        "/proposals/<int:proposal_id>",
        "/proposals/<int:proposal_id>/invitations",
        "/proposals/<int:proposal_id>/signature",
        "/proposals/<int:proposal_id>/submit",
        "/proposals/<int:proposal_id>/files",
        "/proposals/<int:proposal_id>/accept",
        "/proposals/<int:proposal_id>/assign",
        "/proposals/<int:proposal_id>/answer",
        "/proposals/<int:proposal_id>/rating",
        "/proposals/<int:proposal_id>/published",
        "/extensions/<int:extension_id>/decision",
        "/windows/<int:window_id>",
        "/reports/<int:year>",
        "/cases/<int:case_id>/draft",
    ):
        assert base + path in rules, path
