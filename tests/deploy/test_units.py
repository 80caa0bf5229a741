"""The systemd units' ExecStart lines (`infra/systemd/`) are command lines the installed tools
accept, as an operator's `systemctl start` would run them: gunicorn with
`infra/gunicorn.conf.py`, the Celery worker and beat with their flags (`--quiet`, a global
option, before the sub-command: no banner in the journal, only JSON lines)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "infra" / "systemd"
VENV_BIN = Path(sys.executable).parent


def _exec_start(unit: str, tmp_path: Path) -> list[str]:
    """The unit's ExecStart as argv, with /opt/lianxin and /var/lib/lianxin moved here and
    systemd's `%%` unescaped."""
    lines = [
        line.split("=", 1)[1]
        for line in (UNITS / unit).read_text(encoding="utf-8").splitlines()
        if line.startswith("ExecStart=")
    ]
    assert len(lines) == 1, unit
    text = lines[0].replace("%%", "%").replace("/var/lib/lianxin", str(tmp_path))
    argv = shlex.split(text)
    assert argv[0].startswith("/opt/lianxin/.venv/bin/"), argv[0]
    argv[0] = str(VENV_BIN / Path(argv[0]).name)
    return [arg.replace("/opt/lianxin/", f"{ROOT}/") for arg in argv]


def _run(argv: list[str], instance: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANXIN_")}
    env["LIANXIN_INSTANCE_PATH"] = str(instance)  # the embedded default, in the test's folder
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("unit", "command"), [("lianxin-worker.service", "worker"), ("lianxin-beat.service", "beat")]
)
def test_celery_units_command_lines_are_accepted(unit, command, tmp_path):
    argv = _exec_start(unit, tmp_path)
    assert argv[1:5] == ["-A", "worker", "--quiet", command], argv
    ran = _run([*argv, "--help"], tmp_path)  # parses every option given before it, starts nothing
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "Usage:" in ran.stdout


def test_web_unit_command_line_is_accepted(tmp_path):
    argv = _exec_start("lianxin-web.service", tmp_path)
    assert argv[1:3] == ["-c", f"{ROOT}/infra/gunicorn.conf.py"], argv
    ran = _run([argv[0], "--check-config", *argv[1:]], tmp_path)
    assert ran.returncode == 0, ran.stderr[-2000:]
