"""Issue 22, "backups that restore": the scripts of infra/backup/ run as an operator runs them.

A township database with rows in three townships, audit entries on every kind of chain, signed
checkpoints and uploaded files is backed up by `lianxin-backup.sh` and restored by
`lianxin-restore.sh` into a new database owned by new roles and a new files folder: every chain
verifies, every table has as many rows, every file is there with its bytes, and the new
application role sees one township's rows only. A dump role that row-level security would cut
short is refused before pg_dump runs, and a failing pg_dump leaves nothing behind. Writes while
the backup runs (an entry, its checkpoint) leave a restore that still verifies: that is what the
order checkpoints → database → files is for.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.audit import service as audit
from lianxin.auth.actor import SYSTEM
from lianxin.db import db
from lianxin.db.migrate import upgrade
from lianxin.db.tenancy import tenant_context
from lianxin.storage import service as files
from tests.conftest import (
    PG_HOST,
    PG_PORT,
    PG_SUPERUSER,
    PgCluster,
    base_config,
    create_test_module_tables,
    scratch_database,
    service_missing,
)
from tests.factories import actor, build_world
from tests.testmodule import TEST_MODULES

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
BACKUP = REPO / "infra" / "backup" / "lianxin-backup.sh"
RESTORE = REPO / "infra" / "backup" / "lianxin-restore.sh"
LIANXIN = Path(sys.executable).with_name("lianxin")
SECRET = "test-secret-key-not-for-production"  # base_config's: the audit key derives from it
CHAIN_LINE = re.compile(r"(?:t:\d+|c:\d+|platform) ")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@dataclass
class Source:
    cluster: PgCluster
    files: Path
    home: Path
    townships: dict[str, int]


def _url(role: str, database: str) -> str:
    return f"postgresql+psycopg://{role}@{PG_HOST}:{PG_PORT}/{database}"


def _pg_env(user: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANXIN_", "PG"))}
    return {**env, "PGHOST": PG_HOST, "PGPORT": str(PG_PORT), "PGUSER": user}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, cwd=REPO)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    """A migrated database with committed rows in three townships, audit entries on township,
    county and platform chains, files of two townships and a signed checkpoint of each chain
    (and entries after it)."""
    for tool in ("pg_dump", "pg_restore", "psql", "rsync", "sha256sum"):
        if shutil.which(tool) is None:
            service_missing(tool, "not installed (apt-get install postgresql-client rsync)")
    with scratch_database("lx_bk") as cluster:
        owner_url = _url(cluster.owner, cluster.database)
        upgrade(owner_url, cluster.app_role)
        create_test_module_tables(owner_url, cluster.app_role)
        home = tmp_path_factory.mktemp("source")
        app = create_app(
            base_config(home, _url(cluster.app_role, cluster.database)), modules=TEST_MODULES
        )
        with app.app_context():
            world = build_world()
            places = {"t": world.township, "o": world.other, "f": world.far}
            for key, township in places.items():
                with tenant_context(township.id):
                    for i in range(3):
                        audit.record(
                            "drill.change", actor=SYSTEM, tenant_id=township.id,
                            target_type="thing", target_id=i, after={"v": i},
                        )  # fmt: skip
                    db.session.commit()
                    if key != "f":
                        office = actor(
                            world.users["township_admin" if key == "t" else "other_admin"]
                        )
                        files.save_office_file(office, township, io.BytesIO(PDF), "纪要.pdf")
                        files.save_office_file(office, township, io.BytesIO(PNG), "照片.png")
            audit.record("drill.county", actor=SYSTEM, county_id=world.county.id)
            audit.record("drill.platform", actor=SYSTEM)
            db.session.commit()
            result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
            assert result.exit_code == 0, result.output
            audit.record("drill.after_checkpoint", actor=SYSTEM)
            db.session.commit()
            db.session.remove()
        app.extensions["lianxin.db"].engine.dispose()
        yield Source(cluster, home / "files", home, {k: t.id for k, t in places.items()})


@dataclass
class Restored:
    database: str
    owner: str
    app_role: str
    files: Path
    env: dict[str, str]


@contextmanager
def new_roles(source: Source, tmp_path: Path) -> Iterator[Restored]:
    """Fresh owner and application roles (as infra/postgres/roles.sql makes them) and the names
    of a database and a files folder that do not exist yet; all dropped at the end."""
    suffix = uuid.uuid4().hex[:8]
    target = Restored(f"lx_bkr_{suffix}", f"lx_bkr_o_{suffix}", f"lx_bkr_a_{suffix}",
                      tmp_path / "restored-files", {})  # fmt: skip
    target.env = {
        **_pg_env(PG_SUPERUSER),
        "LIANXIN_DATABASE_URL": _url(target.app_role, target.database),
        "LIANXIN_MIGRATION_DATABASE_URL": _url(target.owner, target.database),
        "LIANXIN_APP_DB_ROLE": target.app_role,
        "LIANXIN_SECRET_KEY": SECRET,
        "LIANXIN_STORAGE": "local",
        "LIANXIN_STORAGE_ROOT": str(target.files),
        "LIANXIN_PUBLIC_BASE_URL": "http://testserver",
        "LIANXIN_INSTANCE_PATH": str(tmp_path / "instance"),
        # No LIANXIN_RESTORE_DATABASE/_OWNER: the script takes both from the migration URL.
        "LIANXIN_BIN": str(LIANXIN),
    }
    admin = source.cluster.admin_engine
    with admin.connect() as conn:
        for role in (target.owner, target.app_role):
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS'))
    try:
        yield target
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            for role in (target.app_role, target.owner):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def backup_env(source: Source, user: str = PG_SUPERUSER) -> dict[str, str]:
    return {
        **_pg_env(user),
        "LIANXIN_STORAGE": "local",
        "LIANXIN_STORAGE_ROOT": str(source.files),
        "LIANXIN_BACKUP_DATABASE": source.cluster.database,
    }


def take_backup(source: Source, dest: Path, env: dict[str, str] | None = None) -> Path:
    result = _run([str(BACKUP), str(dest)], env or backup_env(source))
    assert result.returncode == 0, result.stdout + result.stderr
    (made,) = dest.iterdir()  # the backup, and no leftover of its making
    assert made.name.startswith("lianxin-")
    return made


def row_counts(database: str) -> dict[str, int]:
    """Every table's rows, counted as the superuser (no row-level security)."""
    engine = create_engine(_url(PG_SUPERUSER, database), poolclass=NullPool)
    with engine.connect() as conn:
        tables = conn.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).all()
        counts = {t: conn.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}
    engine.dispose()
    return counts


def security(database: str) -> dict[str, tuple[Any, ...]]:
    """Per table: owner is the database's owner, RLS enabled, forced, and its policies."""
    engine = create_engine(_url(PG_SUPERUSER, database), poolclass=NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relowner = d.datdba, c.relrowsecurity, c.relforcerowsecurity,"
                " (SELECT string_agg(p.polname || ':' || pg_get_expr(p.polqual, p.polrelid), ',')"
                "  FROM pg_policy p WHERE p.polrelid = c.oid)"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " JOIN pg_database d ON d.datname = current_database()"
                " WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        ).all()
    engine.dispose()
    return {row[0]: tuple(row[1:]) for row in rows}


def file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def verify_lines(output: str) -> dict[str, str]:
    """The lines `lianxin audit verify` printed in the restore's output, by chain."""
    return {line.split()[0]: line for line in output.splitlines() if CHAIN_LINE.match(line)}


# Written while the backup runs, between the dump and the copy of the other files (by a pg_dump
# wrapper, after the real pg_dump): an entry on the platform chain and a checkpoint that signs
# it, which lies past the end of the dumped chain.
DURING = """
from lianxin.app import create_app
from lianxin.audit import service as audit
from lianxin.auth.actor import SYSTEM
from lianxin.db import db
app = create_app()
with app.app_context():
    audit.record("drill.during_backup", actor=SYSTEM)
    db.session.commit()
    assert all(r.report.ok for r in audit.checkpoint_all("platform"))
"""


def test_a_backup_taken_during_writes_restores_into_a_new_database_and_verifies(
    source: Source, tmp_path: Path
) -> None:
    """The drill. The checkpoints are copied before the dump and the other files after it, so a
    checkpoint written meanwhile is not in the backup (verify would call the restored chain cut
    short) and every file the dump names is; the restore is the database and files as they were
    when the dump began."""
    wrapper = tmp_path / "bin" / "pg_dump"
    wrapper.parent.mkdir()
    wrapper.write_text(
        f'#!/bin/sh\n{shutil.which("pg_dump")} "$@" || exit $?\n'
        f'exec {sys.executable} -c "$LIANXIN_DRILL_DURING"\n'
    )
    wrapper.chmod(0o755)
    env = {
        **backup_env(source),
        "PATH": f"{wrapper.parent}:{os.environ['PATH']}",
        "LIANXIN_DRILL_DURING": DURING,
        "LIANXIN_DATABASE_URL": _url(source.cluster.app_role, source.cluster.database),
        "LIANXIN_SECRET_KEY": SECRET,
        "LIANXIN_PUBLIC_BASE_URL": "http://testserver",
        "LIANXIN_INSTANCE_PATH": str(source.home),
    }
    counts, digests = row_counts(source.cluster.database), file_digests(source.files)
    made = take_backup(source, tmp_path / "backups", env)
    during = set(file_digests(source.files)) - set(digests)
    assert during and all(key.startswith("audit-checkpoints/platform/") for key in during)
    assert row_counts(source.cluster.database)["audit_entries"] > counts["audit_entries"]
    assert (made / "database.dump").stat().st_size > 0
    assert made.stat().st_mode & 0o777 == 0o700
    with new_roles(source, tmp_path) as target:
        result = _run([str(RESTORE), str(made)], target.env)
        assert result.returncode == 0, result.stdout + result.stderr

        # Every chain verifies against the restored database and files, checkpoints included.
        lines = verify_lines(result.stdout)
        chains = {f"t:{i}" for i in source.townships.values()} | {"platform"}
        assert chains <= set(lines)
        assert any(name.startswith("c:") for name in lines)
        for line in lines.values():
            assert re.search(r" ok \([1-9]\d* checkpoints", line), line
        assert "after the last checkpoint" in lines["platform"]

        assert row_counts(target.database) == counts
        assert file_digests(target.files) == digests
        assert any(key.startswith("audit-checkpoints/") for key in digests)
        assert sum(key.startswith("t/") for key in digests) == 4

        # Owned by the new owner, row-level security on and forced, the same policies.
        restored = security(target.database)
        assert restored == security(source.cluster.database)
        assert all(owned for owned, *_ in restored.values())
        assert restored["stored_files"][1:3] == (True, True)

        # The new application role, as the app connects: one township's rows, no more.
        engine = create_engine(_url(target.app_role, target.database), poolclass=NullPool)
        ours = source.townships["t"]
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM stored_files")) == 0  # no township
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(ours)})
            tenants = conn.scalars(text("SELECT DISTINCT tenant_id FROM stored_files")).all()
            assert tenants == [ours]
            assert conn.scalar(text("SELECT count(*) FROM stored_files")) == 2
            branches = conn.scalars(text("SELECT DISTINCT tenant_id FROM branches")).all()
            assert branches == [ours]
            conn.rollback()
        engine.dispose()


def test_a_dump_role_that_row_security_would_cut_short_is_refused(
    source: Source, tmp_path: Path
) -> None:
    """The owner is subject to FORCEd row-level security: pg_dump as it stops part-way (and with
    --enable-row-security dumps no township's rows). The script refuses before pg_dump runs."""
    dest = tmp_path / "backups"
    result = _run([str(BACKUP), str(dest)], backup_env(source, source.cluster.owner))
    assert result.returncode == 1
    assert f'refusing to dump as role "{source.cluster.owner}"' in result.stderr
    assert "row-level" in result.stderr and "BYPASSRLS" in result.stderr
    assert not dest.exists() or list(dest.iterdir()) == []


def test_a_failing_pg_dump_leaves_no_partial_backup(source: Source, tmp_path: Path) -> None:
    """pg_dump writes its file before it fails: the script keeps nothing and says why."""
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "pg_dump").write_text(
        "#!/bin/sh\n"
        "for a; do case $prev in -f) out=$a;; esac; prev=$a; done\n"
        'printf "PGDMP half" > "$out"\n'
        "echo 'pg_dump: error: query failed: ERROR:  query would be affected by row-level"
        ' security policy for table "cases"\' >&2\n'
        "exit 1\n"
    )
    (shim / "pg_dump").chmod(0o755)
    env = backup_env(source)
    env["PATH"] = f"{shim}:{env['PATH']}"
    dest = tmp_path / "backups"
    result = _run([str(BACKUP), str(dest)], env)
    assert result.returncode == 1
    assert "pg_dump stopped at a table under row-level security" in result.stderr
    assert list(dest.iterdir()) == []


def test_a_backup_role_with_bypassrls_dumps_every_township(source: Source, tmp_path: Path) -> None:
    """The role infra/README.md recommends instead of a superuser: BYPASSRLS and
    pg_read_all_data. Its dump holds the rows of every township."""
    role = f"lx_bk_b_{uuid.uuid4().hex[:8]}"
    admin = source.cluster.admin_engine
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER BYPASSRLS'))
        conn.execute(text(f'GRANT pg_read_all_data TO "{role}"'))
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{source.cluster.database}" TO "{role}"'))
    try:
        made = take_backup(source, tmp_path / "backups", backup_env(source, role))
        assert f"dumped as: {role}" in (made / "backup.txt").read_text()
        dump = str(made / "database.dump")
        data = subprocess.run(
            ["pg_restore", "--data-only", "--table=branches", "-f", "-", dump],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        header, body = data.stdout.split("COPY public.branches (", 1)[1].split(") FROM stdin;\n", 1)
        column = header.split(", ").index("tenant_id")
        rows = body.split("\\.\n", 1)[0].splitlines()
        assert {row.split("\t")[column] for row in rows} == {
            str(t) for t in source.townships.values()
        }
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(f'REVOKE CONNECT ON DATABASE "{source.cluster.database}" FROM "{role}"')
            )
            conn.execute(text(f'DROP ROLE "{role}"'))
