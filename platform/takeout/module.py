"""A township's data it can take away (数据导出) declares itself as a core part: its page."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec
from lianxin.takeout import service  # noqa: F401  (registers the outbox handler)
from lianxin.takeout.views import bp as takeout_pages

MODULE = ModuleSpec(
    key="takeout",
    name=_l("数据导出"),
    core=True,
    blueprints=(takeout_pages,),
)
