"""The township or county of a request, resolved once from its URL (STYLE.md §2).

Every route whose URL has `<township_slug>` or `<county_slug>` passes through here, whichever
blueprint it belongs to, so a new route is scoped without anyone remembering to:

- `/t/<slug>/…` and `/api/v1/t/<slug>/…`: the township is loaded, the user must hold a
  membership there (else 404, so that townships cannot be discovered), the township must be
  active, and the request runs in its tenant context.
- `/p/<slug>/…`: public pages, no login; the request runs in the township's context.
- `/c/<slug>/…` and `/api/v1/c/<slug>/…`: the county; the user must hold a county role there,
  and the request runs in the county's context (its rollups readable under PostgreSQL's policy).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request
from flask_login import current_user

from lianxin.api.base import is_api_request
from lianxin.auth import permissions
from lianxin.auth.actor import SYSTEM, Actor, actor_for
from lianxin.db.tenancy import enter_county, enter_tenant, leave_county, leave_tenant
from lianxin.errors import NotFound, TownshipSuspended, Unauthenticated
from lianxin.tenants import service as tenants
from lianxin.tenants.models import County, Township

PUBLIC_PREFIX = "/p/"
REQUEST_SCOPED = (
    "lianxin_user",
    "lianxin_actor",
    "lianxin_session_actor",
    "township",
    "county",
    "public",
    "lianxin_enabled_modules",
    "lianxin_module_settings",
    "drill_down",
    "drill_county",
    "_login_user",  # Flask-Login's cache of the current user
)


def client_ip() -> str | None:
    return request.remote_addr


def _api_user() -> Any:
    """API requests authenticate with a Bearer token only: no cookie, so no CSRF exposure.

    The token's lookup also yields the actor (its memberships), which is kept for the request.
    """
    from lianxin.auth import service as accounts

    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    found = accounts.actor_for_token(header[7:].strip(), client_ip())
    if found is None:
        return None
    user, g.lianxin_actor = found
    return user


def current_user_or_none() -> Any:
    if "lianxin_user" not in g:
        if is_api_request():
            g.lianxin_user = _api_user()
        else:
            g.lianxin_user = (
                current_user._get_current_object()  # type: ignore[attr-defined]
                if current_user.is_authenticated
                else None
            )
    return g.lianxin_user


def current_actor(*, required: bool = True) -> Actor:
    """The acting user with their memberships, for services; raises if nobody is logged in."""
    if "lianxin_actor" not in g:
        user = current_user_or_none()  # an API token brings its actor along
        if "lianxin_actor" not in g:
            # A page's session: its memberships came with the user (app._load_user).
            loaded = g.pop("lianxin_session_actor", None)
            if user is None:
                g.lianxin_actor = None
            elif loaded is not None and loaded.user_id == user.id and not is_api_request():
                g.lianxin_actor = loaded
            else:
                g.lianxin_actor = actor_for(user, client_ip())
    actor: Actor | None = g.lianxin_actor
    if actor is None:
        if required:
            raise Unauthenticated()
        return SYSTEM
    return actor


def current_township() -> Township:
    township: Township | None = g.get("township")
    if township is None:
        raise NotFound()
    return township


def township_scope() -> tuple[Actor, Township]:
    """(the acting user, the request's township): what every township route starts from."""
    return current_actor(), current_township()


def current_county() -> County:
    county: County | None = g.get("county")
    if county is None:
        raise NotFound()
    return county


def _enter_township(slug: str) -> None:
    township = tenants.township_by_slug(slug)
    if township is None:
        raise NotFound()
    g.township = township
    read_only = False
    if request.path.startswith(PUBLIC_PREFIX):
        g.public = True
    else:
        actor = current_actor()
        if not permissions.can_enter_township(actor, township):
            from lianxin.county import drill

            # A county viewer's audited drill-down from the comparison: read-only.
            if not drill.enter(actor, township):
                raise NotFound()
            read_only = True
        if not township.is_active:
            raise TownshipSuspended()
    g.tenant_token = enter_tenant(township.id, read_only=read_only)


def _enter_county(slug: str) -> None:
    county = tenants.county_by_slug(slug)
    if county is None:
        raise NotFound()
    if not permissions.can_view_county(current_actor(), county.id):
        raise NotFound()
    g.county = county
    g.county_token = enter_county(county.id)


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def _resolve_scope(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if not values:
            return
        if "township_slug" in values:
            _enter_township(values.pop("township_slug"))
        elif "county_slug" in values:
            _enter_county(values.pop("county_slug"))

    @app.url_defaults
    def _add_scope(endpoint: str, values: dict[str, Any]) -> None:
        url_map = current_app.url_map
        if (
            "township_slug" not in values
            and "township" in g
            and url_map.is_endpoint_expecting(endpoint, "township_slug")
        ):
            values["township_slug"] = g.township.slug
        if (
            "county_slug" not in values
            and "county" in g
            and url_map.is_endpoint_expecting(endpoint, "county_slug")
        ):
            values["county_slug"] = g.county.slug

    @app.teardown_request
    def _leave_scope(_exc: BaseException | None) -> None:
        token = g.pop("tenant_token", None)
        if token is not None:
            leave_tenant(token)
        county_token = g.pop("county_token", None)
        if county_token is not None:
            leave_county(county_token)
        # `g` lives as long as the app context, which a test (or a CLI command) may hold
        # across requests: nothing of one request's identity may reach the next.
        for key in REQUEST_SCOPED:
            g.pop(key, None)
