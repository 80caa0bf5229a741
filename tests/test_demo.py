"""`make run` loads the demo county: a login for every role, people with names of their own, and
two years of history in every module each township runs, so that the county's comparison,
trends and rankings show real figures on the first page (issue 21, "the demo tells the truth").

The demo is loaded once for the module (it replays two years through the use cases); the last
test loads it again and finds nothing added.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from lianxin import demo, demo_clock
from lianxin.app import create_app
from lianxin.auth import service as accounts
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import load_first_party
from lianxin.people import seed as people_seed
from lianxin.people.models import Household, PartyMember, Representative
from lianxin.tenants import service as tenants
from tests.conftest import base_config

PASSWORD = "demo-password-1"
SHANGHAI = demo_clock.SHANGHAI


@dataclass
class Loaded:
    app: Any
    logins: list[demo.DemoLogin]
    seconds: float


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """This module's backend (the rule tests' one: tests/conftest.py drops the other)."""
    return str(request.param)


@pytest.fixture(scope="module")
def loaded(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    """The demo as `make run` serves it (the real first-party modules), loaded once."""
    home = tmp_path_factory.mktemp("demo")
    if backend == "sqlite":
        path = home / "demo.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        app = create_app(base_config(home, f"sqlite:///{path}"), modules=load_first_party())
        with app.app_context():
            yield _load(app)
            db.session.remove()
            db.engine.dispose()
        return
    cluster = request.getfixturevalue("pg_cluster")
    engine = request.getfixturevalue("pg_app_engine")
    url = cluster.url(cluster.app_role).render_as_string(hide_password=False)
    app = create_app(base_config(home, url), modules=load_first_party())
    connection = engine.connect()
    outer = connection.begin()
    db.bind_to_connection(app, connection)
    try:
        with app.app_context():
            yield _load(app)
            db.session.remove()
    finally:
        outer.rollback()
        connection.close()
        app.extensions["lianxin.db"].engine.dispose()


def _load(app: Any) -> Loaded:
    started = time.perf_counter()
    logins = demo.load(password=PASSWORD)
    return Loaded(app, logins, time.perf_counter() - started)


def _townships() -> list[Any]:
    county = tenants.county_by_slug("demo")
    assert county is not None
    return sorted(county.townships, key=lambda t: t.id)


def _local(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def test_a_login_for_every_role(loaded: Loaded) -> None:
    roles = set(db.session.scalars(select(Membership.role)))
    assert roles == {r.value for r in Role}
    for login in loaded.logins:
        assert accounts.authenticate(login.username, PASSWORD), login.username
    assert len(_townships()) == 3
    # No English where a user sees it: every login's name and place is Chinese.
    names = db.session.scalars(
        select(User.display_name).where(User.username.in_([d.username for d in loaded.logins]))
    )
    for text in [*names, *(d.place for d in loaded.logins), *(d.role for d in loaded.logins)]:
        assert not any("a" <= c.lower() <= "z" for c in text), text


def test_names_are_unique_in_each_township_and_fit_the_gender(loaded: Loaded) -> None:
    assert not set(people_seed.FEMALE_GIVEN) & set(people_seed.MALE_GIVEN)
    for township in _townships():
        with tenant_context(township.id):
            reps = list(db.session.scalars(select(Representative)))
            members = list(db.session.scalars(select(PartyMember)))
            heads = list(db.session.scalars(select(Household.head_name)))
        assert len(reps) >= 30
        names = [r.name for r in reps] + [m.name for m in members] + heads
        assert len(names) == len(set(names)), township.name  # one person, one name
        for person in [*reps, *members]:
            assert people_seed.gender_of(person.name) == person.gender, person.name
        women = sum(1 for r in reps if r.gender == "female")
        assert 0.25 <= women / len(reps) <= 0.45, township.name


def test_the_demo_logins_are_the_people_of_their_name(loaded: Loaded) -> None:
    users = {u.username: u for u in db.session.scalars(select(User))}
    for township in _townships():
        named = people_seed.DEMO_LOGINS.get(township.slug, {})
        with tenant_context(township.id):
            reps = list(db.session.scalars(select(Representative)))
        for name, username in named.items():
            linked = [r for r in reps if r.user_id == users[username].id]
            assert [r.name for r in linked] == [name], (township.name, username)
            assert users[username].display_name == name
        # Nobody of the township bears a representative's name without being that person.
        by_name = {r.name: r for r in reps}
        members = set(
            db.session.scalars(
                select(Membership.user_id).where(Membership.tenant_id == township.id)
            )
        )
        for user in users.values():
            rep = by_name.get(user.display_name) if user.id in members else None
            if rep is not None:
                assert rep.user_id == user.id, (township.name, user.username)
    chengguan = tenants.township_by_slug("chengguan")
    assert chengguan is not None
    with tenant_context(chengguan.id):
        mine = db.session.scalar(
            select(Representative).where(Representative.user_id == users["cg.rep"].id)
        )
        assert mine is not None and mine.name == "张秀英" and mine.gender == "female"
        from lianxin.people.models import GroupMembership

        leader = db.session.scalar(
            select(Representative).where(Representative.user_id == users["cg.leader"].id)
        )
        assert leader is not None and leader.name == "刘德胜"
        role = db.session.scalar(
            select(GroupMembership.role).where(GroupMembership.representative_id == leader.id)
        )
        assert role == "leader"


def _spans() -> dict[str, list[Any]]:
    """Each module's dated activity: the columns that say when its work was done."""
    from lianxin.casework.models import Case
    from lianxin.modules.annual_sessions.models import Item, Resolution, Session
    from lianxin.modules.evaluations.models import Campaign
    from lianxin.modules.liaison.models import Contact
    from lianxin.modules.liaison.models import Meeting as LiaisonMeeting
    from lianxin.modules.proposals.models import Proposal
    from lianxin.modules.reception_days.models import ReceptionDay
    from lianxin.modules.workstations.models import Meeting, Shift

    return {
        "casework": [Case.created_at, Case.answered_at],
        "workstations": [Shift.published_at, Meeting.held_on],
        "reception_days": [ReceptionDay.notice_published_at, ReceptionDay.summary_sent_at],
        "proposals": [Proposal.submitted_at, Proposal.answered_at],
        "annual_sessions": [
            Session.created_at,
            Session.opened_at,
            Item.created_at,
            Resolution.implementation_reported_at,
        ],
        "evaluations": [Campaign.opened_at, Campaign.closed_at],
        "liaison": [Contact.contacted_on, LiaisonMeeting.held_on],
    }


def _as_date(value: Any) -> date:
    return _local(value) if isinstance(value, datetime) else value


def test_two_years_of_history_in_every_module_each_township_runs(loaded: Loaded) -> None:
    today = demo_clock.real_today()
    spans = _spans()
    ran = {}
    for township in _townships():
        keys = ["casework", *sorted(tenants.enabled_module_keys(township.id) & set(spans))]
        ran[township.slug] = keys
        with tenant_context(township.id):
            for key in keys:
                days = []
                for column in spans[key]:
                    first, last = db.session.execute(
                        select(func.min(column), func.max(column)).where(column.is_not(None))
                    ).one()
                    days += [_as_date(d) for d in (first, last) if d is not None]
                assert days, (township.name, key)
                first, last = min(days), max(days)
                months = (last.year - first.year) * 12 + last.month - first.month
                assert months >= 18, (township.name, key, first, last)
                assert last <= today, (township.name, key, last)  # nothing in the future
    # 城关镇 runs every module; every module runs in at least two townships.
    assert set(ran["chengguan"]) == set(spans)
    for key in spans:
        assert sum(key in keys for keys in ran.values()) >= 2, key


def test_cases_are_answered_in_time_late_and_still_open(loaded: Loaded) -> None:
    from lianxin.casework.models import Case, CaseState

    today = demo_clock.real_today()
    for township in _townships():
        with tenant_context(township.id):
            cases = list(db.session.scalars(select(Case)))
        answered = [c for c in cases if c.answered_at is not None and c.due_on is not None]
        in_time = [c for c in answered if _local(c.answered_at) <= c.due_on]
        late = [c for c in answered if _local(c.answered_at) > c.due_on]
        assert len(in_time) > 3 * len(late) > 0, township.name
        assert any(c.state == CaseState.ARCHIVED for c in cases)
        assert any(c.rating == "unsatisfied" for c in cases)
        open_ = [
            c
            for c in cases
            if c.state in (CaseState.REGISTERED, CaseState.RECEIVED, CaseState.REFERRED)
        ]
        assert open_, township.name
        assert all(c.created_at <= demo_clock.real_now() for c in cases)
        assert all(_local(c.created_at) >= today - timedelta(days=800) for c in cases)


def test_the_history_went_through_the_rules(loaded: Loaded) -> None:
    """Everything the history sent was delivered, and every audit chain verifies."""
    from lianxin.audit import service as audit
    from lianxin.notify.models import OutboxMessage

    statuses = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    assert set(statuses) == {"delivered"}, statuses
    for chain in audit.all_chains():
        report = audit.verify_chain(chain)
        assert report.ok, (chain, report)


def test_the_county_compares_real_figures_on_the_first_page(loaded: Loaded) -> None:
    from lianxin.auth.actor import actor_for
    from lianxin.county import service as comparison
    from lianxin.county.models import RollupStatus

    county = tenants.county_by_slug("demo")
    assert county is not None
    admin = actor_for(db.session.scalar(select(User).where(User.username == "county.admin")))
    last_year = str(demo_clock.real_today().year - 1)
    result = comparison.comparison(admin, county, last_year)
    for metric in result.metrics:
        figures = [result.cell(t.id, metric.key) for t in result.townships]
        real = [c for c in figures if c.status == RollupStatus.OK and c.value is not None]
        assert len(real) >= 2, (metric.key, figures)
    # The county admin's first page (this quarter) compares every township, and the townships
    # are ranked (here on the last complete quarter: one just begun has few cases due).
    today = demo_clock.real_today()
    this_quarter = comparison.comparison(
        admin, county, f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    )
    for township in this_quarter.townships:
        cell = this_quarter.cell(township.id, "cases_received")
        assert cell.status == RollupStatus.OK and cell.value is not None, township.name
    last_quarter = this_quarter.period.start - timedelta(days=1)
    _formula, entries, _minimum = comparison.township_ranking(
        admin, county, f"{last_quarter.year}-Q{(last_quarter.month - 1) // 3 + 1}", "on_time"
    )
    assert sum(1 for e in entries if e.rank is not None) >= 2
    _metric, units, _m, _available = comparison.entity_ranking(admin, county, last_year, "unit")
    assert any(e.rank is not None for e in units)
    # The trend of the last twelve months: cases received in every month of every township.
    last_month = demo_clock.real_today().replace(day=1) - timedelta(days=1)
    _info, series, lines, townships = comparison.trend(
        admin, county, "cases_received", f"{last_month:%Y-%m}", 12
    )
    assert len(series) == 12 and len(townships) == 3
    for township_id, cells in lines.items():
        assert all(c.value for c in cells), (township_id, cells)


def test_the_demo_has_no_english(loaded: Loaded) -> None:
    """`make run`'s demo as each of its logins sees it: every page they reach from their home,
    no English outside the allow-list (tests/web/test_no_english.py walks a built world)."""
    from tests.web.test_no_english import _data_words, walk

    client = loaded.app.test_client()
    data = [*_data_words(), "demo", "lianxin2026demo"]
    found: list[str] = []
    read = 0
    for entry in loaded.logins:
        client.post("/login", data={"username": entry.username, "password": entry.password})
        pages, english = walk(client, ["/", "/me", "/me/inbox"], data)
        read += pages
        found += [f"{entry.username} {line}" for line in english]
        client.post("/logout")
    assert len(loaded.logins) >= 10 and read > 10 * len(loaded.logins)
    assert not found, "\n".join(sorted(set(found)))


def test_a_second_load_adds_nothing(loaded: Loaded) -> None:
    from lianxin.db.base import Base

    tables = [t for t in Base.metadata.sorted_tables if "tenant_id" in t.c]
    tenant_owned = [t for t in tables if t.c.tenant_id.primary_key]

    def counts() -> dict[str, int]:
        out = {
            "users": db.session.scalar(select(func.count()).select_from(User)) or 0,
            "memberships": db.session.scalar(select(func.count()).select_from(Membership)) or 0,
        }
        for township in _townships():
            with tenant_context(township.id):
                for table in tenant_owned:
                    n = db.session.scalar(select(func.count()).select_from(table)) or 0
                    out[f"{township.slug}.{table.name}"] = n
        return out

    before = counts()
    again = demo.load(password=PASSWORD)
    assert [d.username for d in again] == [d.username for d in loaded.logins]
    after = counts()
    assert after == before
    assert before["chengguan.cases"] > 100
