"""Errors as Chinese pages (HTML) or the one JSON error shape (API)."""

from __future__ import annotations

import contextlib
import logging

from flask import (
    Flask,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError

from lianxin.api.base import ERROR_PAGE, HTTP_MESSAGES, error_body, is_api_request
from lianxin.db import db
from lianxin.db.tenancy import TenancyError
from lianxin.errors import DomainError, Unauthenticated

log = logging.getLogger("lianxin.web")


def render_error_page(status: int, message: str | None = None):
    # Werkzeug's own descriptions are English; pages speak Chinese.
    if message is None or message.isascii():
        message = (
            _("未找到该页面或记录。")
            if status == 404
            else str(HTTP_MESSAGES.get(status, _("请求失败。")))
        )
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    app.extensions[ERROR_PAGE] = render_error_page

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.session.rollback()
        if is_api_request():
            response = jsonify(error_body(exc.status, exc.message, exc.errors, exc.code))
            response.status_code = exc.status
            return response
        if isinstance(exc, Unauthenticated):
            return redirect(url_for("auth.login", next=request.full_path))
        return render_error_page(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        if is_api_request():
            return jsonify(error_body(400, "CSRF 校验失败。", code="csrf_failed")), 400
        flash(_("页面已过期，请刷新后重试。"), "error")
        return render_error_page(400, _("页面已过期或表单无效，请返回刷新后重试。"))

    def _refused_value(reason: object):
        # The database refused a value the request carried (a NUL byte, a number past bigint):
        # the client's input, not a server fault.
        db.session.rollback()
        log.warning("database refused a value: %s", reason)
        message = _("提交的内容包含无法保存的字符或超出范围的数值。")
        if is_api_request():
            return jsonify(error_body(400, message, code="invalid_value")), 400
        return render_error_page(400, message)

    @app.errorhandler(DataError)
    def _data_error(exc: DataError):
        return _refused_value(exc.orig)

    @app.errorhandler(OverflowError)
    def _number_too_large(exc: OverflowError):
        # SQLite's driver says the same of a number past 64 bits before the query runs; any
        # other overflow is a fault of ours and stays a 500.
        if "SQLite INTEGER" not in str(exc):
            raise exc
        return _refused_value(exc)

    @app.errorhandler(OperationalError)
    def _database_unavailable(exc: OperationalError):
        # The database cannot be reached (a restart, a failover) or gave up on the statement:
        # a clean 503 to try again. Nothing was committed; the pool tests its connections
        # before reuse, so requests succeed again once the server is back.
        with contextlib.suppress(Exception):
            db.session.rollback()
        log.error("database unavailable: %s", exc.orig)
        message = _("数据库暂时不可用，请稍后重试。")
        if is_api_request():
            response = jsonify(error_body(503, message, code="unavailable"))
        else:
            # The page must render without the database: no signed-in user, no township.
            from lianxin.extensions import login_manager

            g.lianxin_user, g.township, g.county = None, None, None
            g._login_user = login_manager.anonymous_user()  # flask-login's cached user
            response, _status = render_error_page(503, message)
            response = make_response(response)
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(TenancyError)
    def _tenancy_error(exc: TenancyError):
        # A programming error that the tenant lock caught: never show another township's data.
        db.session.rollback()
        log.error("tenant isolation refused an operation: %s", exc)
        if is_api_request():
            return jsonify(error_body(404)), 404
        return render_error_page(404)

    # HTTP errors (404, 405, 413, webargs' 400/422 …) are handled by
    # LianxinApi.handle_http_exception, which flask-smorest registers app-wide:
    # JSON for /api/, these pages for the rest.
