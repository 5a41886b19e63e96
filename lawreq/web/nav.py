"""The main navigation per role. Areas appear once their blueprint is registered, so the list is the single
place to add a link (and nobody edits base.html for it)."""

from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_login import current_user
from lawreq.i18n import lazy_gettext as _l

#: (endpoint, label, roles)
NAV = [
    ("legal_requests.cases", _l("Cases"), {"investigator", "liaison_officer", "admin"}),
    ("approvals.queue", _l("Approvals"), {"approver"}),
    ("board.index", _l("Board"), {"liaison_officer", "investigator", "admin"}),
    ("deadlines.preservations", _l("Preservations"), {"liaison_officer", "investigator", "admin"}),
    ("board.statistics", _l("Statistics"), {"liaison_officer", "admin"}),
    ("deadlines.notifications", _l("Notifications"), {"investigator", "approver", "liaison_officer", "rules_maintainer", "admin"}),
    ("rules_browser.index", _l("Rules"), {"investigator", "approver", "liaison_officer", "rules_maintainer", "admin"}),
    ("api_tokens.index", _l("API tokens"), {"investigator", "liaison_officer", "admin"}),
    ("admin.users", _l("Users"), {"admin"}),
    ("admin.units", _l("Units"), {"admin"}),
]


def nav_items() -> list[dict[str, str]]:
    if not current_user.is_authenticated or current_user.must_change_password:
        return []  # nothing to offer until a temporary password is replaced (auth.views._password_change_gate)
    return [{"url": url_for(endpoint), "label": str(label)} for endpoint, label, roles in NAV
            if current_user.role in roles and endpoint in current_app.view_functions]


def register(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": nav_items()})
