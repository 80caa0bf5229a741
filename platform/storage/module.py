"""Uploaded and generated files declare themselves as a core part."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec
from lianxin.storage.api import blp
from lianxin.storage.views import bp

MODULE = ModuleSpec(
    key="storage", name=_l("文件"), core=True, blueprints=(bp,), api_blueprints=(blp,)
)
