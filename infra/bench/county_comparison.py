"""Benchmark: the county rollup refresh and the comparison page at a county's real size.

    .venv/bin/python infra/bench/county_comparison.py [--townships 30] [--years 5] \
        [--cases-per-month 40] [--requests 60] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Makes a throwaway PostgreSQL database and roles (as roster_import.py does), migrates it as the
owner and runs the app as the row-level-security-bound application role. It loads one county of
`--townships` townships onboarded `--years` years ago, every module on, each with 30
representatives, handling units, a station and `--cases-per-month` cases a month (answered,
rated, some late) plus a few proposals a month; then times

- a full refresh of the county's rollups (every month, quarter and year since onboarding),
- the nightly, incremental refresh (open and just-closed periods only),
- the comparison page `/c/<county>/comparison/` as the county admin: p50/p95/max over
  `--requests` requests across periods, sort orders and chart metrics, and the same for the
  JSON API.

Everything is dropped at the end. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roster_import import add_database_url, throwaway_database
from sqlalchemy import insert, text


def _at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def load(county_slug: str, townships: int, years: int, per_month: int) -> tuple[int, int]:
    """The county and its townships; (county id, cases written)."""
    from lianxin.auth.models import Membership, User
    from lianxin.auth.passwords import hash_password
    from lianxin.auth.roles import Role
    from lianxin.casework.models import AssignmentRole, AssignmentStatus, Case, CaseAssignment
    from lianxin.db import db
    from lianxin.db.tenancy import tenant_context
    from lianxin.modules.proposals.models import Proposal
    from lianxin.modules.registry import current_registry
    from lianxin.modules.workstations.models import Meeting, Station
    from lianxin.people.models import HandlingUnit, Representative
    from lianxin.tenants.models import County, Township, TownshipModule

    rng = random.Random(20261201)
    today = date.today()
    start = date(today.year - years, today.month, 1)
    county = County(name="基准县", slug=county_slug, module_defaults={})
    db.session.add(county)
    db.session.flush()
    admin = User(
        username="bench.county", display_name="县管理员", password_hash=hash_password("bench-pw-1")
    )
    db.session.add(admin)
    db.session.flush()
    db.session.add(Membership(user_id=admin.id, role=Role.COUNTY_ADMIN.value, county_id=county.id))
    db.session.commit()
    total = 0
    for t in range(townships):
        township = Township(
            county_id=county.id,
            name=f"基准镇{t + 1:02d}",
            slug=f"bench-{t + 1:02d}",
            status="active",
            labels={},
            created_at=_at(start),
        )
        db.session.add(township)
        db.session.flush()
        for spec in current_registry():
            db.session.add(
                TownshipModule(
                    township_id=township.id, module_key=spec.key, enabled=True, settings={}
                )
            )
        db.session.commit()
        with tenant_context(township.id):
            reps = [
                Representative(
                    name=f"代表{i}",
                    name_pinyin=f"daibiao{i}",
                    name_initials="db",
                    gender="female" if i % 3 == 0 else "male",
                    birth_date=date(1960 + i % 35, 1 + i % 12, 1 + i % 28),
                    education="bachelor",
                    category="farmer",
                    term=13,
                    created_at=_at(start),
                )
                for i in range(30)
            ]
            units = [HandlingUnit(name=f"部门{i}") for i in range(5)]
            station = Station(kind="township", name="代表工作站", created_at=_at(start))
            db.session.add_all([*reps, *units, station])
            db.session.flush()
            cases, meetings, proposals = [], [], []
            day = start
            n = 0
            while day <= today:
                for _ in range(per_month):
                    n += 1
                    created = day + timedelta(days=rng.randrange(28))
                    if created > today:
                        continue
                    due = created + timedelta(days=rng.choice((10, 30, 60)))
                    answered = created + timedelta(days=rng.randrange(1, 70))
                    answered_at = _at(answered) if answered <= today else None
                    rating = rng.choice(("satisfied", "basically_satisfied", "unsatisfied", None))
                    cases.append(
                        {
                            "tenant_id": township.id,
                            "tracking_hash": hashlib.sha256(f"{t}-{n}".encode()).hexdigest(),
                            "channel": "paper",
                            "category": "other",
                            "title": f"诉求{n}",
                            "body": "基准数据",
                            "state": "replied" if answered_at else "received",
                            "due_on": due,
                            "received_by_id": reps[n % 30].id,
                            "answered_at": answered_at,
                            "rating": rating if answered_at else None,
                            "rated_at": _at(answered + timedelta(days=3))
                            if answered_at and rating
                            else None,
                            "reassign_count": 0,
                            "anonymous": False,
                            "on_behalf": False,
                            "created_at": _at(created),
                            "updated_at": _at(created),
                        }
                    )
                meetings.append(
                    {
                        "tenant_id": township.id,
                        "station_id": station.id,
                        "kind": "regular",
                        "held_on": day + timedelta(days=5),
                        "created_at": _at(day),
                    }
                )
                for k in range(2):
                    proposals.append(
                        {
                            "tenant_id": township.id,
                            "kind": "suggestion",
                            "title": f"建议{day.isoformat()}-{k}",
                            "body": "基准数据",
                            "category": "other",
                            "author_id": reps[k].id,
                            "state": "answered",
                            "submitted_at": _at(day + timedelta(days=3)),
                            "answered_at": _at(day + timedelta(days=20)),
                            "round": 1,
                            "answer_public": False,
                            "created_at": _at(day),
                            "updated_at": _at(day),
                        }
                    )
                day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            result = db.session.execute(
                insert(Case.__table__).returning(Case.__table__.c.id), cases
            )
            ids = [row[0] for row in result]
            db.session.execute(
                insert(CaseAssignment.__table__),
                [
                    {
                        "tenant_id": township.id,
                        "case_id": case_id,
                        "unit_id": units[i % 5].id,
                        "role": AssignmentRole.LEAD.value,
                        "round": 1,
                        "status": AssignmentStatus.ANSWERED.value,
                        "created_at": _at(today),
                    }
                    for i, case_id in enumerate(ids)
                ],
            )
            db.session.execute(insert(Meeting.__table__), meetings)
            db.session.execute(insert(Proposal.__table__), proposals)
            db.session.commit()
            total += len(cases)
    return county.id, total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def run(args: argparse.Namespace) -> None:
    os.environ.setdefault("LIANXIN_SECRET_KEY", "bench-secret-key-not-for-production")
    from lianxin.app import create_app
    from lianxin.county import periods
    from lianxin.county import service as comparison
    from lianxin.db import db

    files = tempfile.mkdtemp(prefix="lx-bench-county-")
    try:
        with throwaway_database(args.database_url) as (_owner_url, app_url):
            app = create_app(
                {
                    "DATABASE_URL": app_url,
                    "MIGRATION_DATABASE_URL": app_url,
                    "SECRET_KEY": os.environ["LIANXIN_SECRET_KEY"],
                    "BROKER_URL": "",
                    "CELERY_EAGER": True,
                    "STORAGE_BACKEND": "local",
                    "STORAGE_LOCAL_ROOT": files,
                    "INSTANCE_DIR": files,
                    "RATELIMIT_ENABLED": False,
                    "RATELIMIT_STORAGE_URI": "memory://",
                    "WTF_CSRF_ENABLED": False,
                    "SESSION_COOKIE_SECURE": False,
                }
            )
            with app.app_context():
                version = db.session.scalar(text("SHOW server_version"))
                started = time.perf_counter()
                county_id, cases = load("bench", args.townships, args.years, args.cases_per_month)
                loaded = time.perf_counter() - started
                print(
                    f"county comparison: {args.townships} townships x {args.years} years, "
                    f"{cases} cases, PostgreSQL {version}, app role with row-level security "
                    f"(data loaded in {loaded:.1f} s)"
                )
                started = time.perf_counter()
                full = comparison.refresh_county(county_id, full=True)
                seconds = time.perf_counter() - started
                print(
                    f"full refresh:        {seconds:7.2f} s  ({full.townships} townships, "
                    f"{full.periods} township-periods, {full.rows} rollup rows, "
                    f"{1000 * seconds / max(full.periods, 1):.1f} ms per township-period)"
                )
                started = time.perf_counter()
                nightly = comparison.refresh_county(county_id)
                seconds = time.perf_counter() - started
                print(
                    f"nightly refresh:     {seconds:7.2f} s  ({nightly.periods} township-periods)"
                )
                db.session.remove()

            client = app.test_client()
            response = client.post(
                "/login", data={"username": "bench.county", "password": "bench-pw-1"}
            )
            assert response.status_code == 302, response.status_code
            today = date.today()
            choices = [
                *(periods.containing(today, k).key for k in periods.KINDS),
                *(p.key for p in periods.series(periods.containing(today, "month"), 24)),
                *(p.key for p in periods.series(periods.containing(today, "quarter"), 8)),
            ]
            metrics = ["cases_on_time", "cases_satisfaction", "cases_received", "reps_women"]
            rng = random.Random(7)
            for label, path in (
                ("comparison page", "/c/bench/comparison/"),
                ("comparison API ", "/api/v1/c/bench/comparison/"),
            ):
                if "api" in path:
                    from lianxin.auth import service as accounts
                    from lianxin.auth.actor import actor_for
                    from lianxin.auth.models import User

                    with app.app_context():
                        user = db.session.query(User).filter_by(username="bench.county").one()
                        token = accounts.create_api_token(actor_for(user), "bench").plaintext
                        db.session.commit()
                    headers = {"Authorization": f"Bearer {token}"}
                else:
                    headers = {}
                timings = []
                for i in range(args.requests + 3):
                    query = {
                        "period": rng.choice(choices),
                        "metric": rng.choice(metrics),
                        "sort": rng.choice([*metrics, ""]),
                        "order": rng.choice(["asc", "desc"]),
                    }
                    if not query["sort"]:
                        del query["sort"]
                    if "api" in path:
                        query.pop("metric")
                    started = time.perf_counter()
                    response = client.get(path, query_string=query, headers=headers)
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, (response.status_code, query)
                    if i >= 3:  # the first requests warm caches and templates
                        timings.append(elapsed * 1000)
                print(
                    f"{label}:     p50 {statistics.median(timings):6.1f} ms  "
                    f"p95 {percentile(timings, 0.95):6.1f} ms  max {max(timings):6.1f} ms  "
                    f"({len(timings)} requests, {args.townships} townships each)"
                )
            app.extensions["lianxin.db"].engine.dispose()
    finally:
        shutil.rmtree(files, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--cases-per-month", type=int, default=40)
    parser.add_argument("--requests", type=int, default=60)
    add_database_url(parser)
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
