"""The group-activities module (代表小组活动) declares itself to the registry."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.group_activities.api import api
from lianxin.modules.group_activities.duty import DUTY
from lianxin.modules.group_activities.metrics import GROUP_ACTIVITY_METRICS
from lianxin.modules.group_activities.schemas import GroupActivitySettings
from lianxin.modules.group_activities.views import pages
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem, ObjectPage

MODULE = ModuleSpec(
    key="group_activities",
    name=_l("代表小组活动"),
    description=_l(
        "代表小组年初制定活动计划，登记每次活动的主题、时间、地点、出席和成果（可转为诉求或建议草稿）；"
        "年度计划、每半年活动次数和全年活动天数提醒；年会前书面联络报告的收集；"
        "党委委员接待、走访和包组"
    ),
    settings_schema=GroupActivitySettings,
    api_blueprint=api,
    pages_blueprint=pages,
    nav=(NavItem("group_activities.index", _l("小组活动"), roles=ALL_BUT_UNITS),),
    metrics=GROUP_ACTIVITY_METRICS,
    todo="lianxin.modules.group_activities.todo",
    seed_module="lianxin.modules.group_activities.seed",
    models_module="lianxin.modules.group_activities.models",
    duty=DUTY,
    object_pages={
        "group_activity": ObjectPage("group_activities.activity", "activity_id"),
        "group_report": ObjectPage("group_activities.report_page", "report_id"),
        "group_visit_plan": ObjectPage("group_activities.visit_plan", "plan_id"),
    },
)
