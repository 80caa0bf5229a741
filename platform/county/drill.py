"""Drill-down: a county viewer enters one of its townships read-only (ARCHITECTURE.md §4).

The entry is granted by `service.drill_down` (audited in the county's and the township's chains)
and kept in the signed session for a short while, for that one township only. While it lasts
the township's pages run in a read-only tenant context (every write of a township row raises),
anything but GET is refused, and base.html shows a banner. The API is never opened this way.
"""

from __future__ import annotations

import time
from dataclasses import replace

from flask import g, request, session
from flask_babel import gettext as _

from lianxin.auth import permissions
from lianxin.auth.actor import Actor, Grant
from lianxin.auth.roles import Role
from lianxin.errors import PermissionDenied
from lianxin.tenants.models import County, Township

SESSION_KEY = "lx_drill"
TTL_SECONDS = 30 * 60


def grant(township: Township) -> None:
    session[SESSION_KEY] = {
        "t": township.id,
        "c": township.county_id,
        "until": int(time.time()) + TTL_SECONDS,
    }


def leave() -> None:
    session.pop(SESSION_KEY, None)


def _granted(township: Township) -> bool:
    data = session.get(SESSION_KEY)
    return (
        isinstance(data, dict)
        and data.get("t") == township.id
        and data.get("c") == township.county_id
        and int(data.get("until", 0)) > time.time()
    )


def enter(actor: Actor, township: Township) -> bool:
    """Whether this request may see the township as a county drill-down; sets it up if so."""
    if request.path.startswith("/api/") or not _granted(township):
        return False
    if not permissions.can_view_county(actor, township.county_id):
        return False
    if request.method not in ("GET", "HEAD"):
        raise PermissionDenied(_("县级只读查看：不能在本乡镇作任何修改。"))
    # The office's view of the township, for reading only: the tenant context is read-only.
    viewer = Grant(0, Role.TOWNSHIP_STAFF, township.county_id, township.id)
    g.lianxin_actor = replace(actor, grants=(*actor.grants, viewer))
    g.drill_down = township
    g.drill_county = _county(township)
    return True


def _county(township: Township) -> County:
    return township.county
