"""The awards (评先, 四十佳) declare themselves as a core part, mounted after the county's
comparison whose rollups they read: the county's selection pages and API, the township's
adoption marks and nominations, the public honour roll, the office's to-do line and the demo's
closed selection of last year; and the representative's adopted items on the duty record."""

from flask_babel import lazy_gettext as _l

from lianxin.awards.api import county_api, township_api
from lianxin.awards.duty import DUTY
from lianxin.awards.stages.waiting import shows_awards
from lianxin.awards.views import county_pages, honours, pages, public_pages
from lianxin.modules.registry import ALL_BUT_UNITS, ModuleSpec, NavItem

MODULE = ModuleSpec(
    key="awards",
    name=_l("评先评优"),
    description=_l("采纳标记、县级四十佳评选和光荣榜"),
    core=True,
    # Shown once there is something in it: a selection of the county, or a mark of the office.
    nav=(NavItem("awards.index", _l("评先评优"), roles=ALL_BUT_UNITS, allowed=shows_awards),),
    blueprints=(county_pages, pages, public_pages, honours),
    api_blueprints=(county_api, township_api),
    models_module="lianxin.awards.models",
    seed_module="lianxin.awards.seed",
    todo="lianxin.awards.todo",
    # Its line of the duty record: the representative's items adopted (采纳) in the year.
    duty=DUTY,
)
