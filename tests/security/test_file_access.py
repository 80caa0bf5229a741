"""Who may read a file (issue 18): exactly those who may read what it belongs to.

The attacks: a handling unit, a branch liaison and a representative of the township list the
township's files and download — through the API and the page — the office's roster import (a
spreadsheet of phones and birth dates) and the attachment of a case not assigned to them;
a representative downloads the attachment of someone else's draft proposal; an office user
asks for another township's file through either township's URL; a member who is not on the
office staff uploads a file that belongs to nothing. Each is refused: a file that may not be
read answers 404 exactly as a file that does not exist, the file index is the office's (403),
and only the office uploads through the files page.

What is allowed is checked as well: the office and the case's assigned unit download the case
attachment; a representative downloads a proposal's attachment when the proposals module lets
them read that proposal; and, for every owner of files (cases, proposals, roster imports,
annual-session documents, duty reports, stations' monthly reports, photos), a download
succeeds for an actor exactly when that owner's own service lets the actor read the object.
Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, update

from lianxin.auth.actor import Actor
from lianxin.auth.models import User
from lianxin.auth.passwords import hash_password
from lianxin.casework import deadlines
from lianxin.casework import service as cases
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied
from lianxin.people import imports
from lianxin.people import service as people
from lianxin.people.models import ImportJob
from lianxin.storage.models import StoredFile
from lianxin.tenants.models import Township, TownshipModule
from lianxin.usecases import load_input
from tests.factories import PASSWORD, actor
from tests.helpers import Clock, assert_error, bearer, login
from tests.people.test_import import person, xlsx

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fea7d6a9a80000000049454e44ae426082"
)
TODAY = date(2026, 3, 2)
MODULES = ("proposals", "annual_sessions", "evaluations", "workstations")
# A telephoned case: with workstations on, a visit channel would also need its station (the
# station rule is casework's, tested in tests/modules/workstations); these tests are about files.
CASE = {
    "channel": "phone",
    "title": "村道路灯不亮",
    "body": "东关村3组路灯坏了两个月。",
    "category": "基础设施",
    "raiser_name": "王大爷",
    "raiser_phone": "13800000001",
}
SUGGESTION = {
    "kind": "suggestion",
    "title": "关于修建东关村便民桥的建议",
    "body": "东关河两岸群众出行不便。",
    "category": "基础设施",
}


@pytest.fixture
def app_modules():
    from lianxin.modules.annual_sessions.module import MODULE as annual_sessions
    from lianxin.modules.evaluations.module import MODULE as evaluations
    from lianxin.modules.proposals.module import MODULE as proposals
    from lianxin.modules.workstations.module import MODULE as workstations
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, proposals, annual_sessions, evaluations, workstations)


@pytest.fixture
def world(app):
    from tests.factories import build_world

    built = build_world()
    db.session.execute(
        update(TownshipModule).where(TownshipModule.module_key.in_(MODULES)).values(enabled=True)
    )
    db.session.commit()
    return built


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(TODAY)
    monkeypatch.setattr(deadlines, "shanghai_today", fixed)
    return fixed


# --- the scene: real flows make every kind of file ---------------------------------------------


@dataclass
class Scene:
    users: dict[str, User]  # who → account (the world's, plus units' and representatives')
    files: dict[str, int]  # what → stored file id
    case_id: int
    # what → a function telling whether an actor may read the object that file belongs to,
    # asked of the owner's own service
    owner_reads: dict[str, Callable[[Actor], bool]] = field(default_factory=dict)


def _with_password(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    user.password_hash = hash_password(PASSWORD)
    db.session.commit()
    return user


def _reads(township: Township, read: Callable[[Actor], Any]) -> Callable[[Actor], bool]:
    def check(who: Actor) -> bool:
        with tenant_context(township.id):
            db.session.rollback()
            try:
                read(who)
            except (NotFound, PermissionDenied):
                return False
            return True

    return check


@pytest.fixture
def scene(app, world, client, clock) -> Scene:
    from lianxin.modules.annual_sessions import service as sessions
    from lianxin.modules.annual_sessions.inputs import SessionInput
    from lianxin.modules.evaluations import service as evaluations
    from lianxin.modules.evaluations.inputs import CampaignInput, SubjectInput
    from lianxin.modules.proposals import service as proposals
    from lianxin.modules.proposals.inputs import AssignInput, DraftInput
    from lianxin.modules.workstations import service as stations
    from lianxin.modules.workstations.inputs import StationInput

    t = world.township
    admin, office = actor(world.users["township_admin"]), actor(world.users["township_staff"])
    users = dict(world.users)
    files: dict[str, int] = {}

    # The office's roster import, through the real upload-and-preview API.
    preview = client.post(
        f"/api/v1/t/{t.slug}/representatives/imports/",
        headers=bearer(world.users["township_admin"]),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(xlsx([person(1), person(2)])), "代表名册.xlsx")},
    )
    assert preview.status_code == 201, preview.get_data(as_text=True)[:500]
    job_id = preview.get_json()["id"]

    with tenant_context(t.id):
        files["roster"] = db.session.get(ImportJob, (t.id, job_id)).file_id

        units = {}
        for key, name in (("roads", "镇城建办"), ("farm", "镇农业农村办")):
            unit = people.create_unit(admin, t, people.UnitInput(name=name))
            added = people.add_unit_user(
                admin, t, unit.id, username=f"fa.u.{key}", display_name=name + "答复人"
            )
            users[key] = _with_password(added.membership.user_id)
            units[key] = unit.id
        reps = {}
        base = {"gender": "男", "education": "大学本科", "category": "农民", "term": 13}
        for key, name in (("author", "代表甲"), ("invited", "代表乙"), ("stranger", "代表丙")):
            rep = people.create_representative(
                office,
                t,
                load_input(
                    people.RepresentativeInputSchema,
                    {**base, "name": name, "birth_date": "1970-01-01"},
                ),
            )
            rep, _token = people.link_account(admin, t, rep.id, username=f"fa.{key}")
            users[key] = _with_password(rep.user_id)
            reps[key] = rep.id
        who = {key: actor(user) for key, user in users.items()}

        # A case referred to 城建办, with the office's attachment.
        case_id = cases.register(office, t, cases.CaseInput(**CASE)).case.id
        cases.receive(office, t, case_id)
        cases.refer(office, t, case_id, cases.ReferInput(lead_unit_id=units["roads"]))
        files["case"] = cases.attach(office, t, case_id, io.BytesIO(PDF), "现场照片.pdf").id

        # Proposals: the author's draft, a draft a second representative is invited to sign,
        # and a suggestion answered by 城建办 and published.
        proposals.add_window(
            office,
            t,
            proposals.WindowInput(
                title="2026年征集", opens_on=date(2026, 2, 1), closes_on=date(2026, 3, 31)
            ),
        )
        author = who["author"]
        draft = proposals.create_draft(author, t, DraftInput(**SUGGESTION))
        files["draft"] = proposals.attach(author, t, draft.id, io.BytesIO(PDF), "草稿.pdf").id
        signed = proposals.create_draft(author, t, DraftInput(**{**SUGGESTION, "kind": "proposal"}))
        proposals.invite(author, t, signed.id, [reps["invited"]])
        files["invited"] = proposals.attach(author, t, signed.id, io.BytesIO(PDF), "联名.pdf").id
        published = proposals.create_draft(
            author, t, DraftInput(**{**SUGGESTION, "title": "已公开的建议"})
        )
        files["published"] = proposals.attach(
            author, t, published.id, io.BytesIO(PDF), "公开.pdf"
        ).id
        proposals.submit(author, t, published.id)
        proposals.accept(office, t, published.id, complexity="simple")
        proposals.assign(office, t, published.id, AssignInput(lead_unit_id=units["roads"]))
        proposals.contact_author(who["roads"], t, published.id, "")
        proposals.answer(who["roads"], t, published.id, "已列入年度计划")
        proposals.set_published(office, t, published.id, True)
        ids = {"draft": draft.id, "invited": signed.id, "published": published.id}

        # An annual-session document, a duty report, a station's monthly report, a photo.
        session = sessions.create_session(
            office,
            t,
            SessionInput(title="第二次会议", held_on=date(2026, 3, 20), place="镇会议中心"),
        )
        document = sessions.add_document(
            office, t, session.id, io.BytesIO(PDF), "工作报告.pdf", "党委工作报告"
        )
        files["annual_session"] = document.file_id
        campaign = evaluations.create_campaign(
            office,
            t,
            CampaignInput(
                title="满意度测评",
                shape="public",
                opens_on=date(2026, 3, 1),
                closes_on=date(2026, 3, 31),
            ),
        )
        subject = evaluations.add_subject(office, t, campaign.id, SubjectInput(name="东关村联络站"))
        evaluations.set_report(
            office, t, subject.id, "", stream=io.BytesIO(PDF), filename="述职报告.pdf"
        )
        files["evaluation"] = db.session.get(type(subject), (t.id, subject.id)).report_file_id
        station = stations.create_station(
            office,
            t,
            StationInput(
                kind="village",
                name="东关村代表联络站",
                address="东关村村委会一楼",
                phone="0571-88888888",
                hours="每周六 9:00-12:00",
                liaison_name="赵联络",
            ),
        )
        files["monthly_report"] = stations.generate_monthly_report(
            t, station.id, date(2026, 2, 1)
        ).file_id
        files["photo"] = people.set_photo(
            office, t, reps["author"], io.BytesIO(PNG), "照片.png"
        ).photo_file_id
        session_id, subject_id, station_id = session.id, subject.id, station.id

    owner_reads = {
        "roster": _reads(t, lambda a: imports.get_import(a, t, job_id)),
        "case": _reads(t, lambda a: cases.get_case(a, t, case_id)),
        **{
            key: _reads(t, lambda a, pid=pid: proposals.get_proposal(a, t, pid))
            for key, pid in ids.items()
        },
        "annual_session": _reads(t, lambda a: sessions.get_session(a, t, session_id)),
        "evaluation": _reads(t, lambda a: evaluations.get_subject(a, t, subject_id)),
        "monthly_report": _reads(t, lambda a: stations.get_station(a, t, station_id)),
        "photo": _reads(t, lambda a: people.get_representative(a, t, reps["author"])),
    }
    return Scene(users, files, case_id, owner_reads)


def api_file(slug: str, file_id: int | None = None) -> str:
    return f"/api/v1/t/{slug}/files/" + ("" if file_id is None else str(file_id))


def page_file(slug: str, file_id: int | None = None) -> str:
    return f"/t/{slug}/files/" + ("" if file_id is None else str(file_id))


def page_get(client: Any, user: User, url: str) -> Any:
    """A page fetched by `user`, logged in on a browser of their own."""
    browser = client.application.test_client()
    login(browser, user)
    response = browser.get(url)
    response.close()
    return response


def refused(response: Any) -> dict[str, Any]:
    """A download answered 404 in the API's JSON error shape, never with the file's bytes."""
    assert response.status_code == 404, (response.status_code, response.mimetype)
    return assert_error(response, 404)


# Members of the township who are not the office, and have no business with the roster.
OUTSIDERS = ("handling_unit", "roads", "farm", "branch_liaison", "representative", "stranger")


# --- the file index and the generic upload are the office's --------------------------------------


@pytest.mark.parametrize("who", [*OUTSIDERS, "committee_member", "group_leader"])
def test_only_the_office_lists_the_townships_files(app, client, world, scene, who):
    user, slug = scene.users[who], world.township.slug
    assert_error(client.get(api_file(slug), headers=bearer(user)), 403, "permission_denied")
    page = page_get(client, user, page_file(slug))
    assert page.status_code == 403
    assert "代表名册.xlsx" not in page.get_data(as_text=True)


@pytest.mark.parametrize("who", ["township_admin", "township_staff"])
def test_the_office_lists_the_townships_files(app, client, world, scene, who):
    user, slug = scene.users[who], world.township.slug
    listed = client.get(api_file(slug), headers=bearer(user))
    assert listed.status_code == 200, listed.get_data(as_text=True)[:300]
    names = {f["filename"] for f in listed.get_json()}
    assert {"代表名册.xlsx", "现场照片.pdf"} <= names
    assert set(listed.get_json()[0]) == {
        "id",
        "filename",
        "content_type",
        "size",
        "sha256",
        "created_at",
    }
    page = page_get(client, user, page_file(slug))
    assert page.status_code == 200
    assert "代表名册.xlsx" in page.get_data(as_text=True)


@pytest.mark.parametrize("who", [*OUTSIDERS, "committee_member"])
def test_a_member_outside_the_office_cannot_upload_a_file_that_belongs_to_nothing(
    app, client, world, scene, who
):
    user, slug = scene.users[who], world.township.slug
    before = _count(world.township)
    upload = client.post(
        api_file(slug),
        headers=bearer(user),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(PDF), "散件.pdf")},
    )
    assert_error(upload, 403, "permission_denied")
    browser = client.application.test_client()
    login(browser, user)
    page = browser.post(
        page_file(slug),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(PDF), "散件.pdf")},
    )
    assert page.status_code == 403
    assert _count(world.township) == before


def test_a_file_the_office_uploads_to_nothing_is_the_offices_only(app, client, world, scene):
    slug = world.township.slug
    made = client.post(
        api_file(slug),
        headers=bearer(world.users["township_staff"]),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(PDF), "会议纪要.pdf")},
    )
    assert made.status_code == 201, made.get_data(as_text=True)[:300]
    file_id = made.get_json()["id"]
    for who in OUTSIDERS:
        refused(client.get(api_file(slug, file_id), headers=bearer(scene.users[who])))
    for who in ("township_admin", "township_staff"):
        assert client.get(api_file(slug, file_id), headers=bearer(scene.users[who])).data == PDF


def _count(township: Township) -> int:
    with tenant_context(township.id):
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(StoredFile)) or 0


# --- the roster import and a case attachment -----------------------------------------------------


@pytest.mark.parametrize(
    ("what", "who"),
    [
        *(("roster", who) for who in OUTSIDERS),
        # 城建办 is the case's assigned unit: it may (see the next test).
        *(("case_not_assigned", who) for who in OUTSIDERS if who != "roads"),
    ],
)
def test_the_roster_and_a_case_not_assigned_answer_404_to_other_members(
    app, client, world, scene, what, who
):
    file_id = scene.files["roster" if what == "roster" else "case"]
    user, slug = scene.users[who], world.township.slug
    body = refused(client.get(api_file(slug, file_id), headers=bearer(user)))
    assert body["code"] == "not_found" and body["message"] == "未找到该文件"
    page = page_get(client, user, page_file(slug, file_id))
    assert page.status_code == 404
    assert page.headers.get("Content-Disposition") is None


@pytest.mark.parametrize("who", ["township_admin", "township_staff", "roads"])
def test_the_office_and_the_assigned_unit_download_the_case_attachment(
    app, client, world, scene, who
):
    user, slug, file_id = scene.users[who], world.township.slug, scene.files["case"]
    api = client.get(api_file(slug, file_id), headers=bearer(user))
    assert api.status_code == 200 and api.data == PDF
    page = page_get(client, user, page_file(slug, file_id))
    assert page.status_code == 200 and page.data == PDF


@pytest.mark.parametrize("who", ["township_admin", "township_staff"])
def test_the_office_downloads_its_roster_import(app, client, world, scene, who):
    user, slug, file_id = scene.users[who], world.township.slug, scene.files["roster"]
    api = client.get(api_file(slug, file_id), headers=bearer(user))
    assert api.status_code == 200 and api.data[:2] == b"PK"
    page = page_get(client, user, page_file(slug, file_id))
    assert page.status_code == 200 and page.data == api.data


# --- proposals: as the proposals module lets one read them ---------------------------------------


@pytest.mark.parametrize(
    ("what", "allowed", "kept_out"),
    [
        # A draft: its author only; not another representative, not even the office.
        ("draft", ["author"], ["stranger", "invited", "township_staff", "roads"]),
        # A draft with an invited co-signer: the module lets the invited one read it.
        ("invited", ["author", "invited"], ["stranger", "township_staff", "roads"]),
        # Published: the author, the office, the committee, the unit that answered it; a
        # representative with no part in it reads it only on the public page, which has no files.
        (
            "published",
            ["author", "township_staff", "committee_member", "roads"],
            ["stranger", "invited", "farm", "branch_liaison", "representative"],
        ),
    ],
)
def test_a_proposals_files_follow_who_may_read_the_proposal(
    app, client, world, scene, what, allowed, kept_out
):
    slug, file_id = world.township.slug, scene.files[what]
    for who in allowed:
        response = client.get(api_file(slug, file_id), headers=bearer(scene.users[who]))
        assert response.status_code == 200, (who, response.status_code)
        assert response.data == PDF
    for who in kept_out:
        refused(client.get(api_file(slug, file_id), headers=bearer(scene.users[who])))
    assert page_get(client, scene.users[allowed[0]], page_file(slug, file_id)).data == PDF
    assert page_get(client, scene.users[kept_out[0]], page_file(slug, file_id)).status_code == 404


def test_a_switched_off_module_serves_none_of_its_files(app, client, world, scene):
    slug, file_id = world.township.slug, scene.files["published"]
    assert client.get(api_file(slug, file_id), headers=bearer(scene.users["author"])).data == PDF
    db.session.execute(
        update(TownshipModule)
        .where(
            TownshipModule.township_id == world.township.id,
            TownshipModule.module_key == "proposals",
        )
        .values(enabled=False)
    )
    db.session.commit()
    for who in ("author", "township_staff"):
        refused(client.get(api_file(slug, file_id), headers=bearer(scene.users[who])))
    # The other owners' files are untouched.
    case = client.get(api_file(slug, scene.files["case"]), headers=bearer(scene.users["roads"]))
    assert case.data == PDF


# --- every owner decides for its own files -------------------------------------------------------


MATRIX_ACTORS = (
    "township_admin",
    "township_staff",
    "committee_member",
    "representative",
    "group_leader",
    "handling_unit",
    "branch_liaison",
    "roads",
    "farm",
    "author",
    "invited",
    "stranger",
)


@pytest.mark.parametrize(
    "what",
    [
        "roster",
        "case",
        "draft",
        "invited",
        "published",
        "annual_session",
        "evaluation",
        "monthly_report",
        "photo",
    ],
)
def test_a_file_is_read_exactly_by_those_its_owner_lets_read_the_object(
    app, client, world, scene, what
):
    slug, file_id = world.township.slug, scene.files[what]
    may_read = scene.owner_reads[what]
    seen = {}
    for who in MATRIX_ACTORS:
        user = scene.users[who]
        response = client.get(api_file(slug, file_id), headers=bearer(user))
        expected = may_read(actor(user))
        seen[who] = response.status_code
        assert response.status_code == (200 if expected else 404), (who, expected, seen)
    # Every owner lets someone read, and the roster and the case keep someone out.
    assert 200 in seen.values()
    if what in ("roster", "case", "draft"):
        assert 404 in seen.values()


# --- another township ---------------------------------------------------------------------------


def test_a_file_of_one_township_is_not_found_through_anothers_url(app, client, world, scene):
    ours, theirs = world.township.slug, world.other.slug
    their_admin, our_admin, both = (
        world.users["other_admin"],
        world.users["township_admin"],
        world.users["both"],
    )
    for what in ("roster", "case", "published"):
        file_id = scene.files[what]
        # Their office, in their own township, asking for our file's id.
        refused(client.get(api_file(theirs, file_id), headers=bearer(their_admin)))
        assert page_get(client, their_admin, page_file(theirs, file_id)).status_code == 404
        # Their office through our URL: not a member here, so our township does not exist.
        refused(client.get(api_file(ours, file_id), headers=bearer(their_admin)))
        # Our office through their URL.
        refused(client.get(api_file(theirs, file_id), headers=bearer(our_admin)))
        # A representative of both townships, through either.
        for slug in (ours, theirs):
            refused(client.get(api_file(slug, file_id), headers=bearer(both)))
    # Their file, in their township, through ours.
    made = client.post(
        api_file(theirs),
        headers=bearer(their_admin),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(PNG), "他们的.png")},
    )
    assert made.status_code == 201
    theirs_id = made.get_json()["id"]
    refused(client.get(api_file(ours, theirs_id), headers=bearer(our_admin)))
    assert client.get(api_file(theirs, theirs_id), headers=bearer(their_admin)).data == PNG


# --- the registry of owners -----------------------------------------------------------------------


def test_storage_imports_no_owner_the_owners_register_themselves():
    """Infrastructure knows no domain package: importing storage loads no case, proposal or
    roster code; the owners import storage to register their readers."""
    code = (
        "import sys\n"
        "import lianxin.storage.owners, lianxin.storage.service\n"
        "import lianxin.storage.api, lianxin.storage.views\n"
        "owners = ('lianxin.casework', 'lianxin.people.service', 'lianxin.people.imports',\n"
        "          'lianxin.modules.proposals', 'lianxin.modules.annual_sessions',\n"
        "          'lianxin.modules.evaluations', 'lianxin.modules.workstations')\n"
        "print([m for m in sys.modules if m.startswith(owners)])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_every_purpose_a_file_is_stored_under_has_a_reader(app, world, scene):
    from lianxin.storage import owners

    with tenant_context(world.township.id):
        db.session.rollback()
        purposes = set(db.session.scalars(select(StoredFile.purpose).distinct()))
    assert purposes == {
        "import",
        "case",
        "proposal",
        "annual_session",
        "evaluation",
        "workstation-report",
        "photo",
    }
    assert purposes <= set(owners.purposes())


class TestRegistry:
    """A purpose's reader decides; an unclaimed file or an unknown purpose is the office's."""

    @pytest.fixture
    def thing(self, app, world, monkeypatch):
        from lianxin.storage import owners
        from lianxin.storage import service as files

        monkeypatch.setattr(owners, "_readers", dict(owners._readers))
        office = actor(world.users["township_staff"])
        with tenant_context(world.township.id):
            record = files.save_upload(office, world.township, io.BytesIO(PDF), "x.pdf")
            record.purpose = "test-thing"
            db.session.commit()
            return record.id

    def _reads(self, world: Any, who: str, file_id: int) -> bool:
        from lianxin.storage import service as files

        with tenant_context(world.township.id):
            try:
                files.open_download(actor(world.users[who]), world.township, file_id).stream.close()
            except NotFound:
                return False
            return True

    def test_an_unknown_purpose_is_the_offices_only(self, world, thing):
        assert self._reads(world, "township_staff", thing)
        assert not self._reads(world, "representative", thing)

    def test_a_reader_that_finds_no_owner_leaves_it_to_the_office(self, world, thing):
        from lianxin.storage import owners

        owners.reader("test-thing")(lambda a, t, f: False)
        assert self._reads(world, "township_admin", thing)
        assert not self._reads(world, "committee_member", thing)

    def test_a_reader_that_refuses_is_a_404_even_for_the_office(self, world, thing):
        from lianxin.storage import owners

        def refuse(a: Actor, t: Township, f: int) -> bool:
            raise PermissionDenied()

        owners.reader("test-thing")(refuse)
        assert not self._reads(world, "township_staff", thing)

    def test_a_reader_that_allows_opens_it_to_that_actor(self, world, thing):
        from lianxin.storage import owners

        owners.reader("test-thing")(lambda a, t, f: a.user_id == world.users["group_leader"].id)
        assert self._reads(world, "group_leader", thing)
        assert not self._reads(world, "representative", thing)

    def test_a_purpose_has_one_reader(self, thing):
        from lianxin.storage import owners

        def first(a: Actor, t: Township, f: int) -> bool:
            return False

        def second(a: Actor, t: Township, f: int) -> bool:
            return True

        owners.reader("test-thing")(first)
        owners.reader("test-thing")(first)  # the same reader again (a reload) is no conflict
        with pytest.raises(ValueError, match="test-thing"):
            owners.reader("test-thing")(second)
        assert owners.reader_for("test-thing") is first


def test_no_schema_takes_a_file_id_from_a_body(app):
    """A file id in a request body could attach a file the caller may not read or change: every
    field naming a stored file is output only, and files come in as uploads to their owner."""
    from marshmallow import class_registry

    seen, loaded = set(), []
    for name, classes in class_registry._registry.items():
        if "." not in name:
            continue
        for schema_class in classes:
            for field_name, schema_field in schema_class._declared_fields.items():
                if "file_id" in field_name:
                    seen.add(field_name)
                    if not schema_field.dump_only:
                        loaded.append(f"{name}.{field_name}")
    assert {"photo_file_id", "report_file_id", "file_id"} <= seen  # the walk saw them
    assert loaded == [], loaded
