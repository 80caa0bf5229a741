"""`make run` loads the demo county: it must load, twice, with a login for every role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lianxin import demo
from lianxin.auth import service as accounts
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import seed as casework_seed
from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import load_first_party
from lianxin.modules.workstations.models import Station
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants


@pytest.fixture
def app_modules():
    """The demo as `make run` serves it: the real first-party modules."""
    return load_first_party()


def test_demo_loads_twice_with_a_login_for_every_role(app):
    first = demo.load(password="demo-password-1")
    second = demo.load(password="demo-password-1")
    assert [d.username for d in first] == [d.username for d in second]
    roles = set(db.session.scalars(select(Membership.role)))
    assert roles == {r.value for r in Role}
    for login in first:
        assert accounts.authenticate(login.username, "demo-password-1")
    township = tenants.township_by_slug("chengguan")
    with tenant_context(township.id):
        assert db.session.scalar(select(func.count()).select_from(Representative)) >= 30
    assert len(tenants.county_by_slug("demo").townships) == 3
    with tenant_context(township.id):
        assert db.session.scalar(select(func.count()).select_from(Station)) == 1
        not_liaison = select(func.count()).select_from(Case).where(Case.channel != "liaison")
        assert db.session.scalar(not_liaison) == len(casework_seed.DEMO_CASES)
        # The liaison chain: this year's pairs, contacts, one raised as a case, a meeting.
        from lianxin.modules.liaison.models import Contact, Link, Meeting

        assert db.session.scalar(select(func.count()).select_from(Link)) > 20
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 3
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
        liaison_cases = select(func.count()).select_from(Case).where(Case.channel == "liaison")
        assert db.session.scalar(liaison_cases) == 1
