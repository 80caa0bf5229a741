"""A person's rights: export, anonymisation of a former representative, erasure of a member of
the public; who may do it, what it leaves behind, what it keeps."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import JSON, String, Text, func, inspect, select, text

from lianxin.audit.models import AuditEntry
from lianxin.auth.models import Membership, User
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import Conflict, NotFound, PermissionDenied
from lianxin.modules.registry import load_first_party
from lianxin.people import metrics as people_metrics
from lianxin.people.models import Representative
from lianxin.privacy import service
from tests.factories import actor
from tests.helpers import assert_error, bearer, login
from tests.privacy.conftest import (
    FORMER_NAME,
    FORMER_PHONE,
    FORMER_WORKPLACE,
    PUBLIC_NAME,
    PUBLIC_PHONE,
    SITTING_NAME,
)


@pytest.fixture
def app_modules():
    # Every first-party module's tables are mapped: the walks below must see them all.
    return load_first_party()


def traces(township_id: int, *needles: str) -> list[str]:
    """Every (table.column) of the township's rows, and of accounts, holding one of `needles`:
    all text and JSON columns of every table with a tenant_id, read from the database itself.
    The audit log is append-only by design and is left out (README.md of lianxin.privacy)."""
    connection = db.session.connection()
    inspector = inspect(connection)
    found = []
    for table in inspector.get_table_names():
        if table in {"audit_entries", "alembic_version"}:
            continue
        columns = inspector.get_columns(table)
        names = {c["name"] for c in columns}
        if "tenant_id" not in names and table != "users":
            continue
        where = "tenant_id = :t" if "tenant_id" in names else "1 = 1"
        for column in columns:
            if (
                not isinstance(column["type"], String | Text | JSON)
                and "JSON" not in str(column["type"]).upper()
            ):
                continue
            for needle in needles:
                hit = connection.execute(
                    text(
                        f'SELECT count(*) FROM "{table}" WHERE {where} '
                        f'AND CAST("{column["name"]}" AS TEXT) LIKE :n'
                    ),
                    {"t": township_id, "n": f"%{needle}%"},
                ).scalar()
                if hit:
                    found.append(f"{table}.{column['name']}={needle}")
    return found


def audit_actions(township_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == f"t:{township_id}")
            .order_by(AuditEntry.seq)
        )
    )


# --- export ---------------------------------------------------------------------------------


def test_export_of_a_representative_holds_their_rows_and_nobody_elses(app, world, people):
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id):
        data = service.export_representative(admin, t, people.former_id)
    dumped = json.dumps(data, ensure_ascii=False)
    assert data["representative"]["name"] == FORMER_NAME
    assert data["representative"]["phone"] == FORMER_PHONE
    assert data["account"]["username"] == "ouyang.xy"
    assert data["account"]["roles_here"] == ["representative"]
    assert len(data["records"]["group_memberships"]) == 1
    assert [c["id"] for c in data["records"]["cases"]] == [people.received_case_id]
    assert data["records"]["case_events"][0]["actor_user_id"] == people.former_user_id
    assert [c["id"] for c in data["cases_raised"]] == [people.own_case_id]
    assert any("匿名" in note for note in data["not_included"])  # sealed answers: said so
    assert "password_hash" not in dumped and "tracking_hash" not in dumped
    assert SITTING_NAME not in dumped and "13700007777" not in dumped
    entry = audit_actions(t.id)[-1]
    assert (entry.action, entry.target_id) == ("privacy.exported", str(people.former_id))


def test_export_of_a_member_of_the_public_is_the_townships_only(app, world, people):
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id):
        data = service.export_submitter(admin, t, "138-0000-1111")
        assert sorted(c["id"] for c in data["cases"]) == sorted(people.public_case_ids)
        assert data["names_given"] == [PUBLIC_NAME]
        assert people.other_case_id not in {c["id"] for c in data["cases"]} or (
            people.other_case_id in people.public_case_ids  # ids are per township
        )
        assert all(c["tenant_id"] == t.id for c in data["cases"])
        entry = audit_actions(t.id)[-1]
        assert entry.action == "privacy.exported"
        assert PUBLIC_PHONE not in json.dumps(entry.after)  # the audit names cases, not numbers
        with pytest.raises(NotFound):
            service.export_submitter(admin, t, "13000000000")


# --- who may ----------------------------------------------------------------------------------


def test_only_the_township_admin_exports_or_erases(app, world, people, client):
    t = world.township
    base = f"/api/v1/t/{t.slug}/privacy"
    for role in ("township_staff", "representative", "committee_member"):
        headers = bearer(world.users[role])
        assert_error(
            client.get(f"{base}/representatives/{people.former_id}/export", headers=headers), 403
        )
        assert_error(
            client.post(
                f"{base}/representatives/{people.former_id}/anonymise",
                json={"confirm": FORMER_NAME},
                headers=headers,
            ),
            403,
        )
        assert_error(
            client.post(
                f"{base}/submitters/erase",
                json={"phone": PUBLIC_PHONE, "confirm": PUBLIC_PHONE},
                headers=headers,
            ),
            403,
        )
    outsider = bearer(world.users["other_admin"])
    assert_error(
        client.get(f"{base}/representatives/{people.former_id}/export", headers=outsider), 404
    )
    login(client, world.users["township_staff"])
    assert client.get(f"/t/{t.slug}/privacy/").status_code == 403
    with tenant_context(t.id):
        rep = db.session.get(Representative, (t.id, people.former_id))
        assert rep.name == FORMER_NAME  # nothing was erased
        assert not any(e.action.startswith("privacy.") for e in audit_actions(t.id))


def test_the_admin_reads_the_page_and_downloads_the_json(app, world, people, client):
    t = world.township
    login(client, world.users["township_admin"])
    page = client.get(f"/t/{t.slug}/privacy/representatives/{people.former_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert FORMER_NAME in html and "匿名化" in html
    download = client.get(f"/t/{t.slug}/privacy/representatives/{people.former_id}?format=json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(download.data)["representative"]["phone"] == FORMER_PHONE
    found = client.post(f"/t/{t.slug}/privacy/submitter", data={"phone": PUBLIC_PHONE})
    assert found.status_code == 200 and PUBLIC_NAME in found.get_data(as_text=True)


# --- anonymising a representative ---------------------------------------------------------------


def test_a_representative_in_office_is_not_anonymised(app, world, people, client):
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id), pytest.raises(Conflict) as refused:
        service.anonymise_representative(admin, t, people.sitting_id, confirm=SITTING_NAME)
    assert "仍在任" in refused.value.message
    response = client.post(
        f"/api/v1/t/{t.slug}/privacy/representatives/{people.sitting_id}/anonymise",
        json={"confirm": SITTING_NAME},
        headers=bearer(world.users["township_admin"]),
    )
    body = assert_error(response, 409, "in_office")
    assert "资格终止" in body["message"]
    with tenant_context(t.id):
        assert db.session.get(Representative, (t.id, people.sitting_id)).name == SITTING_NAME


def test_a_wrong_confirmation_erases_nothing(app, world, people):
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id):
        with pytest.raises(Exception) as refused:
            service.anonymise_representative(admin, t, people.former_id, confirm="欧阳")
        assert "confirm" in refused.value.errors
        assert db.session.get(Representative, (t.id, people.former_id)).name == FORMER_NAME


def _counts(t) -> tuple:
    with tenant_context(t.id, read_only=True):
        figures = people_metrics.figures(date(2025, 1, 1), date(2025, 7, 1))
        cases = db.session.scalar(select(func.count()).select_from(Case))
        received = db.session.scalar(
            select(func.count()).select_from(Case).where(Case.received_by_id.is_not(None))
        )
    return figures["representatives"].value, figures["reps_women"].value, cases, received


def test_anonymising_keeps_the_history_and_counts_and_leaves_no_trace(app, world, people):
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id):
        assert traces(t.id, FORMER_NAME, FORMER_PHONE, FORMER_WORKPLACE)  # the walk finds them
    before = _counts(t)
    with tenant_context(t.id):
        erased = service.anonymise_representative(admin, t, people.former_id, confirm=FORMER_NAME)
    assert erased.account_disabled and erased.cases_cleared == 1
    assert _counts(t) == before
    with tenant_context(t.id):
        assert traces(t.id, FORMER_NAME, FORMER_PHONE, FORMER_WORKPLACE, "ouyang") == []
        rep = db.session.get(Representative, (t.id, people.former_id))
        assert rep.name.startswith("原代表（已匿名") and rep.birth_date == date(1980, 7, 1)
        assert rep.status == "ended" and rep.ended_on == date(2025, 6, 30)
        case = db.session.get(Case, (t.id, people.received_case_id))
        assert case.received_by_id == rep.id  # the history still points at them
        assert case.raiser_phone == PUBLIC_PHONE  # someone else's contact is untouched
        user = db.session.get(User, people.former_user_id)
        assert not user.is_active and user.password_hash is None
        assert db.session.scalar(select(Membership).where(Membership.user_id == user.id)) is None
        entry = audit_actions(t.id)[-1]
        assert entry.action == "privacy.representative_anonymised"
        assert FORMER_NAME not in json.dumps(entry.after, ensure_ascii=False)
        with pytest.raises(Conflict):  # once only
            service.anonymise_representative(admin, t, people.former_id, confirm=rep.name)


def test_an_account_that_acts_elsewhere_only_leaves_this_township(app, world, people):
    from lianxin.auth.roles import Role
    from tests.factories import grant

    admin, t = actor(world.users["township_admin"]), world.township
    user = db.session.get(User, people.former_user_id)
    grant(user, Role.REPRESENTATIVE, township=world.other)
    with tenant_context(t.id):
        erased = service.anonymise_representative(admin, t, people.former_id, confirm=FORMER_NAME)
        assert not erased.account_disabled and erased.memberships_removed == 1
        user = db.session.get(User, people.former_user_id)
        assert user.is_active
        assert {m.tenant_id for m in user.memberships} == {world.other.id}
        assert traces(t.id, FORMER_NAME, FORMER_PHONE) == [
            "users.display_name=" + FORMER_NAME,
            "users.phone=" + FORMER_PHONE,
        ]


# --- erasing a member of the public -----------------------------------------------------------


def test_erasing_a_submitter_clears_their_cases_and_messages_only_here(app, world, people, client):
    t, o = world.township, world.other
    with tenant_context(t.id):
        assert traces(t.id, PUBLIC_NAME, PUBLIC_PHONE)  # on the cases and the tracking SMS
    response = client.post(
        f"/api/v1/t/{t.slug}/privacy/submitters/erase",
        json={"phone": PUBLIC_PHONE, "confirm": PUBLIC_PHONE},
        headers=bearer(world.users["township_admin"]),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["cases_cleared"] == 2
    with tenant_context(t.id):
        assert traces(t.id, PUBLIC_NAME, PUBLIC_PHONE) == []
        assert db.session.scalar(select(func.count()).select_from(Case)) == 3  # cases stay
        entry = audit_actions(t.id)[-1]
        assert entry.action == "privacy.submitter_erased"
        assert PUBLIC_PHONE not in json.dumps(entry.after)
    with tenant_context(o.id):
        other = db.session.get(Case, (o.id, people.other_case_id))
        assert (other.raiser_name, other.raiser_phone) == (PUBLIC_NAME, PUBLIC_PHONE)


def test_erasing_a_submitter_needs_the_number_twice(app, world, people):
    admin, t = actor(world.users["township_admin"]), world.township
    with tenant_context(t.id):
        with pytest.raises(Exception) as refused:
            service.erase_submitter(admin, t, PUBLIC_PHONE, confirm="13800001112")
        assert "confirm" in refused.value.errors
        with pytest.raises(PermissionDenied):
            service.erase_submitter(
                actor(world.users["township_staff"]), t, PUBLIC_PHONE, confirm=PUBLIC_PHONE
            )
        case = db.session.get(Case, (t.id, people.public_case_ids[0]))
        assert case.raiser_phone == PUBLIC_PHONE
