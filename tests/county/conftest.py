"""Three townships of one county with known activity in the first quarter of 2026, hand-counted
in `EXPECTED` below, and a township of another county.

- 甲镇 (jia): every module on since 2025-06-01; five cases, three proposals, a station, an
  annual session and an evaluation.
- 乙镇 (yi): onboarded 2025-06-01 without proposals (未开通); one case answered in a day.
- 丙镇 (bing): onboarded 2026-02-15, mid-quarter; one case answered late.

Ids are captured as plain ints: on PostgreSQL the rows cannot be read back outside the
township's context.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from lianxin.auth.roles import Role
from lianxin.casework.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseAssignment,
    CaseState,
)
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions.models import Attendance, AttendanceStatus, Session
from lianxin.modules.evaluations.models import Campaign, Rater, Receipt
from lianxin.modules.proposals.models import Proposal
from lianxin.modules.workstations.models import Meeting, Shift, Station
from lianxin.people.models import HandlingUnit, Representative
from lianxin.tenants.models import Township
from tests.factories import batched, grant, make_county, make_township, make_user

FIRST_PARTY_KEYS = ("workstations", "reception_days", "proposals", "annual_sessions", "evaluations")
TODAY = date(2026, 4, 10)


def at(day: str, hour: int = 10) -> datetime:
    """A Shanghai wall-clock time on `day`, as the UTC instant the database stores."""
    from zoneinfo import ZoneInfo

    local = datetime.combine(date.fromisoformat(day), time(hour), ZoneInfo("Asia/Shanghai"))
    return local.astimezone(UTC)


@pytest.fixture
def app_modules():
    from lianxin.modules.registry import load_first_party
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *[m for m in load_first_party() if m.key in FIRST_PARTY_KEYS])


@dataclass
class Scene:
    county: Any
    far_county: Any
    ids: dict[str, int] = field(default_factory=dict)  # jia / yi / bing / far
    slugs: dict[str, str] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


_seq = iter(range(1, 10_000))


def _rep(name: str, gender: str, born: str, **extra: Any) -> Representative:
    return Representative(
        name=name,
        name_pinyin=name,
        name_initials=name,
        gender=gender,
        birth_date=date.fromisoformat(born),
        education="bachelor",
        category="farmer",
        term=13,
        created_at=at("2025-06-01"),
        **extra,
    )


def _case(title: str, created: str, due: str | None, **extra: Any) -> Case:
    n = next(_seq)
    return Case(
        tracking_hash=hashlib.sha256(f"{title}{n}".encode()).hexdigest(),
        channel="paper",
        category="other",
        title=title,
        body=title,
        state=extra.pop("state", CaseState.RECEIVED),
        due_on=date.fromisoformat(due) if due else None,
        created_at=at(created),
        **extra,
    )


def _township(county: Any, name: str, slug: str, onboarded: str, modules: tuple[str, ...]) -> int:
    township = make_township(county, name, slug, modules=modules)
    township.created_at = at(onboarded, 9)
    db.session.commit()
    return township.id


def _load_jia(tid: int) -> None:
    with tenant_context(tid):
        reps = [
            _rep("甲一", "female", "1980-01-01"),
            _rep("甲二", "female", "1990-05-05"),
            _rep("甲三", "male", "1960-03-03"),
            _rep("甲四", "male", "1970-07-07"),
            # Ended in January: not counted at the end of the quarter.
            _rep("甲五", "female", "1985-02-02", status="ended", ended_on=date(2026, 1, 10)),
        ]
        db.session.add_all(reps)
        unit = HandlingUnit(name="甲镇农业办")
        db.session.add(unit)
        db.session.flush()
        cases = [
            # on time (10 days), satisfied
            _case(
                "c1",
                "2026-01-05",
                "2026-01-20",
                answered_at=at("2026-01-15"),
                rating="satisfied",
                rated_at=at("2026-01-20"),
                received_by_id=reps[0].id,
            ),
            # late (33 days), basically satisfied
            _case(
                "c2",
                "2026-01-10",
                "2026-02-10",
                answered_at=at("2026-02-12"),
                rating="basically_satisfied",
                rated_at=at("2026-02-15"),
                received_by_id=reps[0].id,
            ),
            # on time (19 days), unsatisfied, closed
            _case(
                "c3",
                "2026-02-01",
                "2026-03-01",
                answered_at=at("2026-02-20"),
                rating="unsatisfied",
                rated_at=at("2026-02-25"),
                closed_at=at("2026-03-01"),
                state=CaseState.ARCHIVED,
                received_by_id=reps[1].id,
            ),
            # due in the quarter, never answered: late
            _case("c4", "2026-03-01", "2026-03-30"),
            # due after the quarter
            _case("c5", "2026-03-20", "2026-04-20"),
        ]
        db.session.add_all(cases)
        db.session.flush()
        for case in cases[:3]:
            db.session.add(
                CaseAssignment(
                    case_id=case.id,
                    unit_id=unit.id,
                    role=AssignmentRole.LEAD,
                    status=AssignmentStatus.ANSWERED,
                )
            )
        db.session.add_all(
            [
                Proposal(
                    kind="proposal",
                    title="p1",
                    body="p1",
                    category="other",
                    author_id=reps[0].id,
                    state="answered",
                    submitted_at=at("2026-01-10"),
                    answered_at=at("2026-02-01"),
                ),
                Proposal(
                    kind="suggestion",
                    title="p2",
                    body="p2",
                    category="other",
                    author_id=reps[0].id,
                    state="accepted",
                    submitted_at=at("2026-02-05"),
                ),
                Proposal(
                    kind="suggestion",
                    title="p3",
                    body="p3",
                    category="other",
                    author_id=reps[1].id,
                    state="not_accepted",
                    submitted_at=at("2026-01-20"),
                ),
                Proposal(
                    kind="suggestion",
                    title="p4 draft",
                    body="p4",
                    category="other",
                    author_id=reps[1].id,
                    state="draft",
                ),
            ]
        )
        station = Station(kind="township", name="甲镇代表工作站", created_at=at("2025-07-01"))
        db.session.add(station)
        db.session.flush()
        for day, published in (("2026-01-08", True), ("2026-02-08", False)):
            db.session.add(
                Shift(
                    station_id=station.id,
                    representative_id=reps[0].id,
                    day=date.fromisoformat(day),
                    starts_at=time(9),
                    ends_at=time(12),
                    published=published,
                )
            )
        db.session.add(Meeting(station_id=station.id, kind="regular", held_on=date(2026, 3, 3)))
        session = Session(
            title="年会",
            held_on=date(2026, 1, 25),
            place="镇会议室",
            state="closed",
            checkin_token="t" * 32,
            expected_count=4,
            opened_at=at("2026-01-25"),
            closed_at=at("2026-01-25", 17),
        )
        db.session.add(session)
        db.session.flush()
        for rep, status in zip(
            reps[:4], ("present", "present", "present", "leave_approved"), strict=True
        ):
            db.session.add(
                Attendance(
                    session_id=session.id, representative_id=rep.id, status=AttendanceStatus(status)
                )
            )
        campaign = Campaign(
            title="评议",
            shape="committee",
            opens_on=date(2025, 12, 1),
            closes_on=date(2026, 1, 15),
            state="closed",
            dimensions=[],
        )
        db.session.add(campaign)
        db.session.flush()
        raters = [
            Rater(
                campaign_id=campaign.id,
                representative_id=r.id,
                token_hash=hashlib.sha256(r.name.encode()).hexdigest(),
            )
            for r in reps[:4]
        ]
        db.session.add_all(raters)
        db.session.flush()
        for rater in raters[:3]:
            db.session.add(Receipt(campaign_id=campaign.id, rater_id=rater.id))
        db.session.commit()


def _load_yi(tid: int) -> None:
    with tenant_context(tid):
        reps = [_rep("乙一", "female", "1985-01-01"), _rep("乙二", "male", "1950-01-01")]
        db.session.add_all(reps)
        db.session.flush()
        db.session.add(
            # One case answered in a day: 100 % on time, from one case.
            _case(
                "b1",
                "2026-01-03",
                "2026-01-13",
                answered_at=at("2026-01-04"),
                rating="satisfied",
                rated_at=at("2026-01-05"),
            )
        )
        db.session.commit()


def _load_bing(tid: int) -> None:
    with tenant_context(tid):
        db.session.add(_case("k1", "2026-02-20", "2026-03-05", answered_at=at("2026-03-06")))
        db.session.commit()


@pytest.fixture
def scene(app):
    with batched():  # the factories flush; one commit at the end
        county = make_county("甲县", "jia")
        far_county = make_county("远县", "yuan")
        s = Scene(county, far_county)
        s.ids["jia"] = _township(county, "甲镇", "jia-zhen", "2025-06-01", FIRST_PARTY_KEYS)
        s.ids["yi"] = _township(
            county,
            "乙镇",
            "yi-zhen",
            "2025-06-01",
            tuple(k for k in FIRST_PARTY_KEYS if k != "proposals"),
        )
        s.ids["bing"] = _township(county, "丙镇", "bing-zhen", "2026-02-15", FIRST_PARTY_KEYS)
        s.ids["far"] = _township(far_county, "远镇", "yuan-zhen", "2025-06-01", FIRST_PARTY_KEYS)
        s.slugs = {"jia": "jia-zhen", "yi": "yi-zhen", "bing": "bing-zhen", "far": "yuan-zhen"}
        _load_jia(s.ids["jia"])
        _load_yi(s.ids["yi"])
        _load_bing(s.ids["bing"])
        _load_jia(s.ids["far"])  # another county's township with the same activity
        s.users["admin"] = make_user("county.admin")
        grant(s.users["admin"], Role.COUNTY_ADMIN, county=county)
        s.users["viewer"] = make_user("county.viewer")
        grant(s.users["viewer"], Role.COUNTY_VIEWER, county=county)
        s.users["far_admin"] = make_user("far.admin")
        grant(s.users["far_admin"], Role.COUNTY_ADMIN, county=far_county)
        s.users["jia_admin"] = make_user("jia.admin")
        grant(
            s.users["jia_admin"],
            Role.TOWNSHIP_ADMIN,
            township=db.session.get(Township, s.ids["jia"]),
        )
        return s


@pytest.fixture
def refreshed(scene):
    """The rollups of both counties, refreshed as of 2026-04-10 (every period since onboarding)."""
    from lianxin.county import service

    service.refresh_county(scene.county.id, full=True, today=TODAY)
    service.refresh_county(scene.far_county.id, full=True, today=TODAY)
    return scene


# Hand-computed figures of the first quarter of 2026 (see the module docstring).
EXPECTED: dict[str, dict[str, tuple[float | None, int | None] | str]] = {
    "jia": {
        "representatives": (4, None),
        "reps_women": (0.5, 4),
        "reps_under_50": (0.5, 4),  # on 2026-03-31: 46 and 35 of 46, 35, 66, 55
        "cases_received": (5, None),
        "cases_answered": (3, None),
        "cases_inadmissible": (0, None),
        "cases_on_time": (0.5, 4),  # c1, c3 of c1-c4 due in the quarter
        "cases_closed": (1, None),
        "cases_median_days": (19, 3),  # 10, 33, 19
        "cases_satisfaction": (2 / 3, 3),  # satisfied + basically of three ratings
        "stations_open": (1, None),
        "stations_duty_kept": (0.5, 2),
        "stations_meetings": (1, None),
        "reception_days_held": (0, None),
        "reception_people": (0, None),
        "reception_attendance": (None, 0),
        "proposals_filed": (3, None),
        "proposals_handled": (1, None),
        "proposals_handled_rate": (0.5, 2),  # p1 answered of p1, p2 (p3 not accepted)
        "sessions_held": (1, None),
        "sessions_attendance": (0.75, 4),
        "evaluations_run": (1, None),
        "evaluations_participation": (0.75, 4),
        "evaluations_unfit_count": (0, None),  # no committee member graded 不称职
        # the duty record's scores are of a calendar year: a quarter has none (无数据)
        "duty_score_median": (None, None),
        "duty_score_mean": (None, None),
        "duty_inactive_share": (None, None),
        "duty_score": (None, None),
        "duty_band_lt60": (None, None),
        "duty_band_60_79": (None, None),
        "duty_band_80_89": (None, None),
        "duty_band_90_plus": (None, None),
    },
    "yi": {
        "representatives": (2, None),
        "reps_women": (0.5, 2),
        "reps_under_50": (0.5, 2),
        "cases_received": (1, None),
        "cases_answered": (1, None),
        "cases_on_time": (1.0, 1),
        "cases_closed": (0, None),
        "cases_median_days": (1, 1),
        "cases_satisfaction": (1.0, 1),
        "proposals_filed": "off",
        "proposals_handled": "off",
        "proposals_handled_rate": "off",
    },
    "bing": {
        "representatives": (0, None),
        "reps_women": (None, 0),
        "cases_received": (1, None),
        "cases_answered": (1, None),
        "cases_on_time": (0.0, 1),  # a real 0 %: one case due, answered a day late
        "cases_median_days": (14, 1),
        "cases_satisfaction": (None, 0),  # no rating: 无数据, not 0 %
        "proposals_filed": (0, None),
    },
}
