"""The duty record (履职档案) declares itself as a core part: always on, it reads every part's
`DutySet` (the registry's duty hook), so a module adds its lines without touching it."""

from typing import Any

from flask_babel import lazy_gettext as _l

from lianxin.auth.roles import Role
from lianxin.duty_records.api import api, county_api
from lianxin.duty_records.metrics import DUTY_METRICS
from lianxin.duty_records.views import assets, county_pages, pages
from lianxin.modules.registry import ModuleSpec, NavItem


def _office(actor: Any, township: Any) -> bool:
    from lianxin.duty_records import service

    return service.is_office(actor, township)


MODULE = ModuleSpec(
    key="duty_records",
    name=_l("履职档案"),
    description=_l("代表年度和本届的履职档案：各项履职汇总，按县定办法计分，履职不足的逐步处理"),
    core=True,
    api_blueprint=api,
    pages_blueprint=pages,
    blueprints=(county_pages, assets),
    api_blueprints=(county_api,),
    nav=(
        NavItem("duty_records.index", _l("履职档案"), allowed=_office),
        NavItem(
            "duty_records.mine",
            _l("我的履职档案"),
            roles=frozenset({Role.REPRESENTATIVE}),
        ),
    ),
    metrics=DUTY_METRICS,
    todo="lianxin.duty_records.todo",
    models_module="lianxin.duty_records.models",
)
