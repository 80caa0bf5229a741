"""No import cycle in `platform/`, and infrastructure imports no domain package (issue 20).

The graph is read from the source, every `import` counted — at the top of a file or inside a
function, since an import inside a function is still a dependency, only a later one.
"""

from __future__ import annotations

import ast
from pathlib import Path

PLATFORM = Path(__file__).resolve().parents[1] / "platform"

# Infrastructure: the database, jobs, outbox and notifications, the use-case kit, the API base.
INFRASTRUCTURE = (
    "lianxin.db",
    "lianxin.jobs",
    "lianxin.notify",
    "lianxin.usecases",
    "lianxin.api",
    "lianxin.extensions",
    "lianxin.errors",
)
# Domain: what the platform is about.
DOMAIN = (
    "lianxin.modules",
    "lianxin.casework",
    "lianxin.people",
    "lianxin.tenants",
    "lianxin.county",
    "lianxin.work_calendar",
)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in PLATFORM.rglob("*.py"):
        parts = list(path.relative_to(PLATFORM).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(["lianxin", *parts])] = path
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join([*parts, *([base] if base else [])])
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                if target.startswith("lianxin"):
                    resolved = known(target)
                    if resolved and resolved != name:
                        edges[name].add(resolved)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _under(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_the_graph_is_read_from_the_source():
    edges = _graph()
    assert "lianxin.extensions" in edges["lianxin.app"]  # a top-level import
    assert "lianxin.cli" in edges["lianxin.app"]  # an import inside a function
    # A cycle made on purpose is found.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_platform():
    assert _cycles(_graph()) == []


def test_infrastructure_imports_no_domain_package():
    edges = _graph()
    wrong = sorted(
        (source, target)
        for source, targets in edges.items()
        # A part's declaration (`notify/module.py`: its tasks and beat entry for the registry)
        # is the composition root's business, not the infrastructure's code.
        if _under(source, INFRASTRUCTURE) and not source.endswith(".module")
        for target in targets
        if _under(target, DOMAIN)
    )
    assert wrong == []
