"""Documents the platform hands out as PDF (issue 25): the annual session's report and the
proposals' handling report, archived on paper and in folders as they are on screen.

`pdf(html)` lays out one HTML document on A4 with WeasyPrint. The HTML is the module's own
template (escaped by Jinja like any page); this package adds the page box and the Chinese font,
so every PDF looks alike. The font is WenQuanYi Micro Hei (Debian's `fonts-wqy-microhei`,
installed by `make fonts`); it is embedded (subset) in the PDF, which then reads the same on a
machine without it.

Nothing is fetched while laying out: the document carries its styles, and any URL it names
(an image, a stylesheet) is refused, so a typed text can never make the server request a
link. WeasyPrint loads Pango through its C bindings on first use: a server without them gets
`PdfUnavailable` (a Chinese 503 for the user, the fix in the log), not a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import lazy_gettext as _l

from lianxin.errors import DomainError

log = logging.getLogger("lianxin.documents")

FONT = "WenQuanYi Micro Hei"
MISSING_LIBRARY = (
    "PDF documents need WeasyPrint and its system libraries (Pango, HarfBuzz, fontconfig): "
    "pip install 'weasyprint>=62,<71' (a dependency in pyproject.toml) and on Debian "
    "`apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`; the Chinese "
    "font with `make fonts` (fonts-wqy-microhei). WeasyPrint said: %s"
)

# The page box and the type of every document; the module's template adds its own layout.
STYLE = f"""
@page {{
  size: A4;
  margin: 18mm 16mm 18mm 16mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; }}
}}
html {{ font-family: "{FONT}", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  font-size: 10.5pt; line-height: 1.55; color: #000; }}
h1 {{ font-size: 17pt; text-align: center; margin: 0 0 4mm; }}
h2 {{ font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 0.6pt solid #999; padding-bottom: 1mm; }}
h3 {{ font-size: 11pt; margin: 4mm 0 1mm; }}
p, li {{ orphans: 2; widows: 2; }}
table {{ width: 100%; border-collapse: collapse; margin: 2mm 0; }}
th, td {{ border: 0.5pt solid #777; padding: 1.2mm 1.5mm; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }}
th {{ background: #eee; font-weight: bold; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.muted, small {{ color: #555; }}
.no-print, .actions, button, form, nav {{ display: none !important; }}
.as-text, .pr-text {{ white-space: pre-wrap; }}
.doc-meta {{ text-align: center; color: #444; margin: 0 0 5mm; }}
"""


class PdfUnavailable(DomainError):
    status = 503
    code = "pdf_unavailable"
    default_message = _l(
        "暂时无法生成 PDF（服务器缺少排版组件），请先使用打印功能，并联系平台管理员。"
    )


def _refuse_urls(url: str, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"documents fetch nothing: {url[:80]}")


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that fetches nothing but inline `data:` (WeasyPrint 68+ takes a
    `URLFetcher`, earlier versions a function)."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:
        return fetcher_class(allowed_protocols={"data"})
    return _refuse_urls


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's shared library is not there
        log.error(MISSING_LIBRARY, exc)
        raise PdfUnavailable() from exc
    return weasyprint


def pdf(html: str) -> bytes:
    """The PDF of one HTML document on A4 pages, Chinese glyphs embedded."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, url_fetcher=_fetcher(weasyprint))
    data: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=STYLE)])
    return data


def response(data: bytes, filename: str, *, ascii_name: str = "document.pdf") -> Any:
    """A download of the PDF `data` as `filename` (a Chinese name, with an ASCII fallback)."""
    from urllib.parse import quote

    from flask import Response

    answer = Response(data, mimetype="application/pdf")
    answer.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer
