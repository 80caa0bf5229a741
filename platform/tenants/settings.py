"""Module settings as people see them: Chinese errors, choice labels, and page fields that
say whose value each setting is (the township's own, the county's default, the platform's).

The layers themselves (module defaults → county defaults → township's own) live in
`tenants.service`; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, validate
from marshmallow import fields as ma

from lianxin.modules.registry import ModuleSpec

# The page posts, next to each setting, the value it showed: a setting whose posted value is
# the one shown was not touched, and stays with the layer it came from.
ORIG_PREFIX = "orig."
RESET = "reset"


def _is_english(message: str) -> bool:
    # marshmallow's own messages are English; a module's own are already Chinese.
    return message.isascii()


def _validator_message(validator: Any) -> str:
    if isinstance(validator, validate.OneOf):
        return _("请从列表中选择")
    if isinstance(validator, validate.Range):
        low, high = validator.min, validator.max
        if low is not None and high is not None:
            return _("应在 %(min)s 到 %(max)s 之间", min=low, max=high)
        if low is not None:
            return _("不应小于 %(min)s", min=low)
        return _("不应大于 %(max)s", max=high)
    if isinstance(validator, validate.Length):
        if validator.min is not None and validator.max is not None:
            return _("长度应在 %(min)s 到 %(max)s 个字之间", min=validator.min, max=validator.max)
        if validator.max is not None:
            return _("不应超过 %(max)s 个字", max=validator.max)
        return _("不应少于 %(min)s 个字", min=validator.min)
    return _("填写有误")


def _type_message(fdef: Any, value: Any) -> str:
    if value is None:
        return _("不能为空")
    if isinstance(fdef, ma.Boolean):
        return _("请选择是或否")
    if isinstance(fdef, ma.Integer):
        return _("请填写整数")
    if isinstance(fdef, ma.Number):
        return _("请填写数字")
    if isinstance(fdef, ma.Date | ma.DateTime):
        return _("请填写日期")
    return _("填写有误")


def field_message(fdef: Any, value: Any) -> str:
    """The Chinese message of what is wrong with one setting's value."""
    if value is None:
        return _type_message(fdef, value)
    try:
        # The type alone: `deserialize` would also run the validators, with their English.
        loaded = fdef._deserialize(value, None, None)
    except ValidationError:
        return _type_message(fdef, value)
    for validator in fdef.validators:
        try:
            validator(loaded)
        except ValidationError:
            return _validator_message(validator)
    return _("填写有误")


def chinese_errors(
    spec: ModuleSpec, data: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The schema's errors with marshmallow's English replaced by a Chinese message."""
    fields = dict(spec.settings_fields())
    out: dict[str, list[str]] = {}
    for name, messages in errors.items():
        if name not in fields:
            out[name] = [_("未知的设置项")] if name != "_schema" else list(messages)
            continue
        said: list[str] = []
        for message in messages:
            text = str(message)
            if _is_english(text):
                text = field_message(fields[name], data[name]) if name in data else _("此项为必填")
            if text not in said:
                said.append(text)
        out[name] = said
    return out


def choices_of(fdef: Any) -> list[tuple[str, str]] | None:
    """A choice setting's (value, Chinese label) pairs, None for any other setting.

    The values are the schema's `OneOf`; labels come from `metadata["choices"]` (a mapping, or
    pairs), else the value itself."""
    one_of = next((v for v in fdef.validators if isinstance(v, validate.OneOf)), None)
    declared = fdef.metadata.get("choices")
    if one_of is None and not declared:
        return None
    labels: dict[str, Any] = {}
    if isinstance(declared, Mapping):
        labels = {str(k): v for k, v in declared.items()}
    elif declared:
        labels = {str(k): v for k, v in declared}
    values = [str(v) for v in one_of.choices] if one_of is not None else list(labels)
    return [(value, str(labels.get(value, value))) for value in values]


def raw(value: Any) -> str:
    """A value as the page shows and posts it."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return ""
    return str(value)


@dataclass(frozen=True)
class SettingField:
    """One setting on a page: its value, whose it is, and what it would fall back to."""

    name: str
    label: str
    kind: str  # bool / select / number / text
    value: str  # shown, as posted
    orig: str  # the value the page showed first (posted back beside it)
    own: bool  # the page's own layer holds it (township's setting / county's default)
    fallback: str  # the value of the layer below, as a person reads it
    description: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        return self.value == "1"


def _readable(fdef: Any, value: Any, choices: list[tuple[str, str]] | None) -> str:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if choices:
        return dict(choices).get(raw(value), raw(value))
    return raw(value)


def page_fields(
    spec: ModuleSpec,
    values: Mapping[str, Any],
    own: Mapping[str, Any],
    fallback: Mapping[str, Any],
    errors: Mapping[str, list[str]] | None = None,
    posted: Mapping[str, Any] | None = None,
) -> list[SettingField]:
    """The settings form of one module: `values` the effective values, `own` the page's layer,
    `fallback` what each would be without it; after an error, `posted` is the form sent (its
    values are shown again, its original values kept)."""
    out = []
    for name, fdef in spec.settings_fields():
        choices = choices_of(fdef)
        if isinstance(fdef, ma.Boolean):
            kind = "bool"
        elif choices is not None:
            kind = "select"
        elif isinstance(fdef, ma.Number):
            kind = "number"
        else:
            kind = "text"
        shown = orig = raw(values.get(name))
        if posted is not None:
            if kind == "bool" and name in posted:
                shown = "1" if "1" in posted.getlist(name) else "0"  # type: ignore[attr-defined]
            elif name in posted:
                shown = str(posted.get(name, "")).strip()
            orig = str(posted.get(ORIG_PREFIX + name, orig))
        out.append(
            SettingField(
                name=name,
                label=str(fdef.metadata.get("label", name)),
                kind=kind,
                value=shown,
                orig=orig,
                own=name in own,
                fallback=_readable(fdef, fallback.get(name), choices),
                description=str(fdef.metadata.get("description", "")),
                choices=choices or [],
                errors=list((errors or {}).get(name, [])),
            )
        )
    return out


def changes_from_form(spec: ModuleSpec, form: Any, current: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a page changed: a field whose posted value is not the one the page showed
    (or, when the page did not say, not the current value), and `None` for each ticked
    "恢复…默认". Untouched fields are not named, so they stay in the layer they came from."""
    resets = set(form.getlist(RESET))
    changes: dict[str, Any] = {}
    for name, fdef in spec.settings_fields():
        if name in resets:
            changes[name] = None
            continue
        if name not in form:
            continue
        if isinstance(fdef, ma.Boolean):
            # The page sends a hidden "0" before each checkbox: unticked reads as off.
            posted = "1" if "1" in form.getlist(name) else "0"
        else:
            posted = str(form.get(name, "")).strip()
        shown = form.get(ORIG_PREFIX + name)
        if shown is None:
            shown = raw(current.get(name))
        if posted != shown:
            changes[name] = posted == "1" if isinstance(fdef, ma.Boolean) else posted
    return changes
