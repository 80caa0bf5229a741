"""A year in a query or a path is read only between 2000 and 2100, like the duty record's
(`duty_records.views._year`): a page answers an out-of-range or garbled year with a 404 that
says so in Chinese, the API with a structured 422; nothing is a 500."""

from __future__ import annotations

import pytest

from tests.helpers import assert_error, bearer, login

PAGES = "/t/jia-zhen/group_activities"
API = "/api/v1/t/jia-zhen/group_activities"
BAD = ("10000", "-1", "0", "1999", "2101")


@pytest.mark.parametrize("year", BAD)
def test_a_page_refuses_a_year_out_of_range(world, clock, people, client, year):
    _reps, _users, (one, _two) = people
    login(client, world.users["township_staff"])
    for path in (f"/groups/{one}", "/committee", "/committee.xlsx"):
        response = client.get(f"{PAGES}{path}?year={year}")
        assert response.status_code == 404, (path, response.status_code)
        assert "年份" in response.get_data(as_text=True), path


def test_a_page_takes_the_years_at_the_bounds(world, clock, people, client):
    _reps, _users, (one, _two) = people
    login(client, world.users["township_staff"])
    for year in ("2000", "2100"):
        for path in (f"/groups/{one}", "/committee", "/committee.xlsx"):
            response = client.get(f"{PAGES}{path}?year={year}")
            assert response.status_code == 200, (path, year, response.status_code)
    assert client.get(f"{PAGES}/groups/{one}?year=abc").status_code == 404
    assert client.get(f"{PAGES}/groups/{one}").status_code == 200  # no year: this year


@pytest.mark.parametrize("year", BAD)
def test_the_api_refuses_a_year_out_of_range(world, clock, people, client, year):
    _reps, _users, (one, _two) = people
    staff = bearer(world.users["township_staff"])
    for path in (f"/receptions?year={year}", f"/keepers?year={year}"):
        assert_error(client.get(f"{API}{path}", headers=staff), 422)
    if not year.startswith("-"):  # a path's <int:…> takes no sign: a negative one is not found
        assert_error(client.get(f"{API}/groups/{one}/plan/{year}", headers=staff), 422)


def test_the_api_takes_the_years_at_the_bounds(world, clock, people, client):
    _reps, _users, (one, _two) = people
    staff = bearer(world.users["township_staff"])
    for year in (2000, 2100):
        for path in (
            f"/receptions?year={year}",
            f"/keepers?year={year}",
            f"/groups/{one}/plan/{year}",
        ):
            response = client.get(f"{API}{path}", headers=staff)
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
