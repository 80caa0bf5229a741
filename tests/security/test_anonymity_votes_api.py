"""Differencing attacks on the two other secret ballots (ARCHITECTURE.md §6): a consultation's
sealed secret vote (征询意见 → 无记名表决) and a by-election's online ballot (补选 · 直选). The
liaison office reads everything it may read — the API, the pages, the export — before and after
one more ballot; the only thing allowed to move is how many voted. Nothing names who voted,
nothing shows a stance or a tally while the ballot is open, and below K nothing is ever opened.

The ballots are cast through the services (the flows of anonymity_attacks.py, K = 3, seven
voters); the office reads through its own API token and pages. The storage attacks on the same
flows (pageinspect, WAL, statement log, SQLite file) are in test_anonymity_storage.py.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from lianxin.casework import deadlines
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.consultations import service as consultations
from tests.helpers import Clock, assert_error, bearer, login
from tests.security.anonymity_attacks import (
    SESSION_DAY,
    VOTERS,
    Cast,
    K,
    build_cast,
    by_election_flow,
    consultation_flow,
)


@pytest.fixture
def app_modules():
    from lianxin.modules.by_elections.module import MODULE as BY_ELECTIONS
    from lianxin.modules.consultations.module import MODULE as CONSULTATIONS
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, CONSULTATIONS, BY_ELECTIONS)


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(SESSION_DAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


@pytest.fixture
def cast(app, clock) -> Cast:
    return build_cast(clock)


def _ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    return response.get_json()


def _sheet(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


CSRF = re.compile(r'name="csrf_token" value="[^"]*"|<meta name="csrf-token" content="[^"]*"')


def _html(response) -> str:
    """A page's text without its CSRF tokens (signed with the time)."""
    return CSRF.sub("", response.get_data(as_text=True))


def _page(app, cast: Cast):
    client = app.test_client()
    login(client, cast.world.users["township_staff"])
    return client


# --- a consultation's secret vote ---------------------------------------------------------------


def test_consultation_vote_office_reads_only_the_turnout_between_two_ballots(app, client, cast):
    flow = consultation_flow(cast)
    slug, cid = cast.township.slug, flow.parent_id
    staff = bearer(cast.world.users["township_staff"])
    committee = bearer(cast.world.users["committee_member"])
    base = f"/api/v1/t/{slug}/consultations"
    page = _page(app, cast)

    def look() -> dict[str, Any]:
        detail = _ok(client.get(f"{base}/consultations/{cid}", headers=staff))
        tally = detail.pop("tally")
        listed = _ok(client.get(f"{base}/consultations", headers=staff))
        return {
            "detail": detail,
            "counts": tally["counts"],
            "answered": tally["answered"],
            "tally": _ok(client.get(f"{base}/consultations/{cid}/tally", headers=committee)),
            "answers": _ok(client.get(f"{base}/consultations/{cid}/answers", headers=staff)),
            "list": listed,
            "xlsx": _sheet(page.get(f"/t/{slug}/consultations/{cid}/export.xlsx").data),
            "page": _html(page.get(f"/t/{slug}/consultations/{cid}")),
        }

    for i in range(K):
        flow.submit(i)
    before = look()
    flow.submit(K)  # the ballot to single out
    after = look()

    assert (before["answered"], after["answered"]) == (K, K + 1)
    assert before["counts"] == after["counts"] == {}, "a tally while the vote is open"
    assert before["detail"] == after["detail"]
    assert before["list"] == after["list"]
    assert before["answers"] == after["answers"] == [], "a secret vote lists who answered"
    assert before["tally"]["counts"] == after["tally"]["counts"] == {}
    # The export: only the number of ballots moves; no row names anyone.
    moved = [
        (old, new) for old, new in zip(before["xlsx"], after["xlsx"], strict=True) if old != new
    ]
    assert moved == [(["已投票", K], ["已投票", K + 1])], moved
    names = [f"匿名代表{n}" for n in range(VOTERS)]
    for text in (before["page"], after["page"]):
        assert not any(name in text for name in names), "the office's page names a voter"

    # Each voter's own read says only that they voted, never how.
    own = _ok(client.get(f"{base}/consultations/{cid}", headers=bearer(_user(cast, K))))
    assert own["answered"] is True and own["my_answer"] is None and own["tally"] is None

    # Closed and counted: the tally of all K + 1, no ballot tied to anyone.
    flow.close()
    counted = _ok(client.get(f"{base}/consultations/{cid}/tally", headers=staff))
    assert sum(counted["counts"].values()) == K + 1
    assert _ok(client.get(f"{base}/consultations/{cid}/answers", headers=staff)) == []


@pytest.mark.parametrize(("ballots", "opened"), [(K - 1, False), (K, True)])
def test_consultation_vote_below_k_is_never_opened(app, client, cast, ballots, opened):
    flow = consultation_flow(cast)
    for i in range(ballots):
        flow.submit(i)
    flow.close()
    staff = bearer(cast.world.users["township_staff"])
    url = f"/api/v1/t/{cast.township.slug}/consultations/consultations/{flow.parent_id}/tally"
    tally = _ok(client.get(url, headers=staff))
    assert tally["answered"] == ballots
    assert tally["withheld"] is not opened
    assert (tally["counts"] != {}) is opened
    with tenant_context(cast.township.id):
        assert consultations.settings(cast.township.id)["secret_min_ballots"] == K


def test_consultation_vote_second_ballot_refused_changes_nothing(app, client, cast):
    flow = consultation_flow(cast)
    slug, cid = cast.township.slug, flow.parent_id
    voter = bearer(_user(cast, 0))
    url = f"/api/v1/t/{slug}/consultations/consultations/{cid}/answer"
    _ok(client.post(url, headers=voter, json={"stance": "agree"}))
    assert_error(client.post(url, headers=voter, json={"stance": "disagree"}), 409)
    assert_error(
        client.post(url, headers=voter, json={"stance": "agree", "opinion": "写了意见"}), 422
    )
    staff = bearer(cast.world.users["township_staff"])
    tally = _ok(client.get(f"{url[: -len('/answer')]}/tally", headers=staff))
    assert tally["answered"] == 1 and tally["counts"] == {}


def _user(cast: Cast, i: int):
    from lianxin.auth.models import User

    with tenant_context(cast.township.id):
        user = db.session.get(User, cast.voters[i].user_id)
        db.session.commit()
    assert user is not None
    return user


# --- a by-election's online ballot --------------------------------------------------------------


def test_by_election_office_reads_only_the_turnout_between_two_ballots(app, client, cast):
    flow = by_election_flow(cast)
    slug, eid = cast.township.slug, flow.parent_id
    staff = bearer(cast.world.users["township_staff"])
    base = f"/api/v1/t/{slug}/by_elections/elections/{eid}"
    page = _page(app, cast)

    def look() -> dict[str, Any]:
        return {
            "election": _ok(client.get(base, headers=staff)),
            "candidates": _ok(client.get(f"{base}/candidates", headers=staff)),
            "steps": _ok(client.get(f"{base}/steps", headers=staff)),
            "page": _html(page.get(f"/t/{slug}/by_elections/{eid}")),
            "public": _html(client.get(f"/p/{slug}/by_elections/{eid}")),
        }

    for i in range(K):
        flow.submit(i)
    before = look()
    flow.submit(K)
    after = look()

    for key in ("election", "candidates", "steps", "public"):
        assert before[key] == after[key], f"{key} changed with one more ballot"
    assert all(c["votes"] is None for c in after["candidates"]), "a tally while voting"
    assert after["election"]["ballots"] is None
    # The office's page: the turnout moves by one, and that is all it says about the ballots.
    assert f"已投票 {K} 人" in before["page"] and f"已投票 {K + 1} 人" in after["page"]
    assert before["page"].replace(f"已投票 {K} 人", "") == after["page"].replace(
        f"已投票 {K + 1} 人", ""
    )

    flow.close()
    counted = _ok(client.get(f"{base}/candidates", headers=staff))
    assert sum(c["votes"] for c in counted) == 0 + 1 + 2 + 2  # [], [a], [a,b], [b,c]


@pytest.mark.parametrize(("ballots", "opened"), [(K - 1, False), (K, True)])
def test_by_election_below_k_is_never_opened(app, client, cast, ballots, opened):
    flow = by_election_flow(cast)
    for i in range(ballots):
        flow.submit(i)
    flow.close()
    staff = bearer(cast.world.users["township_staff"])
    base = f"/api/v1/t/{cast.township.slug}/by_elections/elections/{flow.parent_id}"
    election = _ok(client.get(base, headers=staff))
    assert election["withheld"] is not opened and election["ballots"] == ballots
    votes = [c["votes"] for c in _ok(client.get(f"{base}/candidates", headers=staff))]
    assert all(v is None for v in votes) is not opened
