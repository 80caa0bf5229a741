"""Accounts, sign-in and API tokens declare themselves as a core part."""

from flask_babel import lazy_gettext as _l

from lianxin.auth.api import blp
from lianxin.auth.views import bp
from lianxin.modules.registry import ModuleSpec

MODULE = ModuleSpec(key="auth", name=_l("账号"), core=True, blueprints=(bp,), api_blueprints=(blp,))
