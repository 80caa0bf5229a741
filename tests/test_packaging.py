"""`platform/` installs as `lianxin` and never shadows the standard library's `platform`; the
wheel carries every template, static file, catalogue and migration script, and builds without a
setuptools warning; npm runs no package's install script."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

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


def _source_files() -> list[str]:
    """The files of platform/ and worker/ a clone has (tracked, or new and not ignored)."""
    if shutil.which("git") and (ROOT / ".git").exists():
        listed = _run("git", "ls-files", "-co", "--exclude-standard", "platform", "worker")
        assert listed.returncode == 0, listed.stderr
        return [line for line in listed.stdout.splitlines() if (ROOT / line).is_file()]
    return [
        str(path.relative_to(ROOT))
        for folder in ("platform", "worker")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pot"
    ]


def test_the_wheel_holds_every_file_of_the_tree_and_builds_without_warnings(tmp_path):
    """A production install is a wheel: templates, static files, the catalogue (.po and .mo), the
    migrations' script.py.mako and the READMEs all go in, and setuptools has nothing to warn about
    (include-package-data used to make it print ~40 lines per template folder)."""
    files = _source_files()
    source = tmp_path / "source"
    for name in [*files, "pyproject.toml", "README.md"]:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    build = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--verbose",
        "--wheel-dir",
        str(tmp_path / "dist"),
        str(source),
        env={"PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": ""},
        timeout=120,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    output = build.stdout + build.stderr
    warnings = [line for line in output.splitlines() if re.search(r"\w+Warning\b", line)]
    assert not warnings, "\n".join(warnings[:20])
    assert "Package would be ignored" not in output

    (wheel,) = (tmp_path / "dist").glob("lianxin-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith(("lianxin/", "worker/"))}
    expected = {
        name.replace("platform/", "lianxin/", 1) if name.startswith("platform/") else name
        for name in files
    }
    assert sorted(expected - shipped) == []
    assert sorted(shipped - expected) == []
    for needed in (
        "lianxin/web/templates/base.html",
        "lianxin/web/static/css/app.css",
        "lianxin/db/migrations/script.py.mako",
        "lianxin/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
        "lianxin/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
    ):
        assert needed in shipped, needed


def test_python_3_11_and_later_may_install_it():
    """The suite runs on 3.11 and 3.13: no upper bound keeps a newer Python out."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"


def test_npm_runs_no_install_script():
    """swagger-ui-dist depends on @scarf/scarf, whose postinstall reports the install to an
    analytics service: the project's .npmrc turns install scripts off, `make assets` and the
    deployment steps say so too, and Scarf's own opt-out is set. Swagger UI and Chart.js are
    plain files and need no script."""
    npmrc = (ROOT / ".npmrc").read_text().splitlines()
    assert "ignore-scripts=true" in npmrc
    for doc in ("Makefile", "infra/README.md"):
        lines = [line for line in (ROOT / doc).read_text().splitlines() if "npm ci " in line]
        assert lines and all("--ignore-scripts" in line for line in lines), doc
    package = json.loads((ROOT / "package.json").read_text())
    assert package["scarfSettings"] == {"enabled": False}
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    setting = _run("npm", "config", "get", "ignore-scripts", "--location=project")
    assert setting.returncode == 0 and setting.stdout.strip() == "true", setting.stderr
