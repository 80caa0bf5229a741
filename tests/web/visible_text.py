"""What a person reads on a page: its text nodes outside scripts and styles, and the labels a
screen shows without hovering (button values, placeholders, alt text)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Latin words a Chinese page may carry: technical names people know by these letters.
ALLOWED = {
    "API",
    "PDF",
    "Excel",
    "QR",
    "URL",
    "ID",
    "WeCom",
    "HTTP",
    "HTTPS",
    "JSON",
    "CSV",
    "2FA",
    "IP",
    "Bearer",
    "token",  # the API token's own prefix (lx_…) is data; the word appears beside it
    "SMS",
    # File kinds a person picks or uploads.
    "xlsx",
    "Word",
    "JPG",
    "JPEG",
    "PNG",
    "WebP",
}
# Written to be typed or copied, not read: the pinyin search hint, a tracking code's mask, the
# encoding a spreadsheet must use, a calendar file's format, the calendar package's name, an
# example web address (网址标识).
EXAMPLES = ("zhangxy", "zxy", "XXXX", "UTF", "YAML", "chinesecalendar", "chengguan")
WORD = re.compile(r"[A-Za-z]{3,}")
_SHOWN_ATTRIBUTES = {"placeholder", "alt", "aria-label"}
_HIDDEN_TAGS = {"script", "style", "template", "noscript", "code", "pre", "kbd", "samp"}


class VisibleText(HTMLParser):
    """The page's visible words. `code`/`pre` blocks (tokens, keys shown to be copied) are data,
    not prose."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        given = {k: v or "" for k, v in attrs}
        if self._hidden or given.get("type") == "hidden" or "hidden" in given:
            return
        for name in _SHOWN_ATTRIBUTES:
            if given.get(name):
                self.parts.append(given[name])
        if tag == "input" and given.get("type") in ("submit", "button") and given.get("value"):
            self.parts.append(given["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_words(html: str, data_words: Iterable[str] = ()) -> list[str]:
    """Latin words of three letters or more outside the allow-list and the data (usernames,
    slugs, emails, tracking codes — what people typed or were given, not the page's words)."""
    allowed = {w.lower() for w in ALLOWED}
    data = {w.lower() for text in data_words for w in WORD.findall(text)}
    text = visible_text(html)
    # Addresses and file names are data whatever letters they hold.
    text = re.sub(r"https?://\S+|\S+@\S+|\b\S+\.(?:xlsx|pdf|csv|png|jpg|docx?)\b", " ", text)
    return [w for w in WORD.findall(text) if w.lower() not in allowed and w.lower() not in data]
