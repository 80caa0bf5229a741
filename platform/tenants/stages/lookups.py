"""Lookups: a county or township by its URL's slug (every scoped request), the counties of the
platform, the townships of a county, and the access rule the county's writes share
(`_require_county_admin`)."""

from __future__ import annotations

from functools import cache

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied
from lianxin.tenants.models import County, Township

# A township's module rows and its modules' validated settings, read once per request
# (web.scope.REQUEST_SCOPED drops both keys).
_MODULE_ROWS = "lianxin_enabled_modules"
_SETTINGS = "lianxin_module_settings"


def county_by_slug(slug: str) -> County | None:
    return db.session.scalar(select(County).where(County.slug == slug))


@cache
def _township_by_slug() -> Select[tuple[Township]]:
    # Built once: every scoped request runs it (building it cost as much as running it).
    return (
        select(Township)
        .where(Township.slug == bindparam("slug"))
        .options(joinedload(Township.county), joinedload(Township.modules))
    )


def township_by_slug(slug: str) -> Township | None:
    """The township with its county and module rows: every scoped request reads all three (the
    guard, the menu, the settings), so one query reads them."""
    township = db.session.scalars(_township_by_slug(), {"slug": slug}).unique().first()
    if township is not None and has_app_context():
        g.setdefault(_MODULE_ROWS, {})[township.id] = {m.module_key: m for m in township.modules}
    return township


def list_counties(actor: Actor) -> list[County]:
    if not permissions.can_administer_platform(actor):
        raise PermissionDenied()
    return list(db.session.scalars(select(County).order_by(County.name)))


def county_townships(actor: Actor, county: County) -> list[Township]:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    return list(
        db.session.scalars(
            select(Township).where(Township.county_id == county.id).order_by(Township.name)
        )
    )


def county_township(actor: Actor, county: County, township_id: int) -> Township:
    """A township of this county; one of another county is not found from here."""
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    township = db.session.get(Township, township_id)
    if township is None or township.county_id != county.id:
        raise NotFound(_("未找到该乡镇"))
    return township


def _require_county_admin(actor: Actor, county: County) -> None:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied()
