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

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load

from lianxin.errors import ValidationFailed
from lianxin.usecases.chinese import ChineseMessages

T = TypeVar("T")


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


class AlwaysPartial:
    """Mixed into a change's schema (before the InputSchema): every load is partial, the API's
    instance and `load_input` alike, so it gives `Changes[T]`, the fields named."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)

    def load(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["partial"] = True
        return super().load(data, *args, **kwargs)  # type: ignore[misc]


class InputSchema(ChineseMessages, Generic[T]):
    """Loads into `input_type` (a frozen dataclass). Unknown keys: refused on the API (RAISE);
    a page form loads with `unknown=EXCLUDE` (its CSRF token and buttons are not input)."""

    input_type: ClassVar[type[Any]]

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
