"""The pages through the client: the office's list and a by-election's page on a phone, the
six steps run from the forms, the voter's ballot page by one-time link, the public notice."""

from __future__ import annotations

import re
from datetime import timedelta

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.by_elections import service
from lianxin.modules.by_elections.models import ByElection
from tests.helpers import login

from .conftest import TODAY, candidate


def _slug(world):
    return world.township.slug


def test_office_runs_the_steps_and_a_voter_votes(world, client, unit, clock):
    login(client, world.users["township_staff"])
    base = f"/t/{_slug(world)}/by_elections"
    page = client.get(f"{base}/")
    assert page.status_code == 200 and "登记补选" in page.get_data(as_text=True)
    made = client.post(
        f"{base}/",
        data={
            "title": "补选党代表",
            "branch_id": unit.branch_id,
            "seats": "1",
            "term": "13",
            "vacancy_ids": [str(unit.vacancies[0])],
            "registered_on": TODAY.isoformat(),
        },
    )
    assert made.status_code == 302
    eid = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    for i in range(2):
        fields = {k: str(v) for k, v in candidate(i).items()}
        assert client.post(f"{base}/{eid}/candidates", data=fields).status_code == 302
    client.post(f"{base}/{eid}/nomination", data={"on": TODAY.isoformat()})
    with tenant_context(world.township.id):
        ids = [
            c.id
            for c in service.candidates_of(db.session.get(ByElection, (world.township.id, eid)))
        ]
    client.post(f"{base}/{eid}/recommendation", data={"candidate_ids": [str(i) for i in ids]})
    client.post(f"{base}/{eid}/notice", data={})
    early = client.post(
        f"{base}/{eid}/candidates/{ids[0]}/review", data={"passed": "1"}, follow_redirects=True
    )
    assert "公示期未满" in early.get_data(as_text=True)
    clock.today = TODAY + timedelta(days=5)
    for cid in ids:
        client.post(f"{base}/{eid}/candidates/{cid}/review", data={"passed": "1"})
    client.post(f"{base}/{eid}/review", data={})
    opened = client.post(f"{base}/{eid}/election", data={"channel": "online"})
    text = opened.get_data(as_text=True)
    assert opened.headers.get("Cache-Control") == "no-store"
    links = re.findall(r"https?://[^<\s]+/vote/[\w-]+", text)
    assert len(links) == 8
    # Public notice page (no login needed).
    public = client.get(f"/p/{_slug(world)}/by_elections/{eid}")
    assert public.status_code == 200 and "候选人公示" in public.get_data(as_text=True)
    # A voter votes through the link, once.
    client.get("/logout")
    path = links[0].split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 302
    form = client.get(f"/p/{_slug(world)}/by_elections/vote")
    assert "提交选票" in form.get_data(as_text=True)
    done = client.post(
        f"/p/{_slug(world)}/by_elections/vote", data={"candidate_ids": [str(ids[0])]}
    )
    assert "投票成功" in done.get_data(as_text=True)
    again = client.get(f"/p/{_slug(world)}/by_elections/vote")
    assert "已经投过票" in again.get_data(as_text=True)


def test_export_and_public_index(world, client, unit, clock):
    login(client, world.users["township_staff"])
    response = client.get(f"/t/{_slug(world)}/by_elections/export.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get(f"/p/{_slug(world)}/by_elections/").status_code == 200


def test_a_draft_is_not_public(world, client, unit, clock, office):
    from lianxin.modules.by_elections.inputs import ByElectionInput

    with tenant_context(world.township.id):
        e = service.create_by_election(
            office, world.township, ByElectionInput("补选", unit.branch_id, 1, 13)
        )
        eid = e.id
    assert client.get(f"/p/{_slug(world)}/by_elections/{eid}").status_code == 404
