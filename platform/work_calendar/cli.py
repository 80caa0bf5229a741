"""`lianxin calendar load FILE` and `lianxin calendar status`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import AppGroup

if TYPE_CHECKING:
    from lianxin.auth.actor import Actor

calendar_cli = AppGroup("calendar", help="The working calendar (holidays and 调休 working days).")


def _actor(username: str | None) -> Actor:
    """The command line's own operator, or a named platform admin (refused if not one)."""
    from sqlalchemy import select

    from lianxin.auth.actor import actor_for
    from lianxin.auth.models import User
    from lianxin.db import db
    from lianxin.work_calendar.service import COMMAND_LINE

    if username is None:
        return COMMAND_LINE
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        click.echo(f"没有用户 {username}", err=True)
        sys.exit(2)
    return actor_for(user)


@calendar_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "username", default=None, help="Record the load as this platform admin.")
def load(file: Path, username: str | None) -> None:
    """Load a year (or years) from FILE (CSV or YAML) copied from the State Council's notice.

    The year(s) in the file become official; their earlier national days are replaced (county
    local holidays are kept); nothing is saved if any row is wrong.
    """
    from lianxin.errors import DomainError
    from lianxin.work_calendar import fileformat, service

    text = fileformat.decode(file.read_bytes())
    try:
        result = service.load_calendar(_actor(username), text, filename=file.name)
    except DomainError as exc:
        click.echo(exc.message, err=True)
        for message in exc.errors.get("file", [])[1:]:
            click.echo(f"  {message}", err=True)
        sys.exit(1)
    for note in result.ignored:
        click.echo(f"  {note}")
    years = "、".join(str(y) for y in result.years)
    click.echo(
        f"已载入 {years} 年工作日历：{result.off_days} 个工作日放假，"
        f"{result.working_days} 个周末调休上班（正式）。"
    )
    for year, counts in result.recomputed.items():
        for name, changed in counts.items():
            click.echo(f"  {year} {name}: 重新计算 {changed} 项")


@calendar_cli.command("status")
def status() -> None:
    """Which years are official and which are estimated (Monday to Friday)."""
    from lianxin.work_calendar import service

    for row in service.year_statuses():
        if row.official:
            state = f"正式  来源 {row.source}  放假 {row.off_days}  调休上班 {row.working_days}"
        else:
            state = "估算（周一至周五，未载入国务院通知）"
        click.echo(f"{row.year}  {state}")
