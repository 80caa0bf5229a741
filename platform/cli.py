"""Commands: `lianxin db upgrade`, `lianxin demo load`, `lianxin audit verify`, `lianxin serve` …

`lianxin` is `flask --app lianxin.app` with these commands added.
"""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

db_cli = AppGroup("db", help="Database migrations (run as the owner role).")
demo_cli = AppGroup("demo", help="The demo county.")
audit_cli = AppGroup("audit", help="The hash-chained, signed audit log and its checkpoints.")
outbox_cli = AppGroup("outbox", help="The outbox of side effects.")


@db_cli.command("upgrade")
@click.option("--revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to the newest schema."""
    from lianxin.db.migrate import upgrade

    upgrade(
        current_app.config["MIGRATION_DATABASE_URL"], current_app.config["APP_DB_ROLE"], revision
    )
    click.echo("数据库已迁移到最新版本。")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from alembic import command

    from lianxin.db.migrate import alembic_config

    command.revision(
        alembic_config(current_app.config["MIGRATION_DATABASE_URL"]),
        message=message,
        autogenerate=True,
    )


@demo_cli.command("load")
@click.option("--password", default=None, help="One password for every demo login.")
def demo_load(password: str | None) -> None:
    """Load the demo county (idempotent) and print the demo logins."""
    from lianxin.demo import load

    logins = load(password=password)
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


@click.command("create-platform-admin")
@click.argument("username")
@click.option("--name", default="平台管理员")
@click.password_option()
def create_platform_admin(username: str, name: str, password: str) -> None:
    """Create a platform operator account."""
    from lianxin.auth import service as accounts
    from lianxin.auth.models import Membership
    from lianxin.auth.roles import Role
    from lianxin.db import db

    user = accounts.create_user(username, name, password=password)
    db.session.add(Membership(user_id=user.id, role=Role.PLATFORM_ADMIN.value))
    db.session.commit()
    click.echo(f"platform admin {username} created")


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
    from lianxin.work_calendar.cli import calendar_cli

    for command in (
        db_cli,
        demo_cli,
        audit_cli,
        outbox_cli,
        calendar_cli,
        create_platform_admin,
        serve,
    ):
        app.cli.add_command(command)
