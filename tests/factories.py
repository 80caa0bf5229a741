"""Test factories. Every factory of tenant data takes its township as a required argument:
a default township would hide exactly the leaks these tests look for."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lianxin.auth.actor import Actor, actor_for
from lianxin.auth.models import Membership, User
from lianxin.auth.passwords import hash_password
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.tenants.models import Branch, County, Township, TownshipModule, TownshipStatus
from tests.testmodule import PilotNote

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


_batching = False


def _n() -> int:
    return next(_seq)


def _commit() -> None:
    """Commit, or only flush while `batched()` builds many rows to commit once at its end."""
    if _batching:
        db.session.flush()
    else:
        db.session.commit()


@contextmanager
def batched() -> Iterator[None]:
    """Factories inside flush instead of committing; one commit at the end (a commit per row
    was most of the cost of the world)."""
    global _batching
    outer = _batching
    _batching = True
    try:
        yield
    finally:
        _batching = outer
    if not outer:
        db.session.commit()


def make_county(name: str | None = None, slug: str | None = None) -> County:
    n = _n()
    county = County(name=name or f"测试县{n}", slug=slug or f"county-{n}", module_defaults={})
    db.session.add(county)
    _commit()
    return county


def make_township(
    county: County,
    name: str | None = None,
    slug: str | None = None,
    *,
    modules: tuple[str, ...] = ("pilot", "survey"),
    status: str = TownshipStatus.ACTIVE,
) -> Township:
    from lianxin.modules.registry import current_registry

    n = _n()
    township = Township(
        county_id=county.id,
        name=name or f"测试镇{n}",
        slug=slug or f"town-{n}",
        status=status,
        labels={},
    )
    db.session.add(township)
    db.session.flush()
    for spec in current_registry().features():
        db.session.add(
            TownshipModule(
                township_id=township.id,
                module_key=spec.key,
                enabled=spec.key in modules,
                settings={},
            )
        )
    _commit()
    return township


def make_user(
    username: str | None = None,
    *,
    name: str | None = None,
    password: str | None = PASSWORD,
    email: str | None = None,
    phone: str | None = None,
) -> User:
    n = _n()
    user = User(
        username=username or f"user{n}",
        display_name=name or f"用户{n}",
        password_hash=hash_password(password) if password else None,
        email=email,
        phone=phone,
    )
    db.session.add(user)
    _commit()
    return user


def grant(
    user: User,
    role: Role,
    *,
    township: Township | None = None,
    county: County | None = None,
    branch: Branch | None = None,
) -> Membership:
    membership = Membership(
        user_id=user.id,
        role=role.value,
        tenant_id=township.id if township else None,
        county_id=county.id if county else (township.county_id if township else None),
        branch_id=branch.id if branch else None,
    )
    db.session.add(membership)
    _commit()
    return membership


def make_represented(
    township: Township, count: int, prefix: str, *, name: str = "代表"
) -> tuple[list[Any], list[User]]:
    """`count` representatives in office, each with an account that holds the representative
    role in `township` (usernames `<prefix><i>`): the raters and voters of many tests."""
    from datetime import date

    from lianxin.people.models import Representative

    reps: list[Any] = []
    with tenant_context(township.id):
        for i in range(count):
            rep = Representative(
                name=f"{name}{i:02d}",
                name_pinyin=f"{prefix.replace('.', '')}{i:02d}",
                name_initials="db",
                gender="女" if i % 2 else "男",
                birth_date=date(1975, 1, 1),
                education="大学本科",
                category="农民",
                term=13,
            )
            db.session.add(rep)
            reps.append(rep)
        password_hash = hash_password(PASSWORD)
        users = [
            User(username=f"{prefix}{i}", display_name=f"用户{_n()}", password_hash=password_hash)
            for i in range(count)
        ]
        db.session.add_all(users)
        db.session.flush()  # one INSERT of each table, not one per row
        db.session.add_all(
            Membership(
                user_id=user.id,
                role=Role.REPRESENTATIVE.value,
                tenant_id=township.id,
                county_id=township.county_id,
            )
            for user in users
        )
        for rep, user in zip(reps, users, strict=True):
            rep.user_id = user.id
        _commit()
    return reps, users


def make_branch(township: Township, name: str | None = None, **fields: Any) -> Branch:
    with tenant_context(township.id):
        branch = Branch(
            name=name or f"支部{_n()}",
            kind=fields.pop("kind", "village"),
            is_active=fields.pop("is_active", True),
            **fields,
        )
        db.session.add(branch)
        _commit()
    return branch


def make_note(township: Township, text: str | None = None) -> PilotNote:
    with tenant_context(township.id):
        note = PilotNote(text=text or f"走访{_n()}")
        db.session.add(note)
        _commit()
    return note


def actor(user: User) -> Actor:
    return actor_for(user)


@dataclass
class World:
    """Township `township` (ours) and `other` share county `county`; `far` is in `far_county`."""

    county: County
    far_county: County
    township: Township
    other: Township
    far: Township
    users: dict[str, User] = field(default_factory=dict)
    branches: dict[str, Branch] = field(default_factory=dict)
    notes: dict[str, PilotNote] = field(default_factory=dict)


def build_world() -> World:
    """The world in six flushes and one commit (a flush per row was most of its cost: the
    world is built for most tests)."""
    from lianxin.modules.registry import current_registry

    features = current_registry().features()
    session = db.session
    county, far_county = (
        County(name="甲县", slug="jia", module_defaults={}),
        County(name="远县", slug="yuan", module_defaults={}),
    )
    session.add_all([county, far_county])
    session.flush()
    townships = [
        Township(county_id=c.id, name=name, slug=slug, status=TownshipStatus.ACTIVE, labels={})
        for c, name, slug in (
            (county, "甲镇", "jia-zhen"),
            (county, "乙镇", "yi-zhen"),
            (far_county, "远镇", "yuan-zhen"),
        )
    ]
    session.add_all(townships)
    session.flush()
    world = World(county, far_county, *townships)
    for township in townships:
        session.add_all(
            TownshipModule(
                township_id=township.id,
                module_key=spec.key,
                enabled=spec.key in ("pilot", "survey"),
                settings={},
            )
            for spec in features
        )
    users = world.users
    names = {
        "platform": "platform.admin",
        "county_admin": "county.admin",
        "county_viewer": "county.viewer",
        "far_county_admin": "far.county.admin",
        **{role.value: f"t.{role.value}" for role in _TOWNSHIP_ROLES},
        "branch_liaison": "t.branch_liaison",
        "other_admin": "o.township_admin",
        "far_admin": "f.township_admin",
        "both": "both.rep",
    }
    password_hash = hash_password(PASSWORD)
    for key, username in names.items():
        n = _n()
        users[key] = User(username=username, display_name=f"用户{n}", password_hash=password_hash)
    session.add_all(users.values())
    session.flush()
    for key, township in zip(("t", "o", "f"), townships, strict=True):
        with tenant_context(township.id):
            world.branches[key] = Branch(
                name=f"{township.name}专属支部", kind="village", is_active=True
            )
            world.notes[key] = PilotNote(text=f"{township.name}专属走访记录")
            session.add_all([world.branches[key], world.notes[key]])
            session.flush()
    ours, other, far = townships
    grants: list[tuple[str, Role, Township | None, County | None, Branch | None]] = [
        ("platform", Role.PLATFORM_ADMIN, None, None, None),
        ("county_admin", Role.COUNTY_ADMIN, None, county, None),
        ("county_viewer", Role.COUNTY_VIEWER, None, county, None),
        ("far_county_admin", Role.COUNTY_ADMIN, None, far_county, None),
        *((role.value, role, ours, None, None) for role in _TOWNSHIP_ROLES),
        ("branch_liaison", Role.BRANCH_LIAISON, ours, None, world.branches["t"]),
        ("other_admin", Role.TOWNSHIP_ADMIN, other, None, None),
        ("far_admin", Role.TOWNSHIP_ADMIN, far, None, None),
        ("both", Role.REPRESENTATIVE, ours, None, None),
        ("both", Role.REPRESENTATIVE, other, None, None),
    ]
    session.add_all(
        Membership(
            user_id=users[key].id,
            role=role.value,
            tenant_id=township.id if township else None,
            county_id=c.id if c else (township.county_id if township else None),
            branch_id=branch.id if branch else None,
        )
        for key, role, township, c, branch in grants
    )
    _commit()
    return world


_TOWNSHIP_ROLES = (
    Role.TOWNSHIP_ADMIN,
    Role.TOWNSHIP_STAFF,
    Role.COMMITTEE_MEMBER,
    Role.REPRESENTATIVE,
    Role.GROUP_LEADER,
    Role.HANDLING_UNIT,
)
