"""Commands: `lianxin db upgrade`, `lianxin demo load`, `lianxin audit verify`, `lianxin serve` …

`lianxin` is `flask --app lianxin.app` with these commands added.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup

db_cli = AppGroup("db", help="Database migrations (run as the owner role).")
demo_cli = AppGroup("demo", help="The demo county.")
audit_cli = AppGroup("audit", help="The hash-chained, signed audit log and its checkpoints.")
outbox_cli = AppGroup("outbox", help="The outbox of side effects.")


@contextmanager
def _migration_errors() -> Iterator[None]:
    """Alembic's and the database's refusals as one line on stderr and exit 1, not a traceback."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from lianxin.db.migrate import AppRoleMissing

    try:
        yield
    except (AppRoleMissing, CommandError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(f"error: the database refused: {first}", err=True)
        sys.exit(1)


def _owner_url() -> str:
    return str(current_app.config["MIGRATION_DATABASE_URL"])


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema (or to --revision), then grant the
    application role (LIANXIN_APP_DB_ROLE) its privileges; exit 1 if that role is missing."""
    from lianxin.db.migrate import upgrade

    with _migration_errors():
        upgrade(_owner_url(), current_app.config["APP_DB_ROLE"], revision)
    if revision == "head":
        click.echo("数据库已迁移到最新版本。")
    else:
        click.echo(f"数据库已迁移到 {revision}。")


@db_cli.command("current")
@click.option("-v", "--verbose", is_flag=True)
def db_current(verbose: bool) -> None:
    """The revision the database is at ("(head)" when it is the newest)."""
    from lianxin.db.migrate import current, current_heads

    with _migration_errors():
        if not current_heads(_owner_url()):
            click.echo("no revision: the database was never migrated (lianxin db upgrade)")
            return
        current(_owner_url(), verbose=verbose)


@db_cli.command("history")
@click.option("-v", "--verbose", is_flag=True)
def db_history(verbose: bool) -> None:
    """Every revision, newest first, the database's marked "(current)"."""
    from lianxin.db.migrate import history

    with _migration_errors():
        history(_owner_url(), verbose=verbose)


@db_cli.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Do not ask (scripts).")
def db_downgrade(revision: str, yes: bool) -> None:
    """Undo migrations down to REVISION (an id, -1 for one step, base for all).

    A downgrade drops the tables and columns the undone revisions added, with their data:
    take a backup first (infra/README.md, "Backups").
    """
    from lianxin.db.migrate import downgrade

    if not yes:
        click.confirm(
            f"Downgrade the database to {revision}? Tables and columns added after it are "
            "dropped with their data.",
            abort=True,
        )
    with _migration_errors():
        downgrade(_owner_url(), revision)
    click.echo(f"数据库已降级到 {revision}。")


@db_cli.command("stamp")
@click.argument("revision")
def db_stamp(revision: str) -> None:
    """Record REVISION as the database's version without running anything (a database whose
    schema is known to match it, e.g. restored by hand)."""
    from lianxin.db.migrate import stamp

    with _migration_errors():
        stamp(_owner_url(), revision)
    click.echo(f"数据库版本已标记为 {revision}（未执行迁移）。")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from alembic import command

    from lianxin.db.migrate import alembic_config

    command.revision(alembic_config(_owner_url()), message=message, autogenerate=True)


def _embedded() -> bool:
    """The embedded default: a SQLite file, nobody's production."""
    config = current_app.config
    return bool(config.get("EMBEDDED")) and str(config["DATABASE_URL"]).startswith("sqlite")


@demo_cli.command("load")
@click.option("--password", default=None, help="One password for every demo login.")
@click.option(
    "--i-know",
    "i_know",
    is_flag=True,
    help="Load into a database that is not the embedded SQLite default (a staging copy).",
)
def demo_load(password: str | None, i_know: bool) -> None:
    """Load the demo county (idempotent) and print the demo logins.

    The demo creates a platform admin and a dozen accounts with one published password:
    outside the embedded SQLite default it refuses unless given --i-know.
    """
    if not _embedded() and not i_know:
        click.echo(
            "refused: this is not the embedded SQLite database (LIANXIN_DATABASE_URL points at "
            "a server). The demo adds a platform admin and about a dozen accounts whose password "
            "is printed and published; never load it into production. On a throw-away staging "
            "database run `lianxin demo load --i-know --password …`.",
            err=True,
        )
        sys.exit(1)
    from lianxin.demo import load

    # The two years of history send thousands of texts through the log channel; they are the
    # demo's past, not news: the load says nothing but warnings, then the logins.
    notify_log = logging.getLogger("lianxin.notify")
    level = notify_log.level
    notify_log.setLevel(logging.WARNING)
    try:
        logins = load(password=password)
    finally:
        notify_log.setLevel(level)
    click.echo("")
    click.echo("演示账号（用户名 / 密码 / 角色 / 所在）：")
    for login in logins:
        click.echo(f"  {login.username:<22} {login.password:<16} {login.role}  {login.place}")


def _chain_line(name: str, entries: int, state: str) -> str:
    return f"{name:<12} {entries:>7} entries  {state}"


@audit_cli.command("verify")
@click.option("--chain", default=None, help="One chain, e.g. t:5, c:1 or platform.")
def audit_verify(chain: str | None) -> None:
    """Check every entry's link, hash and MAC and every signed checkpoint; exit 1 on a break.

    Exit 2 if the checkpoints in the file store cannot be read.
    """
    from lianxin.audit.service import all_chains, load_anchors, verify_chain
    from lianxin.storage.backends import StorageError

    try:
        anchors = load_anchors(chain)
    except StorageError as exc:
        click.echo(f"cannot read the audit checkpoints in the file store: {exc}", err=True)
        sys.exit(2)
    broken = 0
    if anchors.legacy_problem is not None:
        click.echo(f"legacy anchor BROKEN: {anchors.legacy_problem}")
        broken += 1
    for name in [chain] if chain else sorted(set(all_chains()) | anchors.chains()):
        report = verify_chain(name, anchors=anchors)
        if report.ok:
            notes = [f"{report.checkpoints} checkpoints, anchored to #{report.anchored}"]
            if report.unsigned:
                notes.append(f"{report.unsigned} legacy entries without MAC")
            if report.anchored < report.entries:
                notes.append(f"{report.entries - report.anchored} after the last checkpoint")
            state = f"ok ({'; '.join(notes)})"
        else:
            state = f"BROKEN at #{report.broken_at}: {report.reason}"
        click.echo(_chain_line(name, report.entries, state))
        broken += not report.ok
    sys.exit(1 if broken else 0)


@audit_cli.command("checkpoint")
@click.option("--chain", default=None, help="One chain, e.g. t:5, c:1 or platform.")
def audit_checkpoint(chain: str | None) -> None:
    """Sign a checkpoint of each chain that grew into the file store (the hourly task does too).

    A chain that does not verify gets none; exit 1 then.
    """
    from lianxin.audit.service import checkpoint_all
    from lianxin.storage.backends import StorageError

    try:
        results = checkpoint_all(chain)
    except StorageError as exc:
        click.echo(f"cannot write the audit checkpoints to the file store: {exc}", err=True)
        sys.exit(2)
    broken = 0
    for result in results:
        report = result.report
        if not report.ok:
            state = f"BROKEN at #{report.broken_at}: {report.reason} (no checkpoint written)"
        elif result.written is not None:
            state = f"checkpoint #{result.written.seq} written"
        else:
            state = f"unchanged since checkpoint #{report.anchored}"
        click.echo(_chain_line(result.chain, report.entries, state))
        broken += not report.ok
    sys.exit(1 if broken else 0)


@outbox_cli.command("sweep")
def outbox_sweep() -> None:
    """Deliver every due outbox message now."""
    from lianxin.notify import service

    delivered = sum(service.deliver(mid) for mid, _t in service.due_message_ids())
    click.echo(f"delivered {delivered}")


@outbox_cli.command("dead")
@click.option("--limit", default=500, show_default=True)
def outbox_dead(limit: int) -> None:
    """List the dead letters: messages and tasks that failed every attempt (newest first).

    Columns: id (for `replay`), kind, township, attempts, created (Asia/Shanghai), error. No
    message content is shown; e-mail addresses and phone numbers in errors are masked.
    """
    from lianxin.notify import dead_letters
    from lianxin.web.templating import localtime

    rows = dead_letters.list_dead(dead_letters.COMMAND_LINE, limit=limit)
    if not rows:
        click.echo("no dead letters")
        return
    click.echo(f"{'id':>6}  {'kind':<28} {'township':<16} {'tries':>5}  {'created':<16}  error")
    for row in rows:
        attempts = "-" if row.attempts is None else str(row.attempts)
        click.echo(
            f"{row.id:>6}  {row.kind:<28} {row.township or '-':<16} {attempts:>5}  "
            f"{localtime(row.created_at):<16}  {row.error}"
        )
    click.echo(f"{len(rows)} dead letter(s); `lianxin outbox replay ID` sends one again")


@outbox_cli.command("replay")
@click.argument("dead_letter_id", type=int, required=False)
@click.option("--all", "replay_every", is_flag=True, help="Replay every dead letter.")
def outbox_replay(dead_letter_id: int | None, replay_every: bool) -> None:
    """Send a dead letter again: its outbox message back in the queue with attempts reset
    (or its task sent again); the letter is removed and the replay audited."""
    from lianxin.errors import DomainError
    from lianxin.notify import dead_letters

    if (dead_letter_id is None) != replay_every:
        click.echo("give one dead letter ID or --all", err=True)
        sys.exit(2)
    actor = dead_letters.COMMAND_LINE
    if replay_every:
        refused = 0
        for result in dead_letters.replay_all(actor):
            if isinstance(result, str):
                click.echo(f"not replayed {result}", err=True)
                refused += 1
            else:
                click.echo(f"replayed #{result.dead_letter_id} ({result.kind})")
        sys.exit(1 if refused else 0)
    assert dead_letter_id is not None
    try:
        result = dead_letters.replay(actor, dead_letter_id)
    except DomainError as exc:
        click.echo(f"not replayed: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"replayed #{result.dead_letter_id} ({result.kind})")


@click.command("create-platform-admin")
@click.argument("username")
@click.option("--name", default="平台管理员", show_default=True)
@click.password_option(help="At least 10 characters, letters and digits (asked if not given).")
def create_platform_admin(username: str, name: str, password: str) -> None:
    """Create a platform operator account (the first one, at deployment: infra/README.md)."""
    from lianxin.auth import service as accounts
    from lianxin.auth.models import Membership
    from lianxin.auth.roles import Role
    from lianxin.db import db
    from lianxin.errors import DomainError

    try:
        user = accounts.create_user(username, name, password=password)
    except DomainError as exc:
        db.session.rollback()
        click.echo(f"not created: {exc.message}", err=True)
        for field, messages in exc.errors.items():
            for message in messages:
                click.echo(f"  {field}: {message}", err=True)
        sys.exit(1)
    db.session.add(Membership(user_id=user.id, role=Role.PLATFORM_ADMIN.value))
    db.session.commit()
    click.echo(f"platform admin {user.username} created")


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve(host: str, port: int) -> None:
    """Serve the site (development server); checks the database and broker first."""
    from lianxin.web.health import exit_unless_ready

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    exit_unless_ready(app)
    click.echo(f"连心已启动：http://{host}:{port}")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False)


def register_commands(app: Flask) -> None:
    from lianxin.takeout.cli import township_cli
    from lianxin.work_calendar.cli import calendar_cli

    for command in (
        db_cli,
        demo_cli,
        audit_cli,
        outbox_cli,
        calendar_cli,
        township_cli,
        create_platform_admin,
        serve,
    ):
        app.cli.add_command(command)
