"""Stored XSS: every free-text column holds a script, and every page shows it escaped.

The demo county is loaded (every module with data), then every free-text column of every table
is overwritten, row by row, with a payload that breaks out of text and of a quoted attribute.
Every GET page of the URL map is then walked as each kind of user, with the ids of real rows
in the URL: no page may carry the payload unescaped, every page carries the security headers,
and none fails. The escaped payload must show up on many pages, so the walk cannot pass by
rendering nothing. SQLite only: escaping happens in the templates, whatever the database.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import String, create_engine, select, text
from sqlalchemy.pool import NullPool
from werkzeug.routing import Rule

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.casework.deadlines import shanghai_today
from lianxin.db import Base, db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.registry import load_first_party
from lianxin.people import imports
from lianxin.storage import service as files
from lianxin.tenants import service as tenants
from tests.helpers import login

pytestmark = pytest.mark.sqlite_only

PASSWORD = "xss-walk-password-2026"
RAW = re.compile(r"<script>lx\(|<i onmouseover=lx\(")
ESCAPED = re.compile(r"&lt;script&gt;lx\(")

# Free text is what a person typed: at least 50 characters wide (names and up). Narrower
# columns are codes (status, kind, role, phone) whose values the code relies on.
MIN_WIDTH = 50
NOT_FREE_TEXT = {
    "slug",
    "username",
    "password_hash",
    "token_hash",
    "code_hash",
    "tracking_hash",
    "checkin_token",
    "hash",
    "prev_hash",
    "storage_key",
    "content_type",
    "sha256",
    "dedupe_key",
    "topic",
    "task_name",
    "name_pinyin",
    "name_initials",
    "email",
    "link",
    "action",
    "target_type",
    "target_id",
    "ip",
    "key",
    "chain",
}

# URL argument → the table its ids come from (a new route's argument is guessed by its name).
ID_TABLES = {
    "branch_id": "branches",
    "campaign_id": "ev_campaigns",
    "case_id": "cases",
    "day_id": "rd_days",
    "file_id": "stored_files",
    "group_id": "representative_groups",
    "import_id": "import_jobs",
    "proposal_id": "pr_proposals",
    "rep_id": "representatives",
    "session_id": "as_sessions",
    "site_id": "rd_sites",
    "station_id": "ws_stations",
    "township_id": "townships",
    "unit_id": "handling_units",
    "vote_id": "as_votes",
}
SKIP_ARGS = {"token", "package", "filename"}  # one-time links, vendored and static files
SKIP_PAGES = {"/readyz"}  # answers 503 by design: this test's app has no broker
USERS = ("cg.admin", "cg.rep", "cg.unit", "county.admin", "admin", None)


def payload(n: int) -> str:
    return f"<script>lx({n})</script>\"'><i onmouseover=lx({n})>"


@pytest.fixture
def app_modules():
    return load_first_party()


def free_text_columns() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            width = getattr(column.type, "length", None)
            if (
                isinstance(column.type, String)
                and not getattr(column.type, "enums", None)
                and (width is None or width >= MIN_WIDTH)
                and column.name not in NOT_FREE_TEXT
                and not column.primary_key
                and not column.foreign_keys
            ):
                found.setdefault(table.name, []).append(column.name)
    return found


def poison(database_url: str) -> int:
    """Overwrite every free-text value with a numbered payload; the number of values."""
    engine = create_engine(database_url, poolclass=NullPool)
    count = 0
    with engine.begin() as conn:
        for table, columns in free_text_columns().items():
            rowids = conn.execute(text(f'SELECT rowid FROM "{table}"')).scalars().all()
            for n, rowid in enumerate(rowids):
                values = {c: payload(n) for c in columns}
                assignments = ", ".join(f'"{c}" = :{c}' for c in columns)
                conn.execute(
                    text(f'UPDATE "{table}" SET {assignments} WHERE rowid = :rowid'),
                    {**values, "rowid": rowid},
                )
                count += len(columns)
    engine.dispose()
    return count


def ids_for(arg: str, tenant_id: int) -> list[Any]:
    if arg == "year":
        this = shanghai_today().year
        return [this, this - 1, this + 1]
    table = ID_TABLES.get(arg) or next(
        (
            t.name
            for t in Base.metadata.sorted_tables
            if t.name.endswith(arg.removesuffix("_id") + "s")
        ),
        None,
    )
    if table is None:
        return [1]
    columns = Base.metadata.tables[table].columns
    where = " WHERE tenant_id = :t" if "tenant_id" in columns else ""
    return (
        db.session.execute(text(f'SELECT id FROM "{table}"{where} ORDER BY id'), {"t": tenant_id})
        .scalars()
        .all()[:3]
    )


def page_rules(app: Any) -> list[Rule]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in r.methods
            and not r.rule.startswith(("/api/", "/static/"))
            and not SKIP_ARGS.intersection(r.arguments)
            and r.rule not in SKIP_PAGES
        ),
        key=lambda r: r.rule,
    )


def urls_for(rule: Rule, tenant_id: int) -> list[str]:
    """The rule with the first real ids of each argument, then the second, then the third."""
    fixed = {"township_slug": "chengguan", "county_slug": "demo"}
    free = [a for a in sorted(rule.arguments) if a not in fixed]
    choices = [ids_for(a, tenant_id) or [1] for a in free]
    urls = []
    for i in range(max((len(c) for c in choices), default=1)):
        values = {**fixed, **{a: c[min(i, len(c) - 1)] for a, c in zip(free, choices, strict=True)}}
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
        urls.append(path)
    return urls


def walks_as(rule: Rule, username: str | None) -> bool:
    """Who can see a page: the public pages anonymously, the rest as who has the right."""
    if rule.rule.startswith("/p/"):
        return username is None
    if rule.rule.startswith("/t/"):
        return username in ("cg.admin", "cg.rep", "cg.unit")
    if rule.rule.startswith("/c/"):
        return username == "county.admin"
    if rule.rule.startswith("/admin"):
        return username == "admin"
    return True


def _seed_more(township: Any) -> None:
    """What the demo lacks: a stored file and a roster import whose cells and name are text."""
    from io import BytesIO

    admin = db.session.scalar(select(User).where(User.username == "cg.admin"))
    actor = actor_for(admin)
    with tenant_context(township.id):
        files.save_upload(actor, township, BytesIO(b"hello"), "note.txt")
        rows = "姓名,性别,出生日期\n" + "".join(
            f"{payload(i)},{payload(i)},{payload(i)}\n" for i in range(3)
        )
        try:
            imports.preview_upload(actor, township, BytesIO(rows.encode()), f"{payload(9)}.csv")
        except Exception:  # a refused sheet still shows its errors on the page
            db.session.rollback()


def test_every_page_shows_stored_scripts_escaped(app, client):
    from lianxin import demo

    demo.load(password=PASSWORD)
    township = tenants.township_by_slug("chengguan")
    _seed_more(township)
    db.session.commit()
    tenant_id = township.id
    assert poison(app.config["DATABASE_URL"]) > 200
    db.session.expire_all()

    rules = page_rules(app)
    shown: set[str] = set()
    answered: set[str] = set()
    failures: list[str] = []
    for username in USERS:
        client.post("/logout")
        if username is not None:
            login(
                client, db.session.scalar(select(User).where(User.username == username)), PASSWORD
            )
        for rule in rules:
            if not walks_as(rule, username):
                continue
            for url in urls_for(rule, tenant_id):
                response = client.get(url)
                body = response.get_data().decode("utf-8", "replace")
                where = f"{username or 'public'} GET {url} → {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"{where}: server error")
                if "Content-Security-Policy" not in response.headers:
                    failures.append(f"{where}: no Content-Security-Policy")
                if response.mimetype == "text/html":
                    if RAW.search(body):
                        at = RAW.search(body).start()
                        failures.append(f"{where}: unescaped: {body[max(0, at - 120) : at + 60]}")
                    if ESCAPED.search(body):
                        shown.add(rule.rule)
                if response.status_code == 200:
                    answered.add(rule.rule)
                    break
    assert not failures, "\n".join(failures[:40])
    # The walk reached most pages and saw the escaped payload on many of them.
    unanswered = sorted({r.rule for r in rules} - answered)
    assert len(answered) >= 0.8 * len(rules), unanswered
    assert len(shown) >= 40, sorted(shown)
    print(
        f"{len(answered)} of {len(rules)} pages answered, {len(shown)} showed the payload escaped"
    )
