"""The demo county: three townships, branches, and a login for every role.

Loading is idempotent: a second run resets the demo passwords and adds nothing twice.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sqlalchemy import select

from lianxin.auth import service as accounts
from lianxin.auth.actor import actor_for
from lianxin.auth.models import Membership, User
from lianxin.auth.passwords import hash_password
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import Registry, current_registry
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Branch, County, Township

DEFAULT_PASSWORD = "lianxin2026demo"
COUNTY = ("示范县", "demo")
TOWNSHIPS = [
    # name, slug, admin username, labels, branches
    (
        "城关镇",
        "chengguan",
        "cg.admin",
        {},
        ["东关村党支部", "西关村党支部", "新华社区党支部", "城南社区党支部", "光明机械厂党支部"],
    ),
    (
        "河口镇",
        "hekou",
        "hk.admin",
        {"workstation": "工作室", "representative_group": "代表团"},
        ["河口村党支部", "渡口村党支部", "河口镇党总支"],
    ),
    (
        "青山乡",
        "qingshan",
        "qs.admin",
        {"representative_group": "代表队"},
        ["青山村党支部", "石门村党支部", "茶园村党支部"],
    ),
]
# Further people of 城关镇, one for each township role.
CHENGGUAN_PEOPLE = [
    ("cg.staff", "李文静", Role.TOWNSHIP_STAFF, None),
    ("cg.committee", "王建国", Role.COMMITTEE_MEMBER, None),
    ("cg.rep", "张秀英", Role.REPRESENTATIVE, None),
    ("cg.leader", "刘德胜", Role.GROUP_LEADER, None),
    ("cg.liaison", "陈小红", Role.BRANCH_LIAISON, "东关村党支部"),
    ("cg.unit", "赵志强", Role.HANDLING_UNIT, None),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    place: str


def _user(username: str, name: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = accounts.create_user(username, name, password=password)
    else:
        user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until = 0, None
    return user


def _grant(
    user: User,
    role: Role,
    *,
    county: County | None = None,
    township: Township | None = None,
    branch_id: int | None = None,
) -> None:
    query = select(Membership).where(Membership.user_id == user.id, Membership.role == role.value)
    if township is not None:
        query = query.where(Membership.tenant_id == township.id)
    if county is not None:
        query = query.where(Membership.county_id == county.id)
    if db.session.scalar(query) is None:
        db.session.add(
            Membership(
                user_id=user.id,
                role=role.value,
                tenant_id=township.id if township else None,
                county_id=county.id if county else (township.county_id if township else None),
                branch_id=branch_id,
            )
        )
    db.session.flush()


def _seed(
    registry: Registry,
    township: Township,
    index: int,
    *,
    only: tuple[str, ...] | None = None,
    skip: tuple[str, ...] = (),
) -> None:
    """Run the seed of each part that is on in `township` (each seed adds nothing twice)."""
    for spec in registry:
        if spec.seed_module is None or spec.key in skip or (only and spec.key not in only):
            continue
        if spec.core or tenants.module_enabled(township.id, spec.key):
            importlib.import_module(spec.seed_module).seed(township, index)


def load(password: str | None = None) -> list[DemoLogin]:
    password = password or DEFAULT_PASSWORD
    logins: list[DemoLogin] = []
    registry = current_registry()

    platform_admin = _user("admin", "平台管理员", password)
    _grant(platform_admin, Role.PLATFORM_ADMIN)
    db.session.commit()
    logins.append(DemoLogin("admin", password, Role.PLATFORM_ADMIN.label, "平台"))

    county = tenants.county_by_slug(COUNTY[1])
    if county is None:
        done = tenants.create_county(
            actor_for(platform_admin),
            name=COUNTY[0],
            slug=COUNTY[1],
            admin_username="county.admin",
            admin_name="周组织",
        )
        county = done.county
    assert county is not None
    county_admin = _user("county.admin", "周组织", password)
    _grant(county_admin, Role.COUNTY_ADMIN, county=county)
    viewer = _user("county.viewer", "吴观察", password)
    _grant(viewer, Role.COUNTY_VIEWER, county=county)
    db.session.commit()
    logins += [
        DemoLogin("county.admin", password, Role.COUNTY_ADMIN.label, county.name),
        DemoLogin("county.viewer", password, Role.COUNTY_VIEWER.label, county.name),
    ]

    county_actor = actor_for(county_admin)
    all_keys = registry.keys()
    for index, (name, slug, admin, labels, branch_names) in enumerate(TOWNSHIPS):
        township = tenants.township_by_slug(slug)
        if township is None:
            # 城关镇 runs every module; the others show a township that runs only some.
            keys = all_keys if index == 0 else all_keys[: max(1, len(all_keys) - index * 2)]
            done = tenants.onboard_township(
                county_actor,
                county,
                name=name,
                slug=slug,
                modules=keys,
                admin_username=admin,
                admin_name=f"{name}管理员",
            )
            township = done.township
        assert township is not None
        township.labels = labels
        admin_user = _user(admin, f"{name}管理员", password)
        _grant(admin_user, Role.TOWNSHIP_ADMIN, township=township)
        with tenant_context(township.id):
            existing = set(db.session.scalars(select(Branch.name)))
            for branch_name in branch_names:
                if branch_name not in existing:
                    kind = (
                        "general"
                        if "总支" in branch_name
                        else "community"
                        if "社区" in branch_name
                        else "enterprise"
                        if "厂" in branch_name
                        else "village"
                    )
                    db.session.add(Branch(name=branch_name, kind=kind, is_active=True))
            db.session.commit()
        logins.append(DemoLogin(admin, password, Role.TOWNSHIP_ADMIN.label, name))

    chengguan = tenants.township_by_slug("chengguan")
    assert chengguan is not None
    for username, person, role, branch_name in CHENGGUAN_PEOPLE:
        user = _user(username, person, password)
        branch_id = None
        if branch_name:
            with tenant_context(chengguan.id):
                branch_id = db.session.scalar(select(Branch.id).where(Branch.name == branch_name))
        _grant(user, role, township=chengguan, branch_id=branch_id)
        logins.append(DemoLogin(username, password, role.label, chengguan.name))

    # Each part's demo data (its spec's seed module), in registry order: the people of every
    # township, and the rest in 城关镇, which runs every module.
    for index, (_name, slug, *_rest) in enumerate(TOWNSHIPS):
        township = tenants.township_by_slug(slug)
        assert township is not None
        _seed(registry, township, index, only=("people",))
    with tenant_context(chengguan.id):
        from lianxin.people.models import HandlingUnit

        unit_id = db.session.scalar(
            select(HandlingUnit.id).where(HandlingUnit.name == "镇农业农村办")
        )
        cg_unit = db.session.scalar(select(User).where(User.username == "cg.unit"))
        if unit_id is not None and cg_unit is not None:
            for membership in cg_unit.memberships:
                if membership.role == Role.HANDLING_UNIT.value and membership.unit_id is None:
                    membership.unit_id = unit_id
        first = db.session.scalar(
            select(Representative).order_by(Representative.name_pinyin, Representative.id)
        )
        cg_rep = db.session.scalar(select(User).where(User.username == "cg.rep"))
        if first is not None and cg_rep is not None and first.user_id is None:
            first.user_id = cg_rep.id
            db.session.commit()

    _seed(registry, chengguan, 0, skip=("people",))

    # One representative of two townships, to show the township switcher.
    both = _user("multi.rep", "孙两地", password)
    hekou = tenants.township_by_slug("hekou")
    assert hekou is not None
    _grant(both, Role.REPRESENTATIVE, township=chengguan)
    _grant(both, Role.REPRESENTATIVE, township=hekou)
    db.session.commit()
    logins.append(DemoLogin("multi.rep", password, Role.REPRESENTATIVE.label, "城关镇、河口镇"))

    # The county's comparison reads rollups only: fill them once now (beat refreshes nightly).
    from lianxin.county import service as comparison

    comparison.refresh_county(county.id)
    return logins
