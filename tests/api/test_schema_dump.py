"""BaseSchema's shorter dump path gives exactly what marshmallow's own loop gives."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import Schema, fields, post_dump, pre_dump

from lianxin.api import fastdump
from lianxin.api.base import BaseSchema


class Child(BaseSchema):
    id = fields.Integer()
    label = fields.String(allow_none=True)


class Everything(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    maybe = fields.String(allow_none=True)
    flag = fields.Boolean()
    count = fields.Integer(as_string=True)
    ratio = fields.Float()
    amount = fields.Decimal(as_string=True)
    when = fields.DateTime()
    day = fields.Date()
    day_text = fields.Date(format="%Y年%m月%d日")
    renamed = fields.String(attribute="other_name")
    dotted = fields.String(attribute="child.label")
    keyed = fields.String(data_key="keyedOut")
    defaulted = fields.String(dump_default="默认")
    computed = fields.Method("_computed")
    function = fields.Function(lambda obj: "f")
    child = fields.Nested(Child, allow_none=True)
    children = fields.List(fields.Nested(Child))
    tags = fields.List(fields.String())
    raw = fields.Raw()

    def _computed(self, obj: Any) -> str:
        return "m"


def marshmallow_dump(schema: Schema, obj: Any, many: bool | None = None) -> Any:
    """What marshmallow itself produces: the same schema with the switch off."""
    original = fastdump.ENABLED
    try:
        fastdump.ENABLED = False
        return schema.dump(obj, many=many)
    finally:
        fastdump.ENABLED = original


def full_row() -> dict[str, Any]:
    return {
        "id": 7,
        "title": "路灯",
        "maybe": None,
        "flag": 1,
        "count": 3,
        "ratio": 0.5,
        "amount": Decimal("1.10"),
        "when": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        "day": date(2026, 3, 31),
        "day_text": date(2026, 4, 1),
        "other_name": "改名",
        "child": {"id": 1, "label": "甲"},
        "keyed": "k",
        "children": [{"id": 2, "label": None}, {"id": 3}],
        "tags": ["a", 1],
        "raw": {"x": [1, 2]},
    }


ROWS = [
    full_row(),
    {"id": 8},  # nearly everything missing: left out, or the default
    {**full_row(), "child": None, "children": [], "when": None, "day": None, "flag": None},
    {**full_row(), "id": "9", "count": "4", "title": 5},  # values the fields coerce
]


@pytest.mark.parametrize("row", ROWS)
def test_dicts_dump_as_marshmallow_dumps_them(row):
    assert Everything().dump(row) == marshmallow_dump(Everything(), row)


@pytest.mark.parametrize("row", ROWS)
def test_objects_dump_as_marshmallow_dumps_them(row):
    def as_object(value: Any) -> Any:
        if isinstance(value, dict):
            return SimpleNamespace(**{k: as_object(v) for k, v in value.items()})
        if isinstance(value, list):
            return [as_object(v) for v in value]
        return value

    obj = as_object(row)
    assert Everything().dump(obj) == marshmallow_dump(Everything(), obj)


def test_many_and_key_order_match():
    fast, slow = Everything(many=True).dump(ROWS), marshmallow_dump(Everything(many=True), ROWS)
    assert fast == slow
    assert [list(r) for r in fast] == [list(r) for r in slow]


def test_hooks_still_run():
    class Hooked(BaseSchema):
        name = fields.String()

        @pre_dump
        def upper(self, obj: Any, **kwargs: Any) -> Any:
            return {"name": obj["name"].upper()}

        @post_dump
        def mark(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            return {**data, "marked": True}

    assert Hooked().dump({"name": "ab"}) == {"name": "AB", "marked": True}


def test_a_schema_with_its_own_accessor_keeps_marshmallows_loop():
    class Accessor(BaseSchema):
        name = fields.String()

        def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
            return "via accessor"

    assert Accessor().dump({"name": "x"}) == {"name": "via accessor"}


def test_api_responses_are_unchanged(app, world, client):
    """The case list, a case and the county comparison as the API sends them, both ways."""
    from tests.helpers import bearer

    slug = world.township.slug
    admin = bearer(world.users["township_admin"])
    created = client.post(
        f"/api/v1/t/{slug}/cases/",
        headers=admin,
        json={"channel": "phone", "title": "比较", "body": "两条路径", "raiser_name": "张三"},
    )
    assert created.status_code == 201, created.get_json()
    urls = [f"/api/v1/t/{slug}/cases/", f"/api/v1/t/{slug}/cases/{created.get_json()['id']}"]
    fast = [client.get(url, headers=admin).get_json() for url in urls]
    original = fastdump.ENABLED
    try:
        fastdump.ENABLED = False
        slow = [client.get(url, headers=admin).get_json() for url in urls]
    finally:
        fastdump.ENABLED = original
    assert fast == slow
    assert fast[0] and fast[1]["history"]["events"]


# --- every API schema the app has, with values generated from its fields ---------------------


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _sample(field: fields.Field, depth: int) -> Any:
    if isinstance(field, fields.Nested):
        nested = field.schema
        if depth > 2:
            return None
        return _sample_row(nested, depth + 1)
    if isinstance(field, fields.List):
        return [_sample(field.inner, depth), _sample(field.inner, depth)]
    if isinstance(field, fields.Tuple):
        return tuple(_sample(f, depth) for f in field.tuple_fields)
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Integer):
        return 7
    if isinstance(field, fields.Decimal):
        return Decimal("1.25")
    if isinstance(field, fields.Float | fields.Number):
        return 0.5
    if isinstance(field, fields.DateTime):
        return datetime(2026, 3, 1, 23, 7, tzinfo=UTC)
    if isinstance(field, fields.Date):
        return date(2026, 3, 3)
    if isinstance(field, fields.Dict | fields.Raw):
        return {"k": [1, "二"]}
    return "路灯 3"


def _sample_row(schema: Schema, depth: int = 0) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, field in schema.dump_fields.items():
        key = field.attribute or name
        if "." in key:
            continue
        row[key] = _sample(field, depth)
    return row


def _both(schema: Schema, obj: Any) -> tuple[Any, Any]:
    def run() -> Any:
        try:
            return schema.dump(obj)
        except Exception as exc:  # the same failure both ways is the same behaviour
            return type(exc).__name__

    fast = run()
    original = fastdump.ENABLED
    try:
        fastdump.ENABLED = False
        slow = run()
    finally:
        fastdump.ENABLED = original
    return fast, slow


def test_every_api_schema_dumps_the_same_both_ways(app):
    """Generated over every BaseSchema the app's modules define (imported by create_app): a
    row with a value for each field, as a dict and as an object, and a row with none."""
    schemas = [cls for cls in _subclasses(BaseSchema) if cls.__module__.startswith("lianxin")]
    assert len(schemas) > 50, "the app's API schemas were not found"
    checked = 0
    for cls in schemas:
        try:
            schema = cls()
        except TypeError:  # needs arguments: not an API response schema
            continue
        row = _sample_row(schema)
        for obj in (row, SimpleNamespace(**row), {}):
            fast, slow = _both(schema, obj)
            assert fast == slow, cls.__name__
        checked += 1
    assert checked > 50
