"""The operator's commands and their safety rails (issue 22, "Commands and safety rails").

- `lianxin db current / history / downgrade / stamp`, and plain `alembic -c alembic.ini`.
- `lianxin db upgrade` with a missing LIANXIN_APP_DB_ROLE stops, migrates nothing, exit 1.
- `infra/postgres/roles.sql` takes its names from psql variables.
- `create-platform-admin` answers a weak password or a taken name in words, exit 1.
- `lianxin demo load` refuses a database that is not the embedded SQLite without --i-know.
- Dead letters: `lianxin outbox dead`, `lianxin outbox replay`, and the operator's page.
- `infra/env.example` can be sourced by sh (`set -a; . lianxin.env`).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from flask import g
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.audit.models import AuditEntry
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.db import db, utcnow
from lianxin.notify import service
from lianxin.notify.models import DeadLetter, OutboxMessage, OutboxStatus
from tests.conftest import PG_HOST, PG_PORT, PG_SUPERUSER, base_config, scratch_database
from tests.factories import PASSWORD
from tests.helpers import login

ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "infra" / "postgres" / "roles.sql"
ENV_EXAMPLE = ROOT / "infra" / "env.example"
ALEMBIC_INI = ROOT / "alembic.ini"


def _cli_app(tmp_path: Path, database_url: str, **config: Any) -> Any:
    return create_app({**base_config(tmp_path, database_url), **config}, modules=())


def _script() -> Any:
    from alembic.script import ScriptDirectory

    from lianxin.db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config(""))


HEAD = _script().get_current_head()


def _previous(revision: str) -> str:
    down = _script().get_revision(revision).down_revision
    assert isinstance(down, str)
    return down


# --- lianxin db ---------------------------------------------------------------------------------


def test_db_current_history_downgrade_stamp_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = _cli_app(tmp_path, url).test_cli_runner()

    empty = runner.invoke(args=["db", "current"])
    assert empty.exit_code == 0 and "never migrated" in empty.output
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    current = runner.invoke(args=["db", "current"])
    assert current.exit_code == 0 and f"{HEAD} (head)" in current.output

    history = runner.invoke(args=["db", "history"])
    assert history.exit_code == 0
    assert "0001_foundation" in history.output and f"{HEAD} (head) (current)" in history.output

    previous = _previous(HEAD)
    # Without --yes it asks, and "no" changes nothing.
    asked = runner.invoke(args=["db", "downgrade", previous], input="n\n")
    assert asked.exit_code == 1 and "dropped with their data" in asked.output
    assert f"{HEAD} (head)" in runner.invoke(args=["db", "current"]).output

    down = runner.invoke(args=["db", "downgrade", previous, "--yes"])
    assert down.exit_code == 0, down.output
    assert runner.invoke(args=["db", "current"]).output.strip() == previous

    stamped = runner.invoke(args=["db", "stamp", "head"])
    assert stamped.exit_code == 0, stamped.output
    assert f"{HEAD} (head)" in runner.invoke(args=["db", "current"]).output

    unknown = runner.invoke(args=["db", "stamp", "9999_nowhere"])
    assert unknown.exit_code == 1 and "9999_nowhere" in unknown.output
    assert unknown.exception is None or isinstance(unknown.exception, SystemExit)


def _pg_url(cluster: Any, role: str) -> str:
    return str(cluster.url(role).render_as_string(hide_password=False))


def _has_select(cluster: Any, role: str, table: str) -> bool:
    engine = create_engine(_pg_url(cluster, PG_SUPERUSER), poolclass=NullPool)
    with engine.connect() as conn:
        granted = conn.scalar(
            text("SELECT has_table_privilege(:r, :t, 'SELECT')"), {"r": role, "t": table}
        )
    engine.dispose()
    return bool(granted)


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=NullPool)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def _alembic(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Plain `alembic -c alembic.ini …`, as an operator types it, from another folder."""
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd="/",
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_postgres_upgrade_refuses_a_missing_app_role_then_grants_and_plain_alembic_works(
    tmp_path,
):
    with scratch_database("lx_cli") as cluster:
        owner = _pg_url(cluster, cluster.owner)
        missing = f"lx_nobody_{uuid.uuid4().hex[:8]}"
        app = _cli_app(tmp_path, _pg_url(cluster, cluster.app_role), MIGRATION_DATABASE_URL=owner)

        app.config["APP_DB_ROLE"] = missing
        refused = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert refused.exit_code == 1
        assert missing in refused.output and "does not exist" in refused.output
        assert "数据库已迁移" not in refused.output
        assert _tables(owner) == set()  # nothing migrated, not even the version table

        app.config["APP_DB_ROLE"] = cluster.app_role
        runner = app.test_cli_runner()
        done = runner.invoke(args=["db", "upgrade"])
        assert done.exit_code == 0 and "数据库已迁移到最新版本" in done.output
        assert _has_select(cluster, cluster.app_role, "outbox_messages")
        assert f"{HEAD} (head)" in runner.invoke(args=["db", "current"]).output

        previous = _previous(HEAD)
        assert runner.invoke(args=["db", "downgrade", previous, "--yes"]).exit_code == 0
        assert runner.invoke(args=["db", "current"]).output.strip() == previous

        # Plain alembic: the database from -x url, the role from -x app_role; a missing one
        # fails there too.
        bad = _alembic("-x", f"url={owner}", "-x", f"app_role={missing}", "upgrade", "head")
        assert bad.returncode != 0 and missing in bad.stderr
        good = _alembic(
            "-x", f"url={owner}", "-x", f"app_role={cluster.app_role}", "upgrade", "head"
        )
        assert good.returncode == 0, good.stderr
        # …or from LIANXIN_MIGRATION_DATABASE_URL, as `set -a; . lianxin.env` leaves it.
        shown = _alembic("current", env={"LIANXIN_MIGRATION_DATABASE_URL": owner})
        assert shown.returncode == 0 and f"{HEAD} (head)" in shown.stdout, shown.stderr

        # …or from sqlalchemy.url (the ini file, or a program's Config).
        out = io.StringIO()
        config = Config(str(ALEMBIC_INI), stdout=out)
        config.set_main_option("sqlalchemy.url", owner.replace("%", "%%"))
        command.current(config)
        assert f"{HEAD} (head)" in out.getvalue()


# --- infra/postgres/roles.sql -------------------------------------------------------------------


def _psql(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "psql",
            "-X",
            "-h",
            PG_HOST,
            "-p",
            str(PG_PORT),
            "-U",
            PG_SUPERUSER,
            "-d",
            "postgres",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_roles_sql_takes_its_names_from_psql_variables():
    from tests.conftest import service_missing

    if subprocess.run(["which", "psql"], capture_output=True, check=False).returncode:
        service_missing("psql", "the PostgreSQL client is not installed")
    suffix = uuid.uuid4().hex[:8]
    owner, app_role, database = f"lx_rs_o_{suffix}", f"lx_rs_a_{suffix}", f"lx_rs_{suffix}"
    variables = [
        *("-v", f"owner={owner}", "-v", f"app={app_role}", "-v", f"db={database}"),
        *("-v", "owner_password=o-secret-1", "-v", "app_password=a-secret-1"),
    ]
    engine = create_engine(
        f"postgresql+psycopg://{PG_SUPERUSER}@{PG_HOST}:{PG_PORT}/postgres",
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )
    try:
        for _run in range(2):  # a second run changes nothing and does not fail
            ran = _psql("-v", "ON_ERROR_STOP=1", *variables, "-f", str(ROLES_SQL))
            assert ran.returncode == 0, ran.stderr
        with engine.connect() as conn:
            roles = {
                r.rolname: r
                for r in conn.execute(
                    text(
                        "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, "
                        "rolreplication, rolcanlogin, rolpassword IS NOT NULL AS has_password "
                        "FROM pg_authid WHERE rolname IN (:o, :a)"
                    ),
                    {"o": owner, "a": app_role},
                )
            }
            assert set(roles) == {owner, app_role}
            for role in roles.values():
                assert role.rolcanlogin and role.has_password
                assert not (role.rolsuper or role.rolbypassrls or role.rolcreatedb)
                assert not (role.rolcreaterole or role.rolreplication)
            db_owner = conn.scalar(
                text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d"),
                {"d": database},
            )
            assert db_owner == owner
            can = conn.execute(
                text(
                    "SELECT has_database_privilege(:a, :d, 'CONNECT') AS app_connects, "
                    "has_database_privilege('public', :d, 'CONNECT') AS public_connects"
                ),
                {"a": app_role, "d": database},
            ).one()
            assert can.app_connects and not can.public_connects
        on_db = create_engine(
            f"postgresql+psycopg://{PG_SUPERUSER}@{PG_HOST}:{PG_PORT}/{database}",
            poolclass=NullPool,
        )
        with on_db.connect() as conn:
            schema = conn.execute(
                text(
                    "SELECT has_schema_privilege(:o, 'public', 'CREATE') AS owner_creates, "
                    "has_schema_privilege(:a, 'public', 'CREATE') AS app_creates, "
                    "has_schema_privilege(:a, 'public', 'USAGE') AS app_uses"
                ),
                {"o": owner, "a": app_role},
            ).one()
        on_db.dispose()
        assert schema.owner_creates and schema.app_uses and not schema.app_creates
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{app_role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        engine.dispose()


def test_roles_sql_defaults_are_the_documented_names():
    """Without -v (docker-entrypoint-initdb.d) the names are those env.example uses."""
    source = ROLES_SQL.read_text(encoding="utf-8")
    for default in (
        r"\set owner lianxin_owner",
        r"\set app lianxin_app",
        r"\set db lianxin",
    ):
        assert default in source
    # Outside the header comment, no hard-coded name is left.
    body = "\n".join(line for line in source.splitlines() if not line.startswith("--"))
    body = body.replace(r"\set owner lianxin_owner", "").replace(r"\set app lianxin_app", "")
    assert "lianxin_owner" not in body and "lianxin_app" not in body
    env = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert "lianxin_app:" in env and "lianxin_owner:" in env and "@127.0.0.1:5432/lianxin" in env


# --- create-platform-admin ----------------------------------------------------------------------


def _admins(username: str) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(User.username == username, Membership.role == Role.PLATFORM_ADMIN.value)
        )
        or 0
    )


def test_create_platform_admin_answers_in_words(app, world):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-platform-admin", "ops.admin", "--password", "short"])
    assert weak.exit_code == 1
    assert "密码至少需要10位" in weak.output and "Traceback" not in weak.output
    assert not isinstance(weak.exception, Exception) or isinstance(weak.exception, SystemExit)

    letters = runner.invoke(
        args=["create-platform-admin", "ops.admin", "--password", "onlyletters"]
    )
    assert letters.exit_code == 1 and "密码须同时包含字母和数字" in letters.output

    taken = world.users["platform"].username
    again = runner.invoke(args=["create-platform-admin", taken, "--password", "good-password-1"])
    assert again.exit_code == 1 and "该用户名已被使用" in again.output
    assert isinstance(again.exception, SystemExit)

    made = runner.invoke(
        args=["create-platform-admin", "ops.admin", "--password", "good-password-1"]
    )
    assert made.exit_code == 0, made.output
    assert "platform admin ops.admin created" in made.output
    assert _admins("ops.admin") == 1


# --- lianxin demo load --------------------------------------------------------------------------


def test_demo_load_refuses_a_server_database_without_i_know(app, monkeypatch):
    loaded: list[Any] = []
    monkeypatch.setattr("lianxin.demo.load", lambda password=None: loaded.append(password) or [])
    runner = app.test_cli_runner()

    monkeypatch.setitem(app.config, "EMBEDDED", False)
    monkeypatch.setitem(app.config, "DATABASE_URL", "postgresql+psycopg://lianxin_app@db/lianxin")
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code == 1 and "--i-know" in refused.output
    assert loaded == []

    assert runner.invoke(args=["demo", "load", "--i-know", "--password", "x"]).exit_code == 0
    assert loaded == ["x"]

    # The embedded default (`make run`) needs no flag.
    monkeypatch.setitem(app.config, "EMBEDDED", True)
    monkeypatch.setitem(app.config, "DATABASE_URL", "sqlite:///instance/lianxin.db")
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert loaded == ["x", None]


# --- dead letters -------------------------------------------------------------------------------

PERSONAL = "13812345678"  # in the payload and the error: never shown in clear


def _dead(world: Any, *, attempts: int = 8) -> tuple[int, int]:
    """An outbox message that used up its attempts, as `_mark_failed` leaves it."""
    message = OutboxMessage(
        tenant_id=world.township.id,
        topic="test.dead",
        payload={"to": PERSONAL, "name": "张三", "body": "您的诉求已办结"},
        status=OutboxStatus.DEAD,
        attempts=attempts,
        available_at=utcnow(),
        last_error=f"SmsRefused: {PERSONAL} rejected by gateway (zhang@example.org)",
    )
    db.session.add(message)
    db.session.flush()
    letter = DeadLetter(
        outbox_id=message.id,
        task_name="outbox:test.dead",
        tenant_id=world.township.id,
        arguments={"message_id": message.id},
        error=message.last_error,
    )
    db.session.add(letter)
    db.session.commit()
    return letter.id, message.id


@pytest.fixture
def delivered(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setitem(service.HANDLERS, "test.dead", lambda m: calls.append(m.id))
    return calls


def _message(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message is not None
    return message


def _replay_audited(letter_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.chain == "platform",
                AuditEntry.action == "outbox.replayed",
                AuditEntry.target_id == str(letter_id),
            )
        )
        or 0
    )


def test_outbox_dead_lists_and_replay_requeues(app, world, delivered):
    letter_id, message_id = _dead(world)
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["outbox", "dead"])
    assert listed.exit_code == 0, listed.output
    line = next(x for x in listed.output.splitlines() if x.strip().startswith(str(letter_id)))
    assert "outbox:test.dead" in line and world.township.slug in line and " 8 " in line
    assert "SmsRefused" in line and "138****5678" in line and "***@example.org" in line
    assert PERSONAL not in listed.output and "张三" not in listed.output
    assert "zhang@" not in listed.output and "办结" not in listed.output

    replayed = runner.invoke(args=["outbox", "replay", str(letter_id)])
    assert replayed.exit_code == 0, replayed.output
    assert f"replayed #{letter_id}" in replayed.output
    # Back in the queue with its attempts reset; the worker (eager here) delivered it at once.
    assert delivered == [message_id]
    message = _message(message_id)
    assert message.status == OutboxStatus.DELIVERED and message.attempts == 1
    assert db.session.get(DeadLetter, letter_id) is None
    assert _replay_audited(letter_id) == 1
    assert "no dead letters" in runner.invoke(args=["outbox", "dead"]).output

    again = runner.invoke(args=["outbox", "replay", str(letter_id)])
    assert again.exit_code == 1 and "没有编号为" in again.output
    assert runner.invoke(args=["outbox", "replay"]).exit_code == 2


def test_outbox_replay_all(app, world, delivered):
    first, _ = _dead(world)
    second, _ = _dead(world, attempts=3)
    result = app.test_cli_runner().invoke(args=["outbox", "replay", "--all"])
    assert result.exit_code == 0, result.output
    assert f"replayed #{first}" in result.output and f"replayed #{second}" in result.output
    assert len(delivered) == 2
    assert db.session.scalar(select(func.count()).select_from(DeadLetter)) == 0


def test_a_dead_task_is_sent_again_with_its_arguments(app, world):
    """A task that failed for good (PlatformTask.on_failure) is sent again as it was."""
    swept = DeadLetter(
        task_name="outbox.sweep",
        arguments={"args": [], "kwargs": {}, "task_id": "t-1"},
        error="OperationalError: server closed the connection",
    )
    gone = DeadLetter(task_name="retired.module.task", arguments={}, error="KeyError: x")
    db.session.add_all([swept, gone])
    db.session.commit()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "dead"]).output
    assert "outbox.sweep" in listed and "OperationalError" in listed
    sent = runner.invoke(args=["outbox", "replay", str(swept.id)])
    assert sent.exit_code == 0, sent.output
    assert db.session.get(DeadLetter, swept.id) is None and _replay_audited(swept.id) == 1
    refused = runner.invoke(args=["outbox", "replay", str(gone.id)])
    assert refused.exit_code == 1 and "已不存在" in refused.output
    assert db.session.get(DeadLetter, gone.id) is not None and _replay_audited(gone.id) == 0


# --- the operator's page ------------------------------------------------------------------------

PAGE = "/admin/outbox/dead"


def test_dead_letter_page_for_platform_admins_only(app, world, client, delivered):
    letter_id, message_id = _dead(world)
    replay = f"{PAGE}/{letter_id}/replay"

    anonymous = client.get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    login(client, world.users["township_admin"])
    assert client.get(PAGE).status_code == 403
    assert client.post(replay).status_code == 403
    assert _message(message_id).status == OutboxStatus.DEAD

    other = app.test_client()
    login(other, world.users["county_admin"])
    assert other.get(PAGE).status_code == 403
    assert other.post(replay).status_code == 403

    admin = app.test_client()
    login(admin, world.users["platform"])
    page = admin.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "死信" in html and "重新发送" in html and f"dead-letter-{letter_id}" in html
    assert world.township.slug in html and "138****5678" in html
    assert PERSONAL not in html and "张三" not in html and "办结" not in html

    done = admin.post(replay)
    assert done.status_code == 302 and done.headers["Location"].endswith(PAGE)
    assert delivered == [message_id]
    assert _message(message_id).status == OutboxStatus.DELIVERED
    assert _replay_audited(letter_id) == 1
    after = admin.get(PAGE).get_data(as_text=True)
    assert "已重新放入发送队列" in after and "没有死信" in after

    missing = admin.post(replay)  # already replayed: said in words, nothing else happens
    assert missing.status_code == 302
    assert "没有编号为" in admin.get(PAGE).get_data(as_text=True)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_dead_letter_replay_needs_the_csrf_token(app, world, client, delivered):
    letter_id, message_id = _dead(world)
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    user = world.users["platform"].username
    signed_in = client.post(
        "/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    assert client.post(f"{PAGE}/{letter_id}/replay").status_code == 400
    assert _message(message_id).status == OutboxStatus.DEAD
    # The test's app context outlives requests, and Flask-WTF caches the token in `g`: forget
    # the one of the login page (its session was cleared at login), as a new request would.
    g.pop("csrf_token", None)
    html = client.get(PAGE).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert client.post(f"{PAGE}/{letter_id}/replay", data={"csrf_token": token}).status_code == 302
    assert delivered == [message_id]


# --- infra/env.example --------------------------------------------------------------------------


def test_env_example_can_be_sourced_by_sh():
    script = (
        f'set -a; . "{ENV_EXAMPLE}"; set +a; '
        'printf "%s\\n%s\\n%s\\n" "$LIANXIN_PUBLIC_SUBMIT_RATE_LIMIT" '
        '"$LIANXIN_LOGIN_RATE_LIMIT" "$LIANXIN_PUBLIC_BASE_URL"'
    )
    ran = subprocess.run(
        ["sh", "-c", script], capture_output=True, text=True, timeout=10, check=False
    )
    assert ran.returncode == 0 and ran.stderr == "", ran.stderr
    submit, login_limit, base_url = ran.stdout.splitlines()
    assert submit == "5 per minute; 30 per day" and login_limit == "10 per minute"
    # The public address is one of the values an operator must replace.
    assert "CHANGE-ME" in base_url


@pytest.mark.parametrize("name", ["LIANXIN_SECRET_KEY", "LIANXIN_PUBLIC_BASE_URL"])
def test_a_production_start_refuses_env_example_placeholders(name, tmp_path):
    """env.example's secret key is public: a deployment that kept it could have its sessions
    forged. Outside the embedded default the app refuses to start with a CHANGE-ME value."""
    from lianxin import config

    env = {
        "LIANXIN_DATABASE_URL": "postgresql+psycopg://lianxin_app:pw@127.0.0.1/lianxin",
        "LIANXIN_SECRET_KEY": "k" * 40,
        "LIANXIN_PUBLIC_BASE_URL": "https://lianxin.example.org",
    }
    assert config.from_environ(env, instance_path=str(tmp_path))["SECRET_KEY"] == "k" * 40
    placeholders = dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if line.startswith(("LIANXIN_SECRET_KEY=", "LIANXIN_PUBLIC_BASE_URL="))
    )
    with pytest.raises(RuntimeError, match=f"{name} still holds the placeholder CHANGE-ME"):
        config.from_environ({**env, name: placeholders[name]}, instance_path=str(tmp_path))
    # The embedded default takes whatever it is given.
    embedded = {**env, "LIANXIN_DATABASE_URL": "sqlite://", name: placeholders[name]}
    config.from_environ(embedded, instance_path=str(tmp_path))
