"""The platform, its counties and townships (onboarding, module switches, settings) declare
themselves as a core part."""

from flask_babel import lazy_gettext as _l

from lianxin.modules.registry import ModuleSpec, ObjectPage
from lianxin.tenants.api import county_blp, platform_blp, township_blp
from lianxin.tenants.views import county_bp, platform_bp, public_bp, township_bp

MODULE = ModuleSpec(
    key="tenants",
    name=_l("县与乡镇"),
    core=True,
    blueprints=(platform_bp, county_bp, township_bp, public_bp),
    api_blueprints=(platform_blp, county_blp, township_blp),
    object_pages={
        "branch": ObjectPage("township.branch", "branch_id"),
    },
)
