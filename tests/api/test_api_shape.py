"""One error shape everywhere, validation naming the field, pagination, the OpenAPI document."""

from __future__ import annotations

import re

import pytest

from lianxin.tenants.models import Branch
from tests.factories import make_branch
from tests.helpers import assert_error, bearer


@pytest.fixture
def headers(world):
    return bearer(world.users["township_admin"])


def test_unknown_township_is_404_json(app, world, headers, client):
    assert_error(client.get("/api/v1/t/no-such-town/branches", headers=headers), 404, "not_found")


def test_unknown_route_is_404_json(app, client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_no_token_is_401(app, world, client):
    assert_error(client.get(f"/api/v1/t/{world.township.slug}/branches"), 401, "unauthenticated")


def test_invalid_json_is_400(app, world, headers, client):
    response = client.post(
        f"/api/v1/t/{world.township.slug}/branches",
        headers=headers,
        data="{not json",
        content_type="application/json",
    )
    body = assert_error(response, 400, "bad_request")
    assert body["errors"]


def test_wrong_types_are_422_naming_the_field(app, world, headers, client):
    response = client.post(
        f"/api/v1/t/{world.township.slug}/branches",
        headers=headers,
        json={"name": 12, "is_active": "maybe"},
    )
    body = assert_error(response, 422, "validation_error")
    assert set(body["errors"]) == {"name", "is_active"}


def test_unknown_fields_are_refused(app, world, headers, client):
    response = client.post(
        f"/api/v1/t/{world.township.slug}/branches",
        headers=headers,
        json={"name": "新支部", "tenant_id": world.other.id},
    )
    body = assert_error(response, 422, "validation_error")
    assert "tenant_id" in body["errors"]


def test_service_validation_names_the_field(app, world, headers, client):
    url = f"/api/v1/t/{world.township.slug}/branches"
    assert client.post(url, headers=headers, json={"name": "重名支部"}).status_code == 201
    body = assert_error(client.post(url, headers=headers, json={"name": "重名支部"}), 422)
    assert "name" in body["errors"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024}])
def test_oversized_body_is_413(app, world, headers, client):
    response = client.post(
        f"/api/v1/t/{world.township.slug}/branches", headers=headers, json={"name": "x" * 5000}
    )
    assert_error(response, 413, "payload_too_large")


def test_pagination(app, world, headers, client):
    for i in range(5):
        make_branch(world.township, f"分页支部{i}")
    response = client.get(
        f"/api/v1/t/{world.township.slug}/branches?page=2&page_size=2", headers=headers
    )
    assert response.status_code == 200
    assert len(response.get_json()) == 2
    assert '"total": 6' in response.headers["X-Pagination"]
    assert_error(
        client.get(f"/api/v1/t/{world.township.slug}/branches?page=0", headers=headers),
        422,
        "validation_error",
    )


def test_openapi_document_and_docs(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["info"]["title"].startswith("连心")
    assert "/api/v1/t/{township_slug}/branches" in spec["paths"]
    assert "bearer" in spec["components"]["securitySchemes"]
    docs = client.get("/api/docs").get_data(as_text=True)
    assert "/vendor/swagger-ui-dist/" in docs
    # Every address the page loads or links is served here; "cdn" as a substring would also
    # match the page's random nonce now and then.
    addresses = re.findall(r"""(?:src|href|url)\s*[=:(]\s*["']([^"']+)["']""", docs)
    assert addresses, "the docs page loads nothing?"
    assert [a for a in addresses if "//" in a] == []


def test_swagger_assets_are_served_locally(app, client):
    with client.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js") as response:
        assert response.status_code == 200 and len(response.data) > 100_000
    assert client.get("/vendor/left-pad/index.js").status_code == 404
    assert client.get("/vendor/swagger-ui-dist/../../package.json").status_code == 404


def test_api_create_read_update_branch(app, world, headers, client):
    url = f"/api/v1/t/{world.township.slug}/branches"
    created = client.post(
        url, headers=headers, json={"name": "新华社区党支部", "kind": "community"}
    ).get_json()
    assert created["kind"] == "community" and "tenant_id" not in created
    patched = client.patch(
        f"{url}/{created['id']}", headers=headers, json={"is_active": False}
    ).get_json()
    assert patched["is_active"] is False
    assert (
        client.get(f"{url}/{created['id']}", headers=headers).get_json()["name"] == "新华社区党支部"
    )
    assert Branch.__tablename__ == "branches"
