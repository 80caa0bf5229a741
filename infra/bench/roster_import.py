"""Benchmark: rows per second of the roster import (preview, then commit) on PostgreSQL.

    .venv/bin/python infra/bench/roster_import.py --rows 5000 \
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

`--database-url` names a superuser connection to the server (default: `postgres` on
127.0.0.1:5432, trust auth). The benchmark creates its own throwaway database with an owner role
and an application role (no table, no BYPASSRLS), as tests/conftest.py does, migrates it as the
owner, then runs the app as the application role, so row-level security is on as in production.
It loads one township with branches and groups, builds an .xlsx roster in memory, and times
`imports.preview_upload` and `imports.commit_import` (more rows than IMPORT_ASYNC_ROWS go
through the Celery task, eager here, with its progress writes), then a re-import of the same
file (every row an update). The database and roles are dropped at the end, whatever happens.

Not part of `make test`.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BRANCHES = ["东关村党支部", "西关村党支部", "新华社区党支部", "城南社区党支部", "光明机械厂党支部"]
GROUPS = ["农业代表小组", "工业代表小组", "社区代表小组", "教育卫生代表小组"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
GIVEN = "秀英建国志强文静德胜小红海燕国华丽娟春生桂兰玉梅明辉晓东红梅永刚淑珍卫东"
HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "学历",
    "类别",
    "是否基层领导干部",
    "选举单位",
    "代表小组",
    "代表层级",
    "届次",
    "手机号",
    "工作单位",
    "职务",
]


def roster(rows: int) -> bytes:
    """A roster of `rows` different people, as a township's spreadsheet would hold them."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("代表名册")
    sheet.append(HEADERS)
    given = [GIVEN[i : i + 2] for i in range(0, len(GIVEN), 2)]
    for i in range(rows):
        name = SURNAMES[i % len(SURNAMES)] + given[(i // len(SURNAMES)) % len(given)]
        name += str(i // (len(SURNAMES) * len(given)) or "")  # unique beyond 800 names
        sheet.append(
            [
                name,
                "女" if i % 3 == 0 else "男",
                date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                "汉族" if i % 11 else "土家族",
                ["大学本科", "大学专科", "中专/高中", "初中及以下", "研究生"][i % 5],
                ["农民", "专业技术人员", "领导干部", "非公经济人士", "其他基层"][i % 5],
                "是" if i % 6 == 0 else "否",
                BRANCHES[i % len(BRANCHES)],
                GROUPS[i % len(GROUPS)],
                "乡镇和县" if i % 20 == 0 else "乡镇",
                13,
                f"139{i:08d}",
                BRANCHES[i % len(BRANCHES)].removesuffix("党支部"),
                "村民代表",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@contextmanager
def throwaway_database(admin_url: str) -> Iterator[tuple[str, str]]:
    """(owner URL, application URL) of a new database; dropped with its roles afterwards."""
    from lianxin.db.migrate import upgrade

    admin = make_url(admin_url)
    suffix = uuid.uuid4().hex[:8]
    database, owner, app_role = (
        f"lx_bench_{suffix}",
        f"lx_bench_owner_{suffix}",
        f"lx_bench_app_{suffix}",
    )

    def url(role: str) -> URL:
        return URL.create(
            admin.drivername, username=role, host=admin.host, port=admin.port, database=database
        )

    engine = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{owner}" LOGIN NOSUPERUSER NOBYPASSRLS'))
            conn.execute(
                text(
                    f'CREATE ROLE "{app_role}" LOGIN NOSUPERUSER NOBYPASSRLS '
                    "NOCREATEDB NOCREATEROLE"
                )
            )
            conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{owner}"'))
        on_db = create_engine(
            admin.set(database=database), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        with on_db.connect() as conn:
            conn.execute(text(f'ALTER SCHEMA public OWNER TO "{owner}"'))
            conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        on_db.dispose()
        owner_url = url(owner).render_as_string(hide_password=False)
        upgrade(owner_url, app_role)
        yield owner_url, url(app_role).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{app_role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        engine.dispose()


def township_with_admin() -> tuple[Any, Any]:
    """One county, one township (branches, groups) and its admin; (township, actor)."""
    from lianxin.auth.actor import actor_for
    from lianxin.auth.models import Membership, User
    from lianxin.auth.roles import Role
    from lianxin.db import db
    from lianxin.db.tenancy import tenant_context
    from lianxin.people.models import RepresentativeGroup
    from lianxin.tenants.models import Branch, County, Township

    county = County(name="基准县", slug="bench", module_defaults={})
    db.session.add(county)
    db.session.flush()
    township = Township(
        county_id=county.id, name="基准镇", slug="bench-town", status="active", labels={}
    )
    user = User(username="bench.admin", display_name="基准镇管理员", password_hash=None)
    db.session.add_all([township, user])
    db.session.flush()
    db.session.add(
        Membership(
            user_id=user.id,
            role=Role.TOWNSHIP_ADMIN.value,
            tenant_id=township.id,
            county_id=county.id,
        )
    )
    db.session.commit()
    with tenant_context(township.id):
        db.session.add_all(Branch(name=n, kind="village", is_active=True) for n in BRANCHES)
        db.session.add_all(RepresentativeGroup(name=n, is_active=True) for n in GROUPS)
        db.session.commit()
    return township, actor_for(user)


def rate(rows: int, seconds: float) -> str:
    return f"{rows:>6} rows in {seconds:7.2f} s = {rows / seconds:8.0f} rows/s"


def run(rows: int, admin_url: str) -> None:
    os.environ.setdefault("LIANXIN_SECRET_KEY", "bench-secret-key-not-for-production")
    from lianxin.app import create_app
    from lianxin.db import db
    from lianxin.db.tenancy import tenant_context
    from lianxin.people import imports

    files = tempfile.mkdtemp(prefix="lx-bench-files-")
    try:
        with throwaway_database(admin_url) as (_owner_url, app_url):
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
                    "RATELIMIT_STORAGE_URI": "memory://",
                    "MAX_UPLOAD_BYTES": 100 * 1024 * 1024,
                    "IMPORT_MAX_ROWS": max(rows, 20000),
                }
            )
            data = roster(rows)
            with app.test_request_context():
                version = db.session.scalar(text("SHOW server_version"))
                township, actor = township_with_admin()
                print(
                    f"roster import, {rows} rows ({len(data) / 1024:.0f} KiB .xlsx), "
                    f"PostgreSQL {version}, app role with row-level security"
                )
                for label in ("first import", "re-import"):
                    with tenant_context(township.id):
                        started = time.perf_counter()
                        preview = imports.preview_upload(
                            actor, township, io.BytesIO(data), "代表名册.xlsx"
                        )
                        previewed = time.perf_counter()
                        assert not preview.job.errors, preview.job.errors[:5]
                        job, queued = imports.commit_import(actor, township, preview.job.id)
                        committed = time.perf_counter()
                        assert job.status == "done", job.message
                    how = "Celery task (eager)" if queued else "inline"
                    print(
                        f"{label}: created {job.created_rows}, updated {job.updated_rows}, "
                        f"commit {how}"
                    )
                    print(f"  preview  {rate(rows, previewed - started)}")
                    print(f"  commit   {rate(rows, committed - previewed)}")
                    print(f"  total    {rate(rows, committed - started)}")
                db.session.remove()
            app.extensions["lianxin.db"].engine.dispose()
    finally:
        shutil.rmtree(files, ignore_errors=True)


def add_database_url(parser: argparse.ArgumentParser) -> None:
    """Every benchmark's `--database-url`: a superuser connection to the PostgreSQL server."""
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LIANXIN_BENCH_ADMIN_URL", DEFAULT_ADMIN_URL),
        help="a superuser connection to the PostgreSQL server (a throwaway database is made)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    add_database_url(parser)
    args = parser.parse_args(argv)
    run(args.rows, args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
