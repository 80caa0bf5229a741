"""Representatives, groups, handling units and the structure declare themselves as a core part."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec, ObjectPage
from lianxin.people.api import blp as people_api
from lianxin.people.import_api import blp as import_api
from lianxin.people.import_views import bp as import_pages
from lianxin.people.public_views import bp as public_pages
from lianxin.people.stats_api import blp as stats_api
from lianxin.people.structure_views import bp as structure_pages
from lianxin.people.views import bp as people_pages

MODULE = ModuleSpec(
    key="people",
    name=_l("代表与组织"),
    core=True,
    blueprints=(people_pages, import_pages, structure_pages, public_pages),
    api_blueprints=(people_api, import_api, stats_api),
    task_module="lianxin.people.tasks",
    seed_module="lianxin.people.seed",
    object_pages={
        "representative": ObjectPage("people.detail", "rep_id"),
        "group": ObjectPage("people.group", "group_id"),
        "unit": ObjectPage("people.unit", "unit_id"),
        "import": ObjectPage("people_import.job", "import_id"),
    },
)
