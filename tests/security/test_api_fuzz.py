"""Schemathesis against /api/openapi.json, as each role: no 5xx, and every answer matches the
schema the document gives for it.

Every operation of the document (the first-party modules included) gets a bounded number of
generated requests, each sent with the Bearer token of one of the roles in turn: a township's
admin, its staff, a representative, a handling unit, the county's admin, the platform's admin,
and nobody. The township in the URL is the world's own township, so that most requests pass
authentication and reach the service. On PostgreSQL, whose types are the strictest (a NUL
byte, an out-of-range integer). The budget per operation keeps the whole run near two minutes.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from lianxin.db import db
from lianxin.modules.registry import load_first_party
from tests.helpers import token_for

pytestmark = pytest.mark.postgres

EXAMPLES = int(os.environ.get("LIANXIN_TEST_FUZZ_EXAMPLES", "6"))
ROLES = (
    "township_admin",
    "township_staff",
    "representative",
    "handling_unit",
    "county_admin",
    "platform",
    None,
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def app_modules():
    from tests.testmodule import TEST_MODULES

    return (*TEST_MODULES, *load_first_party())


def test_every_operation_as_every_role(app, world):
    tokens: dict[str | None, dict[str, str]] = {
        role: {"Authorization": f"Bearer {token_for(world.users[role])}"} for role in ROLES if role
    }
    tokens[None] = {}
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    fixed = {"township_slug": world.township.slug, "county_slug": world.county.slug}
    failures: list[str] = []
    operations = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        path_names = {p.name for p in operation.path_parameters}
        strategy = operation.as_strategy(
            path_parameters={k: v for k, v in fixed.items() if k in path_names} or None
        )

        @given(case=strategy, role=st.sampled_from(ROLES))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any, role: str | None) -> None:
            try:
                case.call_and_validate(headers=tokens[role], checks=CHECKS)
            finally:
                db.session.rollback()

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure, then fail once
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    elapsed = time.monotonic() - started
    assert operations > 100, operations
    assert not failures, f"{len(failures)} of {operations} operations failed:\n" + "\n\n".join(
        failures
    )
    print(f"{operations} operations × {EXAMPLES} examples in {elapsed:.0f} s")
