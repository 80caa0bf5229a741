"""`pip install /opt/lianxin` (infra/README.md, step 3) installs `[project] dependencies` only,
not the `dev` extra: every third-party module the shipped code (platform/, worker/) imports must
come from a runtime dependency or one of theirs, or the production app fails at its first import
(as `import yaml` in lianxin.work_calendar did: PyYAML was a dev dependency only)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "platform", ROOT / "worker")
OWN = {"lianxin", "worker"}


def _name(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _runtime_closure() -> set[str]:
    """The distributions a plain install brings: the direct dependencies and theirs (extras
    named in a requirement followed, markers evaluated for this interpreter)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = [Requirement(line) for line in project["dependencies"]]
    todo: list[tuple[Requirement, frozenset[str]]] = [(r, frozenset(r.extras)) for r in direct]
    seen: set[str] = set()
    while todo:
        req, extras = todo.pop()
        name = _name(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            sub = Requirement(line)
            envs = [{"extra": e} for e in extras] or [{"extra": ""}]
            if sub.marker is None or any(sub.marker.evaluate(env) for env in envs):
                todo.append((sub, frozenset(sub.extras)))
    return seen


def _imported_top_level() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in SHIPPED:
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], path)
    return found


def test_every_import_of_the_shipped_code_is_a_runtime_dependency() -> None:
    closure = _runtime_closure()
    providers = metadata.packages_distributions()
    missing = []
    for module, path in sorted(_imported_top_level().items()):
        if module in OWN or module in sys.stdlib_module_names:
            continue
        dists = {_name(d) for d in providers.get(module, [])}
        if not dists:
            continue  # not installed here at all: an optional import guarded by the code
        if not dists & closure:
            missing.append(f"{module} ({', '.join(sorted(dists))}) in {path.relative_to(ROOT)}")
    assert not missing, (
        "imported by the shipped code but not installed by `pip install .` (add to "
        "[project] dependencies in pyproject.toml): " + "; ".join(missing)
    )
