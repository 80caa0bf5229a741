"""Prints as a browser makes them: a page printed to PDF by Chromium on A4, its pages counted.

`page.pdf` uses the page's print stylesheet (`@media print`, `@page`), as 打印 in the browser
does; `prefer_css_page_size` lets an `@page { size: A4 }` decide and A4 is the default anyway.
"""

from __future__ import annotations

import re
from typing import Any

# One `/Type /Page` object per page (not `/Pages`, the tree node).
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
A4_POINTS = (595.0, 842.0)  # 210 × 297 mm


def printed(page: Any, url: str) -> bytes:
    """The PDF Chromium prints for `url` (in the session `page` is signed in to), on A4."""
    page.goto(url)
    page.emulate_media(media="print")
    return page.pdf(format="A4", prefer_css_page_size=True, print_background=True)


def page_count(pdf: bytes) -> int:
    return len(_PAGE.findall(pdf))


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's size in points (A4 is 595 × 842, portrait)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def is_a4(pdf: bytes, *, landscape: bool = False) -> bool:
    want = A4_POINTS[::-1] if landscape else A4_POINTS
    boxes = media_boxes(pdf)
    return bool(boxes) and all(abs(w - want[0]) < 2 and abs(h - want[1]) < 2 for w, h in boxes)
