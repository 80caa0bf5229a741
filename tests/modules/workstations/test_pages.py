"""Pages and public pages of the workstations module."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lianxin.casework.models import Case, Channel
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.workstations import service as ws
from tests.helpers import login

from .test_service import STATION, shift, station_input


def test_office_pages_and_public_station_page(app, world, client, office, reps, today):
    login(client, world.users["township_staff"])
    slug = world.township.slug
    r = client.post(f"/t/{slug}/workstations/", data=STATION)
    assert r.status_code == 302
    with tenant_context(world.township.id):
        from lianxin.modules.workstations.models import Station

        station = db.session.scalar(select(Station))
        ws.set_representatives(office, world.township, station.id, [reps["a"].id])
        published = shift(office, world.township, station, reps["a"], date(2025, 10, 9))
        ws.publish_shift(office, world.township, published.id)
        shift(office, world.township, station, reps["a"], date(2025, 10, 10), "14:00", "15:00")
        sid = station.id
    page = client.get(f"/t/{slug}/workstations/{sid}").get_data(as_text=True)
    assert STATION["name"] in page and "2025-10-10" in page
    # Too close: flashed, nothing published.
    r = client.post(
        f"/t/{slug}/workstations/{sid}/publish",
        data={"date_from": "2025-09-27", "date_to": "2025-09-29"},
    )
    assert r.status_code == 302
    public = client.get(f"/p/{slug}/workstations/{sid}").get_data(as_text=True)
    assert STATION["address"] in public and STATION["hours"] in public
    assert "张秀英" in public and "2025-10-09" in public
    assert "2025-10-10" not in public  # unpublished shifts stay private
    assert client.get(f"/t/{slug}/workstations/{sid}/report").status_code == 200
    xlsx = client.get(f"/t/{slug}/workstations/{sid}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_public_appointment_form(app, world, client, office, reps):
    with tenant_context(world.township.id):
        station = ws.create_station(office, world.township, station_input())
        ws.set_representatives(office, world.township, station.id, [reps["b"].id])
        sid = station.id
    slug = world.township.slug
    assert client.get(f"/p/{slug}/workstations/{sid}/appoint").status_code == 200
    r = client.post(
        f"/p/{slug}/workstations/{sid}/appoint",
        data={
            "representative_id": reps["b"].id,
            "category": "其他",
            "title": "约见李代表",
            "body": "想反映合作医疗报销问题。",
            "raiser_phone": "13800000009",
        },
    )
    assert r.status_code == 200 and 'id="tracking-code"' in r.get_data(as_text=True)
    r = client.post(
        f"/p/{slug}/workstations/{sid}/appoint",
        data={"representative_id": reps["b"].id, "title": "", "body": ""},
    )
    assert r.status_code == 422
    with tenant_context(world.township.id):
        cases = db.session.scalars(select(Case)).all()
    assert [(c.channel, c.received_by_id) for c in cases] == [
        (Channel.APPOINTED_VISIT, reps["b"].id)
    ]


def test_module_off_is_404(app, world, client):
    from sqlalchemy import update

    from lianxin.tenants.models import TownshipModule

    db.session.execute(
        update(TownshipModule)
        .where(TownshipModule.module_key == "workstations")
        .values(enabled=False)
    )
    db.session.commit()
    login(client, world.users["township_staff"])
    assert client.get(f"/t/{world.township.slug}/workstations/").status_code == 404
    assert client.get(f"/p/{world.township.slug}/workstations/").status_code == 404
