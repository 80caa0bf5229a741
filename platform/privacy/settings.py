"""The township's retention settings (a core part's settings, kept like a module's)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from lianxin.api.base import BaseSchema

DEFAULT_SUBMITTER_MONTHS = 24


class PrivacySettings(BaseSchema):
    # How long the name and phone of whoever raised a case are kept once the case is archived:
    # long enough to answer a follow-up or a complaint about the answer, no longer (PIPL art. 19).
    submitter_contact_months = fields.Integer(
        load_default=DEFAULT_SUBMITTER_MONTHS,
        validate=validate.Range(min=1, max=120),
        metadata={"label": _l("群众联系方式保存期限（诉求归档后的月数）")},
    )
