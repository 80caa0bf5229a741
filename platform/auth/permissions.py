"""Named permission checks. Services call these; no page or route decides on its own."""

from __future__ import annotations

from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.tenants.models import Township

TOWNSHIP_MANAGERS = frozenset({Role.TOWNSHIP_ADMIN})
TOWNSHIP_OFFICE = frozenset({Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_STAFF})


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
