"""The group-activities module (代表小组活动) declares itself to the registry."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.group_activities.api import api
from lianxin.modules.group_activities.metrics import GROUP_ACTIVITY_METRICS
from lianxin.modules.group_activities.schemas import GroupActivitySettings
from lianxin.modules.group_activities.views import pages
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem

MODULE = ModuleSpec(
    key="group_activities",
    name=_l("代表小组活动"),
    description=_l(
        "代表小组年初制定活动计划，登记每次活动的主题、时间、地点、出席和成果；"
        "每半年活动次数提醒；年会前书面联络报告的收集"
    ),
    settings_schema=GroupActivitySettings,
    api_blueprint=api,
    pages_blueprint=pages,
    nav=(NavItem("group_activities.index", _l("小组活动"), roles=ALL_BUT_UNITS),),
    metrics=GROUP_ACTIVITY_METRICS,
    todo="lianxin.modules.group_activities.todo",
    seed_module="lianxin.modules.group_activities.seed",
    models_module="lianxin.modules.group_activities.models",
)
