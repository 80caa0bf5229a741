"""Casework registers as a core part: per-township settings with the county's defaults."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from lianxin import work_calendar
from lianxin.api.base import BaseSchema
from lianxin.casework import paper_views  # noqa: F401  (its routes are on case_pages)
from lianxin.casework.api import blp as cases_api
from lianxin.casework.county_api import blp as county_cases_api
from lianxin.casework.county_views import bp as county_case_pages
from lianxin.casework.duty import DUTY
from lianxin.casework.metrics import CASEWORK_METRICS
from lianxin.casework.public_views import bp as public_case_pages
from lianxin.casework.views import bp as case_pages
from lianxin.modules.registry import ModuleSpec, ObjectPage


class CaseworkSettings(BaseSchema):
    day_count = fields.String(
        load_default="calendar",
        validate=validate.OneOf(["calendar", "working"]),
        metadata={
            "label": _l("期限计算方式"),
            "choices": {"calendar": _l("自然日"), "working": _l("工作日")},
        },
    )
    max_days = fields.Integer(
        load_default=60,
        validate=validate.Range(min=1, max=60),
        metadata={"label": _l("答复期限（天，最长60）")},
    )
    # The seed's "最长不超过六十天" is calendar days: every due date and every extension stops
    # there, however the ordinary limits are counted; past it only escalation to the county.
    max_calendar_days = fields.Integer(
        load_default=60,
        validate=validate.Range(min=1, max=60),
        metadata={"label": _l("办理时限上限（自登记之日起的自然日，含延期，最长60）")},
    )
    simple_complex = fields.Boolean(load_default=False, metadata={"label": _l("区分简单、复杂件")})
    simple_days = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=60),
        metadata={"label": _l("简单件期限（天）")},
    )
    complex_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=60),
        metadata={"label": _l("复杂件期限（天）")},
    )
    due_soon_days = fields.Integer(
        load_default=3,
        validate=validate.Range(min=0, max=30),
        metadata={"label": _l("到期前几天提醒")},
    )
    max_reassignments = fields.Integer(
        load_default=2,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("再交办几次后上报县级")},
    )

    @validates_schema
    def _within_max(self, data, **_kwargs):
        for name in ("simple_days", "complex_days"):
            if data.get(name, 0) > data.get("max_days", 60):
                raise ValidationError(str(_l("不能超过答复期限")), field_name=name)


MODULE = ModuleSpec(
    key="casework",
    name=_l("诉求办理"),
    core=True,
    description=_l("件件有答复、事事有回音"),
    settings_schema=CaseworkSettings,
    blueprints=(case_pages, county_case_pages, public_case_pages),
    api_blueprints=(cases_api, county_cases_api),
    task_module="lianxin.casework.tasks",
    seed_module="lianxin.casework.seed",
    todo="lianxin.casework.todo",
    metrics=CASEWORK_METRICS,
    duty=DUTY,
    object_pages={
        "case": ObjectPage("cases.detail", "case_id"),
    },
)


def _recompute_estimated(year: int) -> int:
    """Loading a year's official calendar recomputes the open estimated deadlines."""
    from lianxin.casework import service

    return service.recompute_estimated(year)


# Registered with the registry's import of this module, which every app and worker makes.
work_calendar.register_recompute("casework", _recompute_estimated)
