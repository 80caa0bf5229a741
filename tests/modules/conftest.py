"""What every module's tests share."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def walk_only(
    request: pytest.FixtureRequest, app_modules: tuple[Any, ...]
) -> frozenset[str] | None:
    """A module's isolation walk (tests/modules/<key>/test_isolation.py) sends the other
    township's ids and slug to the module's own routes: the core's routes are walked by
    tests/test_isolation_walk.py, and walking them again with every module's rows (each id
    against each route, twice per backend) cost minutes. The lists' walk still reads every
    page, so a core page showing a module's rows of another township is still caught."""
    key = request.path.parent.name
    spec = next((s for s in app_modules if s.key == key), None)
    if spec is None:
        return None
    blueprints = (
        spec.api_blueprint,
        spec.pages_blueprint,
        spec.public_blueprint,
        *spec.blueprints,
        *spec.api_blueprints,
    )
    return frozenset(bp.name for bp in blueprints if bp is not None)
