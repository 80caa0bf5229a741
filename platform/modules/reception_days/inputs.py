"""Typed inputs of the reception-days use cases: one schema per write, loaded by the API (from
the JSON body) and by the pages (from `request.form`) into a frozen dataclass the service takes.

Rules that need the database (a branch of this township, a name not taken) stay in the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, pre_load, validate

from lianxin.modules.reception_days.models import SiteKind
from lianxin.usecases import InputSchema

KIND_MESSAGE = _l("请选择接待点类型")
NAME_MESSAGE = _l("请填写名称（不超过100字）")
ADDRESS_MESSAGE = _l("地址过长")


@dataclass(frozen=True)
class SiteInput:
    kind: str
    name: str
    address: str = ""
    branch_id: int | None = None
    is_active: bool = True


class SiteInputSchema(InputSchema[SiteInput]):
    """A reception site (接待点); with `partial=True` the changed fields only."""

    input_type = SiteInput

    class Meta:
        ordered = True

    kind = fields.String(
        required=True,
        validate=validate.OneOf([k.value for k in SiteKind], error=KIND_MESSAGE),
        error_messages={"required": KIND_MESSAGE, "null": KIND_MESSAGE},
    )
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100, error=NAME_MESSAGE),
        error_messages={"required": NAME_MESSAGE, "null": NAME_MESSAGE},
    )
    address = fields.String(
        load_default="", validate=validate.Length(max=200, error=ADDRESS_MESSAGE)
    )
    branch_id = fields.Integer(load_default=None, allow_none=True)
    is_active = fields.Boolean(load_default=True)

    @pre_load
    def _trim(self, data: Any, **_kwargs: Any) -> Any:
        """Names and addresses are kept without surrounding spaces; no branch is None (a form's
        empty choice, or 0)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in ("name", "address"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        if data.get("branch_id") in ("", 0, "0"):
            data["branch_id"] = None
        return data


class SitePatchSchema(SiteInputSchema):
    """The same fields, every one optional: loads the named ones only, as a dict."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # `InputSchema` returns the named keys when the schema itself is partial.
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
