"""The application factory: importing this module does nothing; create_app() wires everything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from lianxin import config as settings
from lianxin.extensions import babel, csrf, db, limiter, login_manager
from lianxin.modules.registry import (
    ModuleSpec,
    Registry,
    load_core,
    load_core_last,
    load_first_party,
)


def create_app(
    config: Mapping[str, Any] | None = None, *, modules: Sequence[ModuleSpec] | None = None
) -> Flask:
    """Build the app: settings from the environment, then `config` overrides (tests).

    `modules` replaces the first-party registry (tests register their own modules).
    """
    # `lianxin` is a namespace package (platform/ has no __init__.py), so Flask is told its root.
    root = Path(__file__).resolve().parent
    app = Flask(
        "lianxin",
        root_path=str(root),
        instance_path=str(root.parent / "instance"),
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config.from_mapping(settings.from_environ(instance_path=app.instance_path))
    if config:
        app.config.update(config)
    # X-Forwarded-For/-Proto are believed only from the configured number of proxies in front
    # (LIANXIN_TRUSTED_PROXIES; 0 by default): otherwise any client could choose its address
    # (the login limit, the audit log) by writing the header itself.
    hops = int(app.config.get("TRUSTED_PROXIES", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    # Handlers (JSON or text, secrets scrubbed), request ids, Celery's logging, Sentry: first,
    # so that what the modules log or warn while they register is formatted like the rest.
    from lianxin import logs

    logs.init_app(app)

    registry = Registry(
        (*load_core(), *(load_first_party() if modules is None else modules), *load_core_last())
    )
    app.extensions["lianxin.registry"] = registry

    from lianxin import models  # noqa: F401 - complete the metadata before the first query

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=lambda: "zh_Hans_CN", timezone_selector=lambda: "Asia/Shanghai"
    )
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)
    _init_login(app)

    from lianxin import jobs
    from lianxin.storage import backends

    jobs.set_townships(app, _townships_for_jobs())
    jobs.celery_init_app(
        app, beat_schedule=registry.beat_schedule(), task_modules=registry.task_modules()
    )
    backends.init_app(app)

    from lianxin.web import errors, scope, security

    scope.init_app(app)
    security.init_app(app)
    _mount(app, registry)
    errors.init_app(app)
    _init_templates(app)

    from lianxin.cli import register_commands

    register_commands(app)
    return app


def _townships_for_jobs() -> Any:
    """What the jobs layer needs of townships, given here: infrastructure imports no domain."""
    from sqlalchemy import select

    from lianxin.jobs import Townships
    from lianxin.tenants import service as tenants
    from lianxin.tenants.models import Township, TownshipStatus

    def active_ids() -> list[int]:
        query = select(Township.id).where(Township.status == TownshipStatus.ACTIVE)
        return list(db.session.scalars(query))

    return Townships(module_on=tenants.module_enabled, active_ids=active_ids)


def _init_login(app: Flask) -> None:
    from lianxin.auth import service as accounts
    from lianxin.auth import sessions as web_sessions
    from lianxin.auth import throttle
    from lianxin.auth.models import User

    web_sessions.init_app(app)
    throttle.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        # Logged out or idle too long: a copy of the old cookie is worthless.
        if not web_sessions.is_live():
            return None
        found = accounts.session_user(int(user_id), request.remote_addr)
        # The password was set or changed, or the account switched off, since this sign-in.
        if found is None or not web_sessions.matches(found[0]):
            return None
        # Kept aside for web.scope.current_actor, which takes it only on a page request and
        # only for this same user (an API request's actor comes from its token alone).
        user, g.lianxin_session_actor = found
        return user


def _mount(app: Flask, registry: Registry) -> None:
    """Mount every part the registry declares, in its order: a core part's blueprints at their
    own prefixes, a module's under its township's URL (a switched-off module answers 404)."""
    from lianxin.api.base import LianxinApi

    # One Api per app: flask-smorest keeps the OpenAPI document on the Api object.
    api = LianxinApi(app)
    app.extensions["lianxin.api"] = api
    owners: dict[str, str] = {}
    for spec in registry:
        for blueprint in spec.blueprints:
            app.register_blueprint(blueprint)
        for api_blueprint in spec.api_blueprints:
            api.register_blueprint(api_blueprint)
            csrf.exempt(api_blueprint)
        if spec.api_blueprint is not None:
            api.register_blueprint(
                spec.api_blueprint, url_prefix=f"/api/v1/t/<township_slug>/{spec.key}"
            )
            csrf.exempt(spec.api_blueprint)
            owners[spec.api_blueprint.name] = spec.key
        if spec.pages_blueprint is not None:
            app.register_blueprint(
                spec.pages_blueprint, url_prefix=f"/t/<township_slug>/{spec.key}"
            )
            owners[spec.pages_blueprint.name] = spec.key
        if spec.public_blueprint is not None:
            app.register_blueprint(
                spec.public_blueprint, url_prefix=f"/p/<township_slug>/{spec.key}"
            )
            owners[spec.public_blueprint.name] = spec.key
    app.extensions["lianxin.module_blueprints"] = owners

    @app.before_request
    def _module_switch() -> None:
        key = owners.get(request.blueprint or "")
        if key is None:
            return
        from flask_babel import gettext as _

        from lianxin.errors import ModuleDisabled
        from lianxin.tenants import service as tenants

        township = g.get("township")
        if township is None or not tenants.module_enabled(township.id, key):
            raise ModuleDisabled(_("模块“%(name)s”在本乡镇未开通。", name=registry.get(key).name))


def _init_templates(app: Flask) -> None:
    from lianxin.web.templating import init_app

    init_app(app)
