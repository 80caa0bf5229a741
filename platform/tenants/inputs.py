"""Typed inputs of the tenants use cases: one schema per write, loaded by the API (JSON) and by
the pages (`request.form`) alike, into the frozen dataclass the service takes.

Shape is checked here, once, with the Chinese messages the pages show; what needs the database
(a branch name already taken in the township) stays in the service. A module's settings are
not here: a change to them is a mapping checked by that module's own settings schema
(`ModuleSpec.validate_settings`), layer by layer, in `stages.modules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.tenants.models import BranchKind
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import Text, at_most, text


@dataclass(frozen=True)
class BranchInput:
    """A branch (党支部) as its township's administrator describes it."""

    name: str
    kind: str = BranchKind.VILLAGE.value
    secretary_name: str | None = None
    is_active: bool = True


class BranchInputSchema(InputSchema[BranchInput]):
    """A branch (create; with `partial=True`, a change: the fields named)."""

    input_type = BranchInput

    name = text(100, _l("请填写名称（不超过100字）"))
    kind = Text(
        load_default=BranchKind.VILLAGE.value,
        validate=validate.OneOf([k.value for k in BranchKind], error=_l("未知的支部类型")),
    )
    secretary_name = Text(
        load_default=None, allow_none=True, blank_is_none=True, validate=at_most(50)
    )
    is_active = fields.Boolean(load_default=True)


class BranchPatchSchema(BranchInputSchema):
    """The API's PATCH body: the same fields, every one optional, loaded into
    `Changes[BranchInput]` (the named fields only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Partial on the instance: the kit's post_load reads `self.partial`.
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
