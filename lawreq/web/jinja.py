"""Template filters and globals: times in the viewer's zone, state labels, permission predicates."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user
from jinja2 import FileSystemBytecodeCache

from lawreq.core.clock import utcnow
from lawreq.legal_requests import permissions
from lawreq.web import nav
from lawreq.workflow.states import STATES

STATE_LABELS = {s: s.replace("_", " ").capitalize() for s in STATES}


def viewer_zone() -> ZoneInfo:
    """The viewer's zone: their first unit's zone (units are where clocks are read), else UTC."""
    units = getattr(current_user, "units", None) or []
    try:
        return ZoneInfo(units[0].timezone) if units else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def localtime(value: datetime | None, fmt: str = "%a %Y-%m-%d %H:%M %Z", zone: str | None = None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(zone) if zone else viewer_zone()).strftime(fmt)


def relative(value: datetime | None) -> str:
    """"in 2 d 4 h" / "3 h overdue", the way a liaison officer scans a board."""
    if value is None:
        return ""
    seconds = int((value - utcnow()).total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    text = f"{days} d {hours} h" if days else (f"{hours} h {rem // 60} min" if hours else f"{rem // 60} min")
    return f"{text} overdue" if late else f"in {text}"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(localtime=localtime, relative=relative,
                                 state_label=lambda s: STATE_LABELS.get(s, s))
    app.jinja_env.globals.update(can_view=permissions.can_view, can_edit=permissions.can_edit,
                                 contributors=permissions.contributors,
                                 can_approve=permissions.can_approve, now=utcnow)
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
