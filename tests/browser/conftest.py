"""Browser fixtures: the real app served over HTTP on a fresh SQLite file, and Debian's Chromium.

The live server runs in a background thread, so it cannot use the per-test rolled-back
databases of tests/conftest.py: it gets its own migrated file with the demo county loaded.
Playwright drives /usr/bin/chromium and never downloads a browser. Outside CI an absent
Chromium skips with a reason; under CI=true it fails.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from lianxin.app import create_app
from lianxin.db import db
from lianxin.db.migrate import upgrade
from tests.conftest import base_config, create_test_module_tables, service_missing
from tests.testmodule import TEST_MODULES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DEMO_PASSWORD = "browser-demo-2026"
TIMEOUT_MS = 15_000
SCREENS_FOR_HUMANS = Path("/tmp/lianxin-screens")


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Any
    demo_password: str


@pytest.fixture
def live_modules() -> tuple[Any, ...]:
    """The registry of the live server; a test module may override it."""
    return TEST_MODULES


# The demo county of each registry, loaded once per run and copied for each test: the load (two
# years of history) cost more than most browser tests. The pytest-xdist workers share one load
# per registry (the base temp folder's parent is common to them; a lock makes the second wait for
# the first instead of loading again).
_DEMO_FOLDERS: dict[tuple[str, ...], Path] = {}


def _demo_folder(tmp_path_factory: pytest.TempPathFactory, modules: tuple[Any, ...]) -> Path:
    key = tuple(spec.key for spec in modules)
    if key not in _DEMO_FOLDERS:
        base = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            base = base.parent
        name = "demo-" + hashlib.sha1("|".join(key).encode()).hexdigest()[:12]
        folder = base / name
        with open(base / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "loaded").exists():
                shutil.rmtree(folder, ignore_errors=True)  # a load cut short
                folder.mkdir()
                _load_demo(folder, modules)
                (folder / "loaded").touch()
        _DEMO_FOLDERS[key] = folder
    return _DEMO_FOLDERS[key]


def _load_demo(folder: Path, modules: tuple[Any, ...]) -> None:
    database_url = f"sqlite:///{folder / 'live.db'}"
    upgrade(database_url)
    create_test_module_tables(database_url)
    app = create_app(base_config(folder, database_url), modules=modules)
    with app.app_context():
        from lianxin import demo

        demo.load(password=DEMO_PASSWORD)
        db.session.remove()
    app.extensions["lianxin.db"].engine.dispose()


@pytest.fixture
def live_server(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, live_modules: tuple[Any, ...]
) -> Iterator[LiveServer]:
    """The app with the test modules and CSRF on, served on 127.0.0.1, demo county loaded (a
    copy of the session's load for this registry: its database and files)."""
    source = _demo_folder(tmp_path_factory, live_modules)
    shutil.copytree(source, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("loaded"))
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app(
        {**base_config(tmp_path, database_url), "WTF_CSRF_ENABLED": True}, modules=live_modules
    )

    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # One-time set-up links must point at this server, not at the default public address.
    app.config["PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="lianxin-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app, DEMO_PASSWORD)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["lianxin.db"].engine.dispose()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless; never a downloaded browser."""
    if not CHROMIUM.exists():
        service_missing(
            "Chromium", f"{CHROMIUM} not found (apt-get install -y chromium, or `make browser`)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def screens(tmp_path: Path) -> Iterator[Path]:
    """Screenshots go under tmp_path; afterwards they are copied to /tmp/lianxin-screens/."""
    folder = tmp_path / "screens"
    folder.mkdir()
    yield folder
    try:
        SCREENS_FOR_HUMANS.mkdir(parents=True, exist_ok=True)
        for shot in folder.glob("*.png"):
            shutil.copyfile(shot, SCREENS_FOR_HUMANS / shot.name)
    except OSError:
        pass  # a copy for humans only; the test does not depend on it
