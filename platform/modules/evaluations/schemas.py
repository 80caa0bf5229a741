"""Settings and API schemas of the evaluations module."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from lianxin.api.base import BaseSchema


class EvaluationSettings(BaseSchema):
    min_answers = fields.Integer(
        load_default=5,
        validate=validate.Range(min=3, max=100),
        metadata={"label": _l("至少几份答卷才显示结果（保护评议人）")},
    )
    excellent_min = fields.Float(
        load_default=8.5,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("加权平均分不低于几分建议评为“优秀”（10分制）")},
    )
    competent_min = fields.Float(
        load_default=6.0,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("加权平均分不低于几分建议评为“称职”（10分制）")},
    )
    answer_batch = fields.Integer(
        load_default=5,
        validate=validate.Range(min=2, max=100),
        metadata={"label": _l("每满几份答卷成批入库（保护评议人）")},
    )

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data.get("competent_min", 6.0) > data.get("excellent_min", 8.5):
            raise ValidationError(str(_l("“称职”线不能高于“优秀”线")), field_name="competent_min")
