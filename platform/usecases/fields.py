"""The input fields every module's schemas share (`lianxin.usecases.fields`).

- `Text`: a string with its surrounding spaces cut (a form's and a phone's input alike);
  `blank_is_none=True` makes an empty one None.
- `GivenText(limit, message)`: an optional text ("" or absent: None) that, when given, says
  something (whitespace only is an error).
- `OptionalText`, `OptionalDate`, `OptionalId`: an empty form value ("") means "not given",
  None.
- `text(limit, message)`: a required text of 1 to `limit` characters whose every way of being
  missing or wrong says `message`.
- `at_most(limit)`, `phone`: validators with the platform's Chinese messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

TOO_LONG = _l("内容过长")
BAD_PHONE = _l("电话号码格式不正确")


class Text(fields.String):
    """A string with its surrounding spaces cut; `blank_is_none`: an empty one is None."""

    def __init__(self, *, blank_is_none: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.blank_is_none = blank_is_none

    def _deserialize(  # type: ignore[override]  # None for a blank, by design
        self, value: Any, attr: Any, data: Any, **kwargs: Any
    ) -> str | None:
        text = str(super()._deserialize(value, attr, data, **kwargs)).strip()
        return None if self.blank_is_none and not text else text


class GivenText(Text):
    """A text that may be left out (None, or a form's empty field) but, when given, says
    something: 1 to `limit` characters once trimmed, else `message`."""

    def __init__(self, limit: int, message: Any, **kwargs: Any) -> None:
        super().__init__(
            load_default=None,
            allow_none=True,
            validate=validate.Length(min=1, max=limit, error=message),
            **kwargs,
        )

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        return super().deserialize(None if value == "" else value, attr, data, **kwargs)


class Blank:
    """Mixed into a field: its empty form value ("" or spaces) means "not given", None."""

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            value = None
        return super().deserialize(value, attr, data, **kwargs)  # type: ignore[misc]


class OptionalText(Blank, Text):
    """A text a form may leave empty (None, its validators not run); give it
    `allow_none=True, load_default=None`."""


class OptionalDate(Blank, fields.Date):
    """A date a form may leave empty (None); give it `allow_none=True, load_default=None`."""


class OptionalId(Blank, fields.Integer):
    """An id a form may leave empty (None); give it `allow_none=True, load_default=None`."""


def text(limit: int, message: Any, *, required: bool = True, **kwargs: Any) -> Text:
    """A required text of 1 to `limit` characters; every way of missing it says `message`."""
    return Text(
        required=required,
        validate=validate.Length(min=1, max=limit, error=message),
        error_messages={"required": message, "null": message, "invalid": message},
        **kwargs,
    )


def at_most(limit: int) -> Callable[[str | None], None]:
    """At most `limit` characters (None passes)."""

    def check(value: str | None) -> None:
        if value is not None and len(value) > limit:
            raise ValidationError(str(TOO_LONG))

    return check


def phone(value: str | None) -> None:
    """A telephone number as people write one: digits, spaces, '-' and '+', at most 20."""
    if value and (len(value) > 20 or not all(c.isdigit() or c in "-+ " for c in value)):
        raise ValidationError(str(BAD_PHONE))
