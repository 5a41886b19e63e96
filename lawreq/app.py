"""The application factory: a list of small ``register_*`` steps and no side effects.

No migrations, no database writes, no network and no scheduler here: those are CLI steps (``lawreq db upgrade``,
``lawreq serve``, ``lawreq scheduler``), so gunicorn workers and tests can build apps freely.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from lawreq import db
from lawreq.config import PROJECT_ROOT, build_config, in_checkout, validate_config


def create_app(config: Mapping[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    instance = instance_path or instance_dir()
    settings = build_config(instance, config)
    validate_config(settings)
    app = Flask("lawreq", instance_path=instance, template_folder=settings["TEMPLATES_DIR"],
                static_folder=str(Path(__file__).resolve().parent / "static"))
    app.config.update(settings)
    register_session_cookie(app)
    register_database(app)
    register_rules(app)
    register_signing(app)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_jinja(app)
    register_operations(app)
    return app


def instance_dir() -> str:
    """``LAWREQ_INSTANCE_PATH``, else ``<checkout>/instance``, else ``./instance`` for an installed package (never
    inside site-packages): where the embedded database and local config live."""
    default = PROJECT_ROOT / "instance" if in_checkout() else Path.cwd() / "instance"
    return os.environ.get("LAWREQ_INSTANCE_PATH") or str(default)


def register_session_cookie(app: Flask) -> None:
    """``__Host-`` + Secure in production; embedded mode on plain http gets the same flags minus Secure."""
    production = app.config["ENV"] == "production"
    app.config.update(
        SESSION_COOKIE_NAME="__Host-lawreq" if production else "lawreq_session",
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_MAX_HOURS"]),
        WTF_CSRF_SSL_STRICT=True,
    )


def register_database(app: Flask) -> None:
    engine = db.make_engine(app.config["DATABASE_URL"])
    app.extensions["lawreq.engine"] = engine
    db.configure_session(engine)

    @app.teardown_appcontext
    def _remove_session(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
        db.session.remove()


def register_rules(app: Flask) -> None:
    """Load and validate the rules once; an invalid rule set stops the app (RulesError lists every problem)."""
    from lawreq.rules import load_rules  # heavy-ish import kept out of module import time

    app.extensions["lawreq.rules"] = load_rules(app.config["JURISDICTIONS_DIR"])


def register_signing(app: Flask) -> None:
    """Load every unit's signing key once; a broken one is named now (and on the admin units page)."""
    from lawreq.signing import SigningKeys

    keys = SigningKeys.load(app.config, app.instance_path)
    app.extensions["lawreq.signing"] = keys
    for problem in keys.problems.values():
        app.logger.error("signing: %s", problem.message)


def register_extensions(app: Flask) -> None:
    from lawreq.auth.sessions import current
    from lawreq.extensions import babel, csrf, login_manager
    from lawreq.i18n import install_jinja_gettext, select_locale

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_jinja_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in."
    login_manager.session_protection = None  # our own server-side sessions do this job

    @login_manager.request_loader
    def _load(_request: Any) -> Any:
        row = current()
        return row.user if row is not None else None


def register_blueprints(app: Flask) -> None:
    from lawreq.auth.views import bp as auth_bp
    from lawreq.web.errors import register_error_handlers
    from lawreq.web.main import bp as web_bp

    for bp in (auth_bp, web_bp):
        app.register_blueprint(bp)
    for extra in _optional_blueprints():
        app.register_blueprint(extra)
    register_error_handlers(app)


def _optional_blueprints() -> list[Any]:
    """Blueprints of the user-facing areas (cases and requests, board, approvals, deadlines, rules, API)."""
    from lawreq.web.registry import blueprints

    return blueprints()


def register_security(app: Flask) -> None:
    from lawreq.web.security import apply_security_headers

    app.after_request(apply_security_headers)


def register_operations(app: Flask) -> None:
    """The access log and ``X-Request-ID`` (the health and metrics pages are the ``ops`` blueprint)."""
    from lawreq.core.clock import utcnow
    from lawreq.ops.access_log import register_access_log

    app.extensions["lawreq.started_at"] = utcnow()
    register_access_log(app)


def register_jinja(app: Flask) -> None:
    from lawreq.web.jinja import register

    register(app)
