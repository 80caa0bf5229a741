"""The demo county: three townships, branches, and a login for every role.

Loading is idempotent: a second run resets the demo passwords and adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lianxin.auth import service as accounts
from lianxin.auth.actor import actor_for
from lianxin.auth.models import Membership, User
from lianxin.auth.passwords import hash_password
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import current_registry
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

    for seed, (_name, slug, *_rest) in enumerate(TOWNSHIPS):
        township = tenants.township_by_slug(slug)
        assert township is not None
        _load_people(township, seed)
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

    _load_cases(chengguan)
    _load_station(chengguan)
    _load_reception_days(chengguan)
    _load_proposals(chengguan)
    _load_annual_session(chengguan)
    _load_evaluations(chengguan)
    _load_liaison(chengguan)

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


def _load_people(township: Township, seed: int) -> None:
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
        for i in range(36 + seed * 3):
            name = SURNAMES[(i * 7 + seed) % len(SURNAMES)] + GIVEN[(i * 3 + seed) % len(GIVEN)]
            category = CATEGORIES[i % len(CATEGORIES)]
            full, initials = pinyin_of(name)
            rep = Representative(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                gender="female" if i % 3 == 0 else "male",
                birth_date=date(1962 + (i * 5 + seed) % 38, 1 + i % 12, 1 + (i * 7) % 28),
                ethnicity="回族" if i % 17 == 5 else "汉族",
                education=EDUCATION[(i + seed) % len(EDUCATION)],
                category=category,
                is_grassroots_cadre=category in ("leading_cadre", "other_grassroots"),
                branch_id=branches[i % len(branches)].id,
                group_id=groups[i % len(groups)].id,
                is_township_rep=True,
                is_county_rep=i % 9 == 0,
                term=13,
                phone=f"139{seed:02d}{i:06d}",
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


DEMO_CASES = [
    ("村道路灯不亮", "东关村3组路灯坏了两个月，晚上出行不便。", "基础设施", "regular_visit"),
    ("农田灌溉渠堵塞", "西关村灌溉渠淤堵，影响春耕用水。", "农业农村", "reception_day"),
    ("社区缺少老年活动室", "新华社区老人多，希望有个活动的地方。", "民生保障", "themed_visit"),
    ("企业招工信息不畅", "光明机械厂反映招工信息发布渠道少。", "经济发展", "regular_visit"),
    ("垃圾清运不及时", "城南社区垃圾箱满了两三天才清运。", "生态环境", "public_web"),
]


def _load_cases(township: Township) -> None:
    """A handful of cases in different states, made through the casework service."""
    from lianxin.casework import service as casework
    from lianxin.casework.models import Case
    from lianxin.people.models import HandlingUnit

    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    assert staff is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Case.id).limit(1)) is not None:
            return
        units = {u.name: u.id for u in db.session.scalars(select(HandlingUnit))}
        reps = list(db.session.scalars(select(Representative).order_by(Representative.id).limit(5)))
        for i, (title, body, category, channel) in enumerate(DEMO_CASES):
            data = {
                "title": title,
                "body": body,
                "category": category,
                "raiser_name": "群众" + str(i + 1),
                "raiser_phone": f"1370000000{i}",
            }
            if channel == "public_web":
                new = casework.register(None, township, {**data, "channel": channel})
            else:
                new = casework.register(
                    office, township, {**data, "channel": channel, "received_by_id": reps[i].id}
                )
            case_id = new.case.id
            if i == 4:
                continue  # a fresh public submission waiting to be registered
            casework.receive(office, township, case_id)
            if i == 3:
                continue
            if i == 2:
                casework.handle_on_spot(office, township, case_id, "已协调社区腾出一间活动室。")
                casework.give_feedback(office, township, case_id)
                continue
            lead = units["镇城建办"] if i == 0 else units["镇农业农村办"]
            casework.refer(office, township, case_id, lead_unit_id=lead)


def _load_station(township: Township) -> None:
    """One workstation with representatives, a published duty roster and a commitment."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.workstations import service as workstations
    from lianxin.modules.workstations.models import Station

    if not tenants.module_enabled(township.id, "workstations"):
        return
    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    assert staff is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Station.id).limit(1)) is not None:
            return
        station = workstations.create_station(
            office,
            township,
            {
                "kind": "township",
                "name": "城关镇党代表工作站",
                "address": "城关镇人民路8号",
                "phone": "0513-88880001",
                "hours": "每周三下午、周六上午",
                "liaison_name": "李文静",
                "liaison_phone": "13800000099",
                "rules": "一套标识、一部电话、一本记录本、一张值班表、一套制度。",
            },
        )
        reps = list(db.session.scalars(select(Representative).order_by(Representative.id).limit(6)))
        workstations.set_representatives(office, township, station.id, [r.id for r in reps])
        first = shanghai_today() + timedelta(days=14)
        for i, rep in enumerate(reps[:4]):
            workstations.add_shift(
                office,
                township,
                station.id,
                {
                    "representative_id": rep.id,
                    "day": (first + timedelta(days=i * 7)).isoformat(),
                    "starts_at": "09:00",
                    "ends_at": "11:30",
                },
            )
        workstations.publish_roster(
            office,
            township,
            station.id,
            first.isoformat(),
            (first + timedelta(days=30)).isoformat(),
            # The roster may run into a year whose holidays are not published yet: the office
            # confirms the Monday-to-Friday estimate, as a clerk would on the page.
            confirm_estimated_calendar=True,
        )
        workstations.add_commitment(
            office,
            township,
            {
                "representative_id": reps[0].id,
                "text": "年内推动东关村3组路灯全部修复。",
                "deadline": (shanghai_today() + timedelta(days=60)).isoformat(),
            },
        )


def _load_reception_days(township: Township) -> None:
    """Two reception sites; this year's schedule published with full teams (the demo
    representative among them), next year's generated as a draft from the same teams."""
    from lianxin.casework.deadlines import shanghai_today
    from lianxin.errors import ValidationFailed
    from lianxin.modules.reception_days import service as reception
    from lianxin.modules.reception_days.models import Site

    if not tenants.module_enabled(township.id, "reception_days"):
        return
    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    cg_rep = db.session.scalar(select(User).where(User.username == "cg.rep"))
    assert staff is not None and cg_rep is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Site.id).limit(1)) is not None:
            return
        branch = db.session.scalar(select(Branch).order_by(Branch.id))
        room = reception.create_site(
            office,
            township,
            {"kind": "township_room", "name": "城关镇党代表接待室", "address": "城关镇人民路8号"},
        )
        centre = reception.create_site(
            office,
            township,
            {
                "kind": "branch_centre",
                "name": f"{branch.name}党群服务中心" if branch else "社区党群服务中心",
                "address": "东关村村委会",
                "branch_id": branch.id if branch else None,
            },
        )
        reps = [
            r
            for r in db.session.scalars(select(Representative).order_by(Representative.id))
            if r.in_office
        ]
        cadres = [r for r in reps if r.is_grassroots_cadre]
        others = [r for r in reps if not r.is_grassroots_cadre]
        mine = next((r for r in reps if r.user_id == cg_rep.id), None)
        teams = {
            room.id: [cadres[0].id, others[0].id],
            centre.id: [cadres[1].id, (mine or others[1]).id],
        }
        if mine is not None and mine.id in teams[room.id]:
            teams[centre.id] = [cadres[1].id, others[1].id]
        year = shanghai_today().year
        try:
            view = reception.generate(office, township, year, [room.id, centre.id])
        except ValidationFailed:  # no reception day left this year: start with next year
            year += 1
            view = reception.generate(office, township, year, [room.id, centre.id])
        first = view.days[0].day.id
        for site_id, team in teams.items():
            reception.set_team(office, township, first, site_id, team, apply_to_rest=True)
        # Published the day the township is set up: a reception day inside the notice period
        # is flagged "临时调整" on the public notice, with this reason.
        reception.publish(
            office,
            township,
            year,
            confirm_estimated_calendar=True,
            short_notice_reason="演示数据：开通当日发布日程",
        )
        if year == shanghai_today().year:
            reception.generate(office, township, year + 1, [room.id, centre.id])


def _load_proposals(township: Township) -> None:
    """An open collection window; cg.rep's proposal (ten signers) assigned to cg.unit's unit, a
    draft waiting for co-signers, and a suggestion answered and published."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.proposals import service as proposals
    from lianxin.modules.proposals.models import Proposal, Signature, SignatureStatus
    from lianxin.people.models import HandlingUnit

    if not tenants.module_enabled(township.id, "proposals"):
        return
    users = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(User.username.in_(["cg.staff", "cg.rep", "cg.unit"]))
        )
    }
    office, author, unit = (actor_for(users[k]) for k in ("cg.staff", "cg.rep", "cg.unit"))
    today = shanghai_today()
    with tenant_context(township.id):
        if db.session.scalar(select(Proposal.id).limit(1)) is not None:
            return
        proposals.add_window(
            office,
            township,
            {
                "title": f"{today.year}年度党代表提案征集",
                "opens_on": (today - timedelta(days=10)).isoformat(),
                "closes_on": (today + timedelta(days=20)).isoformat(),
            },
        )
        me = proposals.representative_of(author, township)
        others = [
            r
            for r in db.session.scalars(select(Representative).order_by(Representative.id))
            if r.in_office and me is not None and r.id != me.id
        ]
        first = proposals.create_draft(
            author,
            township,
            {
                "kind": "proposal",
                "title": "关于修建东关村便民桥的提案",
                "body": "东关河两岸群众出行要绕行三公里，建议在村部附近修建一座便民桥。",
                "category": "基础设施",
            },
        )
        # The nine co-signers sign from their own accounts in real use; the demo records it.
        for rep in others[:9]:
            db.session.add(
                Signature(
                    proposal_id=first.id,
                    representative_id=rep.id,
                    status=SignatureStatus.SIGNED,
                    responded_at=first.created_at,
                )
            )
        db.session.commit()
        proposals.submit(author, township, first.id)
        proposals.accept(office, township, first.id, complexity="complex")
        farm = db.session.scalar(select(HandlingUnit.id).where(HandlingUnit.name == "镇农业农村办"))
        proposals.assign(office, township, first.id, lead_unit_id=farm)
        draft = proposals.create_draft(
            author,
            township,
            {
                "kind": "proposal",
                "title": "关于增设农村公交站点的提案",
                "body": "北片三个村没有公交站点，老人看病出行困难。",
                "category": "民生保障",
            },
        )
        proposals.invite(author, township, draft.id, [r.id for r in others[:3]])
        suggestion = proposals.create_draft(
            author,
            township,
            {
                "kind": "suggestion",
                "title": "关于村卫生室延长开放时间的建议",
                "body": "农忙季节村民白天下地，建议卫生室晚上开放到八点。",
                "category": "教育医疗",
            },
        )
        proposals.submit(author, township, suggestion.id)
        proposals.accept(office, township, suggestion.id, complexity="simple")
        proposals.assign(office, township, suggestion.id, lead_unit_id=farm)
        proposals.contact_author(unit, township, suggestion.id, "电话联系了代表")
        proposals.answer(
            unit,
            township,
            suggestion.id,
            "已协调各村卫生室农忙期间开放到晚上八点，并公示值班电话。",
        )
        proposals.rate(author, township, suggestion.id, "satisfied")
        proposals.set_published(office, township, suggestion.id, True)


def _load_annual_session(township: Township) -> None:
    """Next month's annual session, in planning: the committee's reports on the agenda and an
    item the representatives are still gathering names for."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.annual_sessions import service as sessions
    from lianxin.modules.annual_sessions.models import Session

    if not tenants.module_enabled(township.id, "annual_sessions"):
        return
    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    committee = db.session.scalar(select(User).where(User.username == "cg.committee"))
    rep = db.session.scalar(select(User).where(User.username == "cg.rep"))
    assert staff is not None and committee is not None and rep is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Session.id).limit(1)) is not None:
            return
        session = sessions.create_session(
            office,
            township,
            {
                "title": "城关镇第十三届党代表大会第二次会议",
                "held_on": (shanghai_today() + timedelta(days=30)).isoformat(),
                "place": "城关镇人民政府三楼会议室",
            },
        )
        for title, kind in (
            ("审议镇党委工作报告", "report"),
            ("审议镇纪委工作报告", "report"),
            ("选举出席县党代会代表", "election"),
        ):
            item = sessions.propose_item(
                actor_for(committee),
                township,
                session.id,
                {"title": title, "kind": kind, "proposer": "committee"},
            )
            sessions.decide_item(actor_for(committee), township, item.id, accept=True)
        sessions.propose_item(
            actor_for(rep),
            township,
            session.id,
            {
                "title": "关于加快老街排水改造的议题",
                "description": "请代表联名：满 10 名代表联名即列入议程。",
                "kind": "motion",
                "proposer": "representatives",
            },
        )


def _load_evaluations(township: Township) -> None:
    """This season's evaluation of the committee members (December to mid-January), open, with
    the committee members as subjects: cg.rep can answer from their account."""
    from datetime import date

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.evaluations import service as evaluations
    from lianxin.modules.evaluations.models import Campaign

    if not tenants.module_enabled(township.id, "evaluations"):
        return
    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    assert staff is not None
    office = actor_for(staff)
    today = shanghai_today()
    start = date(today.year if today.month >= 6 else today.year - 1, 12, 1)
    with tenant_context(township.id):
        if db.session.scalar(select(Campaign.id).limit(1)) is not None:
            return
        campaign = evaluations.create_campaign(
            office,
            township,
            {
                "title": f"{start.year}年度党代表评议党委委员",
                "shape": "committee",
                "opens_on": min(start, today).isoformat(),
                "closes_on": date(start.year + 1, 1, 15).isoformat(),
            },
        )
        evaluations.add_default_subjects(office, township, campaign.id)
        evaluations.open_campaign(office, township, campaign.id)


def _load_liaison(township: Township) -> None:
    """This year's liaison chain from the suggestion, a few contacts this quarter (one raised as
    a case), cg.rep's quarterly report and cg.committee's liaison meeting; one branch has
    confirmed its part."""
    from datetime import timedelta

    from lianxin.casework.deadlines import shanghai_today
    from lianxin.modules.liaison import service as liaison
    from lianxin.modules.liaison.models import Link
    from lianxin.modules.liaison.quarters import Quarter
    from lianxin.people.models import PartyMember

    if not tenants.module_enabled(township.id, "liaison"):
        return
    users = {
        u.username: u
        for u in db.session.scalars(
            select(User).where(User.username.in_(["cg.staff", "cg.rep", "cg.committee"]))
        )
    }
    office, rep, committee = (
        actor_for(users["cg.staff"]),
        actor_for(users["cg.rep"]),
        actor_for(users["cg.committee"]),
    )
    today = shanghai_today()
    quarter = Quarter.of(today)
    day = max(quarter.starts_on, today - timedelta(days=3))
    with tenant_context(township.id):
        if db.session.scalar(select(Link.id).where(Link.year == today.year).limit(1)):
            return
        # cg.rep keeps two party members of their own branch whatever the suggestion's order.
        own = liaison.own_representative(rep, township)
        if own is not None:
            members = db.session.scalars(
                select(PartyMember)
                .where(PartyMember.is_active.is_(True))
                .order_by((PartyMember.branch_id == own.branch_id).desc(), PartyMember.id)
                .limit(2)
            )
            for member in members:
                liaison.add_link(
                    office,
                    township,
                    {
                        "year": today.year,
                        "level": "rep_member",
                        "upper_id": own.id,
                        "lower_id": member.id,
                    },
                )
        liaison.suggest(office, township, today.year)
        mine = [
            v
            for v in liaison.list_links(rep, township, today.year, mine=True)
            if v.link.level == "rep_member"
        ]
        for i, view in enumerate(mine[:2]):
            liaison.record_contact(
                rep,
                township,
                {
                    "link_id": view.link.id,
                    "contacted_on": day.isoformat(),
                    "method": "visit" if i == 0 else "phone",
                    "summary": "入户走访，了解家庭生产生活情况。"
                    if i == 0
                    else "电话联系，询问医保缴费情况。",
                    "client_key": f"demo-contact-{today.year}-{i}",
                    "case": {"title": "村东头路灯不亮", "category": "基础设施"} if i == 0 else None,
                },
            )
        for i, view in enumerate(liaison.list_links(committee, township, today.year, mine=True)):
            if i == 0:
                liaison.record_contact(
                    committee,
                    township,
                    {
                        "link_id": view.link.id,
                        "contacted_on": day.isoformat(),
                        "method": "talk",
                        "summary": "谈心谈话，听取代表对镇党委工作的意见。",
                        "client_key": f"demo-committee-{today.year}",
                    },
                )
        came = [v.lower.id for v in liaison.list_links(committee, township, today.year, mine=True)]
        liaison.record_meeting(
            committee,
            township,
            {
                "held_on": day.isoformat(),
                "place": "镇党委会议室",
                "summary": "季度联系代表座谈会：代表反映农村道路养护和养老服务问题。",
                "attendee_ids": came,
                "client_key": f"demo-meeting-{quarter.key}",
            },
        )
        if liaison.own_representative(rep, township) is not None:
            liaison.submit_report(
                rep,
                township,
                {
                    "year": quarter.year,
                    "quarter": quarter.number,
                    "text": "本季度走访联系党员两名，收集意见一条，已转为诉求办理。",
                },
            )
        # 东关村 (cg.liaison's branch) is left for its liaison to confirm.
        parts = [
            p
            for p in liaison.branch_parts(office, township, today.year)
            if p.links and p.branch.name != "东关村党支部"
        ]
        if parts:
            liaison.confirm_branch(office, township, today.year, parts[0].branch.id, "已核对")
