"""Interface language: which locale a request is served in, and the gettext names the Flask layer imports.

Templates use ``{{ _("…") }}`` (Flask-Babel installs ``_``/``gettext``/``ngettext`` into Jinja); Python code of
the Flask layer imports ``_`` / ``lazy_gettext`` from here, so one module decides how strings are translated.
Pure packages (rules, pdf, deadlines arithmetic) never import this.

The locale is, in this order: the signed-in user's choice (``users.locale``, set on the account page), the
browser's ``Accept-Language``, the instance's ``DEFAULT_LOCALE``. Only languages in ``LANGUAGES`` are served,
and only those with a complete catalogue belong there (``tests/i18n`` checks it).
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context, request
from flask_babel import gettext as _  # noqa: F401  (re-exported)
from flask_babel import lazy_gettext, ngettext  # noqa: F401

#: Every interface language lawreq has a catalogue for: the nine of the PDF label catalogues.
KNOWN = ("en", "de", "fr", "fi", "sv", "nl", "es", "it", "pl")
TRANSLATIONS_DIR = Path(__file__).parent / "translations"


def languages() -> tuple[str, ...]:
    configured = current_app.config.get("LANGUAGES") or ("en",)
    return tuple(code for code in configured if code in KNOWN) or ("en",)


def select_locale() -> str:
    """The user's choice, else the browser's best match, else the instance default."""
    supported = languages()
    default = current_app.config.get("DEFAULT_LOCALE") or "en"
    if default not in supported:
        default = supported[0]
    if not has_request_context():
        return default
    from flask_login import current_user

    chosen = getattr(current_user, "locale", None) if getattr(current_user, "is_authenticated", False) else None
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or default
