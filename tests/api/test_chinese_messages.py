"""marshmallow's English never reaches a person: every schema's messages are Chinese, and the
API's own argument parsing (bodies, query strings, flask-smorest's pagination) answers in
Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest
from marshmallow import Schema, fields, validate

from lianxin.api.base import Blueprint, ErrorSchema
from lianxin.usecases.chinese import ChineseMessages, in_chinese
from tests.helpers import assert_error, bearer


def _english() -> set[str]:
    """Every English default marshmallow has for a field, a schema or a validator."""
    found: set[str] = set(Schema._default_error_messages.values())
    stack: list[type] = [fields.Field]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found.update(str(v) for v in cls.__dict__.get("default_error_messages", {}).values())
    for cls in (validate.Range(min=1, max=2), validate.Range(min=1), validate.Range(max=1)):
        found |= {cls.message_min, cls.message_max, cls.message_all}
    found |= {
        validate.Length.message_min,
        validate.Length.message_max,
        validate.Length.message_all,
        validate.Length.message_equal,
    }
    stack = [validate.Validator]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if "default_message" in cls.__dict__:
            found.add(cls.__dict__["default_message"])
    return found


ENGLISH = _english()


def _schemas() -> list[type[Schema]]:
    found, stack = [], [Schema]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("lianxin.") and cls.__name__ != "FastDump":
            found.append(cls)
    return found


def _messages(schema: Schema, seen: set[int] | None = None) -> list[tuple[str, str]]:
    """(where, message) for every message the schema, its fields and validators may give."""
    seen = set() if seen is None else seen
    if id(schema) in seen:
        return []
    seen.add(id(schema))
    out = [(f"{type(schema).__name__}", str(m)) for m in schema.error_messages.values()]
    stack = [(name, field) for name, field in schema.fields.items()]
    while stack:
        name, field = stack.pop()
        where = f"{type(schema).__name__}.{name}"
        out += [(where, str(m)) for m in field.error_messages.values()]
        for v in field.validators:
            for inner in v.validators if isinstance(v, validate.And) else [v]:
                if getattr(inner, "error", None) is not None:
                    out.append((where, str(inner.error)))  # its only message
                    continue
                for attr in ("message_min", "message_max", "message_all", "message_equal"):
                    if hasattr(inner, attr):
                        out.append((where, str(getattr(inner, attr))))
        if isinstance(field, fields.List):
            stack.append((name + "[]", field.inner))
        if isinstance(field, fields.Mapping) and field.value_field is not None:
            stack.append((name + "{}", field.value_field))
        if isinstance(field, fields.Nested):
            out += _messages(field.schema, seen)
    return out


def test_every_schema_of_the_platform_is_chinese(app):
    schemas = _schemas()
    assert len(schemas) > 100
    # ErrorSchema only documents the error body; it never loads anything.
    plain = [c.__qualname__ for c in schemas if not issubclass(c, ChineseMessages)]
    assert plain == [ErrorSchema.__qualname__], plain
    english = []
    for cls in schemas:
        if cls is ErrorSchema:
            continue
        with app.test_request_context("/"):
            schema = in_chinese(cls())
            english += [(where, text) for where, text in _messages(schema) if text in ENGLISH]
    assert not english, english[:20]


def test_a_schema_own_message_stays(app):
    class Own(ChineseMessages):
        name = fields.String(required=True, error_messages={"required": "请写名字"})
        size = fields.Integer(validate=validate.Range(min=1, error="至少一个"))
        kind = fields.String(validate=validate.OneOf(["a", "b"]))
        tags = fields.List(fields.String(), validate=validate.Length(max=2))
        note = fields.String(validate=validate.Length(max=3))

    with app.test_request_context("/"):
        errors = Own().validate(
            {"size": 0, "kind": "c", "tags": ["x", "y", "z"], "note": "long", "extra": 1}
        )
    assert errors == {
        "name": ["请写名字"],
        "size": ["至少一个"],
        "kind": ["请从列表中选择"],
        "tags": ["至多 2 项"],
        "note": ["不能超过 3 个字"],
        "extra": ["未知字段"],
    }


LATIN = re.compile(r"[A-Za-z]{3,}")


def _no_english(body: dict[str, Any]) -> None:
    words = LATIN.findall(str(body["message"]) + " " + str(body["errors"]))
    # Field names are the API's vocabulary (the request's keys); messages are Chinese.
    words = [w for w in words if w not in _keys(body["errors"]) and w not in {"JSON"}]
    assert not words, body


def _keys(errors: Any) -> set[str]:
    if not isinstance(errors, dict):
        return set()
    out = set()
    for key, value in errors.items():
        out |= set(re.findall(r"[A-Za-z]+", str(key)))
        out |= _keys(value)
    return out


@pytest.fixture
def staff(world):
    return bearer(world.users["township_staff"])


def test_api_body_errors_are_chinese(app, world, client, staff):
    cases = f"/api/v1/t/{world.township.slug}/cases/"
    body = assert_error(
        client.post(cases, headers=staff, json={"anonymous": "maybe", "nope": 1}),
        422,
        "validation_error",
    )
    assert "应为是或否" in str(body["errors"]["anonymous"])
    assert "未知字段" in str(body["errors"]["nope"])
    assert "Missing data" not in str(body)
    _no_english(body)
    body = assert_error(client.post(cases, headers=staff, json=["a list"]), 422)
    assert "数据格式不正确" in str(body["errors"])
    _no_english(body)


def test_invalid_json_body_is_chinese(app, world, client, staff):
    response = client.post(
        f"/api/v1/t/{world.township.slug}/cases/",
        headers=staff,
        data="{not json",
        content_type="application/json",
    )
    body = assert_error(response, 400, "bad_request")
    assert body["errors"] == {"_json": ["请求内容不是有效的 JSON。"]}
    _no_english(body)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("page_size=0", "page_size", "应在 1 到 1000 之间"),
        ("page_size=5000", "page_size", "应在 1 到 1000 之间"),
        ("page=0", "page", "不能小于 1"),
        ("page=abc", "page", "应为整数"),
        ("state=nonsense", "state", "请从列表中选择"),
        ("overdue=perhaps", "overdue", "应为是或否"),
    ],
)
def test_query_and_pagination_errors_are_chinese(app, world, client, staff, query, field, message):
    response = client.get(f"/api/v1/t/{world.township.slug}/cases/?{query}", headers=staff)
    body = assert_error(response, 422, "validation_error")
    assert message in str(body["errors"][field]), body
    _no_english(body)


def test_every_api_blueprint_parses_in_chinese(app):
    for blueprint in app.blueprints.values():
        if isinstance(blueprint, Blueprint):
            assert type(blueprint.ARGUMENTS_PARSER).__name__ == "ChineseParser"
            assert type(blueprint.PAGINATION_ARGUMENTS_PARSER).__name__ == "ChineseParser"
