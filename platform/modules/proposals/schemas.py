"""Settings and API schemas of the proposals module."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.api.base import BaseSchema


class ProposalSettings(BaseSchema):
    min_signers = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=100),
        metadata={"label": _l("提案至少几名代表联名（含领衔代表）")},
    )
    allow_groups = fields.Boolean(
        load_default=True, metadata={"label": _l("代表小组可以小组名义提出提案")}
    )
    all_year = fields.Boolean(
        load_default=False, metadata={"label": _l("全年均可提交（不限征集期）")}
    )
    day_count = fields.String(
        load_default="calendar",
        validate=validate.OneOf(["calendar", "working"]),
        metadata={
            "label": _l("办理期限计算方式"),
            "choices": (("calendar", _l("自然日")), ("working", _l("工作日"))),
        },
    )
    simple_days = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=90),
        metadata={"label": _l("简单件办理期限（天）")},
    )
    complex_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=90),
        metadata={"label": _l("复杂件办理期限（天）")},
    )
    due_soon_days = fields.Integer(
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"label": _l("到期前几天提醒承办单位")},
    )
    max_extension_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=90),
        metadata={"label": _l("一次延期最多几天")},
    )

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data.get("simple_days", 10) > data.get("complex_days", 30):
            raise ValidationError(str(_l("简单件期限不能长于复杂件")), field_name="simple_days")
