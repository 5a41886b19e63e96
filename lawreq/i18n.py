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

from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import LazyString, get_translations

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


def translations() -> NullTranslations:
    """This request's catalogue, looked up once per request.

    Flask-Babel's own ``gettext`` finds the catalogue afresh on every call (three trips through ``g`` and the
    locale selection each time: a board page makes some 150 of them). It is kept where Flask-Babel itself keeps
    it, ``babel_translations`` in its per-request namespace, which ``flask_babel.refresh()`` clears and
    ``force_locale`` swaps, so a changed or forced locale is honoured exactly as before."""
    try:
        ns = g._flask_babel
    except (AttributeError, RuntimeError):  # first call of the request, or no app context at all
        return get_translations()
    found = getattr(ns, "babel_translations", None)
    if found is None:
        found = ns.babel_translations = get_translations()
    return found


def _(string: str, **variables: Any) -> str:
    """``gettext``: the viewer's translation of ``string``, ``%``-formatted with ``variables`` (as Flask-Babel's)."""
    text = translations().ugettext(string)
    return text if not variables else text % variables


gettext = _


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext``: the plural form for ``num``, with ``num`` among the variables."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """Translated when shown, in the language of the request showing it."""
    return LazyString(_, string, **variables)


def install_jinja_gettext(app: Flask) -> None:
    """Templates' ``_``/``gettext``/``ngettext`` through :func:`translations` (call after ``babel.init_app``,
    which installed Flask-Babel's per-call lookup)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
