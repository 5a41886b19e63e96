"""Interface language: which locale a request is served in, and the gettext names the Flask layer imports.

Templates use ``{{ _("…") }}`` (Flask-Babel installs ``_``/``gettext``/``ngettext`` into Jinja); Python code of
the Flask layer imports ``_`` / ``lazy_gettext`` from here, so one module decides how strings are translated.
Pure packages (rules, pdf, deadlines arithmetic) never import this.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _  # noqa: F401  (re-exported)
from flask_babel import lazy_gettext, ngettext  # noqa: F401

SUPPORTED = ("en",)


def select_locale() -> str:
    """English until catalogues exist; the interface-language issue widens SUPPORTED and adds the user's choice."""
    supported = current_app.config.get("LANGUAGES", SUPPORTED)
    return request.accept_languages.best_match(supported) or supported[0]
