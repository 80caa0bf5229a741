"""Platform → county → township: onboarding, switches, settings, suspension, all audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.auth.models import Membership
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.tenants import service as tenants
from tests.factories import actor
from tests.helpers import assert_error, bearer, login


def _actions(chain: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
        )
    )


def test_platform_admin_creates_a_county_and_its_admin(app, world, client):
    login(client, world.users["platform"])
    page = client.post(
        "/admin/",
        data={
            "name": "新县",
            "slug": "xin-xian",
            "admin_username": "xin.admin",
            "admin_name": "新管理员",
        },
    )
    assert page.status_code == 200
    link = re.search(r"http://testserver/setup/(setup_[\w-]+)", page.get_data(as_text=True))
    assert link
    county = tenants.county_by_slug("xin-xian")
    assert county is not None
    admin = db.session.scalar(select(Membership).where(Membership.county_id == county.id))
    assert admin.role == "county_admin"
    assert "county.created" in _actions("platform") and "county.created" in _actions(
        f"c:{county.id}"
    )


def test_only_platform_admins_create_counties(app, world, client):
    with pytest.raises(PermissionDenied):
        tenants.create_county(
            actor(world.users["county_admin"]),
            name="x",
            slug="xx",
            admin_username="xx.admin",
            admin_name="x",
        )
    login(client, world.users["county_admin"])
    assert client.get("/admin/").status_code == 403


def test_county_admin_onboards_a_township_through_the_page(app, world, client):
    login(client, world.users["county_admin"])
    response = client.post(
        f"/c/{world.county.slug}/townships/new",
        data={
            "name": "新镇",
            "slug": "xin-zhen",
            "modules": ["pilot"],
            "admin_username": "xz.admin",
            "admin_name": "新镇管理员",
        },
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'id="setup-link"' in text
    township = tenants.township_by_slug("xin-zhen")
    assert tenants.enabled_module_keys(township.id) == {"pilot"}
    assert _actions(f"t:{township.id}") == ["township.onboarded"]
    assert "township.onboarded" in _actions(f"c:{world.county.id}")
    listing = client.get(f"/c/{world.county.slug}/").get_data(as_text=True)
    assert "新镇" in listing


def test_onboarding_errors_are_named_and_nothing_is_written(app, world, client):
    login(client, world.users["county_admin"])
    response = client.post(
        f"/c/{world.county.slug}/townships/new",
        data={
            "name": "重复镇",
            "slug": world.township.slug,
            "modules": ["pilot"],
            "admin_username": "dup.admin",
            "admin_name": "x",
        },
    )
    assert "该标识已被使用" in response.get_data(as_text=True)
    response = client.post(
        f"/c/{world.county.slug}/townships/new",
        data={
            "name": "坏镇",
            "slug": "Bad Slug!",
            "admin_username": "bad.admin",
            "admin_name": "x",
        },
    )
    assert "标识须为小写字母" in response.get_data(as_text=True)
    with pytest.raises(ValidationFailed) as exc:
        tenants.onboard_township(
            actor(world.users["county_admin"]),
            world.county,
            name="模块镇",
            slug="mokuai",
            modules=["no-such-module"],
            admin_username="mk.admin",
            admin_name="x",
        )
    assert "modules" in exc.value.errors
    assert tenants.township_by_slug("mokuai") is None


def test_county_viewer_cannot_onboard_or_switch(app, world, client):
    viewer = actor(world.users["county_viewer"])
    with pytest.raises(PermissionDenied):
        tenants.set_module_enabled(viewer, world.county, world.township.id, "pilot", False)
    login(client, world.users["county_viewer"])
    assert client.get(f"/c/{world.county.slug}/").status_code == 200
    assert client.get(f"/c/{world.county.slug}/townships/new").status_code == 403


def test_onboarding_through_the_api(app, world, client):
    headers = bearer(world.users["county_admin"])
    response = client.post(
        f"/api/v1/c/{world.county.slug}/townships",
        headers=headers,
        json={
            "name": "接口镇",
            "slug": "api-zhen",
            "modules": ["survey"],
            "admin_username": "api.admin",
            "admin_name": "接口管理员",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["setup_url"].startswith("http://testserver/setup/")
    listed = client.get(f"/api/v1/c/{world.county.slug}/townships", headers=headers).get_json()
    assert {t["slug"]: t["modules"] for t in listed}["api-zhen"] == ["survey"]
    switched = client.put(
        f"/api/v1/c/{world.county.slug}/townships/{body['id']}/modules/pilot",
        headers=headers,
        json={"enabled": True, "settings": {"visits_per_month": 4}},
    )
    assert switched.get_json() == {
        "key": "pilot",
        "enabled": True,
        "settings": {"visits_per_month": 4, "weekend_duty": True},
        "overrides": {"visits_per_month": 4},
        "defaults": {"visits_per_month": 2, "weekend_duty": True},
    }
    bad = client.put(
        f"/api/v1/c/{world.county.slug}/townships/{body['id']}/modules/pilot",
        headers=headers,
        json={"settings": {"visits_per_month": 40}},
    )
    assert "visits_per_month" in assert_error(bad, 422, "validation_error")["errors"]


def test_module_switch_and_settings_from_the_county_pages(app, world, client):
    login(client, world.users["county_admin"])
    base = f"/c/{world.county.slug}/townships/{world.township.id}"
    assert client.post(f"{base}/modules/survey", data={"enabled": "0"}).status_code == 302
    assert tenants.enabled_module_keys(world.township.id) == {"pilot"}
    bad = client.post(
        f"{base}/modules/pilot/settings", data={"visits_per_month": "abc", "weekend_duty": "1"}
    )
    assert bad.status_code == 422
    assert tenants.effective_settings(world.township.id, "pilot")["visits_per_month"] == 2
    # As the page posts it: a hidden "0" for the checkbox, which is left unticked.
    good = client.post(
        f"{base}/modules/pilot/settings", data={"visits_per_month": "6", "weekend_duty": "0"}
    )
    assert good.status_code == 302
    settings = tenants.effective_settings(world.township.id, "pilot")
    assert settings == {"visits_per_month": 6, "weekend_duty": False}
    actions = _actions(f"t:{world.township.id}")
    assert "module.switched" in actions and "module.settings_changed" in actions


def test_county_defaults_page(app, world, client):
    login(client, world.users["county_admin"])
    response = client.post(
        f"/c/{world.county.slug}/settings", data={"module": "survey", "min_answers": "8"}
    )
    assert response.status_code == 302
    assert tenants.effective_settings(world.other.id, "survey") == {"min_answers": 8}
    bad = client.post(
        f"/c/{world.county.slug}/settings", data={"module": "survey", "min_answers": "0"}
    )
    assert bad.status_code == 422


def test_suspend_and_reactivate_keep_everything(app, world, client):
    login(client, world.users["county_admin"])
    base = f"/c/{world.county.slug}/townships/{world.township.id}"
    client.post(f"{base}/status", data={"status": "suspended"})
    assert not tenants.township_by_slug(world.township.slug).is_active
    with pytest.raises(Conflict):
        tenants.set_township_status(
            actor(world.users["county_admin"]), world.county, world.township.id, "suspended"
        )
    db.session.rollback()
    client.post(f"{base}/status", data={"status": "active"})
    assert tenants.township_by_slug(world.township.slug).is_active
    actions = _actions(f"t:{world.township.id}")
    assert actions[-2:] == ["township.suspended", "township.reactivated"]


def test_another_countys_township_is_not_found(app, world):
    with pytest.raises(NotFound):
        tenants.county_township(actor(world.users["county_admin"]), world.county, world.far.id)


def test_township_admin_manages_branches_users_and_words(app, world, client):
    login(client, world.users["township_admin"])
    slug = world.township.slug
    assert (
        client.post(
            f"/t/{slug}/branches", data={"name": "新建支部", "kind": "village", "is_active": "y"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/t/{slug}/members",
        data={
            "username": "new.rep",
            "display_name": "新代表",
            "role": "representative",
            "branch_id": "",
        },
    )
    assert 'id="setup-link"' in response.get_data(as_text=True)
    membership = db.session.scalar(
        select(Membership)
        .where(Membership.tenant_id == world.township.id, Membership.role == "representative")
        .order_by(Membership.id.desc())
    )
    assert client.post(f"/t/{slug}/members/{membership.id}/remove").status_code == 302
    assert db.session.get(Membership, membership.id) is None
    response = client.post(
        f"/t/{slug}/labels", data={"workstation": "工作室", "representative_group": "代表团"}
    )
    assert response.status_code == 302
    home = client.get(f"/t/{slug}/branches").get_data(as_text=True)
    assert "党支部" in home
    assert tenants.labels_for(tenants.township_by_slug(slug))["workstation"] == "工作室"
    bad = client.post(f"/t/{slug}/labels", data={"workstation": ""})
    assert bad.status_code == 200 and "称谓须为1–16个字" in bad.get_data(as_text=True)
    actions = _actions(f"t:{world.township.id}")
    for action in (
        "branch.created",
        "membership.granted",
        "membership.revoked",
        "township.labels_changed",
    ):
        assert action in actions
    audit_page = client.get(f"/t/{slug}/audit").get_data(as_text=True)
    # The log shows the action's name, not its code (lianxin.audit.labels).
    assert "撤销角色" in audit_page and "membership.revoked" not in audit_page


def test_renamed_words_appear_on_pages(app, world, client):
    tenants.update_labels(
        actor(world.users["township_admin"]), world.township, {"branch": "基层组织"}
    )
    login(client, world.users["township_admin"])
    assert "基层组织" in client.get(f"/t/{world.township.slug}/branches").get_data(as_text=True)
    assert tenants.labels_for(world.other)["branch"] == "党支部"


def test_only_township_admins_manage_members(app, world, client):
    login(client, world.users["township_staff"])
    assert client.get(f"/t/{world.township.slug}/members").status_code == 403
