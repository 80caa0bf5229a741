"""The liaison chain's rules: assignments, suggestions, branch confirmation, contacts (future
dates, the pair's year, the idempotent phone submission, a case in one step), quarter
boundaries on a fixed clock, compliance figures computed by hand, and once-a-quarter reminders."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lianxin.casework.models import Case
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.liaison import service
from lianxin.modules.liaison.inputs import (
    CaseInput,
    ContactInSchema,
    LinkInput,
    LinkInSchema,
    MeetingInSchema,
    ReportInput,
)
from lianxin.modules.liaison.models import BranchReview, Contact, Link, ReminderSent
from lianxin.modules.liaison.quarters import Quarter
from lianxin.notify.models import OutboxMessage
from lianxin.people import service as people
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from tests.factories import actor
from tests.modules.liaison.conftest import REP_BASE

YEAR = 2026


def _link(office, t, level, upper, lower, year=YEAR):
    return service.add_link(
        office, t, LinkInput(year=year, level=level, upper_id=upper.id, lower_id=lower.id)
    ).link


def _contact(who, t, link, on, key, **extra):
    data = {
        "link_id": link.id,
        "contacted_on": on,
        "method": "visit",
        "summary": "走访了解家庭情况",
        "client_key": key,
        **extra,
    }
    return service.record_contact(who, t, load_input(ContactInSchema, data))


# --- quarters ------------------------------------------------------------------------------------


def test_quarters_and_their_boundaries():
    assert Quarter.of(date(2026, 3, 31)) == Quarter(2026, 1)
    assert Quarter.of(date(2026, 4, 1)) == Quarter(2026, 2)
    q4 = Quarter(2026, 4)
    assert (q4.starts_on, q4.ends_on) == (date(2026, 10, 1), date(2026, 12, 31))
    assert q4.next() == Quarter(2027, 1) and Quarter(2027, 1).previous() == q4
    assert Quarter(2024, 1).ends_on == date(2024, 3, 31)
    assert Quarter(2026, 2).days_left(date(2026, 6, 30)) == 0
    with pytest.raises(ValueError):
        Quarter(2026, 5)


# --- assignments ---------------------------------------------------------------------------------


def test_assignment_rules(world, chain, office, clock, tctx):
    t = world.township
    wang = chain.committee["wang"]
    link = _link(office, t, "committee_rep", wang, chain.reps["a"])
    assert (link.upper_user_id, link.lower_rep_id, link.branch_id) == (
        wang.id,
        chain.reps["a"].id,
        chain.branches["east"].id,
    )
    assert link.started_on == date(2026, 5, 20)  # added during its year: starts today
    # The same representative cannot be kept by a second committee member the same year.
    with pytest.raises(service.AlreadyLinked) as caught:
        _link(office, t, "committee_rep", chain.committee["li"], chain.reps["a"])
    assert "已由" in caught.value.message
    # A user who is not a committee member of this township is not found.
    with pytest.raises(NotFound):
        _link(office, t, "committee_rep", world.users["representative"], chain.reps["b"])
    # Nor is a party member of another township.
    with tenant_context(world.other.id):
        foreign = people.create_party_member(
            actor(world.users["other_admin"]),
            world.other,
            people.PartyMemberInput(name="外镇党员", branch_id=world.branches["o"].id),
        )
    with pytest.raises(NotFound):
        _link(office, t, "rep_member", chain.reps["a"], foreign)
    # A representative whose qualification ended cannot be paired.
    people.end_qualification(office, t, chain.reps["e"].id, reason="resigned", on=date(2026, 5, 1))
    with pytest.raises(ValidationFailed) as caught:
        _link(office, t, "rep_member", chain.reps["e"], chain.members["m6"])
    assert "upper_id" in caught.value.errors
    # Only the liaison office assigns.
    with pytest.raises(PermissionDenied):
        _link(actor(wang), t, "committee_rep", wang, chain.reps["b"])
    with pytest.raises(ValidationFailed):
        service.add_link(
            office,
            t,
            load_input(
                LinkInSchema, {"year": YEAR, "level": "cousins", "upper_id": 1, "lower_id": 1}
            ),
        )
    assert db.session.scalar(select(func.count()).select_from(Link)) == 1


def test_removing_keeps_history_only_where_there_were_contacts(world, chain, office, clock, tctx):
    t = world.township
    kept = _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"])
    bare = _link(office, t, "rep_member", chain.reps["a"], chain.members["m2"])
    _contact(office, t, kept, "2026-05-02", "key-remove-1")
    assert service.remove_link(office, t, kept.id).ended_on == date(2026, 5, 20)
    assert service.remove_link(office, t, bare.id) is None
    assert db.session.get(Link, (t.id, bare.id)) is None
    # The member is free again; adding the same pair back takes the ended row up again.
    again = _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"])
    assert again.id == kept.id and again.ended_on is None


def test_suggestion_fills_each_minimum_by_branch_and_nearness(world, chain, office, clock, tctx):
    t = world.township
    result = service.suggest(office, t, YEAR)
    links = list(db.session.scalars(select(Link).where(Link.year == YEAR)))
    by_level = {lv: [lk for lk in links if lk.level == lv] for lv in service.PAIR_PREFIX}
    # Two committee members × 3 representatives; Li is never paired with Li's own record.
    committee = by_level[service.Level.COMMITTEE_REP]
    assert len(committee) == 6
    li, li_rep = chain.committee["li"], chain.reps["li"]
    assert not [
        lk for lk in committee if lk.upper_user_id == li.id and lk.lower_rep_id == li_rep.id
    ]
    # Li's own record is in the west branch: Li's three start with the west representatives.
    li_reps = {lk.lower_rep_id for lk in committee if lk.upper_user_id == li.id}
    assert {chain.reps["d"].id, chain.reps["e"].id} <= li_reps
    # Six representatives × 2 of 8 party members: 8 pairs, every east rep first gets east members.
    members = by_level[service.Level.REP_MEMBER]
    assert len(members) == 8 and len({lk.lower_member_id for lk in members}) == 8
    east = {m.id for k, m in chain.members.items() if int(k[1:]) <= 5}
    a_members = {lk.lower_member_id for lk in members if lk.upper_rep_id == chain.reps["a"].id}
    assert a_members and a_members <= east
    # Households only within the member's own branch: east 4 households for 5 members.
    households = by_level[service.Level.MEMBER_HOUSEHOLD]
    assert len(households) == 6
    hh_branch = {h.id: h.branch_id for h in chain.households.values()}
    member_branch = {m.id: m.branch_id for m in chain.members.values()}
    for lk in households:
        assert hh_branch[lk.lower_household_id] == member_branch[lk.upper_member_id]
    assert all(lk.suggested for lk in links)
    # Who is still short is named: reps past the 8 members, members past the 6 households.
    short = {(s["level"], s["name"]) for s in result.short}
    assert ("member_household", "党员5") in short
    assert sum(1 for s in result.short if s["level"] == "rep_member") == 4
    assert result.created == {"committee_rep": 6, "rep_member": 8, "member_household": 6}
    # Suggesting again adds nothing.
    assert service.suggest(office, t, YEAR).created == {
        "committee_rep": 0,
        "rep_member": 0,
        "member_household": 0,
    }


def test_next_year_starts_from_last_years_pairs(world, chain, office, clock, tctx):
    t = world.township
    wang = chain.committee["wang"]
    _link(office, t, "committee_rep", wang, chain.reps["c"])
    service.suggest(office, t, YEAR + 1, ["committee_rep"])
    carried = db.session.scalar(
        select(Link).where(Link.year == YEAR + 1, Link.lower_rep_id == chain.reps["c"].id)
    )
    assert carried.upper_user_id == wang.id
    assert carried.started_on == date(2027, 1, 1)


def test_branch_confirms_its_part_and_a_change_asks_again(world, chain, office, clock, tctx):
    t = world.township
    east = chain.branches["east"]
    liaison = actor(world.users["branch_liaison"])  # the east branch's liaison
    with pytest.raises(service.NothingToConfirm):
        service.confirm_branch(liaison, t, YEAR, east.id)
    _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"])
    part = service.confirm_branch(liaison, t, YEAR, east.id, "已核对")
    assert part.confirmed and part.review.links == 1
    # The liaison sees only their own branch and cannot confirm another.
    assert [p.branch.id for p in service.branch_parts(liaison, t, YEAR)] == [east.id]
    with pytest.raises(PermissionDenied):
        service.confirm_branch(liaison, t, YEAR, chain.branches["west"].id)
    # A representative is no branch: refused.
    with pytest.raises(PermissionDenied):
        service.branch_parts(actor(world.users["representative"]), t, YEAR)
    # A change to the east part clears the confirmation; the township sees the whole.
    _link(office, t, "rep_member", chain.reps["b"], chain.members["m2"])
    parts = {p.branch.id: p for p in service.branch_parts(office, t, YEAR)}
    assert not parts[east.id].confirmed and parts[east.id].links == 2
    assert db.session.scalar(select(func.count()).select_from(BranchReview)) == 0


# --- contacts ------------------------------------------------------------------------------------


def test_contact_rules(world, chain, office, clock, tctx):
    t = world.township
    rep_a = actor(world.users["representative"])  # 安代表's account
    link = _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"])
    other = _link(office, t, "rep_member", chain.reps["b"], chain.members["m2"])
    with pytest.raises(ValidationFailed) as caught:
        _contact(rep_a, t, link, "2026-05-21", "key-future-1")
    assert caught.value.errors["contacted_on"] == ["联系日期不能晚于今天"]
    with pytest.raises(ValidationFailed) as caught:
        _contact(rep_a, t, link, "2025-12-30", "key-lastyear")
    assert "contacted_on" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        _contact(rep_a, t, link, "2026-05-20", "short")
    assert "client_key" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        service.record_contact(
            rep_a,
            t,
            load_input(
                ContactInSchema,
                {"link_id": link.id, "contacted_on": "2026-05-20", "method": "fax", "summary": ""},
            ),
        )
    assert {"method", "summary", "client_key"} <= set(caught.value.errors)
    # Someone else's pair: a representative may read it only if they are at one of its ends.
    with pytest.raises(NotFound):
        _contact(rep_a, t, other, "2026-05-20", "key-other-rep")
    with pytest.raises(PermissionDenied):
        _contact(actor(chain.committee["wang"]), t, other, "2026-05-20", "key-committee")
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0


def test_a_phone_that_sends_twice_stores_once(world, chain, office, clock, tctx):
    t = world.township
    rep_a = actor(world.users["representative"])
    link = _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"])
    case = {"title": "村口路灯坏了", "body": "晚上出行不便", "category": "其他"}
    first = _contact(rep_a, t, link, "2026-05-20", "5b8c0a8e-phone-retry", case=case)
    again = _contact(rep_a, t, link, "2026-05-20", "5b8c0a8e-phone-retry", case=case)
    assert not first.duplicate and again.duplicate
    assert again.contact.id == first.contact.id
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 1
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    assert first.tracking_codes and not again.tracking_codes
    # The same key from somebody else is refused rather than showing them the record.
    with pytest.raises(service.DuplicateKey):
        _contact(office, t, link, "2026-05-20", "5b8c0a8e-phone-retry")


def test_raising_an_issue_makes_a_case_in_one_step(world, chain, office, clock, tctx):
    t = world.township
    rep_a = actor(world.users["representative"])
    link = _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"])
    view = _contact(
        rep_a,
        t,
        link,
        "2026-05-19",
        "key-case-0001",
        case={"title": "灌溉渠堵塞", "body": "", "category": "其他"},
    )
    (case,) = view.cases
    assert (case.channel, case.source_type, case.source_id) == (
        "liaison",
        service.CONTACT_SOURCE,
        view.contact.id,
    )
    assert case.received_by_id == chain.reps["a"].id  # first asked, first responsible
    assert case.raiser_name == "党员1" and case.body == "灌溉渠堵塞"
    # A bad case title rolls the whole submission back: no contact without its case.
    with pytest.raises(ValidationFailed) as caught:
        _contact(rep_a, t, link, "2026-05-19", "key-case-0002", case={"title": ""})
    assert "case.title" in caught.value.errors
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 1
    # Raising from the stored contact later; the same title again is the same case.
    view2, made = service.raise_contact_case(rep_a, t, view.contact.id, CaseInput("道路破损"))
    assert made is not None and len(view2.cases) == 2
    _view3, again = service.raise_contact_case(rep_a, t, view.contact.id, CaseInput("道路破损"))
    assert again is None
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2


def test_household_contacts_by_the_branch_liaison_and_the_keeping_representative(
    world, chain, office, clock, tctx
):
    t = world.township
    m1 = chain.members["m1"]
    hh = _link(office, t, "member_household", m1, chain.households["h1"])
    liaison = actor(world.users["branch_liaison"])
    view = _contact(liaison, t, hh, "2026-05-10", "key-liaison-01", case={"title": "低保咨询"})
    assert view.cases[0].received_by_id is None  # nobody keeps 党员1 yet
    # Once 安代表 keeps 党员1, 安代表 may record on 党员1's households too.
    rep_a = actor(world.users["representative"])
    with pytest.raises(NotFound):
        _contact(rep_a, t, hh, "2026-05-11", "key-rep-hh-01")
    _link(office, t, "rep_member", chain.reps["a"], m1)
    _contact(rep_a, t, hh, "2026-05-11", "key-rep-hh-01")


# --- quarters, compliance and figures ------------------------------------------------------------


@pytest.fixture
def season(world, chain, office, clock, tctx):
    """Six pairs and contacts around the Q1/Q2 boundary; settings: 1 contact a quarter."""
    t = world.township
    wang, li = chain.committee["wang"], chain.committee["li"]
    links = {
        "wang-a": _link(office, t, "committee_rep", wang, chain.reps["a"]),
        "wang-b": _link(office, t, "committee_rep", wang, chain.reps["b"]),
        "li-d": _link(office, t, "committee_rep", li, chain.reps["d"]),
        "a-m1": _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"]),
        "a-m2": _link(office, t, "rep_member", chain.reps["a"], chain.members["m2"]),
        "m6-h5": _link(office, t, "member_household", chain.members["m6"], chain.households["h5"]),
    }
    # Pairs planned for the whole year (started 1 January) so that Q1 owes contacts too.
    for link in links.values():
        link.started_on = date(2026, 1, 1)
    db.session.commit()
    _contact(office, t, links["wang-a"], "2026-03-31", "q-boundary-1")  # Q1's last day
    _contact(office, t, links["wang-a"], "2026-04-01", "q-boundary-2")  # Q2's first day
    _contact(office, t, links["wang-b"], "2026-03-15", "q-boundary-3")  # Q1 only
    _contact(office, t, links["a-m1"], "2026-05-20", "q-boundary-4")  # today
    _contact(office, t, links["a-m1"], "2026-05-01", "q-boundary-5")
    return links


def test_quarter_boundaries_and_compliance_by_hand(world, chain, office, clock, season):
    t = world.township
    q2 = service.compliance(office, t)
    assert q2.quarter == Quarter(2026, 2)
    # Q2: wang-a (4-01) and a-m1 kept; wang-b, li-d, a-m2, m6-h5 not: 2 of 6.
    assert (q2.links_due, q2.links_kept, q2.kept_share) == (6, 2, 0.3333)
    q1 = service.compliance(office, t, 2026, 1)
    # Q1: wang-a (3-31) and wang-b (3-15) kept: 2 of 6.
    assert (q1.links_due, q1.links_kept) == (6, 2)
    people_q2 = {(p.person.kind, p.person.name): p for p in q2.people}
    wang = people_q2[("committee", chain.committee["wang"].display_name)]
    assert (wang.links_due, wang.links_kept, wang.not_kept) == (2, 1, ["白代表"])
    assert (wang.meetings_due, wang.meetings_held) == (1, 0)
    a = people_q2[("representative", "安代表")]
    assert (a.links_due, a.links_kept, a.not_kept, a.report_due, a.report_in) == (
        2,
        1,
        ["党员2"],
        True,
        False,
    )
    # Reports: six representatives owe one each; after 安代表's report 1 of 6.
    service.submit_report(
        actor(world.users["representative"]),
        t,
        ReportInput(year=2026, quarter=2, text="本季度走访党员两名"),
    )
    q2 = service.compliance(office, t)
    assert (q2.reports_due, q2.reports_in) == (6, 1)
    # Branches: east has wang-a, wang-b, a-m1, a-m2 (lower ends in east); west li-d, m6-h5.
    by_branch = {b.branch_id: b for b in q2.branches}
    east, west = by_branch[chain.branches["east"].id], by_branch[chain.branches["west"].id]
    assert (east.links_due, east.links_kept, east.reports_due, east.reports_in) == (4, 2, 3, 1)
    assert (west.links_due, west.links_kept, west.kept_share) == (2, 0, 0.0)
    # A committee meeting in the quarter clears Wang's meeting duty.
    service.record_meeting(
        actor(chain.committee["wang"]),
        t,
        load_input(
            MeetingInSchema,
            {
                "held_on": "2026-04-15",
                "summary": "座谈联系代表",
                "attendee_ids": [chain.reps["a"].id],
                "client_key": "meeting-key-001",
            },
        ),
    )
    q2 = service.compliance(office, t)
    assert (q2.meetings_due, q2.meetings_held) == (2, 1)
    behind = {p.person.name for p in q2.behind}
    assert chain.committee["li"].display_name in behind and "安代表" in behind
    # A pair that ended during Q2 owes nothing for Q2 but still counted in Q1.
    service.remove_link(office, t, season["wang-b"].id)
    assert service.compliance(office, t).links_due == 5
    assert service.compliance(office, t, 2026, 1).links_due == 6


def test_compliance_setting_raises_the_bar(world, chain, office, clock, season):
    t = world.township
    tenants.update_township_settings(
        actor(world.users["township_admin"]), world.township, "liaison", {"contacts_per_quarter": 3}
    )
    assert service.compliance(office, t).links_kept == 0  # a-m1 has two contacts in Q2 …
    _contact(office, t, season["a-m1"], "2026-05-02", "q-boundary-7")
    assert service.compliance(office, t).links_kept == 1  # … and now three


def test_compliance_is_for_the_office_committee_and_branches(world, chain, office, clock, season):
    t = world.township
    with pytest.raises(PermissionDenied):
        service.compliance(actor(world.users["representative"]), t)
    liaison = service.compliance(actor(world.users["branch_liaison"]), t)
    assert {b.branch_id for b in liaison.branches} == {chain.branches["east"].id}
    assert all(p.person.branch_id == chain.branches["east"].id for p in liaison.people)
    quarter, mine = service.my_duty(actor(world.users["representative"]), t)
    assert quarter == Quarter(2026, 2) and (mine.links_due, mine.links_kept) == (2, 1)


def test_figures_for_the_county(world, chain, office, clock, season):
    from lianxin.casework import service as casework
    from lianxin.modules.liaison import metrics

    t = world.township
    view = _contact(
        office, t, season["a-m2"], "2026-05-03", "q-figures-1", case={"title": "自来水"}
    )
    q2 = metrics.figures(date(2026, 4, 1), date(2026, 7, 1))
    # Q2: wang-a (4-01), a-m1 (5-01, 5-20) and a-m2 (5-03) kept of six pairs.
    assert (q2["liaison_links_kept"].value, q2["liaison_links_kept"].n) == (0.5, 6)
    # Four contacts over six representatives in office.
    assert q2["liaison_contacts"].value == 4
    assert q2["liaison_contacts_per_rep"].value == 0.67
    assert q2["liaison_issues_raised"].value == 1
    assert q2["liaison_issues_closed"].value == 0.0
    casework.receive(office, t, view.cases[0].id)
    casework.handle_on_spot(office, t, view.cases[0].id, "已现场解决")
    assert metrics.figures(date(2026, 4, 1), date(2026, 7, 1))["liaison_issues_closed"].value == 1
    # May alone: a-m1 and a-m2 have their contact inside the month; 2 of the quarter's 6.
    may = metrics.figures(date(2026, 5, 1), date(2026, 6, 1))
    assert may["liaison_links_kept"].value == pytest.approx(2 / 6)
    # The year so far: Q1 kept wang-a (3-31) and wang-b (3-15), Q2 three: 5 of 12.
    year = metrics.figures(date(2026, 1, 1), date(2027, 1, 1))
    assert (year["liaison_links_kept"].value, year["liaison_links_kept"].n) == (5 / 12, 12)
    assert year["liaison_contacts"].value == 6
    # A period with nothing in it says "no data", never zero per cent.
    empty = metrics.figures(date(2025, 1, 1), date(2025, 4, 1))
    assert empty["liaison_links_kept"].value is None and empty["liaison_issues_closed"].n == 0
    # Not yet begun: no data at all.
    assert metrics.figures(date(2026, 10, 1), date(2027, 1, 1))["liaison_contacts"].value is None


# --- reports and meetings ------------------------------------------------------------------------


def test_reports_once_a_quarter(world, chain, office, clock, tctx):
    t = world.township
    rep_a = actor(world.users["representative"])
    with pytest.raises(ValidationFailed):
        service.submit_report(rep_a, t, ReportInput(year=2026, quarter=3, text="还没开始"))
    report, created = service.submit_report(rep_a, t, ReportInput(year=2026, quarter=2, text="一"))
    again, created_again = service.submit_report(
        rep_a, t, ReportInput(year=2026, quarter=2, text="二")
    )
    assert created and not created_again and again.id == report.id and again.text == "二"
    # A representative cannot report for another; the office can.
    with pytest.raises(PermissionDenied):
        service.submit_report(
            rep_a,
            t,
            ReportInput(year=2026, quarter=2, text="代报", representative_id=chain.reps["b"].id),
        )
    service.submit_report(
        office,
        t,
        ReportInput(year=2026, quarter=2, text="代报", representative_id=chain.reps["b"].id),
    )
    assert len(service.list_reports(office, t, 2026, 2)) == 2
    assert [r.text for r, _rep in service.list_reports(rep_a, t, 2026)] == ["二"]


def test_meetings_follow_ups_and_rules(world, chain, office, clock, tctx):
    t = world.township
    wang = actor(chain.committee["wang"])
    data = {
        "held_on": "2026-05-18",
        "place": "镇党委会议室",
        "summary": "听取代表意见",
        "attendee_ids": [chain.reps["a"].id, chain.reps["b"].id],
        "client_key": "meeting-key-abc",
    }
    view = service.record_meeting(wang, t, load_input(MeetingInSchema, data))
    assert [r.name for r in view.attendees] == ["安代表", "白代表"]
    assert service.record_meeting(wang, t, load_input(MeetingInSchema, data)).duplicate
    with pytest.raises(ValidationFailed):
        service.record_meeting(
            wang,
            t,
            load_input(MeetingInSchema, {**data, "held_on": "2026-05-21", "client_key": "k" * 10}),
        )
    with pytest.raises(ValidationFailed):
        service.record_meeting(
            wang,
            t,
            load_input(MeetingInSchema, {**data, "attendee_ids": ["1x"], "client_key": "x" * 10}),
        )
    with pytest.raises(PermissionDenied):
        service.record_meeting(
            actor(world.users["representative"]),
            t,
            load_input(MeetingInSchema, {**data, "client_key": "r" * 10}),
        )
    _, made = service.raise_meeting_case(wang, t, view.meeting.id, CaseInput("修缮村道"))
    assert made.case.source_type == service.MEETING_SOURCE
    # Representatives see the meetings they came to.
    assert len(service.list_meetings(actor(world.users["representative"]), t, 2026)) == 1


# --- reminders -----------------------------------------------------------------------------------


def test_reminders_before_the_quarter_ends_once(world, chain, office, clock, season):
    t = world.township
    assert service.send_reminders(t) == {"reminded": 0, "office": 0}  # 41 days left
    clock.today = date(2026, 6, 15)  # 15 days left: the default window
    first = service.send_reminders(t)
    assert first["reminded"] > 0 and first["office"] == 1
    assert service.send_reminders(t) == {"reminded": 0, "office": 0}
    assert (
        db.session.scalar(select(func.count()).select_from(ReminderSent)) == first["reminded"] + 1
    )
    topics = [m.topic for m in db.session.scalars(select(OutboxMessage))]
    # 白代表 has a phone and no account: a text message; the others have inbox notifications.
    assert "sms" in topics and "notify" in topics
    clock.today = date(2026, 9, 20)  # the next quarter reminds afresh
    assert service.send_reminders(t)["reminded"] > 0


def test_a_new_representative_in_another_township_is_not_ours(world, chain, office, clock, tctx):
    """Representatives of another township never appear in our suggestions or compliance."""
    with tenant_context(world.other.id):
        people.create_representative(
            actor(world.users["other_admin"]),
            world.other,
            load_input(people.RepresentativeInputSchema, {**REP_BASE, "name": "外镇代表"}),
        )
    service.suggest(office, world.township, YEAR, ["committee_rep"])
    names = {p.person.name for p in service.compliance(office, world.township).people}
    assert "外镇代表" not in names


def test_a_representative_sees_their_own_contacts_however_many_others_there_are(
    world, chain, office, clock, tctx
):
    t = world.township
    mine = _link(office, t, "rep_member", chain.reps["a"], chain.members["m1"])
    other = _link(office, t, "rep_member", chain.reps["b"], chain.members["m2"])
    _contact(office, t, mine, "2026-05-01", "own-old-contact")
    for i in range(3):
        _contact(office, t, other, "2026-05-10", f"newer-contact-{i}")
    rep_a = actor(world.users["representative"])
    rows = service.list_contacts(rep_a, t, year=2026, limit=2)
    assert [r.contact.client_key for r in rows] == ["own-old-contact"]
    assert len(service.list_contacts(office, t, year=2026, limit=2)) == 2
