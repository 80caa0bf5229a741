"""The liaison chain on the duty record: the contacts a representative made with the party
members they keep in touch with, their quarterly reports, and the reports they owed and did not
file (once the quarter is over, when the township asks for them, for those on the roll by the
quarter's end). A line names the way of the contact, never the person nor what they raised."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import update

from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.liaison.models import Contact, Level, Link, Method, Report
from lianxin.people.models import PartyMember, Representative
from lianxin.tenants import service as tenants
from tests.duty_records_lines.conftest import add, all_details, count, lines, shanghai, spec_of
from tests.factories import actor

CONTACTS = "liaison.contacts"
REPORTS = "liaison.reports"
MISSED = "liaison.reports_missed"

_n = itertools.count(1)


def _link(world, rep, member_name="王党员"):
    township = world.township
    member = add(
        township,
        PartyMember(
            name=member_name,
            name_pinyin="wang",
            name_initials="w",
            phone="13700001111",
            branch_id=world.branches["t"].id,
        ),
    )[0]
    return add(
        township,
        Link(
            year=2026,
            level=Level.REP_MEMBER,
            pair_key=f"rm-{rep.id}-{member.id}",
            upper_rep_id=rep.id,
            lower_member_id=member.id,
            started_on=date(2026, 1, 1),
        ),
    )[0]


def _contact(township, link, day, method=Method.VISIT):
    add(
        township,
        Contact(
            link_id=link.id,
            contacted_on=day,
            method=method,
            summary="王党员反映自来水水压低",
            client_key=f"c-{next(_n)}",
        ),
    )


def _report(township, rep, year, quarter, submitted_at):
    add(
        township,
        Report(
            representative_id=rep.id,
            year=year,
            quarter=quarter,
            text="本季度履职情况",
            submitted_at=submitted_at,
        ),
    )


def test_contacts_reports_and_reports_missed(world, township, clock, reps):
    a, b, c = reps[:3]
    link = _link(world, a)
    _contact(township, link, date(2026, 3, 9))
    _contact(township, link, date(2026, 12, 31), Method.PHONE)
    _contact(township, link, date(2027, 1, 1))  # next year's
    for quarter in (1, 2, 3, 4):
        _report(township, a, 2026, quarter, shanghai(2026, 3 * quarter, 28))
    _report(township, b, 2026, 1, shanghai(2026, 3, 30))
    _report(township, b, 2026, 3, shanghai(2026, 9, 30))
    # c joined the roll in August: owed only the third and fourth quarters' reports.
    with tenant_context(township.id):
        db.session.execute(
            update(Representative)
            .where(Representative.id == c.id)
            .values(created_at=datetime(2026, 8, 1, tzinfo=UTC))
        )
        db.session.commit()

    found = lines(spec_of("liaison"), township, [a.id, b.id, c.id])

    assert count(found, a.id, CONTACTS) == 2
    assert found[a.id][CONTACTS].details == (
        "3月9日 联系党员群众（走访）",
        "12月31日 联系党员群众（电话）",
    )
    assert count(found, a.id, REPORTS) == 4 and count(found, a.id, MISSED) == 0
    assert count(found, b.id, REPORTS) == 2 and count(found, b.id, MISSED) == 2
    assert found[b.id][MISSED].details == (
        "6月30日 2026年第2季度未报告履职情况",
        "12月31日 2026年第4季度未报告履职情况",
    )
    assert count(found, c.id, MISSED) == 2
    text = all_details(found)
    for private in ("王党员", "13700001111", "水压"):
        assert private not in text


def test_a_quarter_not_over_is_not_missed_and_the_setting_turns_it_off(
    world, township, clock, reps
):
    a = reps[0]
    clock.today = date(2026, 6, 30)  # the second quarter's last day
    found = lines(spec_of("liaison"), township, [a.id])
    assert count(found, a.id, MISSED) == 1  # the first quarter only
    clock.today = date(2026, 7, 1)
    assert count(lines(spec_of("liaison"), township, [a.id]), a.id, MISSED) == 2

    # A township that does not ask for quarterly reports: none is missed there.
    tenants.update_module_settings(
        actor(world.users["county_admin"]),
        world.county,
        township.id,
        "liaison",
        {"reports_per_quarter": False},
    )
    assert count(lines(spec_of("liaison"), township, [a.id]), a.id, MISSED) == 0
