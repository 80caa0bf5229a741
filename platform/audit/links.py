"""Where an entry's object can be opened: a page per kind of object, by scope.

A township's log links only into that township (its slug, never the entry's ids elsewhere) and
only to pages of parts it has switched on, as each part declares them in its spec
(`ModuleSpec.object_pages`); a county's log links to the county's page of one of its own
townships. A kind without a page, an id that is not a number, a page the running app does not
have: no link, the object is shown as words.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from werkzeug.routing import BuildError

from lianxin.modules.registry import ObjectPage, current_registry

# In a county's log: the county's page of one of its townships.
COUNTY_PAGES: dict[str, ObjectPage] = {
    "township": ObjectPage("county.township", "township_id"),
    "township_module": ObjectPage("county.township", "township_id"),  # id "<township>:<module>"
}


def _number(target_id: str | None) -> int | None:
    head = (target_id or "").split(":", 1)[0]
    return int(head) if head.isdigit() else None


def _build(page: ObjectPage, object_id: int, **scope: str) -> str | None:
    values: dict[str, Any] = {**scope, page.arg: object_id}
    try:
        return url_for(page.endpoint, **values)
    except BuildError:
        return None


class TownshipLinks:
    """Links of one township's log (module switches read once per page)."""

    def __init__(self, township_id: int, slug: str) -> None:
        self.township_id = township_id
        self.slug = slug
        self._pages: dict[str, ObjectPage] | None = None

    def pages(self) -> dict[str, ObjectPage]:
        """The object pages of the parts this township has on (read once per page)."""
        if self._pages is None:
            from lianxin.tenants import service as tenants

            enabled = tenants.enabled_module_keys(self.township_id)
            self._pages = current_registry().object_pages(enabled)
        return self._pages

    def __call__(self, target_type: str | None, target_id: str | None) -> str | None:
        object_id = _number(target_id) if target_id and target_id.isdigit() else None
        if object_id is None:
            return None
        page = self.pages().get(target_type or "")
        if page is None:
            return None
        return _build(page, object_id, township_slug=self.slug)


class CountyLinks:
    """Links of one county's log: only to its own townships."""

    def __init__(self, slug: str, township_ids: set[int]) -> None:
        self.slug = slug
        self.township_ids = township_ids

    def __call__(self, target_type: str | None, target_id: str | None) -> str | None:
        page = COUNTY_PAGES.get(target_type or "")
        object_id = _number(target_id)
        if page is None or object_id is None or object_id not in self.township_ids:
            return None
        return _build(page, object_id, county_slug=self.slug)


def no_links(target_type: str | None, target_id: str | None) -> str | None:
    return None
