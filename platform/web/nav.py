"""The township's menu in the header: the site's own entries and each switched-on module's, each
shown only to whom it is for.

An entry is a `NavItem` (lianxin.modules.registry): its `roles` are its audience and its
`allowed` is the page's own check, so that a menu never offers a page that answers 403. A
module declares its entries in its `module.py`; the site's are here, around them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask_babel import lazy_gettext as _l

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.modules.registry import ALL_BUT_UNITS, NavItem
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township


def _in_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


# Before the modules' entries: home, the roster (not a handling unit's business), the cases.
SITE_FIRST = (
    NavItem("township.home", _l("首页")),
    NavItem("people.index", _l("代表名册"), roles=ALL_BUT_UNITS),
    NavItem("cases.index", _l("诉求")),
)


def _township_admin(actor: Actor, township: Township) -> bool:
    from lianxin.privacy import service as privacy

    return privacy.can_manage_personal_data(actor, township)


# After them: the delivery report of the township's messages (the office's) and the township
# admin's page for a person's rights (lianxin.privacy: export, anonymise, erase).
SITE_LAST = (
    NavItem("messages.index", _l("消息送达"), allowed=_in_office),
    NavItem("privacy.index", _l("个人信息"), allowed=_township_admin),
)


def township_menu(actor: Actor, township: Township) -> list[NavItem]:
    """The entries this actor sees in this township, in menu order; a switched-off module's
    are not among them."""
    from lianxin.modules.registry import current_registry

    entries = [*SITE_FIRST]
    for spec in tenants.enabled_modules(township.id):
        entries.extend(spec.nav)
    # A core part's own entries (the duty record), after the modules': always on.
    for spec in current_registry():
        if spec.core:
            entries.extend(spec.nav)
    entries.extend(SITE_LAST)
    return [item for item in entries if item.shown_to(actor, township)]


# The first entries stay in the bar; the others fold under 更多, so that a phone shows two rows
# of menu rather than five when a township runs every module.
MENU_SHOWN = 7


def menu_rows(
    items: list[NavItem], current: Callable[[NavItem], bool] = lambda item: False
) -> tuple[list[NavItem], list[NavItem]]:
    """The entries shown in the bar, and those folded under 更多 (none when only one would
    fold). The page shown keeps its entry in the bar, even when it is one of the folded."""
    if len(items) <= MENU_SHOWN + 1:
        return items, []
    shown, more = items[:MENU_SHOWN], items[MENU_SHOWN:]
    here = [item for item in more if current(item)]
    return shown + here, [item for item in more if item not in here]


def is_current(item: NavItem) -> bool:
    """Whether the page shown belongs to this entry: the same blueprint, or one of its own
    (`people_structure` belongs to `people`); the home only on itself."""
    blueprint = request.blueprint or ""
    own = item.endpoint.rpartition(".")[0]
    if item.endpoint == "township.home":
        return request.endpoint == item.endpoint
    return blueprint == own or blueprint.startswith(own + "_")
