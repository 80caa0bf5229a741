"""What the stages of the awards share: the words, who may do what, and the lookups."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.awards.models import AdoptedBy, Category, Selection, SelectionState
from lianxin.db import db
from lianxin.errors import NotFound, PermissionDenied
from lianxin.tenants.models import County, Township

MODULE_KEY = "awards"

CATEGORY_LABELS: dict[str, Any] = {
    Category.REPRESENTATIVE: _l("十佳党代表"),
    Category.STATION: _l("十佳工作站（室）"),
    Category.SUGGESTION: _l("十佳意见建议（提案）"),
    Category.UNIT: _l("十佳承办单位"),
}
CATEGORIES = tuple(Category)
# The categories whose candidates come from the county's rollups, and the rollup kind of each.
FIGURE_CATEGORIES = (Category.REPRESENTATIVE, Category.STATION, Category.UNIT)
ADOPTED_BY_LABELS: dict[str, Any] = {
    AdoptedBy.COMMITTEE: _l("党委"),
    AdoptedBy.GOVERNMENT: _l("政府"),
    AdoptedBy.BOTH: _l("党委政府"),
}
STATE_LABELS: dict[str, Any] = {
    SelectionState.OPEN: _l("推荐中"),
    SelectionState.CHOOSING: _l("评选中"),
    SelectionState.CLOSED: _l("已公布"),
}
# Figures the rollups may not name in the catalog (the duty record's score).
EXTRA_METRIC_LABELS: dict[str, Any] = {"duty_score": _l("履职积分")}
# How many candidates a figure-based category takes from the rollups: the committee chooses
# its N winners from twice as many.
POOL_FACTOR = 2


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def is_committee(actor: Actor, township: Township) -> bool:
    """A member of the township's Party committee (党委委员)."""
    return Role.COMMITTEE_MEMBER in actor.roles_in_township(township.id)


def _require_office(actor: Actor, township: Township) -> None:
    permissions.require_member(actor, township)
    if not is_office(actor, township):
        raise PermissionDenied(_("只有联络办公室可以这样做"))


def _require_own_reader(actor: Actor, township: Township) -> None:
    """Who reads the township's own selections: its office, and its committee read-only (as a
    county viewer reads the county's); any other role of the township is refused."""
    permissions.require_member(actor, township)
    if not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied(_("只有联络办公室和党委委员可以查看本镇评选"))


def _require_viewer(actor: Actor, county: County) -> None:
    if not permissions.can_view_county(actor, county.id):
        raise NotFound()


def _require_admin(actor: Actor, county: County) -> None:
    """The county's committee chooses: a county administrator, never a township role."""
    _require_viewer(actor, county)
    if not permissions.can_administer_county(actor, county.id):
        raise PermissionDenied(_("只有县级管理员可以这样做"))


def can_manage(actor: Actor, county: County) -> bool:
    return permissions.can_administer_county(actor, county.id)


def find_selection(county_id: int, selection_id: int) -> Selection:
    """A selection of this county; another county's, or a township's own, is not found."""
    selection = db.session.get(Selection, int(selection_id))
    if selection is None or selection.county_id != county_id or selection.township_id is not None:
        raise NotFound(_("未找到该评选"))
    return selection


def find_own_selection(township: Township, selection_id: int) -> Selection:
    """A township's own selection; the county's, or another township's, is not found."""
    selection = db.session.get(Selection, int(selection_id))
    if selection is None or selection.township_id != township.id:
        raise NotFound(_("未找到该评选"))
    return selection


def own_selections_of(township_id: int, *, state: str | None = None) -> list[Selection]:
    """A township's own selections, newest year first."""
    query = select(Selection).where(Selection.township_id == township_id)
    if state is not None:
        query = query.where(Selection.state == state)
    return list(db.session.scalars(query.order_by(Selection.year.desc(), Selection.id.desc())))


def selections_of(county_id: int, *, state: str | None = None) -> list[Selection]:
    """The county's selections (never a township's own), newest year first."""
    query = select(Selection).where(
        Selection.county_id == county_id, Selection.township_id.is_(None)
    )
    if state is not None:
        query = query.where(Selection.state == state)
    return list(db.session.scalars(query.order_by(Selection.year.desc(), Selection.id.desc())))
