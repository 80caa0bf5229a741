"""What every module's service had a copy of: its settings in a township, and today's date.

Kept out of `lianxin.usecases` (the transaction and input kit, which the tenants and accounts
services use too): these read the tenants' settings and the Shanghai calendar.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lianxin.casework import deadlines
from lianxin.tenants import service as tenants


def module_settings(township_id: int, key: str) -> dict[str, Any]:
    """A module's effective settings in a township (module → county → township layers)."""
    return tenants.effective_settings(township_id, key)


def today(given: date | None = None) -> date:
    """The Asia/Shanghai date (or `given`, for tests and replays). Looks the clock up at each
    call, so a test that stops `deadlines.shanghai_today` stops it here too."""
    return given or deadlines.shanghai_today()
