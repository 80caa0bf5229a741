"""The working calendar (the operator's national years, the counties' local holidays) declares
itself as a core part."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec
from lianxin.work_calendar.views import bp

MODULE = ModuleSpec(key="work_calendar", name=_l("工作日历"), core=True, blueprints=(bp,))
