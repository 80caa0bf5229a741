"""Personal data by role (issue 18, PIPL: each person sees only what their duty needs).

One township with the liaison chain switched on holds people whose every personal value is
distinctive (a phone 139000000xx, an address 测试路9x号, a birth date, an ethnicity, a
workplace): six representatives, three party members, three households and four cases. Each
role of the world then reads them through the API (list and detail; SQLite and PostgreSQL)
and through the pages (SQLite), and the test looks for every value in what came back: a value
is there exactly when the role × field rule below lets that role see that field of that person.
The rule is written here again, on purpose, instead of being read from
`lianxin.people.privacy`: the test states what is required, the module is what is checked.

Who the people are (R = representative, M = party member, H = household, C = case):
- R own: the `representative` user's own record; M own, H own: the party member this
  representative keeps in touch with this year, and that member's household.
- R group: in the group of R leader, the `group_leader` user's own record.
- R branch, M branch, H branch: of the branch the `branch_liaison` user is liaison of.
- R linked: the representative the `committee_member` user keeps in touch with.
- R other, M other, H other: nobody's but the office's.
- C unit: referred to the `handling_unit` user's unit; C returned: referred to it and sent
  back; C received: received by R own; C anonymous: raised anonymously (a phone kept for the
  office), referred to the unit and received by R own.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import g
from sqlalchemy import select, update

from lianxin.auth.models import Membership, User
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people import service as people
from lianxin.tenants.models import TownshipModule
from lianxin.usecases import load_input
from tests.factories import actor
from tests.helpers import bearer, login

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

# --- the people, with a distinctive value in every personal field -------------------------------

REPS: dict[str, dict[str, str]] = {
    "own": {
        "name": "甘本人",
        "ethnicity": "畲族",
        "birth_date": "1971-01-11",
        "phone": "13900000001",
        "workplace": "一号农机合作社",
    },
    "group": {
        "name": "乔同组",
        "ethnicity": "瑶族",
        "birth_date": "1972-02-12",
        "phone": "13900000002",
        "workplace": "二号农机合作社",
    },
    "branch": {
        "name": "钟同支",
        "ethnicity": "侗族",
        "birth_date": "1973-03-13",
        "phone": "13900000003",
        "workplace": "三号农机合作社",
    },
    "linked": {
        "name": "韩联系",
        "ethnicity": "彝族",
        "birth_date": "1974-04-14",
        "phone": "13900000004",
        "workplace": "四号农机合作社",
    },
    "leader": {
        "name": "闻组长",
        "ethnicity": "傣族",
        "birth_date": "1975-05-15",
        "phone": "13900000005",
        "workplace": "五号农机合作社",
    },
    "other": {
        "name": "蒋无关",
        "ethnicity": "羌族",
        "birth_date": "1976-06-16",
        "phone": "13900000006",
        "workplace": "六号农机合作社",
    },
}
MEMBERS = {
    "own": {"name": "党员本联", "phone": "13900000011"},
    "branch": {"name": "党员本支", "phone": "13900000012"},
    "other": {"name": "党员其他", "phone": "13900000013"},
}
HOUSEHOLDS = {
    "own": {"name": "户主本联", "phone": "13900000021", "address": "测试路91号"},
    "branch": {"name": "户主本支", "phone": "13900000022", "address": "测试路92号"},
    "other": {"name": "户主其他", "phone": "13900000023", "address": "测试路99号"},
}
CASES = {
    "unit": {"name": "反映人甲", "phone": "13900000031"},
    "returned": {"name": "反映人丁", "phone": "13900000034"},
    "received": {"name": "反映人乙", "phone": "13900000032"},
    "anonymous": {"phone": "13900000033"},
}

# The API field that carries each value (the test looks for the value in the whole body too).
REP_FIELD = {
    "name": "name",
    "ethnicity": "ethnicity",
    "birth_date": "birth_date",
    "phone": "phone",
    "workplace": "workplace",
}
MEMBER_FIELD = {"name": "name", "phone": "phone"}
HOUSEHOLD_FIELD = {"name": "head_name", "phone": "phone", "address": "address"}
CASE_FIELD = {"name": "raiser_name", "phone": "raiser_phone"}

# --- the rule: role → whom → which fields ------------------------------------------------------

EVERY_REP_FIELD = frozenset(REPS["own"])  # name, ethnicity (structure), birth, phone, workplace
NAME = frozenset({"name"})
CONTACT = frozenset({"name", "phone", "workplace"})
OFFICE = {
    "reps": dict.fromkeys(REPS, EVERY_REP_FIELD),
    "members": dict.fromkeys(MEMBERS, frozenset({"name", "phone"})),
    "households": dict.fromkeys(HOUSEHOLDS, frozenset({"name", "phone", "address"})),
    "cases": {
        "unit": frozenset({"name", "phone"}),
        "returned": frozenset({"name", "phone"}),
        "received": frozenset({"name", "phone"}),
        "anonymous": frozenset({"phone"}),
    },
}
NAMES_OF_REPS = dict.fromkeys(REPS, NAME)
RULE: dict[str, dict[str, dict[str, frozenset[str]]]] = {
    # The liaison office keeps the roster: everything.
    "township_admin": OFFICE,
    "township_staff": OFFICE,
    # The county compares structure: names and structure, no contact, no birth date (its
    # structure page counts ages), and nobody of the public.
    "county": {
        "reps": dict.fromkeys(REPS, frozenset({"name", "ethnicity"})),
        "members": dict.fromkeys(MEMBERS, NAME),
        "households": {},
        "cases": {},
    },
    # A committee member sees the whole chain by name, and reaches the representatives they
    # keep in touch with.
    "committee_member": {
        "reps": {**NAMES_OF_REPS, "linked": CONTACT},
        "members": dict.fromkeys(MEMBERS, NAME),
        "households": dict.fromkeys(HOUSEHOLDS, NAME),
        "cases": {},
    },
    # A representative: every representative's name, their own record, and the party members
    # and households they keep in touch with (name and phone; no address), and the person who
    # raised a case they received (not when it was raised anonymously).
    "representative": {
        "reps": {**NAMES_OF_REPS, "own": EVERY_REP_FIELD},
        "members": {"own": frozenset({"name", "phone"})},
        "households": {"own": frozenset({"name", "phone"})},
        "cases": {"received": frozenset({"name", "phone"})},
    },
    # A group leader (also a representative, with their own record): their group's contact.
    "group_leader": {
        "reps": {**NAMES_OF_REPS, "leader": EVERY_REP_FIELD, "group": CONTACT},
        "members": {},
        "households": {},
        "cases": {},
    },
    # A branch liaison reminds the branch's representatives and keeps its chain: the contact of
    # the branch's representatives, party members and households (with the address).
    "branch_liaison": {
        "reps": {**NAMES_OF_REPS, "branch": CONTACT},
        "members": {"branch": frozenset({"name", "phone"})},
        "households": {"branch": frozenset({"name", "phone", "address"})},
        "cases": {},
    },
    # A handling unit: the name and phone of whoever raised a case it is working on; of
    # everyone else the representatives' names only.
    "handling_unit": {
        "reps": NAMES_OF_REPS,
        "members": {},
        "households": {},
        "cases": {"unit": frozenset({"name", "phone"})},
    },
}
API_ROLES = [r for r in RULE if r != "county"]  # the county never reaches a township's API


def allowed(role: str, what: str, key: str) -> frozenset[str]:
    return RULE[role][what].get(key, frozenset())


# --- the scene ----------------------------------------------------------------------------------


@pytest.fixture
def app_modules():
    from lianxin.modules.liaison.module import MODULE
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, MODULE)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key == "liaison").values(enabled=True)
    )
    db.session.commit()
    return built


@dataclass
class Scene:
    slug: str
    reps: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    households: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    photo_id: int = 0


def _rep_data(key: str, **extra: Any) -> dict[str, Any]:
    return {
        "gender": "女",
        "education": "高中",
        "category": "农民",
        "term": 13,
        "post": f"{key}村民小组长",
        **REPS[key],
        **extra,
    }


@pytest.fixture
def scene(world) -> Scene:
    from lianxin.modules.liaison import service as liaison
    from lianxin.modules.liaison.inputs import LinkInput

    t = world.township
    users = world.users
    office = actor(users["township_staff"])
    admin = actor(users["township_admin"])
    east, west = world.branches["t"], None
    s = Scene(t.slug)
    with tenant_context(t.id):
        from lianxin.tenants.models import Branch

        west = Branch(name="西村党支部", kind="village", is_active=True)
        db.session.add(west)
        db.session.commit()
        group = people.create_group(office, t, people.GroupInput(name="农业代表小组"))
        branch_of = {"branch": east.id}
        group_of = {"group": group.id, "leader": group.id}
        for key in REPS:
            rep = people.create_representative(
                office,
                t,
                load_input(
                    people.RepresentativeInputSchema,
                    _rep_data(
                        key, branch_id=branch_of.get(key, west.id), group_id=group_of.get(key)
                    ),
                ),
            )
            s.reps[key] = rep.id
        people.link_account(admin, t, s.reps["own"], user_id=users["representative"].id)
        people.link_account(admin, t, s.reps["leader"], user_id=users["group_leader"].id)
        s.photo_id = people.set_photo(
            office, t, s.reps["own"], io.BytesIO(PNG), "photo.png"
        ).photo_file_id
        for key, values in MEMBERS.items():
            s.members[key] = people.create_party_member(
                office,
                t,
                load_input(
                    people.PartyMemberSchema,
                    {**values, "branch_id": east.id if key == "branch" else west.id},
                ),
            ).id
        for key, values in HOUSEHOLDS.items():
            s.households[key] = people.create_household(
                office,
                t,
                people.HouseholdInput(
                    head_name=values["name"],
                    phone=values["phone"],
                    address=values["address"],
                    branch_id=east.id if key == "branch" else west.id,
                ),
            ).id
        year = deadlines.shanghai_today().year
        for level, upper, lower in (
            ("committee_rep", users["committee_member"].id, s.reps["linked"]),
            ("rep_member", s.reps["own"], s.members["own"]),
            ("member_household", s.members["own"], s.households["own"]),
        ):
            liaison.add_link(
                office, t, LinkInput(year=year, level=level, upper_id=upper, lower_id=lower)
            )
        unit = people.create_unit(office, t, people.UnitInput(name="镇农业农村办")).id
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == users["handling_unit"].id)
        )
        membership.unit_id = unit
        db.session.commit()
        unit_actor = actor(users["handling_unit"])
        for key, raiser in CASES.items():
            data: dict[str, Any] = {
                "channel": "phone",
                "title": f"诉求{key}",
                "body": "村道路灯不亮。",
                "raiser_name": raiser.get("name"),
                "raiser_phone": raiser["phone"],
                "anonymous": key == "anonymous",
                "received_by_id": s.reps["own"]
                if key in ("received", "anonymous")
                else s.reps["other"],
            }
            case_id = cases.register(office, t, cases.CaseInput(**data)).case.id
            s.cases[key] = case_id
            if key != "received":
                cases.receive(office, t, case_id)
                cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=unit))
            if key == "returned":
                cases.return_to_office(unit_actor, t, case_id, "不属于本单位职责")
    return s


# --- looking for the values ---------------------------------------------------------------------


KINDS = (
    ("reps", REPS, REP_FIELD),
    ("members", MEMBERS, MEMBER_FIELD),
    ("households", HOUSEHOLDS, HOUSEHOLD_FIELD),
    ("cases", CASES, CASE_FIELD),
)


def leaks_and_misses(role: str, text: str) -> tuple[list[str], list[str]]:
    """What `text` shows that the rule hides (leaks), and what it hides that the rule shows."""
    leaks, misses = [], []
    for what, people_, _fields in KINDS:
        for key, values in people_.items():
            may = allowed(role, what, key)
            for column, value in values.items():
                label = f"{what}.{key}.{column}={value}"
                if value in text and column not in may:
                    leaks.append(label)
                elif value not in text and column in may:
                    misses.append(label)
    return leaks, misses


def _api_get(client: Any, headers: dict[str, str], url: str) -> tuple[int, Any]:
    g.pop("_login_user", None)
    response = client.get(url, headers=headers)
    return response.status_code, response.get_json() if response.is_json else None


def _objects(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return [o for o in body if isinstance(o, dict)]
    return [body] if isinstance(body, dict) else []


# --- the API: every role, every kind, list and detail -------------------------------------------


@pytest.mark.parametrize("role", API_ROLES)
def test_the_api_shows_each_role_exactly_the_fields_its_duty_needs(app, client, world, scene, role):
    headers = bearer(world.users[role])
    api = f"/api/v1/t/{scene.slug}"
    bodies: list[Any] = []
    urls = {
        "reps": (f"{api}/representatives?page_size=100", f"{api}/representatives/{{}}"),
        "members": (f"{api}/party-members?page_size=100", f"{api}/party-members/{{}}"),
        "households": (f"{api}/households?page_size=100", f"{api}/households/{{}}"),
        "cases": (f"{api}/cases/?page_size=100", f"{api}/cases/{{}}"),
    }
    ids = {
        "reps": scene.reps,
        "members": scene.members,
        "households": scene.households,
        "cases": scene.cases,
    }
    fields_of = {what: fields for what, _p, fields in KINDS}
    wrong: list[tuple[Any, ...]] = []  # field by field: a hidden field is null, in `redacted`
    for what, (list_url, detail_url) in urls.items():
        status, listed = _api_get(client, headers, list_url)
        assert status == 200, (role, list_url, listed)
        bodies.append(listed)
        for key, row_id in ids[what].items():
            may = allowed(role, what, key)
            status, detail = _api_get(client, headers, detail_url.format(row_id))
            if status == 404:
                # Not reachable at all: then nothing of it may be meant for this role.
                assert not may, (role, what, key, "404 but the rule shows", sorted(may))
                continue
            assert status == 200, (role, what, key, status, detail)
            bodies.append(detail)
            for obj in _objects(listed) + _objects(detail):
                if obj.get("id") != row_id:
                    continue
                for column, api_field in fields_of[what].items():
                    if column == "name" and what == "cases" and key == "anonymous":
                        continue
                    shown = obj.get(api_field) is not None
                    if shown != (column in may) or (
                        not shown and column not in may and api_field not in obj.get("redacted", [])
                    ):
                        wrong.append((what, key, api_field, obj.get(api_field)))
    text = json.dumps(bodies, ensure_ascii=False)
    leaks, misses = leaks_and_misses(role, text)
    assert not leaks, (role, f"sees {len(leaks)} values the rule hides", leaks)
    assert not misses, (role, f"misses {len(misses)} values the rule shows", misses)
    assert not wrong, (role, "fields not null and named in `redacted` when hidden", wrong)


@pytest.mark.parametrize("role", API_ROLES)
def test_the_account_is_the_office_s_and_the_person_s_own_the_photo_every_member_s(
    app, client, world, scene, role
):
    """A photo identifies a colleague as the name does (the card prints it); which login a
    representative uses is the office's business and their own."""
    url = f"/api/v1/t/{scene.slug}/representatives/{scene.reps['own']}"
    status, rep = _api_get(client, bearer(world.users[role]), url)
    assert status == 200
    assert rep["photo_file_id"] == scene.photo_id
    own = role in ("township_admin", "township_staff", "representative")
    assert (rep["user_id"] == world.users["representative"].id) is own, (role, rep)
    if not own:
        assert rep["user_id"] is None and "user_id" in rep["redacted"]


# --- the pages ----------------------------------------------------------------------------------


def _pages(scene: Scene) -> list[str]:
    base = f"/t/{scene.slug}"
    urls = [
        f"{base}/people/",
        f"{base}/people/?status=all",
        f"{base}/people/party-members",
        f"{base}/people/groups",
        f"{base}/people/cards",
        f"{base}/cases/",
        f"{base}/cases/unit",
        f"{base}/liaison/",
        f"{base}/liaison/links",
        f"{base}/liaison/contacts",
        f"{base}/liaison/compliance",
    ]
    for rep_id in scene.reps.values():
        urls += [f"{base}/people/{rep_id}", f"{base}/people/{rep_id}/card"]
    urls += [f"{base}/cases/{case_id}" for case_id in scene.cases.values()]
    return urls


def _read_pages(client: Any, urls: list[str]) -> tuple[str, dict[str, int]]:
    texts, statuses = [], {}
    for url in urls:
        g.pop("_login_user", None)
        response = client.get(url)
        statuses[url] = response.status_code
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code == 200:
            texts.append(response.get_data(as_text=True))
    return "\n".join(texts), statuses


@pytest.mark.sqlite_only
@pytest.mark.parametrize("role", API_ROLES)
def test_the_pages_show_each_role_exactly_the_fields_its_duty_needs(
    app, client, world, scene, role
):
    login(client, world.users[role])
    text, statuses = _read_pages(client, _pages(scene))
    # Every member reads the roster and each representative's page.
    assert statuses[f"/t/{scene.slug}/people/{scene.reps['other']}"] == 200
    leaks, misses = leaks_and_misses(role, text)
    assert not leaks, (role, f"sees {len(leaks)} values the rule hides", leaks)
    assert not misses, (role, f"misses {len(misses)} values the rule shows", misses)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("county_role", ["county_admin", "county_viewer"])
def test_a_county_drilling_down_sees_names_and_structure_only(
    app, client, world, scene, county_role
):
    login(client, world.users[county_role])
    entered = client.post(f"/c/{world.county.slug}/comparison/drill/{world.township.id}")
    assert entered.status_code == 302
    text, statuses = _read_pages(client, _pages(scene))
    assert statuses[f"/t/{scene.slug}/people/{scene.reps['other']}"] == 200
    assert statuses[f"/t/{scene.slug}/people/party-members"] == 200
    leaks, misses = leaks_and_misses("county", text)
    assert not leaks, (county_role, f"sees {len(leaks)} values the rule hides", leaks)
    assert not misses, (county_role, f"misses {len(misses)} values the rule shows", misses)


@pytest.mark.sqlite_only
def test_the_roster_export_is_the_office_s_not_a_county_drilling_down(app, client, world, scene):
    """The drill-down lends the county the office's reading rights; the roster workbook (every
    phone and birth date) is not among what the county's duty needs."""
    from openpyxl import load_workbook

    login(client, world.users["county_viewer"])
    client.post(f"/c/{world.county.slug}/comparison/drill/{world.township.id}")
    response = client.get(f"/t/{scene.slug}/people/import/export")
    assert response.status_code == 403
    assert REPS["own"]["phone"] not in response.get_data(as_text=True)
    assert client.get(f"/t/{scene.slug}/people/import/").status_code == 403  # nor its imports
    client.post("/logout")
    g.pop("_login_user", None)
    login(client, world.users["township_staff"])
    response = client.get(f"/t/{scene.slug}/people/import/export")
    assert response.status_code == 200
    rows = load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    cells = {str(c) for row in rows for c in row if c is not None}
    assert {REPS["own"]["phone"], REPS["other"]["workplace"]} <= cells


# --- the public ---------------------------------------------------------------------------------


def test_the_public_pages_show_name_post_and_group_only(app, client, world, scene):
    """Without the representative's consent to publish (`publish_contact`, off by default) the
    public roster and page show the name, the post and the group, never a phone, workplace,
    birth date, ethnicity or photo."""
    base = f"/p/{scene.slug}/representatives"
    pages = [client.get(f"{base}/")]
    pages += [client.get(f"{base}/{rep_id}") for rep_id in scene.reps.values()]
    assert all(p.status_code == 200 for p in pages)
    text = "\n".join(p.get_data(as_text=True) for p in pages)
    for key, values in REPS.items():
        assert values["name"] in text
        assert f"{key}村民小组长" in text  # the post
        for column in ("ethnicity", "birth_date", "phone", "workplace"):
            assert values[column] not in text, (key, column)
    assert "农业代表小组" in text
    assert "tel:" not in text and "/photo" not in text
    assert client.get(f"{base}/{scene.reps['own']}/photo").status_code == 404


def test_consent_publishes_phone_workplace_and_photo_and_nothing_more(app, client, world, scene):
    """With consent given on the representative's form, the public page shows the phone, the
    workplace and the photo of that representative — and still no birth date or ethnicity; the
    others stay as they were. Withdrawn, it is gone again."""
    from lianxin.people.models import Representative

    admin = app.test_client()
    login(admin, world.users["township_admin"])
    base = f"/p/{scene.slug}/representatives"

    def consent(value: bool) -> None:
        with tenant_context(world.township.id):
            rep = db.session.get(Representative, (world.township.id, scene.reps["own"]))
            form = {
                "name": rep.name,
                "gender": rep.gender,
                "birth_date": rep.birth_date.isoformat(),
                "ethnicity": rep.ethnicity,
                "education": rep.education,
                "category": rep.category,
                "level": "乡镇",
                "term": str(rep.term),
                "phone": rep.phone or "",
                "workplace": rep.workplace or "",
                "post": rep.post or "",
                "branch_id": str(rep.branch_id or ""),
                "group_id": str(rep.group_id or ""),
            }
            db.session.rollback()
        if value:
            form["publish_contact"] = "1"
        response = admin.post(f"/t/{scene.slug}/people/{scene.reps['own']}", data=form)
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]

    consent(True)
    own = client.get(f"{base}/{scene.reps['own']}").get_data(as_text=True)
    assert REPS["own"]["phone"] in own and REPS["own"]["workplace"] in own
    assert REPS["own"]["birth_date"] not in own and REPS["own"]["ethnicity"] not in own
    assert client.get(f"{base}/{scene.reps['own']}/photo").status_code == 200
    other = client.get(f"{base}/{scene.reps['other']}").get_data(as_text=True)
    assert REPS["other"]["phone"] not in other
    consent(False)
    own = client.get(f"{base}/{scene.reps['own']}").get_data(as_text=True)
    assert REPS["own"]["phone"] not in own
    assert client.get(f"{base}/{scene.reps['own']}/photo").status_code == 404


def test_redaction_needs_no_login_to_fail_closed(app, world, scene):
    """Outside a request (a task, a shell) nothing personal passes the schemas."""
    from lianxin.people.models import Representative
    from lianxin.people.schemas import RepresentativeOutSchema

    with tenant_context(world.township.id):
        rep = db.session.get(Representative, (world.township.id, scene.reps["own"]))
        dumped = RepresentativeOutSchema().dump(rep)
    assert dumped["phone"] is None and dumped["birth_date"] is None
    assert "phone" in dumped["redacted"]


def test_the_users_of_the_world_are_as_the_rule_assumes(app, world, scene):
    """The rule above assumes these memberships; a change of the factories shows here first."""
    roles = {
        u: set(
            db.session.scalars(
                select(Membership.role).where(Membership.user_id == world.users[u].id)
            )
        )
        for u in ("representative", "group_leader", "handling_unit", "branch_liaison")
    }
    assert roles["representative"] == {"representative"}
    assert roles["group_leader"] == {"group_leader", "representative"}  # linked to R leader
    assert roles["handling_unit"] == {"handling_unit"}
    assert roles["branch_liaison"] == {"branch_liaison"}
    assert isinstance(world.users["representative"], User)
