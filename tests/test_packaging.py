"""`platform/` installs as `lianxin` and never shadows the standard library's `platform`."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(
    *args: str, env: dict[str, str] | None = None, timeout: int = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_platform_folder_has_no_init():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_stdlib_platform_works_from_the_repository_root():
    result = _run(sys.executable, "-c", "import platform; print(platform.system())")
    assert result.returncode == 0 and result.stdout.strip() in {"Linux", "Darwin", "Windows"}
    result = _run(
        sys.executable,
        "-c",
        "import sys, platform, uuid, sqlalchemy, celery; sys.path.insert(0, '.');"
        "import lianxin.app; print(platform.python_implementation())",
    )
    assert result.returncode == 0, result.stderr


def test_every_package_folder_is_listed_for_setuptools():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {"lianxin"}
    for init in (ROOT / "platform").rglob("__init__.py"):
        relative = init.parent.relative_to(ROOT / "platform")
        if "node_modules" not in relative.parts:
            found.add(".".join(("lianxin", *relative.parts)))
    found |= {"worker"}
    assert found == listed


def test_flask_and_celery_entry_points_load(tmp_path):
    env = {
        "LIANXIN_INSTANCE_PATH": str(tmp_path),
        "LIANXIN_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    routes = _run(str(BIN / "flask"), "--app", "lianxin.app", "routes", env=env)
    assert routes.returncode == 0 and "/api/v1/auth/tokens" in routes.stdout, routes.stderr
    report = _run(str(BIN / "celery"), "-A", "worker", "inspect", "--help", env=env)
    assert report.returncode == 0, report.stderr
    tasks = _run(sys.executable, "-c", "import worker; print(sorted(worker.celery.tasks))", env=env)
    assert "outbox.deliver" in tasks.stdout and "outbox.sweep" in tasks.stdout, tasks.stderr


def test_pytest_runs_as_a_module_from_the_root():
    result = _run(
        sys.executable,
        "-m",
        "pytest",
        "--collect-only",
        "-q",
        "tests/test_packaging.py",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
