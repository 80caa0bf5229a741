"""Helpers shared by tests: log in through the real form, get an API token, read JSON errors."""

from __future__ import annotations

from typing import Any

from lianxin.auth import service as accounts
from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from tests.factories import PASSWORD


def login(client: Any, user: User, password: str = PASSWORD) -> Any:
    """Log in through the login page (the `app` fixture turns CSRF off unless a test asks)."""
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def token_for(user: User) -> str:
    return accounts.create_api_token(actor_for(user), "tests").plaintext


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user)}"}


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    body = response.get_json()
    assert set(body) == {"code", "message", "errors"}, body
    if code is not None:
        assert body["code"] == code, body
    return body  # type: ignore[no-any-return]


class Clock:
    """The Shanghai date the code sees (patched over `deadlines.shanghai_today`); a test moves
    it with `clock.today = …`."""

    def __init__(self, today: Any) -> None:
        self.today = today

    def __call__(self, now: Any = None) -> Any:
        return self.today
