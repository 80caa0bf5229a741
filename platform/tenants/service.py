"""Use cases of counties and townships, by stage: the lookups every scoped request makes
(`lookups`), onboarding a county or a township and suspending one (`onboarding`), a township's
module switches and its settings in layers (`modules`), its words for the domain's labels
(`words`), and its branches (`branches`).

Callers write `service.effective_settings(...)` (imported as `tenants`): the public names are
re-exported here. Writes are `@use_case`s (one transaction each); a branch is written from a
`BranchInput` (`inputs.py`), a module's settings from a mapping its own settings schema checks.
"""

from lianxin.tenants.inputs import BranchInput, BranchInputSchema, BranchPatchSchema
from lianxin.tenants.stages.branches import (
    BRANCH_FIELDS,
    create_branch,
    get_branch,
    list_branches,
    update_branch,
)
from lianxin.tenants.stages.lookups import (
    county_by_slug,
    county_township,
    county_townships,
    list_counties,
    township_by_slug,
)
from lianxin.tenants.stages.modules import (
    SettingsLayers,
    county_settings_layers,
    effective_settings,
    enabled_module_keys,
    enabled_modules,
    module_enabled,
    replace_module_settings,
    set_module_enabled,
    township_settings_layers,
    update_county_defaults,
    update_module_settings,
    update_township_settings,
)
from lianxin.tenants.stages.onboarding import (
    RESERVED_SLUGS,
    SLUG_RE,
    Onboarded,
    create_county,
    onboard_township,
    set_township_status,
)
from lianxin.tenants.stages.words import labels_for, update_labels

__all__ = [
    "BRANCH_FIELDS",
    "RESERVED_SLUGS",
    "SLUG_RE",
    "BranchInput",
    "BranchInputSchema",
    "BranchPatchSchema",
    "Onboarded",
    "SettingsLayers",
    "county_by_slug",
    "county_settings_layers",
    "county_township",
    "county_townships",
    "create_branch",
    "create_county",
    "effective_settings",
    "enabled_module_keys",
    "enabled_modules",
    "get_branch",
    "labels_for",
    "list_branches",
    "list_counties",
    "module_enabled",
    "onboard_township",
    "replace_module_settings",
    "set_module_enabled",
    "set_township_status",
    "township_by_slug",
    "township_settings_layers",
    "update_branch",
    "update_county_defaults",
    "update_labels",
    "update_module_settings",
    "update_township_settings",
]
