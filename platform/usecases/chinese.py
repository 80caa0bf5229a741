"""marshmallow's own messages in Chinese, for every schema the platform loads.

A field or validator message a schema gives itself stays; only marshmallow's English defaults
("Missing data for required field.", "Must be one of: …", "Shorter than minimum length 1.") are
replaced. `ChineseMessages`, the base of the input schemas, the API's schemas and the module
settings, does it once per class, into its declared fields, their inner fields and validators;
`in_chinese(schema)` does it for one instance of any schema: the API's argument parser
(`lianxin.api.base.ChineseParser`) calls it on every schema it parses, so flask-smorest's own
pagination parameters answer in Chinese too.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

S = TypeVar("S", bound=Schema)

# Per field class, by marshmallow's key (a field's own message still wins).
FIELD_MESSAGES: dict[type[fields.Field], dict[str, Any]] = {
    fields.Field: {"required": _l("必填"), "null": _l("不能为空"), "validator_failed": _l("无效")},
    fields.String: {"invalid": _l("应为文字"), "invalid_utf8": _l("文字编码无效")},
    fields.Number: {"invalid": _l("应为数字"), "too_large": _l("数值过大")},
    fields.Integer: {"invalid": _l("应为整数"), "too_large": _l("数值过大")},
    fields.Float: {"invalid": _l("应为数字"), "special": _l("应为有限的数字")},
    fields.Decimal: {"invalid": _l("应为数字"), "special": _l("应为有限的数字")},
    fields.Boolean: {"invalid": _l("应为是或否")},
    fields.DateTime: {
        "invalid": _l("时间无效"),
        "invalid_awareness": _l("时间须带时区"),
        "format": _l("时间无法显示"),
    },
    fields.Date: {
        "invalid": _l("日期无效（格式为 2026-01-31）"),
        "invalid_awareness": _l("日期无效（格式为 2026-01-31）"),
        "format": _l("日期无法显示"),
    },
    fields.Time: {
        "invalid": _l("时间无效（格式为 09:30）"),
        "invalid_awareness": _l("时间无效（格式为 09:30）"),
        "format": _l("时间无法显示"),
    },
    fields.TimeDelta: {"invalid": _l("时长无效"), "format": _l("时长无法显示")},
    fields.List: {"invalid": _l("应为列表")},
    fields.Tuple: {"invalid": _l("应为列表")},
    fields.Mapping: {"invalid": _l("应为对象")},
    fields.Nested: {"type": _l("应为对象")},
    fields.Enum: {"unknown": _l("请从列表中选择")},
    fields.Email: {"invalid": _l("电子邮箱格式不正确")},
    fields.URL: {"invalid": _l("网址格式不正确")},
    fields.UUID: {"invalid_uuid": _l("编号格式不正确")},
    fields.IP: {"invalid_ip": _l("IP 地址格式不正确")},
    fields.IPInterface: {"invalid_ip_interface": _l("IP 地址格式不正确")},
}
SCHEMA_MESSAGES: dict[str, Any] = {"unknown": _l("未知字段"), "type": _l("数据格式不正确")}
# Validators that keep one message in `error`; the placeholders are marshmallow's.
VALIDATOR_MESSAGES: dict[type[validate.Validator], Any] = {
    validate.URL: _l("网址格式不正确"),
    validate.Email: _l("电子邮箱格式不正确"),
    validate.Equal: _l("应为 {other}"),
    validate.Regexp: _l("格式不正确"),
    validate.Predicate: _l("无效"),
    validate.NoneOf: _l("无效"),
    # The choices are codes (the OpenAPI document lists them); a page shows their labels.
    validate.ContainsNoneOf: _l("含有不允许的选项"),
    validate.ContainsOnly: _l("请从列表中选择"),
    validate.OneOf: _l("请从列表中选择"),
}
INVALID_JSON = _l("请求内容不是有效的 JSON。")
INVALID_VALUE = _l("无效")

_DONE = "_lianxin_chinese"


def _is_default(message: Any, english: Any) -> bool:
    """marshmallow's English default: its very object, or an equal plain str (fields.Email
    hands its validator a copy). A lazy message is the schema's own; comparing it would
    translate it, for every field of every schema."""
    return message is english or (type(message) is str and message == english)


_TABLES: dict[type, tuple[tuple[str, Any, Any], ...]] = {}


def _field_table(cls: type[fields.Field]) -> tuple[tuple[str, Any, Any], ...]:
    """(key, marshmallow's English default, Chinese) for a field class, worked out once."""
    if cls in _TABLES:
        return _TABLES[cls]
    defaults: dict[str, Any] = {}
    chinese: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        defaults.update(getattr(base, "default_error_messages", {}))
        chinese.update(FIELD_MESSAGES.get(base, {}))
    table = _TABLES[cls] = tuple((key, defaults.get(key), text) for key, text in chinese.items())
    return table


def in_chinese(schema: S) -> S:
    """Put `schema`'s messages (its own, its fields', their validators') in Chinese; once."""
    if schema.__dict__.get(_DONE):
        return schema
    schema.__dict__[_DONE] = True
    english = Schema._default_error_messages
    for key, text in SCHEMA_MESSAGES.items():
        if _is_default(schema.error_messages.get(key), english.get(key)):
            schema.error_messages[key] = text
    for field in schema.fields.values():
        _field(field)
    return schema


def _field(field: fields.Field) -> None:
    if field.__dict__.get(_DONE):
        return
    field.__dict__[_DONE] = True
    messages = field.error_messages
    for key, english, text in _field_table(type(field)):
        if _is_default(messages.get(key), english):
            messages[key] = text
    items = isinstance(field, (fields.List, fields.Tuple, fields.Mapping))
    for validator in field.validators:
        _validator(validator, items)
    for inner in _inner(field):
        _field(inner)
    if isinstance(field, fields.Nested):
        # A ChineseMessages schema did it when it was made; a name or a callable is resolved
        # (into one of ours) only when first used.
        nested = field.nested
        if isinstance(nested, Schema) and not isinstance(nested, ChineseMessages):
            in_chinese(nested)
        elif isinstance(nested, type) and not issubclass(nested, ChineseMessages):
            in_chinese(field.schema)


def _inner(field: fields.Field) -> list[fields.Field]:
    if isinstance(field, fields.List):
        return [field.inner]
    if isinstance(field, fields.Tuple):
        return list(field.tuple_fields)
    if isinstance(field, fields.Mapping):
        return [f for f in (field.key_field, field.value_field) if f is not None]
    return []


def _validator(validator: Any, items: bool = False) -> None:
    """A validator's English default in Chinese; `items`: it measures a list, not a text."""
    if isinstance(validator, validate.And):
        for inner in validator.validators:
            _validator(inner, items)
    elif isinstance(validator, validate.Range):
        if validator.error is None:
            _range(validator)
    elif isinstance(validator, validate.Length):
        if validator.error is None:
            _length(validator, items)
    else:
        # The nearest class with a Chinese message (a platform's subclass of OneOf too).
        known = next((c for c in type(validator).__mro__ if c in VALIDATOR_MESSAGES), None)
        if known is not None and _is_default(validator.error, type(validator).default_message):
            validator.error = VALIDATOR_MESSAGES[known]


def _range(validator: validate.Range) -> None:
    # A lazy string formats like a str: Range calls `.format(min=…, max=…)` on it.
    low, high = validator.min_inclusive, validator.max_inclusive
    validator.message_min = _l("不能小于 {min}") if low else _l("应大于 {min}")
    validator.message_max = _l("不能大于 {max}") if high else _l("应小于 {max}")
    validator.message_all = (
        _l("应在 {min} 到 {max} 之间")
        if low and high
        else _l("应大于 {min}、不大于 {max}")
        if high
        else _l("应不小于 {min}、小于 {max}")
        if low
        else _l("应大于 {min}、小于 {max}")
    )


def _length(validator: validate.Length, items: bool) -> None:
    if items:
        validator.message_min = _l("至少 {min} 项")
        validator.message_max = _l("至多 {max} 项")
        validator.message_all = _l("应为 {min} 到 {max} 项")
        validator.message_equal = _l("应为 {equal} 项")
    else:
        validator.message_min = _l("不能少于 {min} 个字")
        validator.message_max = _l("不能超过 {max} 个字")
        validator.message_all = _l("应为 {min} 到 {max} 个字")
        validator.message_equal = _l("应为 {equal} 个字")


class ChineseMessages(Schema):
    """A schema whose marshmallow messages are Chinese.

    The class's declared fields are put in Chinese once, when its first instance is made;
    every instance deep-copies them (marshmallow does), so an instance costs nothing more."""

    error_messages = SCHEMA_MESSAGES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        if not cls.__dict__.get(_DONE):
            for field in cls._declared_fields.values():
                _field(field)
            setattr(cls, _DONE, True)
        super().__init__(*args, **kwargs)
        self.__dict__[_DONE] = True
