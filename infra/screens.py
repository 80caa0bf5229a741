"""The README's screenshots: each demo role's home on a 390×844 phone, made anew from the demo.

    make screens            # writes docs/screens/<login>.png

A throwaway instance folder gets the embedded default (SQLite, local files, Celery eager), the
demo county is loaded into it with one password, the site is served on a free loopback port, and
Debian's Chromium (never a downloaded browser) signs in as each login and photographs its home.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screens"
LIANXIN = Path(sys.executable).with_name("lianxin")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "screens-demo-2026"
PHONE = {"width": 390, "height": 844}
# (login, what the README calls it): one of each township role, the county and the platform.
LOGINS = (
    ("cg.admin", "乡镇管理员"),
    ("cg.staff", "乡镇工作人员"),
    ("cg.committee", "党委委员"),
    ("cg.rep", "党代表"),
    ("cg.leader", "代表小组组长"),
    ("cg.liaison", "村（社区）联络员"),
    ("cg.unit", "承办单位"),
    ("county.admin", "县委组织部"),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the site did not answer at {url}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lianxin-screens-") as instance:
        env = {key: value for key, value in os.environ.items() if not key.startswith("LIANXIN_")}
        env["LIANXIN_INSTANCE_PATH"] = instance
        subprocess.run([LIANXIN, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [LIANXIN, "demo", "load", "--password", PASSWORD],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [LIANXIN, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(f"{base}/healthz")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for login, _label in LOGINS:
                    context = browser.new_context(
                        viewport=PHONE,
                        device_scale_factor=2,
                        is_mobile=True,
                        has_touch=True,
                        locale="zh-CN",
                        timezone_id="Asia/Shanghai",
                    )
                    page = context.new_page()
                    page.goto(f"{base}/login")
                    page.get_by_label("用户名", exact=True).fill(login)
                    page.get_by_label("密码", exact=True).fill(PASSWORD)
                    page.get_by_role("button", name="登录", exact=True).click()
                    page.wait_for_load_state("networkidle")
                    if "/login" in page.url:
                        raise SystemExit(f"{login} could not sign in")
                    path = OUT / f"{login}.png"
                    page.screenshot(path=str(path))
                    print(f"{path.relative_to(ROOT)}  {page.url.removeprefix(base)}")
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
