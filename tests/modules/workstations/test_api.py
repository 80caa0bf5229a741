"""The workstations API: list endpoints are paginated (the body stays a list)."""

from __future__ import annotations

import json
from datetime import date

from lianxin.db.tenancy import tenant_context
from lianxin.modules.workstations import service as ws
from tests.helpers import assert_error, bearer, login

from .test_service import STATION, shift, station_input


def test_lists_come_back_a_page_at_a_time(app, world, client, office, reps, today):
    with tenant_context(world.township.id):
        for i in range(3):
            made = ws.create_station(office, world.township, station_input(name=f"联络站{i}"))
        ws.set_representatives(office, world.township, made.id, [reps["a"].id])
        for day in (10, 11, 12):
            shift(office, world.township, made, reps["a"], date(2025, 10, day))
        station_id = made.id
    url = f"/api/v1/t/{world.township.slug}/workstations"
    headers = bearer(world.users["township_staff"])

    page = client.get(f"{url}/stations?page=2&page_size=2", headers=headers)
    assert page.status_code == 200
    assert [s["name"] for s in page.get_json()] == ["联络站2"]
    assert json.loads(page.headers["X-Pagination"])["total"] == 3

    page = client.get(f"{url}/stations/{station_id}/shifts?page_size=2", headers=headers)
    assert [s["day"] for s in page.get_json()] == ["2025-10-10", "2025-10-11"]
    assert json.loads(page.headers["X-Pagination"])["total_pages"] == 2
    assert client.get(f"{url}/commitments", headers=headers).get_json() == []


def test_the_api_and_the_page_load_one_input_schema(app, world, client, office):
    """The same bad station, posted to the API and through the page: the same Chinese field
    messages (inputs.StationInputSchema), and nothing is saved."""
    bad = {**STATION, "kind": "palace", "phone": "不是电话"}
    url = f"/api/v1/t/{world.township.slug}/workstations/stations"
    body = assert_error(
        client.post(url, headers=bearer(world.users["township_staff"]), json=bad), 422
    )
    assert body["errors"] == {"kind": ["请选择类型"], "phone": ["电话号码格式不正确"]}
    login(client, world.users["township_staff"])
    page = client.post(f"/t/{world.township.slug}/workstations/", data=bad, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "请选择类型" in text and "电话号码格式不正确" in text
    with tenant_context(world.township.id):
        assert ws.list_stations(office, world.township) == []
