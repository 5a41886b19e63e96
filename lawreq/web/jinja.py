"""Template filters and globals: times in the viewer's zone, state labels, permission predicates."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user
from jinja2 import FileSystemBytecodeCache

from lawreq.core.clock import utcnow
from lawreq.legal_requests import permissions
from lawreq.web import nav
from lawreq.web.formatting import FILTERS, html_lang, localtime, relative  # noqa: F401  (re-exported)


def viewer_zone() -> ZoneInfo:
    """The viewer's zone: their first unit's zone (units are where clocks are read), else UTC."""
    units = getattr(current_user, "units", None) or []
    try:
        return ZoneInfo(units[0].timezone) if units else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(can_view=permissions.can_view, can_edit=permissions.can_edit,
                                 contributors=permissions.contributors,
                                 can_approve=permissions.can_approve, now=utcnow, html_lang=html_lang)
    app.jinja_env.autoescape = True
    if app.config["ENV"] == "production":
        # Templates change only with a release: no stat() of every template on every render, and compiled
        # templates kept on disk so a new worker loads bytecode instead of compiling each template again.
        app.jinja_env.auto_reload = False
        cache = Path(app.instance_path) / "jinja-cache"
        try:
            cache.mkdir(parents=True, exist_ok=True)
            app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(cache))
        except OSError:
            pass  # a read-only instance folder: templates compile in memory, as before
    nav.register(app)
