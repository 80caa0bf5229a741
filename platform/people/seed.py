"""The demo's people (`lianxin demo`): representatives, groups, handling units, party members
and households of a township, each with a name of their own.

Names are unique in a township and the given name fits the person's gender (`FEMALE_GIVEN`,
`MALE_GIVEN`). The demo logins that are representatives (`DEMO_LOGINS`: cg.rep is 张秀英)
are linked to the representative of that name; most others have an account of their own
without a password (a set-up link would be sent), so that they draft proposals, co-sign and
record their liaison contacts in the demo's history; two in five have none (the office
records for them).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
FEMALE_GIVEN = (
    "秀英",
    "桂兰",
    "海燕",
    "丽华",
    "春梅",
    "晓红",
    "玉珍",
    "慧敏",
    "淑芬",
    "红霞",
    "秀兰",
    "美玲",
    "丽娟",
    "凤英",
    "雪梅",
    "金凤",
    "小燕",
    "婷婷",
    "静怡",
    "雅琴",
    "月娥",
    "巧云",
    "彩霞",
    "艳萍",
    "玉兰",
    "素芳",
    "丽萍",
    "文静",
    "晓梅",
    "佳慧",
)
MALE_GIVEN = (
    "建国",
    "志强",
    "德胜",
    "卫东",
    "国庆",
    "文斌",
    "永刚",
    "长江",
    "明亮",
    "家宝",
    "建军",
    "志华",
    "海涛",
    "俊杰",
    "立新",
    "振华",
    "宏伟",
    "洪波",
    "晓东",
    "国平",
    "金山",
    "福生",
    "庆丰",
    "树林",
    "春生",
    "建平",
    "明华",
    "永平",
    "学军",
    "志刚",
)
# The demo logins whose person is a representative of the township (demo.py makes the logins).
DEMO_LOGINS: dict[str, dict[str, str]] = {
    "chengguan": {"刘德胜": "cg.leader", "张秀英": "cg.rep", "孙海燕": "multi.rep"},
    "hekou": {"孙海燕": "multi.rep"},
}
# Where each of them sits in the roll (the first of a group leads it): 刘德胜 leads the
# farmers' group, 张秀英 is a farmer of 东关村 (the branch of cg.liaison).
_PLACES = {"刘德胜": 0, "张秀英": 5, "孙海燕": 7}
# People of the demo who are not representatives (logins, committee members, unit contacts):
# no representative, party member or household head bears their name.
RESERVED = frozenset(
    {
        *("李文静", "王建国", "陈小红", "赵志强", "周明华", "吴丽萍"),  # logins
        *("黄振华", "郑淑芬", "马立新", "宋丽萍", "梁建平", "唐美玲"),  # committee members
        *("冯晓梅", "邓丽娟"),  # office staff
    }
)
USERNAME_PREFIX = {"chengguan": "cg", "hekou": "hk", "qingshan": "qs"}

GROUPS = [("农业代表小组", "种植、养殖"), ("工业代表小组", "企业"), ("社区代表小组", "城区社区")]
UNITS = [
    ("镇党政办", "department", None),
    ("镇农业农村办", "department", "赵志强"),
    ("镇城建办", "department", None),
    ("镇社会事务办", "department", None),
    ("东关村村委会", "village_committee", None),
    ("县交通运输局", "county_department", None),
]
CATEGORIES = [
    "farmer",
    "farmer",
    "other_grassroots",
    "leading_cadre",
    "professional",
    "private_economy",
    "farmer",
    "other_grassroots",
]
# What each category's representatives do (职务, printed on the door roster, the poster and the
# 连心卡): a few posts each, picked by position so that a load is the same every time.
POSTS = {
    "farmer": ["种植大户", "村民小组长", "家庭农场主", "养殖户"],
    "other_grassroots": ["村委会主任", "村务监督委员会主任", "社区网格员"],
    "leading_cadre": ["村党支部书记", "镇党委委员"],
    "professional": ["中学教师", "卫生院医生", "农技站技术员"],
    "private_economy": ["合作社理事长", "民营企业负责人", "个体工商户"],
}
EDUCATION = ["junior", "secondary", "secondary", "college", "bachelor", "bachelor", "postgraduate"]


def gender_of(name: str) -> str | None:
    """The gender the given name of a demo person says ("female"/"male"), None if not listed."""
    given = name[1:]
    if given in FEMALE_GIVEN:
        return "female"
    if given in MALE_GIVEN:
        return "male"
    return None


def names(seed: str, taken: set[str]) -> Iterator[tuple[str, str]]:
    """(name, gender) without end, never one of `taken` (which grows as names are handed out);
    about a third are women."""
    from lianxin.demo_clock import rng

    draw = rng("names", seed)
    while True:
        gender = "female" if draw.random() < 0.34 else "male"
        yield pick_name(draw, gender, taken), gender


def pick_name(draw: random.Random, gender: str, taken: set[str]) -> str:
    """A name of that gender, not in `taken` nor reserved (added to `taken`)."""
    while True:
        given = draw.choice(FEMALE_GIVEN if gender == "female" else MALE_GIVEN)
        name = draw.choice(SURNAMES) + given
        if name not in taken and name not in RESERVED:
            taken.add(name)
            return name


def seed(township: Township, index: int = 0) -> None:
    """About forty representatives with groups, units, party members and households, on the day
    the township came onto the platform."""
    from lianxin.demo_clock import at

    with tenant_context(township.id):
        if db.session.scalar(select(Representative.id).limit(1)) is not None:
            return
    with at(township.created_at):
        _seed(township, index)
        db.session.commit()


def _seed(township: Township, index: int) -> None:
    from datetime import date

    from lianxin.demo_clock import rng
    from lianxin.people.models import (
        GroupMembership,
        HandlingUnit,
        Household,
        PartyMember,
        RepresentativeGroup,
    )
    from lianxin.people.service import pinyin_of

    named = DEMO_LOGINS.get(township.slug, {})
    places = {_PLACES[name]: name for name in named}
    taken = set(named)
    fresh = names(township.slug, taken)
    draw = rng("representatives", township.slug)
    with tenant_context(township.id):
        branches = list(db.session.scalars(select(Branch).order_by(Branch.id)))
        groups = [
            RepresentativeGroup(name=name, description=desc, is_active=True)
            for name, desc in GROUPS
        ]
        db.session.add_all(groups)
        for name, kind, contact in UNITS:
            level = "county" if kind == "county_department" else "township"
            if contact is None or township.slug != "chengguan":
                contact = next(fresh)[0]  # a unit's contact: a person of the township too
            db.session.add(
                HandlingUnit(
                    name=name, kind=kind, level=level, contact_name=contact, is_active=True
                )
            )
        db.session.flush()
        reps: list[Representative] = []
        for i in range(36 + index * 3):
            if i in places:
                name = places[i]
                gender = gender_of(name) or "male"
            else:  # a third of the representatives are women
                gender = "female" if i % 3 == 1 else "male"
                name = pick_name(draw, gender, taken)
            category = "farmer" if name == "张秀英" else CATEGORIES[i % len(CATEGORIES)]
            full, initials = pinyin_of(name)
            branch = branches[i % len(branches)]
            rep = Representative(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                gender=gender,
                birth_date=date(1962 + (i * 5 + index) % 36, 1 + i % 12, 1 + (i * 7) % 28),
                ethnicity="回族" if i % 17 == 5 else "汉族",
                education=EDUCATION[(i + index) % len(EDUCATION)],
                category=category,
                is_grassroots_cadre=category in ("leading_cadre", "other_grassroots"),
                branch_id=branch.id,
                group_id=groups[i % len(groups)].id,
                is_township_rep=True,
                is_county_rep=i % 9 == 0,
                term=13,
                phone=f"139{index:02d}{i:06d}",
                workplace=branch.name,
                publish_contact=i % 4 != 3,  # most agreed to publish their contact
                post=POSTS[category][(i // len(CATEGORIES)) % len(POSTS[category])],
                status="in_office",
            )
            db.session.add(rep)
            reps.append(rep)
        db.session.flush()
        for i, rep in enumerate(reps):
            db.session.add(
                GroupMembership(
                    group_id=rep.group_id,
                    representative_id=rep.id,
                    role="leader" if i < len(groups) else "member",
                    started_on=date(2021, 10, 1),
                )
            )
        _accounts(township, reps, named)
        for i, branch in enumerate(branches):
            for j in range(4):
                name, gender = next(fresh)
                full, initials = pinyin_of(name)
                db.session.add(
                    PartyMember(
                        name=name,
                        name_pinyin=full,
                        name_initials=initials,
                        gender=gender,
                        phone=f"138{index:02d}{i:02d}{j:04d}",
                        branch_id=branch.id,
                        is_active=True,
                    )
                )
                head, _gender = next(fresh)
                db.session.add(
                    Household(
                        head_name=head,
                        address=f"{branch.name.removesuffix('党支部').removesuffix('党总支')}"
                        f"{j + 1}组",
                        branch_id=branch.id,
                        is_active=True,
                    )
                )
        db.session.flush()


def _accounts(township: Township, reps: list[Representative], named: dict[str, str]) -> None:
    """Each representative's account: a demo login for the named ones, else one of their own
    (no password yet) for three in five, with the representative's membership in the township."""
    from lianxin.auth import service as accounts
    from lianxin.auth.models import Membership, User
    from lianxin.auth.roles import Role

    prefix = USERNAME_PREFIX.get(township.slug, township.slug[:8])
    used = set(db.session.scalars(select(User.username).where(User.username.like(f"{prefix}.%"))))
    for i, rep in enumerate(reps):
        user = None
        if rep.name in named:
            user = db.session.scalar(select(User).where(User.username == named[rep.name]))
        elif i % 5 in (1, 3):
            continue
        if user is None:
            base = f"{prefix}.{rep.name_pinyin.replace(' ', '')}"
            username, n = base, 1
            while username in used:
                n += 1
                username = f"{base}{n}"
            used.add(username)
            user = accounts.create_user(username, rep.name, phone=rep.phone)
        rep.user_id = user.id
        has = db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.tenant_id == township.id,
                Membership.role == Role.REPRESENTATIVE.value,
            )
        )
        if has is None:
            db.session.add(
                Membership(
                    user_id=user.id,
                    role=Role.REPRESENTATIVE.value,
                    tenant_id=township.id,
                    county_id=township.county_id,
                )
            )
