"""Helpers shared by page forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash
from flask_wtf import FlaskForm

from lianxin.errors import Conflict, DomainError, PermissionDenied, ValidationFailed


def apply_errors(form: FlaskForm, exc: DomainError) -> None:
    """Show a service's field errors next to the fields; the rest as a message on top."""
    unplaced: list[str] = []
    for name, messages in exc.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = (
                [*field.errors, *messages] if isinstance(field.errors, list) else list(messages)
            )
        else:
            unplaced.extend(messages)
    flash(exc.message if not unplaced else exc.message + " " + "；".join(unplaced), "error")


def flash_error(exc: DomainError) -> None:
    """A service's error as one message on top of the page, with each field message it does not
    already say."""
    details = [
        str(m)
        for messages in exc.errors.values()
        for m in messages
        if str(m) not in str(exc.message)
    ]
    flash(f"{exc.message} {'；'.join(details)}".strip(), "error")


def attempt(
    fn: Any, *args: Any, ok: str | None = None, flash_refusal: bool = True, **kwargs: Any
) -> Any:
    """Run a page's write through its use case: bad input or a rule break is flashed as the
    service's Chinese message (the use case has rolled back, nothing changes) and None is
    returned; on success `ok` is flashed and the result returned. A refusal is flashed too,
    unless `flash_refusal` is false: then it answers 403."""
    caught: tuple[type[DomainError], ...] = (ValidationFailed, Conflict)
    if flash_refusal:
        caught = (*caught, PermissionDenied)
    try:
        result = fn(*args, **kwargs)
    except caught as exc:
        flash_error(exc)
        return None
    if ok:
        flash(ok, "success")
    return result


def label(labels: Mapping[Any, Any], value: Any) -> str:
    """The Chinese label of a stored value ("" for none; the value itself when unknown)."""
    if value is None:
        return ""
    try:
        return str(labels[value])
    except KeyError:
        return str(value)
