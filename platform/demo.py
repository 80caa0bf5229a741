"""The demo county: three townships, branches, a login for every role, and two years of history.

The county came onto the platform two years ago (`demo_clock.history_start`); each part's seed
replays what its townships did since then through the use cases, each step on its day
(`lianxin.demo_clock`), and the county's comparison is computed from it: figures, trends and
rankings are real on the first page a county admin opens.

Loading is idempotent: a second run resets the demo passwords and adds nothing twice.
"""

from __future__ import annotations

import importlib
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from lianxin import demo_clock
from lianxin.auth import service as accounts
from lianxin.auth.actor import actor_for
from lianxin.auth.models import Membership, User
from lianxin.auth.passwords import hash_password
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import Registry, current_registry
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Branch, County, Township

DEFAULT_PASSWORD = "lianxin2026demo"
COUNTY = ("示范县", "demo")
COUNTY_PEOPLE = [
    ("county.admin", "周明华", Role.COUNTY_ADMIN),
    ("county.viewer", "吴丽萍", Role.COUNTY_VIEWER),
]
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
# The first-party modules each township runs (城关镇 runs every module). Every module runs in at
# least two townships, so that the county has something to compare; a module a township does not
# run shows as 未开通. A module not listed here (a test module) runs in 城关镇 and 河口镇.
MODULES: dict[str, tuple[str, ...] | None] = {
    "chengguan": None,
    "hekou": (
        "workstations",
        "reception_days",
        "proposals",
        "annual_sessions",
        "consultations",
        "sittings",
        "inspections",
    ),
    "qingshan": (
        "workstations",
        "evaluations",
        "liaison",
        "consultations",
        "briefings",
        "by_elections",
        "commitments",
    ),
}
FIRST_PARTY = ("workstations", "reception_days", "proposals", "annual_sessions", "evaluations")
# The county's standard for casework: simple cases in 10 days, complex ones in 30 ([002]).
CASEWORK_DEFAULTS = {"simple_complex": True, "simple_days": 10, "complex_days": 30}
# Further people of 城关镇, one for each township role. cg.rep and cg.leader are the
# representatives of the same name (lianxin.people.seed.DEMO_LOGINS).
CHENGGUAN_PEOPLE = [
    ("cg.staff", "李文静", Role.TOWNSHIP_STAFF, None),
    ("cg.committee", "王建国", Role.COMMITTEE_MEMBER, None),
    ("cg.rep", "张秀英", Role.REPRESENTATIVE, None),
    ("cg.leader", "刘德胜", Role.GROUP_LEADER, None),
    ("cg.liaison", "陈小红", Role.BRANCH_LIAISON, "东关村党支部"),
    ("cg.unit", "赵志强", Role.HANDLING_UNIT, None),
]
# A representative of both 城关镇 and 河口镇, to show the township switcher.
MULTI_REP = ("multi.rep", "孙海燕")
# The liaison office of the other townships (accounts without a password).
OFFICE = {"hekou": ("hk.office", "冯晓梅"), "qingshan": ("qs.office", "邓丽娟")}
# The other members of each township's Party committee (accounts without a password): the
# subjects of its evaluations and the upper ends of its liaison chain.
COMMITTEE = {
    "chengguan": [("cg.huangzhenhua", "黄振华"), ("cg.zhengshufen", "郑淑芬")],
    "hekou": [("hk.malixin", "马立新"), ("hk.songliping", "宋丽萍")],
    "qingshan": [("qs.liangjianping", "梁建平"), ("qs.tangmeiling", "唐美玲")],
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    place: str


def _user(username: str, name: str, password: str | None) -> User:
    """The demo's account: made, or reset to the demo's name and password."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = accounts.create_user(username, name, password=password)
    else:
        user.display_name = name
        if password is not None:
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


def _modules(registry: Registry, slug: str) -> list[str]:
    chosen = MODULES.get(slug)
    keys = registry.keys()
    if chosen is None:
        return keys
    others = slug == "hekou"  # test modules: 城关镇 and 河口镇
    return [k for k in keys if k in chosen or (k not in FIRST_PARTY and k != "liaison" and others)]


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


def _unit_accounts(township: Township) -> None:
    """An account for each handling unit, in its contact's name; in 城关镇 镇农业农村办's is
    cg.unit (赵志强)."""
    from lianxin.people.models import HandlingUnit
    from lianxin.people.seed import USERNAME_PREFIX

    prefix = USERNAME_PREFIX.get(township.slug, township.slug[:8])
    with tenant_context(township.id):
        units = list(db.session.scalars(select(HandlingUnit).order_by(HandlingUnit.id)))
        cg_unit = db.session.scalar(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                User.username == "cg.unit",
                Membership.tenant_id == township.id,
                Membership.role == Role.HANDLING_UNIT.value,
                Membership.unit_id.is_(None),
            )
        )
        farm = next((u for u in units if u.name == "镇农业农村办"), None)
        if cg_unit is not None and farm is not None:
            cg_unit.unit_id = farm.id
            db.session.flush()
        for unit in units:
            has = db.session.scalar(
                select(Membership.id).where(
                    Membership.tenant_id == township.id, Membership.unit_id == unit.id
                )
            )
            if has is None:
                name = unit.contact_name or f"{unit.name}经办人"
                user = _user(f"{prefix}.unit{unit.id}", name, None)
                db.session.add(
                    Membership(
                        user_id=user.id,
                        role=Role.HANDLING_UNIT.value,
                        tenant_id=township.id,
                        county_id=township.county_id,
                        unit_id=unit.id,
                    )
                )
        db.session.commit()


def load(password: str | None = None) -> list[DemoLogin]:
    with demo_clock.quick_commits():
        return _load(password or DEFAULT_PASSWORD)


def _load(password: str) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    registry = current_registry()
    demo_clock.forget_actors()
    onboarded = demo_clock.moment(demo_clock.history_start(), 9)

    platform_admin = _user("admin", "平台管理员", password)
    _grant(platform_admin, Role.PLATFORM_ADMIN)
    db.session.commit()
    logins.append(DemoLogin("admin", password, Role.PLATFORM_ADMIN.label, "平台"))

    county = tenants.county_by_slug(COUNTY[1])
    # A first load sets the county up on the day it came onto the platform, two years ago.
    first = county is None
    with demo_clock.at(onboarded) if first else nullcontext():
        county = _setup(registry, platform_admin, password, logins)
    db.session.commit()

    township_ids = []
    for index, (_name, slug, *_rest) in enumerate(TOWNSHIPS):
        township = tenants.township_by_slug(slug)
        assert township is not None
        township_ids.append(township.id)
        _seed(registry, township, index, only=("people",))
        with demo_clock.at(township.created_at) if first else nullcontext():
            _unit_accounts(township)

    # Each part's history and today's work (its spec's seed module), in registry order, every
    # step on its day: people before casework before the modules that use both.
    with demo_clock.history():
        for index, township_id in enumerate(township_ids):
            township = db.session.get(Township, township_id)
            assert township is not None
            _seed(registry, township, index, skip=("people",))
    db.session.commit()
    _read_old_messages()

    # The county's comparison reads rollups only: fill every period since the county came on
    # (the beat refreshes the open ones nightly; a second load, those and any missing).
    from lianxin.county import service as comparison

    comparison.refresh_county(county.id, full=first)
    return logins


def _read_old_messages() -> None:
    """People read their messages: what the history sent more than two weeks ago was read the
    day it came (the inboxes show this fortnight's as unread)."""
    from lianxin.notify.models import Notification

    cutoff = demo_clock.real_now() - timedelta(days=14)
    rows = db.session.execute(
        select(Notification.id, Notification.created_at).where(
            Notification.read_at.is_(None), Notification.created_at < cutoff
        )
    ).all()
    if rows:
        db.session.execute(
            update(Notification),
            [{"id": n, "read_at": created + timedelta(hours=2)} for n, created in rows],
        )
        db.session.commit()


def _setup(
    registry: Registry, platform_admin: User, password: str, logins: list[DemoLogin]
) -> County:
    """The county, its townships and branches, and the logins (each made once)."""
    county = tenants.county_by_slug(COUNTY[1])
    if county is None:
        done = tenants.create_county(
            actor_for(platform_admin),
            name=COUNTY[0],
            slug=COUNTY[1],
            admin_username=COUNTY_PEOPLE[0][0],
            admin_name=COUNTY_PEOPLE[0][1],
        )
        county = done.county
    assert county is not None
    for username, name, role in COUNTY_PEOPLE:
        user = _user(username, name, password)
        _grant(user, role, county=county)
        logins.append(DemoLogin(username, password, role.label, county.name))
    db.session.commit()
    county_actor = actor_for(db.session.scalar(select(User).where(User.username == "county.admin")))
    if not county.module_defaults.get("casework"):
        tenants.update_county_defaults(county_actor, county, "casework", CASEWORK_DEFAULTS)

    for name, slug, admin, labels, branch_names in TOWNSHIPS:
        township = tenants.township_by_slug(slug)
        if township is None:
            done = tenants.onboard_township(
                county_actor,
                county,
                name=name,
                slug=slug,
                modules=_modules(registry, slug),
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
        if slug in OFFICE:
            _grant(_user(*OFFICE[slug], None), Role.TOWNSHIP_STAFF, township=township)
        for username, person in COMMITTEE.get(slug, []):
            _grant(_user(username, person, None), Role.COMMITTEE_MEMBER, township=township)
        db.session.commit()
        logins.append(DemoLogin(admin, password, Role.TOWNSHIP_ADMIN.label, name))

    chengguan = tenants.township_by_slug("chengguan")
    assert chengguan is not None
    for username, person, role, branch in CHENGGUAN_PEOPLE:
        user = _user(username, person, password)
        branch_id = None
        if branch:
            with tenant_context(chengguan.id):
                branch_id = db.session.scalar(select(Branch.id).where(Branch.name == branch))
        _grant(user, role, township=chengguan, branch_id=branch_id)
        logins.append(DemoLogin(username, password, role.label, chengguan.name))

    # The representative of two townships (the people seed links both records to the account).
    both = _user(MULTI_REP[0], MULTI_REP[1], password)
    hekou = tenants.township_by_slug("hekou")
    assert hekou is not None
    _grant(both, Role.REPRESENTATIVE, township=chengguan)
    _grant(both, Role.REPRESENTATIVE, township=hekou)
    db.session.commit()
    logins.append(DemoLogin(MULTI_REP[0], password, Role.REPRESENTATIVE.label, "城关镇、河口镇"))
    return county
