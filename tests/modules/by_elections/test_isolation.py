"""Another township's by-elections are not found (404) through the pages, the API and links."""

from __future__ import annotations

import pytest

from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound
from lianxin.modules.by_elections import service
from lianxin.modules.by_elections.inputs import ByElectionInput
from tests.factories import actor
from tests.helpers import bearer, login


def test_other_townships_ids_are_not_found(world, client, unit, clock, office):
    with tenant_context(world.township.id):
        ours = service.create_by_election(
            office, world.township, ByElectionInput("补选", unit.branch_id, 1, 13)
        ).id
    other = actor(world.users["other_admin"])
    with tenant_context(world.other.id):
        with pytest.raises(NotFound):
            service.get_election(other, world.other, ours)
        with pytest.raises(NotFound):
            service.voter_by_link(world.other, "nothing")
    login(client, world.users["other_admin"])
    assert client.get(f"/t/{world.other.slug}/by_elections/{ours}").status_code == 404
    headers = bearer(world.users["other_admin"])
    api = f"/api/v1/t/{world.other.slug}/by_elections/elections/{ours}"
    assert client.get(api, headers=headers).status_code == 404
    # Our own slug without a membership: 404 as well.
    assert client.get(f"/t/{world.township.slug}/by_elections/{ours}").status_code == 404
