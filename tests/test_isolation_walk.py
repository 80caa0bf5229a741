"""Every route, walked with another township's ids and slug: 404 and nothing changed.

The routes come from the app's URL map, so a new route is covered the moment it exists. A user
of township 甲镇 with the highest role there (township admin, also county admin of 甲县 for the
county routes) sends every method of every route:

1. with 乙镇's ids (same county, the most tempting neighbour) in the URL under 甲镇's slug,
2. with 乙镇's slug and 甲镇's own ids (no membership in 乙镇),
3. with 乙镇's ids in the JSON body of every API write,
4. and reads every list of 甲镇 looking for any of 乙镇's names.

After each request the whole database is compared with a snapshot taken before: nothing changed.
A module's tests collect these walks with the module's rows in every township
(`tests/modules/<key>/test_isolation.py`); there 1 and 2 walk the module's own routes
(`walk_only`), the core's being walked here.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from typing import Any

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text
from werkzeug.routing import Rule

from lianxin.auth.roles import Role
from lianxin.db import Base, db
from lianxin.db.base import tenant_tables
from lianxin.db.tenancy import UNSCOPED_ACROSS_TOWNSHIPS, tenant_context
from lianxin.tenants.models import Township
from tests.factories import grant, make_note
from tests.helpers import bearer, login

# Tables a legitimate request may touch on its own (a token's last use, a login's counters).
VOLATILE = {"api_tokens", "users"}
SKIP_METHODS = {"HEAD", "OPTIONS"}


def _rows(table_name: str, tenant_id: int | None = None) -> list[str]:
    query = f'SELECT * FROM "{table_name}"'
    if tenant_id is not None:  # explicit: raw SQL on SQLite has no row-level security
        query += f" WHERE tenant_id = {int(tenant_id)}"
    rows = db.session.execute(text(query)).mappings().all()
    return sorted(json.dumps(dict(r), sort_keys=True, default=str) for r in rows)


def snapshot() -> dict[str, Any]:
    """Every row of every table; tenant tables read in each township's context (RLS)."""
    db.session.rollback()
    tenant_names = {t.name for t in tenant_tables()}
    result: dict[str, Any] = {}
    townships = db.session.scalars(select(Township.id)).all()
    with UNSCOPED_ACROSS_TOWNSHIPS("test snapshot"):
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE:
                continue
            if table.name in tenant_names:
                for tid in townships:
                    with tenant_context(tid):
                        result[f"{table.name}@{tid}"] = _rows(table.name, tid)
                continue
            result[table.name] = _rows(table.name)
            if "tenant_id" in table.c:
                # A county policy's table (rollups, award candidates): on PostgreSQL a read
                # without a context sees none of its rows, so each township's are read too.
                for tid in townships:
                    with tenant_context(tid):
                        result[f"{table.name}@{tid}"] = _rows(table.name, tid)
    db.session.rollback()
    return result


def _ids_of(township: Township) -> set[int]:
    ids: set[int] = set()
    with UNSCOPED_ACROSS_TOWNSHIPS("test ids"), tenant_context(township.id):
        for table in tenant_tables():
            ids.update(
                db.session.execute(
                    text(f'SELECT id FROM "{table.name}" WHERE tenant_id = :t'), {"t": township.id}
                ).scalars()
            )
        # Memberships and their users are not tenant rows but belong to a township too
        # (/members/<id>, /users/<id>/…).
        for row in db.session.execute(
            text("SELECT id, user_id FROM memberships WHERE tenant_id = :t"), {"t": township.id}
        ):
            ids.update(row)
    db.session.rollback()
    return ids


def township_rules(app: Any, only: frozenset[str] | None = None) -> list[Rule]:
    """The township's routes; `only`: those of these blueprints (a module's own walk)."""
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "township_slug" in r.arguments
            and (only is None or r.endpoint.split(".", 1)[0] in only)
        ),
        key=lambda r: r.rule,
    )


def county_rules(app: Any) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if "county_slug" in r.arguments), key=lambda r: r.rule
    )


def _int_args(rule: Rule) -> list[str]:
    return [
        name
        for name, conv in (rule._converters or {}).items()
        if type(conv).__name__ == "IntegerConverter"
    ]


# Int arguments that are not row ids: a year names no row of anyone, so the walk with foreign
# ids fills it with a year in range (a foreign id such as 1901 is a year some routes read).
NOT_IDS = {"year": 2030}


def _id_args(rule: Rule) -> list[str]:
    return [name for name in _int_args(rule) if name not in NOT_IDS]


def _build(rule: Rule, values: dict[str, Any]) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", str(values[name]))
        for conv in ("int", "path", "string"):
            path = path.replace(f"<{conv}:{name}>", str(values[name]))
    return path


def _string_defaults(app: Any) -> dict[str, str]:
    return {
        "key": "pilot",
        "token": "not-a-token",
        "package": "swagger-ui-dist",
        "filename": "x",
        "export_id": "0" * 32,
    }


def _is_api(rule: Rule) -> bool:
    return rule.rule.startswith("/api/")


FORM = {
    "text": "篡改",
    "name": "篡改",
    "enabled": "1",
    "status": "suspended",
    "role": "representative",
    "username": "intruder",
    "display_name": "入侵者",
    "kind": "village",
    "module": "pilot",
    "visits_per_month": "3",
}


def _openapi(app: Any) -> dict[str, Any]:
    return app.extensions["lianxin.api"].spec.to_dict()  # type: ignore[no-any-return]


def _request_schema(app: Any, rule: Rule, method: str) -> dict[str, Any] | None:
    spec = _openapi(app)
    template = rule.rule
    for name in rule.arguments:
        for conv in ("int:", "path:", "string:", ""):
            template = template.replace(f"<{conv}{name}>", "{" + name + "}")
    op = spec["paths"].get(template, {}).get(method.lower(), {})
    content = (op.get("requestBody") or {}).get("content", {})
    schema = (content.get("application/json") or content.get("multipart/form-data") or {}).get(
        "schema"
    )
    if schema and "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def valid_body(app: Any, rule: Rule, method: str) -> dict[str, Any] | None:
    """A body that passes validation, so that ownership alone decides the answer."""
    schema = _request_schema(app, rule, method)
    if not schema:
        return None
    return {
        n: _sample(n, p)
        for n, p in schema.get("properties", {}).items()
        if not p.get("readOnly") and n in schema.get("required", [])
    }


# A 1×1 PNG for routes that take an uploaded image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fea7d6a9a80000000049454e44ae426082"
)


def _request(
    client: Any,
    method: str,
    path: str,
    *,
    api: bool,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
) -> Any:
    if api and body and any(v == "<file>" for v in body.values()):
        files = {k: (io.BytesIO(PNG), "x.png") if v == "<file>" else v for k, v in body.items()}
        return client.open(path, method=method, headers=headers, data=files)
    if api:
        return client.open(
            path,
            method=method,
            headers=headers,
            json=body if method in {"POST", "PUT", "PATCH"} else None,
        )
    return client.open(
        path, method=method, data=dict(FORM, **(body or {})) if method == "POST" else None
    )


@pytest.fixture
def walker(world, client):
    """The user of 甲镇 with every right there and in its county; logged in and with a token."""
    user = world.users[Role.TOWNSHIP_ADMIN.value]
    grant(user, Role.TOWNSHIP_STAFF, township=world.township)
    make_note(world.other, "乙镇专属走访记录二")
    login(client, user)
    return user, bearer(user)


def _foreign_ids(world) -> list[int]:
    ours = _ids_of(world.township)
    theirs = sorted(_ids_of(world.other) - ours)
    assert theirs, "the other township must own rows whose ids are not ours"
    return theirs


def test_walk_every_township_route_with_foreign_ids(app, world, client, walker, walk_only):
    _user, headers = walker
    foreign = _foreign_ids(world)
    before = snapshot()
    walked = 0
    for rule in township_rules(app, walk_only):
        ints = _id_args(rule)
        if not ints:
            continue
        for method in sorted(rule.methods - SKIP_METHODS):
            for combo in itertools.product(foreign, repeat=len(ints)):
                values = {
                    **_string_defaults(app),
                    **NOT_IDS,
                    "township_slug": world.township.slug,
                    **dict(zip(ints, combo, strict=True)),
                }
                path = _build(rule, values)
                body = valid_body(app, rule, method) if _is_api(rule) else None
                response = _request(
                    client, method, path, api=_is_api(rule), headers=headers, body=body
                )
                assert response.status_code == 404, (
                    method,
                    path,
                    response.status_code,
                    response.get_data(as_text=True)[:300],
                )
                walked += 1
    assert walked > (10 if walk_only is None else 0)
    assert snapshot() == before


def test_walk_every_township_route_with_foreign_slug(app, world, client, walker, walk_only):
    _user, headers = walker
    own = sorted(_ids_of(world.township))
    before = snapshot()
    for rule in township_rules(app, walk_only):
        for method in sorted(rule.methods - SKIP_METHODS):
            values = {
                **_string_defaults(app),
                "township_slug": world.other.slug,
                **{name: own[0] for name in _int_args(rule)},
            }
            path = _build(rule, values)
            body = valid_body(app, rule, method) if _is_api(rule) else None
            response = _request(client, method, path, api=_is_api(rule), headers=headers, body=body)
            if rule.rule.startswith("/p/"):
                # Public pages are public; they show only the township in their own URL.
                assert "甲镇专属" not in response.get_data(as_text=True)
                continue
            assert response.status_code == 404, (method, path, response.status_code)
    assert snapshot() == before


def test_walk_every_county_route_from_another_county(app, world, client):
    """A county admin of 甲县 asking for 远县 (slug) or its townships (ids): 404, no change."""
    admin = world.users["county_admin"]
    login(client, admin)
    headers = bearer(admin)
    before = snapshot()
    for rule in county_rules(app):
        for method in sorted(rule.methods - SKIP_METHODS):
            for slug, township_id in (
                (world.far_county.slug, world.township.id),
                (world.county.slug, world.far.id),
            ):
                values = {
                    **_string_defaults(app),
                    "county_slug": slug,
                    **{name: township_id for name in _int_args(rule)},
                }
                if slug == world.county.slug and not _int_args(rule):
                    continue  # our own county's routes without ids are legitimately ours
                path = _build(rule, values)
                body = valid_body(app, rule, method) if _is_api(rule) else None
                response = _request(
                    client, method, path, api=_is_api(rule), headers=headers, body=body
                )
                assert response.status_code == 404, (method, path, response.status_code)
    assert snapshot() == before


def _api_bodies(app: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template, body) for every API write whose body names an id."""
    spec = app.extensions["lianxin.api"].spec.to_dict()
    schemas = spec.get("components", {}).get("schemas", {})
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"post", "put", "patch"}:
                continue
            content = (op.get("requestBody") or {}).get("content", {})
            schema = (content.get("application/json") or {}).get("schema")
            if not schema:
                continue
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
            props = schema.get("properties", {})
            id_fields = [n for n, p in props.items() if n.endswith("_id") and not p.get("readOnly")]
            if id_fields:
                out.append(
                    (
                        method.upper(),
                        path,
                        {"props": props, "ids": id_fields, "required": schema.get("required", [])},
                    )
                )
    return out


def _sample(name: str, prop: dict[str, Any]) -> Any:
    if "$ref" in prop or "allOf" in prop or "anyOf" in prop:
        return None  # a nested object (optional by the API's rule): left out
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    if kind == "object":
        return {}
    if kind == "array":
        return []
    if prop.get("format") == "binary" or (kind == "string" and prop.get("format") == "binary"):
        return "<file>"
    if prop.get("format") == "email":
        return "x@example.cn"
    if prop.get("format") == "date":
        return "2020-01-02"
    if prop.get("format") == "date-time":
        return "2020-01-02T03:04:05+00:00"
    return f"walker-{name}"


def test_foreign_ids_in_api_bodies_are_not_found(app, world, client, walker):
    _user, headers = walker
    foreign = _foreign_ids(world)
    own = sorted(_ids_of(world.township))
    bodies = _api_bodies(app)
    assert bodies, "expected API writes with ids in their bodies"
    before = snapshot()
    for method, template, shape in bodies:
        path = template.replace("{township_slug}", world.township.slug)
        if "{" in path:
            continue  # ids in the path are walked above
        for id_field in shape["ids"]:
            body = {
                n: _sample(n, p)
                for n, p in shape["props"].items()
                if not p.get("readOnly") and n not in shape["ids"]
            }
            body.update({other: None for other in shape["ids"]})
            body[id_field] = foreign[0]
            response = client.open(path, method=method, headers=headers, json=body)
            assert response.status_code == 404, (method, path, body, response.get_json())
    # The other township's members are not ours to grant roles to, either.
    other_user = world.users["other_admin"]
    response = client.post(
        f"/api/v1/t/{world.township.slug}/members",
        headers=headers,
        json={"role": "representative", "user_id": other_user.id},
    )
    assert response.status_code == 404
    assert snapshot() == before
    assert own  # our own ids exist, so 404s above are about ownership, not emptiness


def _body_text(response: Any) -> str:
    """A response's text; a spreadsheet download (.xlsx, a zip) is read from the XML inside."""
    data = response.get_data()
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(
                archive.read(name).decode("utf-8")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return data.decode("utf-8")


def test_lists_show_nothing_of_another_township(app, world, client, walker):
    _user, headers = walker
    for rule in township_rules(app):
        if "GET" not in rule.methods or _int_args(rule) or rule.rule.startswith("/p/"):
            continue
        values = {**_string_defaults(app), "township_slug": world.township.slug}
        path = _build(rule, values)
        response = _request(client, "GET", path, api=_is_api(rule), headers=headers)
        body = _body_text(response)
        assert response.status_code in (200, 302), (path, response.status_code)
        for marker in ("乙镇专属", "远镇专属"):
            assert marker not in body, (path, marker)


def test_the_walk_sees_module_routes(app):
    """The registry's module routes are in the walk without being listed anywhere."""
    rules = {r.rule for r in township_rules(app)}
    assert "/t/<township_slug>/pilot/notes/<int:note_id>" in rules
    assert "/api/v1/t/<township_slug>/pilot/notes/<int:note_id>" in rules
    assert sa_inspect(db.engine) is not None


def test_the_snapshot_sees_the_county_policys_rows(world):
    """A change to a county-policy table (rollups, award candidates) must show in the walk's
    before/after comparison: on PostgreSQL a read without a context sees none of its rows."""
    from datetime import date

    from lianxin.county.models import CountyRollup

    before = snapshot()
    with tenant_context(world.other.id):
        db.session.add(
            CountyRollup(
                county_id=world.other.county_id,
                tenant_id=world.other.id,
                period="2030",
                metric="walk.probe",
                period_kind="year",
                period_start=date(2030, 1, 1),
                module_key="core",
                value=1.0,
            )
        )
        db.session.commit()
    assert snapshot() != before
