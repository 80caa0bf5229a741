"""Typed inputs: one marshmallow schema per write use case, loaded into a frozen dataclass.

The API and the pages load the same schema (the API from the JSON body, the pages from
`request.form`), so the input is validated once, with the same Chinese messages, and the service
takes a typed value instead of `Mapping[str, Any]`. Declare the dataclass and the schema side by
side:

    @dataclass(frozen=True)
    class StationInput:
        kind: str
        name: str
        address: str = ""

    class StationSchema(InputSchema[StationInput]):
        input_type = StationInput
        kind = fields.String(required=True, validate=validate.OneOf([...]))
        ...

    data = load_input(StationSchema, request.get_json())   # -> StationInput

A change to some fields of a record loads the same schema with `partial=True` into
`Changes[StationInput]`: a read-only mapping of the fields given, each validated, so a service
can tell "not given" from "cleared".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Generic, Literal, TypeVar, overload

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load

from lianxin.errors import ValidationFailed

T = TypeVar("T")

# marshmallow's own messages, once, in Chinese (a field's own message still wins).
CHINESE_MESSAGES: dict[type[fields.Field], dict[str, Any]] = {
    fields.Field: {"required": _l("必填"), "null": _l("不能为空"), "validator_failed": _l("无效")},
    fields.String: {"invalid": _l("应为文字")},
    fields.Integer: {"invalid": _l("应为整数"), "too_large": _l("数值过大")},
    fields.Float: {"invalid": _l("应为数字")},
    fields.Decimal: {"invalid": _l("应为数字")},
    fields.Boolean: {"invalid": _l("应为是或否")},
    fields.Date: {"invalid": _l("日期无效（格式为 2026-01-31）")},
    fields.DateTime: {"invalid": _l("时间无效")},
    fields.Time: {"invalid": _l("时间无效（格式为 09:30）")},
    fields.List: {"invalid": _l("应为列表")},
    fields.Dict: {"invalid": _l("应为对象")},
    fields.Email: {"invalid": _l("电子邮箱格式不正确")},
}


def _chinese(field: fields.Field) -> None:
    """Replace marshmallow's English defaults; a message the field was given stays."""
    defaults: dict[str, Any] = {}
    chinese: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
        chinese.update(CHINESE_MESSAGES.get(cls, {}))
    for key, text in chinese.items():
        if key in field.error_messages and field.error_messages[key] == defaults.get(key):
            field.error_messages[key] = text


class Changes(Mapping[str, Any], Generic[T]):
    """The fields a partial update names, loaded by T's schema with `partial=True`."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = dict(values or {})

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Changes({self._values!r})"


class InputSchema(Schema, Generic[T]):
    """Loads into `input_type` (a frozen dataclass). Unknown keys: refused on the API (RAISE);
    a page form loads with `unknown=EXCLUDE` (its CSRF token and buttons are not input)."""

    input_type: ClassVar[type[Any]]
    error_messages = {"unknown": _l("未知字段"), "type": _l("数据格式不正确")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _chinese(field)

    @post_load
    def _typed(self, data: dict[str, Any], *, partial: Any = None, **_kwargs: Any) -> Any:
        if partial or self.partial:
            return Changes(data)  # a partial update: the service takes the named keys only
        return self.input_type(**data)


@overload
def load_input(
    schema: type[InputSchema[T]],
    data: Mapping[str, Any] | None,
    *,
    form: bool = ...,
    partial: Literal[False] = ...,
) -> T: ...


@overload
def load_input(
    schema: type[InputSchema[T]],
    data: Mapping[str, Any] | None,
    *,
    form: bool = ...,
    partial: Literal[True],
) -> Changes[T]: ...


def load_input(
    schema: type[InputSchema[T]],
    data: Mapping[str, Any] | None,
    *,
    form: bool = False,
    partial: bool = False,
) -> T | Changes[T]:
    """Load and validate `data`; a bad field raises ValidationFailed with Chinese messages.
    With `partial=True` only the fields given are loaded, into `Changes[T]`."""
    instance = schema(unknown=EXCLUDE) if form else schema()
    try:
        return instance.load(_plain(instance, data), partial=partial)
    except ValidationError as exc:
        raise ValidationFailed(errors=_flatten(exc.normalized_messages())) from exc


def _plain(schema: Schema, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """A dict to load; from a form (a MultiDict) a list field takes every value posted."""
    if data is None:
        return {}
    getlist = getattr(data, "getlist", None)
    if getlist is None:
        return dict(data)
    out: dict[str, Any] = {}
    for key in data:
        field = schema.fields.get(key)
        is_list = field is not None and isinstance(field, fields.List)
        out[key] = getlist(key) if is_list else data[key]
    return out


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                out.update(_flatten(value, name))
            else:
                out[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out
