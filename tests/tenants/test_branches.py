"""Branches: one input schema (`BranchInputSchema`) for the API and the pages, the service taking
a `BranchInput` or `Changes[BranchInput]`; a taken name refused by the service."""

from __future__ import annotations

import pytest

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import PermissionDenied, ValidationFailed
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Branch
from lianxin.usecases import load_input
from tests.factories import actor, make_branch
from tests.helpers import assert_error, bearer, login


def test_the_schema_loads_a_branch_with_its_defaults():
    data = load_input(tenants.BranchInputSchema, {"name": "  东村党支部 ", "secretary_name": " "})
    assert data == tenants.BranchInput(name="东村党支部", kind="village", is_active=True)
    changes = load_input(tenants.BranchInputSchema, {"is_active": False}, partial=True)
    assert dict(changes) == {"is_active": False}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "name", "请填写名称（不超过100字）"),
        ({"name": "   "}, "name", "请填写名称（不超过100字）"),
        ({"name": "x" * 101}, "name", "请填写名称（不超过100字）"),
        ({"name": "支部", "kind": "club"}, "kind", "未知的支部类型"),
        ({"name": "支部", "secretary_name": "书" * 51}, "secretary_name", "内容过长"),
    ],
)
def test_bad_input_names_the_field_in_chinese(data, field, message):
    with pytest.raises(ValidationFailed) as caught:
        load_input(tenants.BranchInputSchema, data)
    assert caught.value.errors[field] == [message]


def test_the_service_takes_a_typed_input_and_refuses_a_taken_name(app, world):
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        made = tenants.create_branch(
            admin, world.township, tenants.BranchInput(name="南村党支部", kind="community")
        )
        assert (made.kind, made.is_active, made.secretary_name) == ("community", True, None)
        with pytest.raises(ValidationFailed) as caught:
            tenants.create_branch(admin, world.township, tenants.BranchInput(name="南村党支部"))
        assert "name" in caught.value.errors
        taken = world.branches["t"].name
        changes = load_input(tenants.BranchInputSchema, {"name": taken}, partial=True)
        with pytest.raises(ValidationFailed):
            tenants.update_branch(admin, world.township, made.id, changes)
        db.session.expire_all()
        assert db.session.get(Branch, (world.township.id, made.id)).name == "南村党支部"
        named = {"secretary_name": "王书记", "is_active": False}
        changes = load_input(tenants.BranchInputSchema, named, partial=True)
        updated = tenants.update_branch(admin, world.township, made.id, changes)
        assert (updated.name, updated.secretary_name, updated.is_active) == (
            "南村党支部",
            "王书记",
            False,
        )
        with pytest.raises(PermissionDenied):
            tenants.create_branch(
                actor(world.users["township_staff"]),
                world.township,
                tenants.BranchInput(name="私建支部"),
            )


def test_the_edit_page_unticks_and_refuses_a_blank_name(app, world, client):
    mine = make_branch(world.township, "北村党支部")
    login(client, world.users["township_admin"])
    url = f"/t/{world.township.slug}/branches/{mine.id}"
    # The box left unticked is not posted: the branch is deactivated.
    response = client.post(url, data={"name": "北村党支部", "kind": "village"})
    assert response.status_code == 302
    blank = client.post(url, data={"name": " ", "kind": "village", "is_active": "y"})
    assert blank.status_code == 422 and "请填写名称" in blank.get_data(as_text=True)
    with tenant_context(world.township.id):
        db.session.expire_all()
        branch = db.session.get(Branch, (world.township.id, mine.id))
        assert (branch.name, branch.is_active) == ("北村党支部", False)


def test_the_create_page_shows_a_field_error(app, world, client):
    login(client, world.users["township_admin"])
    response = client.post(f"/t/{world.township.slug}/branches", data={"kind": "club"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "请填写名称" in page and "未知的支部类型" in page


def test_the_api_patch_changes_only_the_fields_named(app, world, client):
    mine = make_branch(world.township, "西村党支部", secretary_name="李书记")
    url = f"/api/v1/t/{world.township.slug}/branches/{mine.id}"
    headers = bearer(world.users["township_admin"])
    body = client.patch(url, headers=headers, json={"kind": "general"}).get_json()
    assert body["name"] == "西村党支部" and body["secretary_name"] == "李书记"
    assert body["kind"] == "general"
    assert_error(client.patch(url, headers=headers, json={"kind": "club"}), 422, "validation_error")
    assert_error(client.patch(url, headers=headers, json={"name": None}), 422, "validation_error")
