"""The roster, groups, handling units, party members and households."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lianxin.audit.models import AuditEntry
from lianxin.auth.models import Membership
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.people import service as people
from lianxin.people.inputs import (
    GroupInput,
    HouseholdSchema,
    PartyMemberInput,
    PartyMemberSchema,
    RepresentativeInputSchema,
    UnitInput,
    UnitInputSchema,
)
from lianxin.people.models import GroupMembership, RepresentativeGroup
from lianxin.usecases import load_input
from tests.factories import actor, make_branch
from tests.helpers import assert_error, bearer, login

REP = {
    "name": "张秀英",
    "gender": "女",
    "birth_date": "1975-03-01",
    "education": "大学本科",
    "category": "农民",
    "term": 13,
    "phone": "13800138000",
    "post": "村妇联主席",
}


@pytest.fixture
def office(world):
    return actor(world.users["township_staff"])


def _input(**values):
    return load_input(RepresentativeInputSchema, values)


def _rep(world, office, **overrides):
    with tenant_context(world.township.id):
        return people.create_representative(office, world.township, _input(**{**REP, **overrides}))


def test_create_from_text_or_typed_values(app, world, office):
    rep = _rep(
        world, office, branch=world.branches["t"].name, level="乡镇和县", is_grassroots_cadre="是"
    )
    assert (rep.gender, rep.education, rep.category) == ("female", "bachelor", "farmer")
    assert rep.birth_date == date(1975, 3, 1) and rep.branch_id == world.branches["t"].id
    assert rep.is_township_rep and rep.is_county_rep and rep.is_grassroots_cadre
    assert (rep.name_pinyin, rep.name_initials) == ("zhang xiu ying", "zxy")
    typed = _rep(
        world,
        office,
        name="李四",
        gender="male",
        birth_date=date(1980, 1, 2),
        education="college",
        category="professional",
    )
    assert typed.ethnicity == "汉族" and typed.status == "in_office"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "1990.13.01", "日期无效"),
        ("birth_date", "2015-01-01", "出生日期不合理"),
        ("phone", "138abc00000", "手机号格式不正确"),
        ("gender", "未知", "性别"),
        ("education", "火星学历", "不认识的取值"),
        ("term", "十三", "届次"),
    ],
)
def test_bad_fields_are_named(app, world, office, field, value, message):
    with pytest.raises(ValidationFailed) as exc:
        _rep(world, office, **{field: value})
    assert message in " ".join(exc.value.errors[field])
    with tenant_context(world.township.id):
        assert people.list_representatives(office, world.township)[1] == 0


def test_missing_fields_all_named_at_once(app, world, office):
    with pytest.raises(ValidationFailed) as exc, tenant_context(world.township.id):
        people.create_representative(office, world.township, _input(name="王五"))
    assert {"gender", "birth_date", "education", "category", "term"} <= set(exc.value.errors)


def test_a_branch_of_another_township_is_not_found(app, world, office):
    # Read before: a refused use case rolls back, which expires what the session holds, and
    # the other township's branch cannot be loaded again from ours.
    theirs = world.branches["o"]
    their_id, their_name = theirs.id, theirs.name
    with pytest.raises(NotFound):
        _rep(world, office, branch_id=their_id)
    with pytest.raises(ValidationFailed) as exc:
        _rep(world, office, branch=their_name)
    assert "未找到该支部" in exc.value.errors["branch"][0]


def test_the_same_person_twice_is_refused(app, world, office):
    _rep(world, office)
    with pytest.raises(ValidationFailed) as exc:
        _rep(world, office, phone="13900139000")
    assert "同名" in exc.value.errors["name"][0]
    # The same name and birth date in another township is another person.
    with tenant_context(world.other.id):
        people.create_representative(actor(world.users["other_admin"]), world.other, _input(**REP))


def test_pinyin_order_and_search(app, world, office):
    for name, born in (
        ("赵六", "1970-01-01"),
        ("阿文", "1971-01-01"),
        ("张三", "1972-01-01"),
        ("张秀英", "1973-01-01"),
    ):
        _rep(world, office, name=name, birth_date=born)
    with tenant_context(world.township.id):
        names = [r.name for r in people.list_representatives(office, world.township)[0]]
        assert names == ["阿文", "张三", "张秀英", "赵六"]
        for q in ("zxy", "zhangx", "张秀", "zhang xiu"):
            found = [r.name for r in people.list_representatives(office, world.township, q=q)[0]]
            assert found == ["张秀英"], q
        assert [r.name for r in people.list_representatives(office, world.township, q="z")[0]] == [
            "张三",
            "张秀英",
            "赵六",
        ]


def test_ending_a_qualification_keeps_the_history(app, world, office):
    rep = _rep(world, office)
    with tenant_context(world.township.id):
        group = people.create_group(office, world.township, GroupInput(name="第一代表小组"))
        people.assign_to_group(
            office,
            world.township,
            rep_id=rep.id,
            group_id=group.id,
            role="leader",
            on=date(2024, 1, 1),
        )
        people.end_qualification(
            office,
            world.township,
            rep.id,
            reason="transferred",
            on=date(2025, 6, 30),
            note="调往县城",
        )
        with pytest.raises(Conflict):
            people.end_qualification(
                office, world.township, rep.id, reason="resigned", on=date(2025, 7, 1)
            )
        ended = people.get_representative(office, world.township, rep.id)
        assert (ended.status, ended.ended_reason, ended.ended_on) == (
            "ended",
            "transferred",
            date(2025, 6, 30),
        )
        assert ended.group_id is None
        history = people.representative_groups(office, world.township, rep.id)
        assert [(gm.role, gm.started_on, gm.ended_on) for gm, _g in history] == [
            ("leader", date(2024, 1, 1), date(2025, 6, 30))
        ]
        in_office = people.list_representatives(office, world.township, status="in_office")[1]
        everyone = people.list_representatives(office, world.township)[1]
        assert (in_office, everyone) == (0, 1)
        with pytest.raises(Conflict):
            people.assign_to_group(office, world.township, rep_id=rep.id, group_id=group.id)


def test_a_group_has_one_leader_and_keeps_its_history(app, world, office):
    a = _rep(world, office, name="甲", birth_date="1970-01-01")
    b = _rep(world, office, name="乙", birth_date="1971-01-01")
    with tenant_context(world.township.id):
        group = people.create_group(office, world.township, GroupInput(name="农业代表小组"))
        people.assign_to_group(
            office,
            world.township,
            rep_id=a.id,
            group_id=group.id,
            role="leader",
            on=date(2024, 1, 1),
        )
        people.assign_to_group(
            office,
            world.township,
            rep_id=b.id,
            group_id=group.id,
            role="leader",
            on=date(2025, 1, 1),
        )
        view = people.get_group(office, world.township, group.id)
        assert view.holder("leader").id == b.id
        assert dict((rep.name, role) for rep, role in view.members) == {
            "甲": "member",
            "乙": "leader",
        }
        rows = db.session.scalars(
            select(GroupMembership)
            .where(GroupMembership.representative_id == a.id)
            .order_by(GroupMembership.id)
        ).all()
        assert [(r.role, r.ended_on) for r in rows] == [
            ("leader", date(2025, 1, 1)),
            ("member", None),
        ]
        with pytest.raises(ValidationFailed):
            people.create_group(office, world.township, GroupInput(name="农业代表小组"))
        assert db.session.scalar(select(RepresentativeGroup.name)) == "农业代表小组"


def test_units_and_the_users_who_answer_for_them(app, world):
    admin = actor(world.users["township_admin"])
    with tenant_context(world.township.id):
        unit = people.create_unit(
            admin,
            world.township,
            load_input(UnitInputSchema, {"name": "镇农业农村办", "phone": "0513-88001234"}),
        )
        assert unit.phone == "051388001234"
        added = people.add_unit_user(
            admin, world.township, unit.id, username="nongban", display_name="农办答复人"
        )
        assert added.setup_token and added.membership.unit_id == unit.id
        assert added.membership.role == "handling_unit"
        assert [m.user.username for m in people.unit_users(admin, world.township, unit.id)] == [
            "nongban"
        ]
        unit_id = unit.id  # the refused use case below rolls back, expiring `unit`
        with pytest.raises(ValidationFailed):
            people.create_unit(admin, world.township, UnitInput(name="镇农业农村办"))
    with tenant_context(world.other.id), pytest.raises(NotFound):
        people.get_unit(actor(world.users["other_admin"]), world.other, unit_id)


def test_party_members_and_households_need_a_branch_of_ours(app, world, office):
    with tenant_context(world.township.id):
        member = people.create_party_member(
            office,
            world.township,
            load_input(
                PartyMemberSchema,
                {"name": "陈党员", "gender": "男", "branch_id": world.branches["t"].id},
            ),
        )
        assert member.name_initials == "cdy"
        with pytest.raises(NotFound):
            people.create_party_member(
                office,
                world.township,
                PartyMemberInput(name="越界", branch_id=world.branches["o"].id),
            )
        household = people.create_household(
            office,
            world.township,
            load_input(
                HouseholdSchema,
                {
                    "head_name": "王大爷",
                    "address": "东关村3组",
                    "branch_id": world.branches["t"].id,
                },
            ),
        )
        assert people.list_households(office, world.township)[0] == [household]


def test_representatives_read_but_do_not_write(app, world):
    rep_actor = actor(world.users["representative"])
    with tenant_context(world.township.id):
        assert people.list_representatives(rep_actor, world.township)[1] == 0
        with pytest.raises(PermissionDenied):
            people.create_representative(rep_actor, world.township, _input(**REP))


def test_linking_a_login_gives_the_representative_role(app, world):
    admin = actor(world.users["township_admin"])
    rep = _rep(world, actor(world.users["township_staff"]))
    with tenant_context(world.township.id):
        linked, token = people.link_account(admin, world.township, rep.id, username="zhangxy")
        assert token and linked.user_id
        roles = db.session.scalars(
            select(Membership.role).where(Membership.user_id == linked.user_id)
        ).all()
        assert roles == ["representative"]
        with pytest.raises(Conflict):
            people.link_account(admin, world.township, rep.id, username="again")


def test_changes_are_audited(app, world, office):
    rep = _rep(world, office)
    with tenant_context(world.township.id):
        people.update_representative(
            office,
            world.township,
            rep.id,
            load_input(RepresentativeInputSchema, {"post": "村支书"}, partial=True),
        )
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.chain == f"t:{world.township.id}")
        .order_by(AuditEntry.seq)
    ).all()
    assert actions[-2:] == ["representative.created", "representative.updated"]


# --- API ----------------------------------------------------------------------------------------


def test_api_roster_round_trip(app, world, client):
    headers = bearer(world.users["township_staff"])
    branch_id = world.branches["t"].id  # read before any request rolls the session back
    base = f"/api/v1/t/{world.township.slug}"
    body = {
        "name": "刘德胜",
        "gender": "male",
        "birth_date": "1968-05-20",
        "education": "college",
        "category": "leading_cadre",
        "term": 13,
        "branch_id": branch_id,
        "is_grassroots_cadre": True,
    }
    created = client.post(f"{base}/representatives", headers=headers, json=body)
    assert created.status_code == 201, created.get_json()
    rep = created.get_json()
    assert rep["name_pinyin"] == "liu de sheng" and rep["status"] == "in_office"
    bad = client.post(
        f"{base}/representatives", headers=headers, json={**body, "name": "王", "phone": "12ab"}
    )
    assert "phone" in assert_error(bad, 422)["errors"]
    listed = client.get(f"{base}/representatives?q=lds", headers=headers)
    assert [r["name"] for r in listed.get_json()] == ["刘德胜"]
    ended = client.post(
        f"{base}/representatives/{rep['id']}/end",
        headers=headers,
        json={"reason": "resigned", "on": "2025-01-01"},
    )
    assert ended.get_json()["status"] == "ended"
    groups = client.post(f"{base}/groups", headers=headers, json={"name": "工业代表小组"})
    assert groups.status_code == 201
    unit = client.post(f"{base}/units", headers=headers, json={"name": "镇城建办"})
    assert unit.status_code == 201
    member = client.post(
        f"{base}/party-members", headers=headers, json={"name": "党员甲", "branch_id": branch_id}
    )
    assert member.status_code == 201
    household = client.post(
        f"{base}/households", headers=headers, json={"head_name": "户主甲", "branch_id": branch_id}
    )
    assert household.status_code == 201


def test_api_photo_must_be_an_image(app, world, client):
    headers = bearer(world.users["township_staff"])
    rep = _rep(world, actor(world.users["township_staff"]))
    url = f"/api/v1/t/{world.township.slug}/representatives/{rep.id}/photo"
    import io

    from tests.test_isolation_walk import PNG

    ok = client.put(url, headers=headers, data={"photo": (io.BytesIO(PNG), "me.png")})
    assert ok.status_code == 200 and ok.get_json()["photo_file_id"]
    pdf = client.put(
        url,
        headers=headers,
        data={"photo": (io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"), "me.pdf")},
    )
    assert "photo" in assert_error(pdf, 422)["errors"]


# --- pages --------------------------------------------------------------------------------------


def test_roster_pages(app, world, client):
    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/people"
    form = {
        "name": "周建华",
        "gender": "male",
        "birth_date": "1965-09-09",
        "ethnicity": "回",
        "education": "secondary",
        "category": "private_economy",
        "term": "13",
        "level": "乡镇",
        "branch_id": str(world.branches["t"].id),
        "phone": "13912345678",
    }
    created = client.post(f"{base}/new", data=form)
    assert created.status_code == 302
    rep_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "周建华" in page and "非公经济" in page
    bad = client.post(f"{base}/new", data={**form, "name": "另一人", "birth_date": "1990.13.01"})
    assert bad.status_code == 422 and "日期无效" in bad.get_data(as_text=True)
    detail = client.get(f"{base}/{rep_id}").get_data(as_text=True)
    assert "回族" in detail
    ended = client.post(f"{base}/{rep_id}/end", data={"reason": "recalled", "on": "2025-02-02"})
    assert ended.status_code == 302
    assert "资格终止" in client.get(f"{base}/{rep_id}").get_data(as_text=True)
    assert "周建华" not in client.get(f"{base}/").get_data(as_text=True)
    assert "周建华" in client.get(f"{base}/?status=all").get_data(as_text=True)
    groups = client.post(f"{base}/groups", data={"name": "服务业代表小组"})
    assert groups.status_code == 302
    assert client.get(f"{base}/units").status_code == 200
    assert (
        client.post(
            f"{base}/party-members",
            data={"name": "党员乙", "branch_id": str(world.branches["t"].id)},
        ).status_code
        == 302
    )
    assert "党员乙" in client.get(f"{base}/party-members").get_data(as_text=True)


def test_a_representative_cannot_add_from_the_page(app, world, client):
    login(client, world.users["representative"])
    assert client.get(f"/t/{world.township.slug}/people/new").status_code == 403
    assert client.get(f"/t/{world.township.slug}/people/").status_code == 200


def test_branch_factory_requires_a_township(app, world):
    with pytest.raises(TypeError):
        make_branch()  # type: ignore[call-arg]
