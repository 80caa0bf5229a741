"""Benchmark data: a province-scale data set written into PostgreSQL by bulk COPY.

    .venv/bin/python infra/bench/province.py [--preset quick|full] [--keep] \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

| preset | counties | townships | representatives | cases | proposals |
| --- | --- | --- | --- | --- | --- |
| quick | 3 | 30 | 3,000 | 60,000 | 6,000 |
| full | 100 | 1,500 | 150,000 | 3,000,000 | 300,000 |

Makes a throwaway database and roles (roster_import.throwaway_database: migrated with the
project's own `lianxin.db.migrate.upgrade` as the owner, an application role with row-level
security), then writes, as the superuser (COPY into a table under FORCE ROW LEVEL SECURITY is
refused to everyone else): counties, townships with every module switched on, one township
admin and one county admin account each, branches, groups, handling units, representatives,
cases with their histories (case_events, case_assignments, case_replies) over the last year in
every state of the workflow, and proposals with their events. Ids are explicit and the identity
sequences are set past them afterwards. The foreign keys of the bulk tables are dropped for the
COPY and added back afterwards with their own definitions, so PostgreSQL checks every composite
(tenant_id, id) reference of the whole data set in one pass each. Prints rows/s per table.

`generate()` is what load.py calls. Without `--keep` the database is dropped at the end. Not
part of `make test`.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roster_import import add_database_url, throwaway_database

PRESETS = {
    "quick": {"counties": 3, "townships": 30, "reps": 3_000, "cases": 60_000, "proposals": 6_000},
    "full": {
        "counties": 100,
        "townships": 1_500,
        "reps": 150_000,
        "cases": 3_000_000,
        "proposals": 300_000,
    },
}
PASSWORD = "bench-pw-1"
UNITS_PER_TOWNSHIP = 8
BRANCHES_PER_TOWNSHIP = 8
GROUPS = ("农业代表小组", "工业代表小组", "社区代表小组", "教育卫生代表小组")
CATEGORIES = ("民生保障", "基础设施", "农业农村", "社会治理", "生态环境", "教育医疗", "其他")
CHANNELS = ("regular_visit", "reception_day", "liaison", "public_web", "phone", "paper")
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")
# The history of a case in each state it can rest in: (state, events up to there). One case in
# twenty of each kind is the same but with every step of the state (the mix below sums to 20).
LIFECYCLE = (
    ("registered", ("register",), 2),
    ("received", ("register", "receive"), 2),
    ("referred", ("register", "receive", "refer"), 4),
    ("replied", ("register", "receive", "refer", "reply"), 6),
    ("rated", ("register", "receive", "refer", "reply", "rate"), 5),
    ("archived", ("register", "receive", "refer", "reply", "rate", "archive"), 1),
)
STATE_AFTER = {
    "register": "registered",
    "receive": "received",
    "refer": "referred",
    "reply": "replied",
    "rate": "rated",
    "archive": "archived",
}
BULK_TABLES = (
    "representatives",
    "cases",
    "case_events",
    "case_assignments",
    "case_replies",
    "pr_proposals",
    "pr_events",
)
SEQUENCED = (
    "counties",
    "townships",
    "users",
    "memberships",
    "branches",
    "representative_groups",
    "handling_units",
    *BULK_TABLES,
)


@dataclass
class Province:
    """What was written: enough for the load run to pick its targets."""

    preset: str
    counties: list[tuple[int, str]] = field(default_factory=list)  # (id, slug)
    townships: list[tuple[int, int, str]] = field(default_factory=list)  # (id, county, slug)
    case_ids: dict[int, tuple[int, int]] = field(default_factory=dict)  # township: first, last
    password: str = PASSWORD
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @staticmethod
    def township_admin(township_id: int) -> str:
        return f"bench.t{township_id}"

    @staticmethod
    def county_admin(county_id: int) -> str:
        return f"bench.c{county_id}"


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


def _line(values: Iterable[object]) -> str:
    return (
        "\t".join(
            "\\N" if v is None else ("t" if v is True else "f" if v is False else str(v))
            for v in values
        )
        + "\n"
    )


def _copy(conn, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> int:
    """COPY rows (tuples of str/int/bool/None, no tabs or backslashes) into `table`."""
    n = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with conn.cursor() as cur, cur.copy(sql) as copy:
        buffer: list[str] = []
        for row in rows:
            buffer.append(_line(row))
            n += 1
            if len(buffer) >= 5000:
                copy.write("".join(buffer))
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
    return n


def _plan(preset: str) -> dict[str, int]:
    sizes = dict(PRESETS[preset])
    t = sizes["townships"]
    return {
        **sizes,
        "reps_per": sizes["reps"] // t,
        "cases_per": sizes["cases"] // t,
        "proposals_per": sizes["proposals"] // t,
    }


def generate(
    superuser_db_url: str,
    preset: str,
    log: Callable[[str], None] = print,
    *,
    with_cases: bool = True,
) -> Province:
    """Write the preset's data set into the (migrated, empty) database at `superuser_db_url`;
    `with_cases=False` writes the roll only (townships, accounts, representatives), for runs
    that need no cases (reminders.py)."""
    import psycopg
    from sqlalchemy.engine import make_url

    from lianxin.auth.passwords import hash_password
    from lianxin.modules.registry import load_first_party

    plan = _plan(preset)
    if not with_cases:
        plan.update(cases_per=0, proposals_per=0)
    province = Province(preset)
    url = make_url(superuser_db_url)
    dsn = f"host={url.host} port={url.port or 5432} user={url.username} dbname={url.database}"
    password_hash = hash_password(PASSWORD)
    now = datetime.now(UTC).replace(microsecond=0)
    year_ago = now - timedelta(days=365)
    modules = [spec.key for spec in load_first_party()]
    mix = [state for state, _events, weight in LIFECYCLE for _ in range(weight)]
    events_of = {state: events for state, events, _w in LIFECYCLE}

    def timed(conn, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
        started = time.perf_counter()
        n = _copy(conn, table, columns, rows)
        seconds = time.perf_counter() - started
        province.rows[table] = province.rows.get(table, 0) + n
        province.seconds[table] = province.seconds.get(table, 0.0) + seconds
        log(
            f"  {table:<22} {n:>10,} rows in {seconds:7.1f} s "
            f"= {n / max(seconds, 1e-9):9,.0f} rows/s"
        )

    with psycopg.connect(dsn, autocommit=False) as conn:
        # The bulk tables' foreign keys come off for the COPY and go back on afterwards.
        fks = conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            (list(BULK_TABLES),),
        ).fetchall()
        for table, name, _definition in fks:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        conn.commit()
        started_all = time.perf_counter()

        t_count, c_count = plan["townships"], plan["counties"]
        per_county = t_count // c_count
        counties = [(c + 1, f"bench-c{c + 1:03d}") for c in range(c_count)]
        townships = [
            (t + 1, 1 + min(t // per_county, c_count - 1), f"bench-t{t + 1:04d}")
            for t in range(t_count)
        ]
        province.counties, province.townships = counties, townships
        onboarded = _ts(year_ago - timedelta(days=30))
        timed(
            conn,
            "counties",
            ("id", "name", "slug", "module_defaults", "created_at"),
            ((c, f"基准县{c:03d}", slug, "{}", onboarded) for c, slug in counties),
        )
        timed(
            conn,
            "townships",
            ("id", "county_id", "name", "slug", "status", "labels", "created_at"),
            ((t, c, f"基准镇{t:04d}", slug, "active", "{}", onboarded) for t, c, slug in townships),
        )
        timed(
            conn,
            "township_modules",
            ("township_id", "module_key", "enabled", "settings", "updated_at"),
            ((t, key, True, "{}", onboarded) for t, _c, _s in townships for key in modules),
        )
        # Users: a township admin per township (id = township id), a county admin per county.
        timed(
            conn,
            "users",
            (
                "id",
                "username",
                "display_name",
                "password_hash",
                "is_active",
                "large_text",
                "failed_logins",
                "created_at",
            ),
            (
                *(
                    (
                        t,
                        Province.township_admin(t),
                        f"镇管理员{t}",
                        password_hash,
                        True,
                        False,
                        0,
                        onboarded,
                    )
                    for t, _c, _s in townships
                ),
                *(
                    (
                        t_count + c,
                        Province.county_admin(c),
                        f"县管理员{c}",
                        password_hash,
                        True,
                        False,
                        0,
                        onboarded,
                    )
                    for c, _slug in counties
                ),
            ),
        )
        timed(
            conn,
            "memberships",
            ("id", "user_id", "role", "county_id", "tenant_id", "created_at"),
            (
                *((t, t, "township_admin", c, t, onboarded) for t, c, _s in townships),
                *(
                    (t_count + c, t_count + c, "county_admin", c, None, onboarded)
                    for c, _slug in counties
                ),
            ),
        )
        branch = lambda t, k: (t - 1) * BRANCHES_PER_TOWNSHIP + k + 1  # noqa: E731
        group = lambda t, k: (t - 1) * len(GROUPS) + k + 1  # noqa: E731
        unit = lambda t, k: (t - 1) * UNITS_PER_TOWNSHIP + k + 1  # noqa: E731
        timed(
            conn,
            "branches",
            ("tenant_id", "id", "name", "kind", "is_active", "created_at"),
            (
                (t, branch(t, k), f"第{k + 1}村党支部", "village", True, onboarded)
                for t, _c, _s in townships
                for k in range(BRANCHES_PER_TOWNSHIP)
            ),
        )
        timed(
            conn,
            "representative_groups",
            ("tenant_id", "id", "name", "is_active", "created_at"),
            (
                (t, group(t, k), name, True, onboarded)
                for t, _c, _s in townships
                for k, name in enumerate(GROUPS)
            ),
        )
        timed(
            conn,
            "handling_units",
            ("tenant_id", "id", "name", "level", "kind", "is_active", "created_at"),
            (
                (t, unit(t, k), f"承办部门{k + 1}", "township", "department", True, onboarded)
                for t, _c, _s in townships
                for k in range(UNITS_PER_TOWNSHIP)
            ),
        )
        reps_per, cases_per, props_per = plan["reps_per"], plan["cases_per"], plan["proposals_per"]
        rep = lambda t, k: (t - 1) * reps_per + k + 1  # noqa: E731
        timed(
            conn,
            "representatives",
            (
                "tenant_id",
                "id",
                "name",
                "name_pinyin",
                "name_initials",
                "gender",
                "birth_date",
                "ethnicity",
                "education",
                "category",
                "is_grassroots_cadre",
                "branch_id",
                "group_id",
                "is_township_rep",
                "is_county_rep",
                "term",
                "phone",
                "status",
                "created_at",
                "updated_at",
            ),
            (
                (
                    t,
                    rep(t, k),
                    f"代表{k:04d}",
                    f"daibiao{k:04d}",
                    "db",
                    "female" if k % 3 == 0 else "male",
                    date(1960 + k % 35, 1 + k % 12, 1 + k % 28).isoformat(),
                    "汉族",
                    ("bachelor", "college", "secondary", "junior", "postgraduate")[k % 5],
                    ("farmer", "professional", "leading_cadre", "private_economy")[k % 4],
                    k % 6 == 0,
                    branch(t, k % BRANCHES_PER_TOWNSHIP),
                    group(t, k % len(GROUPS)),
                    True,
                    k % 20 == 0,
                    13,
                    f"139{rep(t, k):08d}",
                    "in_office",
                    onboarded,
                    onboarded,
                )
                for t, _c, _s in townships
                for k in range(reps_per)
            ),
        )
        conn.commit()

        # Cases and their histories, township by township; ids are global and dense.
        case_cols = (
            "tenant_id", "id", "tracking_hash", "channel", "anonymous", "on_behalf",
            "received_by_id", "category", "title", "body", "state", "due_on", "reassign_count",
            "answer", "answered_at", "rating", "rated_at", "created_at", "updated_at", "closed_at",
        )  # fmt: skip
        event_cols = (
            "tenant_id", "id", "case_id", "action", "from_state", "to_state", "actor_user_id",
            "actor_name", "created_at",
        )  # fmt: skip
        assignment_cols = (
            "tenant_id", "id", "case_id", "unit_id", "role", "round", "status", "created_at",
        )  # fmt: skip
        reply_cols = (
            "tenant_id", "id", "case_id", "unit_id", "source", "author_name", "text",
            "created_at",
        )  # fmt: skip
        span = 365 * 24 * 3600
        cases: list[tuple] = []
        events: list[tuple] = []
        assignments: list[tuple] = []
        replies: list[tuple] = []
        next_event = next_assignment = next_reply = 1
        case_id = 0

        def flush() -> None:
            if not cases:
                return
            timed(conn, "cases", case_cols, iter(cases))
            timed(conn, "case_events", event_cols, iter(events))
            timed(conn, "case_assignments", assignment_cols, iter(assignments))
            timed(conn, "case_replies", reply_cols, iter(replies))
            conn.commit()
            for rows in (cases, events, assignments, replies):
                rows.clear()

        for t, _c, _s in townships:
            province.case_ids[t] = (case_id + 1, case_id + cases_per)
            for k in range(cases_per):
                case_id += 1
                state = mix[(case_id * 7) % len(mix)]
                created = year_ago + timedelta(seconds=(k * span) // cases_per + case_id % 3600)
                step = timedelta(days=2 + case_id % 5)
                due = (created + timedelta(days=(10, 30, 60)[case_id % 3])).date().isoformat()
                answered = created + 4 * step if state in ("replied", "rated", "archived") else None
                if answered is not None and answered > now:
                    state, answered = "referred", None
                rated = answered + step if state in ("rated", "archived") and answered else None
                if rated is not None and rated > now:
                    state, rated = "replied", None
                history = events_of[state]
                stamp = created
                from_state = None
                for n, action in enumerate(history):
                    stamp = created + n * step
                    events.append(
                        (t, next_event, case_id, action, from_state, STATE_AFTER[action],
                         t if n else None, "镇管理员" if n else "群众", _ts(stamp))
                    )  # fmt: skip
                    from_state = STATE_AFTER[action]
                    next_event += 1
                if "refer" in history:
                    assignments.append(
                        (t, next_assignment, case_id, unit(t, case_id % UNITS_PER_TOWNSHIP),
                         "lead", 1, "answered" if answered else "active",
                         _ts(created + 2 * step))
                    )  # fmt: skip
                    next_assignment += 1
                if answered is not None:
                    replies.append(
                        (t, next_reply, case_id, unit(t, case_id % UNITS_PER_TOWNSHIP), "unit",
                         f"承办部门{case_id % UNITS_PER_TOWNSHIP + 1}", "已办理，详见答复。",
                         _ts(answered))
                    )  # fmt: skip
                    next_reply += 1
                cases.append(
                    (
                        t,
                        case_id,
                        hashlib.sha256(f"bench-case-{case_id}".encode()).hexdigest(),
                        CHANNELS[case_id % len(CHANNELS)],
                        False,
                        False,
                        rep(t, case_id % reps_per),
                        CATEGORIES[case_id % len(CATEGORIES)],
                        f"关于第{k % 97 + 1}村道路和饮水问题的诉求{case_id}",
                        "群众反映的问题，需要相关部门研究办理并答复。" * 3,
                        state,
                        due,
                        0,
                        "已办理，详见答复。" if answered else None,
                        _ts(answered) if answered else None,
                        RATINGS[case_id % 3] if rated else None,
                        _ts(rated) if rated else None,
                        _ts(created),
                        _ts(stamp),
                        _ts(stamp) if state == "archived" else None,
                    )
                )
            if len(cases) >= 100_000:
                flush()
        flush()

        proposal_cols = (
            "tenant_id", "id", "kind", "title", "body", "category", "author_id", "state",
            "number", "year", "submitted_at", "round", "answer", "answered_at", "answer_public",
            "created_at", "updated_at",
        )  # fmt: skip
        proposals: list[tuple] = []
        pr_events: list[tuple] = []
        proposal_id = 0
        next_pr_event = 1
        for t, _c, _s in townships:
            for k in range(props_per):
                proposal_id += 1
                created = year_ago + timedelta(seconds=(k * span) // props_per)
                answered = created + timedelta(days=30)
                state = "answered" if answered < now and k % 4 else "submitted"
                number = f"{created.year}-{k + 1:04d}" if state == "answered" else None
                proposals.append(
                    (t, proposal_id, "suggestion", f"关于改善第{k % 50 + 1}村基础设施的建议",
                     "建议内容。" * 20, CATEGORIES[k % len(CATEGORIES)], rep(t, k % reps_per),
                     state, number, created.year if number else None, _ts(created), 1,
                     "答复内容。" if state == "answered" else None,
                     _ts(answered) if state == "answered" else None, False, _ts(created),
                     _ts(answered if state == "answered" else created))
                )  # fmt: skip
                pr_events.append(
                    (t, next_pr_event, proposal_id, "submit", "draft", "submitted", None,
                     f"代表{k % reps_per:04d}", _ts(created))
                )  # fmt: skip
                next_pr_event += 1
                if state == "answered":
                    pr_events.append(
                        (t, next_pr_event, proposal_id, "answer", "assigned", "answered", t,
                         "镇管理员", _ts(answered))
                    )  # fmt: skip
                    next_pr_event += 1
        timed(conn, "pr_proposals", proposal_cols, iter(proposals))
        timed(conn, "pr_events", (*event_cols[:2], "proposal_id", *event_cols[3:]), iter(pr_events))
        conn.commit()
        copied = time.perf_counter() - started_all

        started = time.perf_counter()
        for table, name, definition in fks:
            conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        conn.commit()
        checked = time.perf_counter() - started
        for table in SEQUENCED:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        conn.commit()
        started = time.perf_counter()
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
        analyzed = time.perf_counter() - started
    total = sum(province.rows.values())
    log(
        f"  COPY total {total:,} rows in {copied:.1f} s = {total / copied:,.0f} rows/s; "
        f"{len(fks)} foreign keys re-added and checked in {checked:.1f} s; "
        f"VACUUM ANALYZE {analyzed:.1f} s"
    )
    province.seconds["_copy"], province.seconds["_fk"] = copied, checked
    province.seconds["_analyze"] = analyzed
    return province


def superuser_url_for(admin_url: str, some_url: str) -> str:
    """The superuser's URL on the database that `some_url` points at."""
    from sqlalchemy.engine import make_url

    return (
        make_url(admin_url)
        .set(database=make_url(some_url).database)
        .render_as_string(hide_password=False)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick")
    parser.add_argument("--keep", action="store_true", help="wait for Enter before dropping")
    add_database_url(parser)
    args = parser.parse_args(argv)
    with throwaway_database(args.database_url) as (owner_url, app_url):
        print(f"province data set, preset {args.preset}: {PRESETS[args.preset]}")
        started = time.perf_counter()
        province = generate(superuser_url_for(args.database_url, owner_url), args.preset)
        seconds = time.perf_counter() - started
        total = sum(province.rows.values())
        print(
            f"generated {total:,} rows in {seconds:.1f} s = {total / seconds:,.0f} rows/s overall"
        )
        if args.keep:
            input(f"app role URL: {app_url}\npress Enter to drop the database ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
