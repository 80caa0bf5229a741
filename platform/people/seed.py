"""The demo's people (`lianxin demo`): representatives, groups, handling units, party members
and households of a township."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "秀英",
    "建国",
    "桂兰",
    "志强",
    "海燕",
    "德胜",
    "丽华",
    "卫东",
    "春梅",
    "国庆",
    "晓红",
    "文斌",
    "玉珍",
    "永刚",
    "慧敏",
    "长江",
    "淑芬",
    "明亮",
    "红霞",
    "家宝",
]
GROUPS = [("农业代表小组", "种植、养殖"), ("工业代表小组", "企业"), ("社区代表小组", "城区社区")]
UNITS = [
    ("镇党政办", "department"),
    ("镇农业农村办", "department"),
    ("镇城建办", "department"),
    ("东关村村委会", "village_committee"),
    ("县交通运输局", "county_department"),
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
EDUCATION = ["junior", "secondary", "secondary", "college", "bachelor", "bachelor", "postgraduate"]


def seed(township: Township, index: int = 0) -> None:
    """About forty representatives with groups, units, party members and households."""
    from datetime import date

    from lianxin.people.models import (
        GroupMembership,
        HandlingUnit,
        Household,
        PartyMember,
        RepresentativeGroup,
    )
    from lianxin.people.service import pinyin_of

    with tenant_context(township.id):
        if db.session.scalar(select(Representative.id).limit(1)) is not None:
            return
        branches = list(db.session.scalars(select(Branch).order_by(Branch.id)))
        groups = [
            RepresentativeGroup(name=name, description=desc, is_active=True)
            for name, desc in GROUPS
        ]
        db.session.add_all(groups)
        for name, kind in UNITS:
            level = "county" if kind == "county_department" else "township"
            db.session.add(HandlingUnit(name=name, kind=kind, level=level, is_active=True))
        db.session.flush()
        for i in range(36 + index * 3):
            name = SURNAMES[(i * 7 + index) % len(SURNAMES)] + GIVEN[(i * 3 + index) % len(GIVEN)]
            category = CATEGORIES[i % len(CATEGORIES)]
            full, initials = pinyin_of(name)
            rep = Representative(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                gender="female" if i % 3 == 0 else "male",
                birth_date=date(1962 + (i * 5 + index) % 38, 1 + i % 12, 1 + (i * 7) % 28),
                ethnicity="回族" if i % 17 == 5 else "汉族",
                education=EDUCATION[(i + index) % len(EDUCATION)],
                category=category,
                is_grassroots_cadre=category in ("leading_cadre", "other_grassroots"),
                branch_id=branches[i % len(branches)].id,
                group_id=groups[i % len(groups)].id,
                is_township_rep=True,
                is_county_rep=i % 9 == 0,
                term=13,
                phone=f"139{index:02d}{i:06d}",
                workplace=branches[i % len(branches)].name,
                publish_contact=i % 4 != 3,  # most agreed to publish their contact
                post="村党支部书记" if category == "leading_cadre" else None,
                status="in_office",
            )
            db.session.add(rep)
            db.session.flush()
            role = "leader" if i < len(groups) else "member"
            db.session.add(
                GroupMembership(
                    group_id=rep.group_id,
                    representative_id=rep.id,
                    role=role,
                    started_on=date(2021, 10, 1),
                )
            )
        for i, branch in enumerate(branches):
            for j in range(4):
                name = SURNAMES[(i + j * 5) % len(SURNAMES)] + GIVEN[(i * 2 + j) % len(GIVEN)]
                full, initials = pinyin_of(name)
                db.session.add(
                    PartyMember(
                        name=name,
                        name_pinyin=full,
                        name_initials=initials,
                        gender="male" if j % 2 else "female",
                        branch_id=branch.id,
                        is_active=True,
                    )
                )
                db.session.add(
                    Household(
                        head_name=name[0] + "大伯",
                        address=f"{branch.name[:3]}{j + 1}组",
                        branch_id=branch.id,
                        is_active=True,
                    )
                )
        db.session.commit()
