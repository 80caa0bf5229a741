"""The API's shorter dump path: marshmallow's own loop, with each plain field's value read
directly (every API schema inherits it through `lianxin.api.base.BaseSchema`).

Per field and row marshmallow goes through `Field.serialize`, `Field.get_value`, the schema's
accessor, `utils.get_value` and `_get_value_for_key` before the field's `_serialize`; for a
50-case page that was about 40 % of the request's CPU. Here a field that does not change how its
value is read (no dotted `attribute`, no `dump_default`, no own `serialize` or `get_value`) has
its value read as `_get_value_for_key` reads it and goes straight to its own `_serialize`, which
formats it exactly as before; every other field, and a schema with its own accessor, takes
marshmallow's path. Hooks (pre/post dump) run in `dump`, around this, as before.

`LIANXIN_FAST_DUMP=0` in the environment turns it off (marshmallow's own loop everywhere), and
`tests/api/test_schema_dump.py` checks, for every API schema the app documents, that both paths
give the same output.
"""

from __future__ import annotations

import os
from typing import Any

from marshmallow import Schema, fields, missing

# The switch: on unless the environment says "0"; tests flip it to compare the two paths.
ENABLED = os.environ.get("LIANXIN_FAST_DUMP", "1") != "0"


class FastDump(Schema):
    """A marshmallow Schema that takes the shorter dump path."""

    def _serialize(self, obj: Any, *, many: bool = False) -> Any:
        """Marshmallow's own loop, with each plain field's value read directly.

        Per field and row marshmallow goes through `Field.serialize`, `Field.get_value`, the
        schema's accessor, `utils.get_value` and `_get_value_for_key` before the field's
        `_serialize`; for a 50-case page that was about 40 % of the request's CPU. Here a field
        that does not change how its value is read (no dotted `attribute`, no `dump_default`, no
        own `serialize` or `get_value`) has its value read as `_get_value_for_key` reads it and
        goes straight to its own `_serialize`, which formats it exactly as before; every other
        field, and a schema with its own accessor, takes marshmallow's path. Hooks (pre/post
        dump) run in `dump`, around this, as before.
        """
        if not ENABLED:
            return super()._serialize(obj, many=many)
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        plan = self.__dict__.get("_lianxin_plan")
        if plan is None:
            plan = self.__dict__["_lianxin_plan"] = _dump_plan(self)
        if not isinstance(plan, list):
            return super()._serialize(obj)
        out = self.dict_class()
        mapping = hasattr(obj, "__getitem__")
        for attr_name, check_key, key, field_obj, fast in plan:
            if fast:
                if mapping:
                    try:
                        value = obj[check_key]
                    except (KeyError, IndexError, TypeError, AttributeError):
                        value = getattr(obj, check_key, missing)
                else:
                    value = getattr(obj, check_key, missing)
                if value is missing:
                    continue
                out[key] = field_obj._serialize(value, attr_name, obj)
            else:
                value = field_obj.serialize(attr_name, obj, accessor=self.get_attribute)
                if value is not missing:
                    out[key] = value
        return out


def _dump_plan(schema: Schema) -> list[tuple[str, str, str, Any, bool]] | bool:
    """(name, key read, key written, field, direct read?) per dump field, or False for
    marshmallow's own loop."""
    if type(schema).get_attribute is not Schema.get_attribute:
        return False
    plan = []
    for attr_name, field_obj in schema.dump_fields.items():
        check_key = attr_name if field_obj.attribute is None else field_obj.attribute
        fast = (
            field_obj._CHECK_ATTRIBUTE
            and "." not in check_key
            and field_obj.dump_default is missing
            and type(field_obj).serialize is fields.Field.serialize
            and type(field_obj).get_value is fields.Field.get_value
        )
        key = field_obj.data_key if field_obj.data_key is not None else attr_name
        plan.append((attr_name, check_key, key, field_obj, fast))
    return plan
