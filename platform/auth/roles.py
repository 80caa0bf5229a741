"""The roles a membership can carry, and the scope each one binds to (ARCHITECTURE.md "Roles")."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Scope(StrEnum):
    PLATFORM = "platform"
    COUNTY = "county"
    TOWNSHIP = "township"


class Role(StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    COUNTY_ADMIN = "county_admin"
    COUNTY_VIEWER = "county_viewer"
    TOWNSHIP_ADMIN = "township_admin"
    TOWNSHIP_STAFF = "township_staff"
    COMMITTEE_MEMBER = "committee_member"
    REPRESENTATIVE = "representative"
    GROUP_LEADER = "group_leader"
    BRANCH_LIAISON = "branch_liaison"
    HANDLING_UNIT = "handling_unit"

    @property
    def scope(self) -> Scope:
        if self is Role.PLATFORM_ADMIN:
            return Scope.PLATFORM
        if self in (Role.COUNTY_ADMIN, Role.COUNTY_VIEWER):
            return Scope.COUNTY
        return Scope.TOWNSHIP

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.PLATFORM_ADMIN: _l("平台管理员"),
    Role.COUNTY_ADMIN: _l("县委组织部管理员"),
    Role.COUNTY_VIEWER: _l("县级查看"),
    Role.TOWNSHIP_ADMIN: _l("乡镇管理员"),
    Role.TOWNSHIP_STAFF: _l("联络办工作人员"),
    Role.COMMITTEE_MEMBER: _l("党委委员"),
    Role.REPRESENTATIVE: _l("党代表"),
    Role.GROUP_LEADER: _l("代表小组组长"),
    Role.BRANCH_LIAISON: _l("支部联络员"),
    Role.HANDLING_UNIT: _l("承办单位"),
}

TOWNSHIP_ROLES = tuple(r for r in Role if r.scope is Scope.TOWNSHIP)
COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.COUNTY_VIEWER)
