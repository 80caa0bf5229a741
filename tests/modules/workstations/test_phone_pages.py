"""The station page a clerk uses on a phone (issue 21): labelled forms with date and time
pickers, a checklist of representatives instead of a multi-select, and 换班 that starts on the
person already on the shift, so that a stray tap changes nothing."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.workstations import service as ws
from lianxin.modules.workstations.models import Shift
from tests.helpers import login

from .test_service import shift, station_input

DAY = date(2025, 10, 9)


def _station(office, world, reps):
    with tenant_context(world.township.id):
        made = ws.create_station(office, world.township, station_input())
        ws.set_representatives(office, world.township, made.id, [reps["a"].id, reps["b"].id])
        duty = shift(office, world.township, made, reps["a"], DAY)
        return made.id, duty.id


def _page(client, world, station_id) -> str:
    return client.get(f"/t/{world.township.slug}/workstations/{station_id}").get_data(as_text=True)


def test_the_forms_are_labelled_and_pick_dates_and_people(app, world, client, office, reps, today):
    station_id, _duty_id = _station(office, world, reps)
    login(client, world.users["township_staff"])
    page = _page(client, world, station_id)
    assert " multiple" not in page  # no multi-select anywhere: checklists
    for field, kind in (
        ("shift-day", "date"),
        ("shift-start", "time"),
        ("shift-end", "time"),
        ("publish-from", "date"),
        ("publish-to", "date"),
        ("meeting-day", "date"),
        ("commitment-deadline", "date"),
    ):
        assert f'<label for="{field}">' in page, field
        assert re.search(rf'<input id="{field}" type="{kind}"', page), field
    # The station's representatives are a searchable checklist, the attached ones ticked.
    picker = page.split('id="pick-station-reps"')[1].split("</fieldset>")[0]
    assert "data-picker" in page and "lx-picker-search" in picker
    ticked = re.findall(r'name="representative_ids" value="(\d+)"[^>]* checked', picker)
    assert sorted(map(int, ticked)) == sorted([reps["a"].id, reps["b"].id])
    assert f'value="{reps["c"].id}"' in picker
    # Each person is told apart by birth year (the office may see it).
    assert "1975年生" in picker and "1980年生" in picker


def test_swap_starts_on_the_person_on_the_shift(app, world, client, office, reps, today):
    station_id, duty_id = _station(office, world, reps)
    login(client, world.users["township_staff"])
    page = _page(client, world, station_id)
    form = page.split(f'id="swap-{duty_id}"')[1].split("</fieldset>")[0]
    checked = re.findall(r'name="representative_id" value="(\d+)"[^>]* checked', form)
    assert checked == [str(reps["a"].id)]  # the current person, and only them
    tag = re.search(
        rf'<form method="post" action="[^"]*/shifts/{duty_id}/swap"[^>]*>', page, re.S
    ).group(0)
    assert f'data-current-value="{reps["a"].id}"' in tag and 'data-current-name="张秀英"' in tag
    assert "{old}" in tag and "{new}" in tag  # the confirmation names both (forms.js)


def test_a_stray_tap_on_swap_changes_nothing(app, world, client, office, reps, today):
    _station_id, duty_id = _station(office, world, reps)
    a, b = reps["a"].id, reps["b"].id
    login(client, world.users["township_staff"])
    url = f"/t/{world.township.slug}/workstations/shifts/{duty_id}/swap"
    with tenant_context(world.township.id):
        before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    back = client.post(url, data={"representative_id": a})  # the default, sent
    assert back.status_code == 302 and back.headers["Location"].endswith(f"#shift-{duty_id}")
    with client.session_transaction() as flashed:
        assert "没有改变" in " ".join(m for _c, m in flashed["_flashes"])
    with tenant_context(world.township.id):
        db.session.expire_all()
        row = db.session.get(Shift, (world.township.id, duty_id))
        assert row.representative_id == a and row.swap_reason is None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    # Choosing someone else does swap, and says so.
    assert client.post(url, data={"representative_id": b}).status_code == 302
    with tenant_context(world.township.id):
        db.session.expire_all()
        assert db.session.get(Shift, (world.township.id, duty_id)).representative_id == b


def test_swapping_to_the_same_person_keeps_a_substitutes_reason(
    app, world, office, reps, tctx, today
):
    station = ws.create_station(office, tctx, station_input())
    duty = shift(office, tctx, station, reps["a"], DAY)
    ws.publish_shift(office, tctx, duty.id)
    ws.swap_shift(office, tctx, duty.id, reps["b"].id, reason="张秀英生病")
    again = ws.swap_shift(office, tctx, duty.id, reps["b"].id)
    assert again.representative_id == reps["b"].id
    assert again.swap_reason == "张秀英生病" and again.replaced_representative_id == reps["a"].id


def test_a_commitments_outcome_comes_back_to_its_station(app, world, client, office, reps, today):
    from lianxin.modules.workstations.inputs import CommitmentInput

    station_id, _duty = _station(office, world, reps)
    with tenant_context(world.township.id):
        made = ws.add_commitment(
            office, world.township, CommitmentInput(reps["a"].id, "修好村口路灯", date(2025, 12, 1))
        )
    login(client, world.users["township_staff"])
    back = client.post(
        f"/t/{world.township.slug}/workstations/commitments/{made.id}",
        data={"outcome": "已修好", "station_id": station_id},
    )
    assert back.headers["Location"].endswith(f"/workstations/{station_id}")
