"""Every page, rendered under a pseudo-locale that wraps each translated string in ⟦…⟧, shows no visible text
outside the brackets except data (what users and the rules typed, numbers, Babel's own names).

The pages are the access matrix's: every GET endpoint, as the first role it admits, over the matrix's world;
plus each wizard step of a draft. A string that is not passed through gettext, or that is passed through but
not extracted, shows up here as a leftover, named with its page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel import Locale
from babel.support import NullTranslations
from flask_babel import Domain

from tests.conftest import ROOT
from tests.test_access_matrix import ACCESS, _url, world  # noqa: F401  (world is a fixture)

OPEN, CLOSE = "⟦", "⟧"
#: Text that is not a sentence of lawreq's: brand, units, symbols, and markup the pages print verbatim.
ALLOWED = {"lawreq", "law", "req", "UTC", "CSV", "API", "OpenAPI", "JSON", "TOTP", "PDF", "IP", "GET", "POST",
           "PATCH", "DELETE", "api", "v1", "openapi.json", "×"}
SKIP_TAGS = {"script", "style", "code", "pre", "svg", "option", "textarea"}
ATTRS = {"title", "placeholder", "aria-label", "alt", "data-confirm"}


#: every message the pages asked for, to check that extraction found it (a catalogue cannot translate the rest)
ASKED: set[str] = set()


class Pseudo(NullTranslations):
    def gettext(self, message):
        ASKED.add(message)
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, singular, plural, n):
        ASKED.add(singular)
        return f"{OPEN}{singular if n == 1 else plural}{CLOSE}"

    ugettext, ungettext = gettext, ngettext

    def pgettext(self, context, message):
        return self.gettext(message)

    def npgettext(self, context, singular, plural, n):
        return self.ngettext(singular, plural, n)

    upgettext, unpgettext = pgettext, npgettext


@pytest.fixture
def pseudo(monkeypatch):
    monkeypatch.setattr(Domain, "get_translations", lambda self: Pseudo())


class Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.skip += 1
        for name, value in attrs:
            if name in ATTRS and value:
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.found.append(data)


def _strip_wrapped(text: str) -> list[str]:
    """What is left of ``text`` outside the ⟦…⟧ spans (nested spans included)."""
    pattern = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while True:
        new = pattern.sub("\0", text)
        if new == text:
            break
        text = new
    return [piece for piece in text.split("\0")]


def _yaml_strings(node, out):
    if isinstance(node, str):
        out.add(node)
    elif isinstance(node, dict):
        if isinstance(node.get("instrument"), str) and node.get("article"):
            out.add(f"{node['instrument']}, {node['article']}")  # how a citation link reads
        for key, value in node.items():
            _yaml_strings(key, out)
            _yaml_strings(value, out)
    elif isinstance(node, list):
        for value in node:
            _yaml_strings(value, out)


@pytest.fixture(scope="module")
def data_strings():
    """Everything the rules say (titles, names, notes) and Babel's names: data, not interface text."""
    out: set[str] = set()
    for path in Path(ROOT / "jurisdictions").rglob("*.yaml"):
        _yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8")), out)
    english = Locale("en")
    out |= set(english.territories.values()) | set(english.languages.values())
    return out


#: What Babel prints in English (dates, times with their zone, unit counts): formatted values, not sentences.
BABEL_VALUE = re.compile(r"^((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}( \d\d:\d\d [A-Z]{2,5}"
                         r"([+-]\d+(:\d\d)?)?)?|\d+(\.\d+)? (min|hr|day|days|hours?|minutes?|weeks?|months?)"
                         r"( \d+ (min|hr))?)$")


def _is_data(piece: str, data: set[str]) -> bool:
    core = piece.strip(" \n\t·—–-:;,.()[]/|→←▲▼?!\"'“”’%+#*&@")
    if not re.search(r"[A-Za-zÀ-ÿ]", core) or BABEL_VALUE.match(core):
        return True
    if core in ALLOWED or core in data or piece.strip() in data:
        return True
    if len(core) >= 12 and any(core in d for d in data):  # a long fragment of a rule's text (e.g. a note)
        return True
    # a list of data values ("Finnish, Swedish"; "instrument, article; instrument, article")
    parts = [p for p in re.split(r"[;,·]\s*| — | · ", core) if p.strip()]
    return len(parts) > 1 and all(_is_data(part, data) for part in parts)


def _unwrap(html: str) -> str:
    """Drop the text of every ⟦…⟧ span, keeping the markup a ``{% trans %}`` message carries, innermost first."""
    pattern = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")
    while True:
        new = pattern.sub(lambda m: "\0" + "".join(re.findall(r"<[^>]*>", m.group(1))) + "\0", html)
        if new == html:
            return new
        html = new


def _leftovers(html: str, data: set[str]) -> list[str]:
    parser = Texts()
    parser.feed(_unwrap(html))
    bad = []
    for text in parser.found:
        for piece in _strip_wrapped(text):
            if not _is_data(piece, data):
                bad.append(piece.strip())
    return bad


def _pages():
    for endpoint, (method, expect) in sorted(ACCESS.items()):
        if method != "GET" or endpoint.startswith("api.") or endpoint in {"static", "web.health"}:
            continue
        role = next((r for r, e in expect.items() if e == 200), None)
        if role is not None:
            yield pytest.param(endpoint, role, id=endpoint)


def _world_data(world) -> set[str]:
    from sqlalchemy import select

    from lawreq import db
    from lawreq.auth.models import Unit

    units = db.session.scalars(select(Unit)).all()
    users = world["users"].values()
    out = {u.name for u in users} | {u.email for u in users}
    out |= {world["case"].reference, world["case"].summary, world["request"].reference, world["unit"].name,
            world["request"].route_id,
            world["unit"].code}
    out |= {unit.name for unit in units} | {unit.code for unit in units} | {f"{u.name} ({u.code})" for u in units}
    return out


@pytest.mark.parametrize("endpoint,role", list(_pages()))
def test_every_page_is_translated(app, client, login, world, pseudo, data_strings, endpoint, role):  # noqa: F811
    if role != "anon":
        login(world["users"][role])
    resp = client.get(_url(app, endpoint, world))
    assert resp.status_code == 200
    if not resp.mimetype == "text/html":
        return
    leftovers = _leftovers(resp.get_data(as_text=True), data_strings | _world_data(world))
    assert leftovers == [], f"{endpoint}: text outside gettext: {sorted(set(leftovers))[:20]}"


@pytest.mark.parametrize("step", ["target", "data", "urgency", "route", "details", "review"])
def test_every_wizard_step_is_translated(app, client, login, world, factory, db_session, pseudo,  # noqa: F811
                                         data_strings, step):
    investigator = world["users"]["investigator"]
    draft = factory.request(world["case"], investigator, provider_id="meta", route_id="eu-epoc", form_id="epoc",
                            facts={"provider": "meta", "data_categories": ["subscriber_data"], "emergency": False,
                                   "issuer": "police"},
                            identifiers=[{"type": "ip", "value": "192.0.2.10", "port": 51234,
                                          "timestamp_utc": "2026-11-20T12:03:22Z"}])
    db_session.commit()
    login(investigator)
    resp = client.get(f"/requests/{draft.id}/wizard/{step}", follow_redirects=True)
    assert resp.status_code == 200
    data = data_strings | _world_data(world) | {draft.reference, "192.0.2.10", "192.0.2.10:51234"}
    leftovers = _leftovers(resp.get_data(as_text=True), data)
    assert leftovers == [], f"wizard {step}: text outside gettext: {sorted(set(leftovers))[:20]}"


@pytest.mark.parametrize("lang", ["de", "fr", "fi", "sv", "nl", "es", "it", "pl"])
def test_every_page_renders_in_every_language(app, client, login, world, db_session, lang):  # noqa: F811
    """A translation with a broken placeholder fails at render time; render every page in every language."""
    broken = []
    for user in world["users"].values():
        user.locale = lang
    db_session.commit()
    for param in _pages():
        endpoint, role = param.values
        if role == "anon":
            continue  # the login page follows Accept-Language: tests/i18n/test_language_choice.py
        login(world["users"][role])
        resp = client.get(_url(app, endpoint, world))
        html = resp.get_data(as_text=True)
        if resp.status_code != 200 or (resp.mimetype == "text/html" and f'<html lang="{lang}">' not in html):
            broken.append((endpoint, resp.status_code))
    assert broken == []


def test_every_message_the_pages_asked_for_is_in_the_catalogue():
    """Runs after the page tests above: a string passed to gettext but missed by extraction (a folder the walk
    skipped, a marker it does not know) would stay English in every language."""
    from lawreq.catalogues_extract import extract

    if not ASKED:
        pytest.skip("run with the page tests of this module")
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    data = {m for m in ASKED if not re.search(r"[a-z]{3}", m) or m in known}
    missing = sorted(ASKED - known - data)
    # data passes through gettext too (choice labels from the rules, route titles): only our own sentences count
    rules_text = set()
    for path in Path(ROOT / "jurisdictions").rglob("*.yaml"):
        _yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8")), rules_text)
    missing = [m for m in missing if m not in rules_text]
    assert missing == [], f"gettext was called with messages extraction does not find: {missing[:10]}"
