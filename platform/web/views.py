"""Site-wide pages: the front door, health checks, preferences, vendored assets, the inbox."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import login_required

from lianxin.auth import service as accounts
from lianxin.auth.redirects import safe_next, same_site_path
from lianxin.notify import service as notify
from lianxin.web.health import readiness
from lianxin.web.scope import current_actor, current_user_or_none

bp = Blueprint("web", __name__)

# Only these npm packages' files are served, from node_modules, under /vendor/.
VENDORED = {"swagger-ui-dist", "chart.js"}


@bp.get("/")
def index():
    user = current_user_or_none()
    if user is None:
        return redirect(url_for("auth.login"))
    places = accounts.memberships_for_switcher(current_actor())
    if len(places) == 1:
        kind, slug, _name = places[0]
        return redirect(_place_url(kind, slug))
    return render_template("choose_place.html", places=places, place_url=_place_url)


def _place_url(kind: str, slug: str) -> str:
    if kind == "t":
        return url_for("township.home", township_slug=slug)
    if kind == "c":
        return url_for("county.home", county_slug=slug)
    return url_for("platform.home")


@bp.get("/healthz")
def healthz():
    """The process is alive (no dependency is checked)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready for traffic: database and broker reachable, the schema at the migration head, the
    file store there (platform/web/health.py)."""
    checks = readiness(current_app)
    ok = all(c["ok"] for c in checks.values())
    return jsonify(status="ok" if ok else "unavailable", checks=checks), 200 if ok else 503


@bp.post("/prefs/large-text")
def large_text():
    enabled = request.form.get("enabled") == "1"
    user = current_user_or_none()
    if user is not None:
        accounts.set_large_text(current_actor(), enabled)
    # Back where the switch was pressed: a path of this site only (no open redirect).
    home = url_for("web.index")
    target = request.form.get("next")
    if target:
        target = safe_next(target, home)
    else:
        target = same_site_path(request.referrer, request.host) or home
    response = redirect(target)
    response.set_cookie(
        "lx_large", "1" if enabled else "0", max_age=365 * 86400, samesite="Lax", httponly=True
    )
    return response


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    if package not in VENDORED:
        abort(404)
    root = Path(current_app.config["VENDOR_ROOT"]) / package
    return send_from_directory(root, filename, max_age=86400)


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root whatever the page links (the pages link the SVG)."""
    # Read whole (a few hundred bytes): a streamed file response left unread keeps it open.
    icon = Path(current_app.static_folder or "", "favicon.ico").read_bytes()
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


@bp.get("/me/inbox")
@login_required
def inbox():
    actor = current_actor()
    items = notify.inbox(actor.user_id)  # type: ignore[arg-type]
    response = render_template("inbox.html", items=items)
    notify.mark_read(actor.user_id)  # type: ignore[arg-type]
    return response
