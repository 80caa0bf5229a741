"""The inspections and research module (视察 / 调研) declares itself to the registry."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.inspections.api import api
from lianxin.modules.inspections.duty import DUTY
from lianxin.modules.inspections.metrics import INSPECTION_METRICS
from lianxin.modules.inspections.schemas import InspectionSettings
from lianxin.modules.inspections.views import pages
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="inspections",
    name=_l("视察调研"),
    description=_l("代表视察、专题调研、走访座谈，方案通报、报告和书面情况反映"),
    settings_schema=InspectionSettings,
    api_blueprint=api,
    pages_blueprint=pages,
    nav=(NavItem("inspections.index", _l("视察调研"), roles=ALL_BUT_UNITS),),
    seed_module="lianxin.modules.inspections.seed",
    todo="lianxin.modules.inspections.todo",
    models_module="lianxin.modules.inspections.models",
    metrics=INSPECTION_METRICS,
    duty=DUTY,
    object_pages={
        "inspection": ObjectPage("inspections.detail", "inspection_id"),
    },
)
