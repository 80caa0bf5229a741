"""Named permission checks. Services call these; no page or route decides on its own."""

from __future__ import annotations

from collections.abc import Iterable

from lianxin.auth.actor import Actor, Grant
from lianxin.auth.roles import Role
from lianxin.tenants.models import Township

TOWNSHIP_MANAGERS = frozenset({Role.TOWNSHIP_ADMIN})
TOWNSHIP_OFFICE = frozenset({Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_STAFF})
ACCOUNT_ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN})


def can_administer_platform(actor: Actor) -> bool:
    return actor.is_platform_admin


def can_administer_county(actor: Actor, county_id: int) -> bool:
    return Role.COUNTY_ADMIN in actor.roles_in_county(county_id)


def can_view_county(actor: Actor, county_id: int) -> bool:
    return bool(actor.roles_in_county(county_id) & {Role.COUNTY_ADMIN, Role.COUNTY_VIEWER})


def can_enter_township(actor: Actor, township: Township) -> bool:
    return bool(actor.roles_in_township(township.id))


def can_administer_township(actor: Actor, township_id: int) -> bool:
    return bool(actor.roles_in_township(township_id) & TOWNSHIP_MANAGERS)


def can_work_in_office(actor: Actor, township_id: int) -> bool:
    """Staff of the liaison office (and the township admin) run the township's daily work."""
    return bool(actor.roles_in_township(township_id) & TOWNSHIP_OFFICE)


def can_view_township_audit(actor: Actor, township_id: int) -> bool:
    return can_administer_township(actor, township_id)


def can_switch_modules(actor: Actor, township: Township) -> bool:
    return can_administer_county(actor, township.county_id)


def administers_accounts(actor: Actor) -> bool:
    """Holds a role that manages other people's accounts somewhere."""
    return any(g.role in ACCOUNT_ADMINS for g in actor.grants)


def administers_membership(actor: Actor, grant: Grant) -> bool:
    """The actor administers the place where another account holds this membership: its
    township (township admin) or its county (county admin); a platform role only the platform.
    `grant.county_id` is the county of the membership's township for a township role."""
    if actor.is_platform_admin:
        return True
    if grant.role is Role.PLATFORM_ADMIN:
        return False
    if grant.tenant_id is not None and can_administer_township(actor, grant.tenant_id):
        return True
    return grant.county_id is not None and can_administer_county(actor, grant.county_id)


def can_see_account(actor: Actor, grants: Iterable[Grant]) -> bool:
    """Any of the account's memberships lies where the actor administers."""
    return actor.is_platform_admin or any(administers_membership(actor, g) for g in grants)


def can_manage_account(actor: Actor, grants: Iterable[Grant]) -> bool:
    """Set-up links and switching the account off: only for someone who administers EVERY place
    the account acts in. Otherwise a township admin could reset the password of a person who
    also acts in another township, and sign in there as them."""
    grants = list(grants)
    if actor.is_platform_admin:
        return True
    return bool(grants) and all(administers_membership(actor, g) for g in grants)


def require_member(actor: Actor, township: Township) -> None:
    """Anyone outside the township is answered 404, so that townships cannot be discovered."""
    if not can_enter_township(actor, township):
        from lianxin.errors import NotFound

        raise NotFound()


def require_office(actor: Actor, township: Township) -> None:
    """A member of the township who is not on the liaison office staff is refused (403)."""
    require_member(actor, township)
    if not can_work_in_office(actor, township.id):
        from lianxin.errors import PermissionDenied

        raise PermissionDenied()
