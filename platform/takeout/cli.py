"""`lianxin township export SLUG [-o FILE]`: a township's data as a documented archive."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

township_cli = AppGroup("township", help="One township's data.")


@township_cli.command("export")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Where to write the archive (default: SLUG-YYYYMMDD-HHMM.zip here).",
)
def export(slug: str, output: Path | None) -> None:
    """Write every table and file of the township SLUG into one zip (platform/takeout/README.md).

    Secrets and anything that would tell how a person voted or rated are left out. The archive
    is written beside FILE and moved into place only when complete. Audited.
    """
    from lianxin.takeout import service

    township = service.township_by_slug(slug)
    if township is None:
        click.echo(f"no township {slug!r}", err=True)
        sys.exit(2)
    out = output or Path(service.archive_name(township))
    if out.exists():
        click.echo(f"{out} exists; not overwritten", err=True)
        sys.exit(2)
    result = service.export_to_file(township.id, out)
    click.echo(f"{out}: {len(result.rows)} tables, {result.total_rows} rows, {result.files} files")
    if result.missing_files:
        ids = ", ".join(str(i) for i in result.missing_files)
        click.echo(f"warning: files missing from the file store (listed in manifest): {ids}")
    if result.foreign_files:
        ids = ", ".join(str(i) for i in result.foreign_files)
        click.echo(f"warning: files outside the township's prefix, not exported: {ids}")
