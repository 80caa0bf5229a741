"""The site's own pages (home, health, the module menu) declare themselves as a core part."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec
from lianxin.web.views import bp

MODULE = ModuleSpec(key="site", name=_l("站点"), core=True, blueprints=(bp,))
