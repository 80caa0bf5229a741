"""Reading the to-do home as its user sees it: the lines (key → count) and their links."""

from __future__ import annotations

import re
from typing import Any

LINE = re.compile(r'<a class="todo-item[^"]*" href="([^"]*)" data-key="([^"]+)" data-count="(\d+)"')


def home(client: Any, township: Any) -> str:
    response = client.get(f"/t/{township.slug}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def lines(page: str) -> dict[str, int]:
    """Each to-do line of the page: its key and count, in the order shown."""
    return {key: int(count) for _url, key, count in LINE.findall(page)}


def links(page: str) -> dict[str, str]:
    return {key: url.replace("&amp;", "&") for url, key, _count in LINE.findall(page)}


def order(page: str) -> list[str]:
    return [key for _url, key, _count in LINE.findall(page)]
