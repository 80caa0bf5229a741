"""Who is acting: a user with their memberships, resolved once per request or task."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.db import db


@dataclass(frozen=True)
class Grant:
    membership_id: int
    role: Role
    county_id: int | None = None
    tenant_id: int | None = None
    branch_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    ip: str | None = None

    @property
    def is_platform_admin(self) -> bool:
        return any(g.role is Role.PLATFORM_ADMIN for g in self.grants)

    def roles_in_township(self, tenant_id: int) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants if g.tenant_id == tenant_id)

    def roles_in_county(self, county_id: int) -> frozenset[Role]:
        return frozenset(
            g.role for g in self.grants if g.county_id == county_id and g.tenant_id is None
        )

    def branches_in_township(self, tenant_id: int) -> frozenset[int]:
        return frozenset(
            g.branch_id for g in self.grants if g.tenant_id == tenant_id and g.branch_id is not None
        )

    def primary_role(
        self, *, tenant_id: int | None = None, county_id: int | None = None
    ) -> str | None:
        """The most senior role in a scope, for the audit log's "acting as"."""
        if tenant_id is not None:
            roles = self.roles_in_township(tenant_id)
        elif county_id is not None:
            roles = self.roles_in_county(county_id)
        else:
            roles = frozenset(g.role for g in self.grants if g.role is Role.PLATFORM_ADMIN)
        for role in Role:  # declaration order runs from most to least senior
            if role in roles:
                return role.value
        return None


SYSTEM = Actor(user_id=None, name="system")


def grants_of(memberships: Iterable[Membership]) -> tuple[Grant, ...]:
    return tuple(
        Grant(m.id, Role(m.role), m.county_id, m.tenant_id, m.branch_id, m.unit_id)
        for m in sorted(memberships, key=lambda m: m.id)
    )


def actor_for(user: User, ip: str | None = None) -> Actor:
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    ).all()
    return Actor(user.id, user.display_name, grants_of(memberships), ip)
