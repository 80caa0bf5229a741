"""Screenshots for a person to look at (saved under /tmp/lianxin-screens)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError

TRIES = 3


def shoot(page: Any, path: Path | str, **options: Any) -> None:
    """`page.screenshot`, tried again when Chromium answers "Unable to capture screenshot": a
    headless Chromium on a loaded machine now and then refuses a tall full-page capture (seen
    once in a full run); the page itself is fine, and the assertions around it still decide."""
    for attempt in range(1, TRIES + 1):
        try:
            page.screenshot(path=str(path), **options)
            return
        except PlaywrightError as exc:
            if "Unable to capture screenshot" not in str(exc) or attempt == TRIES:
                raise
            page.wait_for_timeout(500 * attempt)
