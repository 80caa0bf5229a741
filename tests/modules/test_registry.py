"""The module registry with modules defined in the tests (tests/testmodule.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import ValidationFailed
from lianxin.modules.registry import FIRST_PARTY, ModuleSpec, Registry, UnknownModule
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import assert_error, bearer, login
from tests.testmodule import PILOT, SURVEY, PilotNote, count_notes


def test_registry_is_explicit_and_keys_are_unique():
    assert isinstance(FIRST_PARTY, tuple)
    registry = Registry([PILOT, SURVEY])
    assert registry.keys() == ["pilot", "survey"]
    with pytest.raises(UnknownModule):
        registry.get("nope")
    with pytest.raises(ValueError, match="twice"):
        Registry([PILOT, PILOT])


def test_settings_defaults_and_validation():
    assert PILOT.default_settings() == {"visits_per_month": 2, "weekend_duty": True}
    assert PILOT.validate_settings({"visits_per_month": "4"})["visits_per_month"] == 4
    with pytest.raises(ValidationFailed) as exc:
        PILOT.validate_settings({"visits_per_month": 99})
    assert "visits_per_month" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        PILOT.validate_settings({"unknown_setting": 1})
    assert "unknown_setting" in exc.value.errors


def test_effective_settings_layer_module_county_township(app, world):
    admin = actor(world.users["county_admin"])
    assert tenants.effective_settings(world.township.id, "pilot")["visits_per_month"] == 2
    tenants.update_county_defaults(admin, world.county, "pilot", {"visits_per_month": 5})
    assert tenants.effective_settings(world.township.id, "pilot")["visits_per_month"] == 5
    tenants.update_module_settings(
        admin, world.county, world.township.id, "pilot", {"visits_per_month": 7}
    )
    assert tenants.effective_settings(world.township.id, "pilot")["visits_per_month"] == 7
    assert tenants.effective_settings(world.other.id, "pilot")["visits_per_month"] == 5
    with pytest.raises(ValidationFailed):
        tenants.update_module_settings(
            admin, world.county, world.township.id, "pilot", {"visits_per_month": 0}
        )
    assert tenants.effective_settings(world.township.id, "pilot")["visits_per_month"] == 7


def _switch(world, key, enabled):
    tenants.set_module_enabled(
        actor(world.users["county_admin"]), world.county, world.township.id, key, enabled
    )


def test_switched_off_module_answers_404_naming_it_and_keeps_data(app, world, client):
    user = world.users["township_admin"]
    headers = bearer(user)
    login(client, user)
    url = f"/api/v1/t/{world.township.slug}/pilot/notes"
    assert client.get(url, headers=headers).status_code == 200
    _switch(world, "pilot", False)
    body = assert_error(client.get(url, headers=headers), 404, "module_disabled")
    assert "走访试点" in body["message"]
    assert_error(client.post(url, headers=headers, json={"text": "x"}), 404, "module_disabled")
    page = client.get(f"/t/{world.township.slug}/pilot/")
    assert page.status_code == 404 and "走访试点" in page.get_data(as_text=True)
    home = client.get(f"/t/{world.township.slug}/").get_data(as_text=True)
    assert "走访记录" not in home and 'data-module="pilot"' not in home
    assert 'data-module="survey"' in home
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(PilotNote)) == 1
    _switch(world, "pilot", True)
    assert [n["text"] for n in client.get(url, headers=headers).get_json()] == ["甲镇专属走访记录"]


def test_module_tasks_skip_where_the_module_is_off(app, world):
    assert count_notes.delay(tenant_id=world.township.id).get() == 1
    _switch(world, "pilot", False)
    assert count_notes.delay(tenant_id=world.township.id).get() is None


def test_module_beat_entries_are_namespaced(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert "pilot.count" in schedule and "notify.outbox_sweep" in schedule


def test_township_words_come_from_modules_and_the_township(app, world):
    labels = tenants.labels_for(world.township)
    assert labels["pilot_visit"] == "走访" and labels["workstation"] == "工作站"


def test_a_module_without_pages_still_registers(app):
    spec = ModuleSpec(key="bare", name="空模块")
    assert Registry([spec]).get("bare").default_settings() == {}
