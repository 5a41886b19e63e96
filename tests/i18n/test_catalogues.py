"""The catalogues are complete, compiled and consistent: CI fails when a language misses a message, when a
``.mo`` is stale or missing, or when a legal term drifts from the PDF label catalogue of the same language."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from lawreq.catalogues import TRANSLATIONS, compiled, po_files
from lawreq.catalogues_extract import extract
from lawreq.config import DEFAULTS
from lawreq.i18n import KNOWN

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def source():
    return extract()


def _catalogue(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _ids(message):
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_every_known_language_has_a_catalogue():
    assert sorted(p.parts[-3] for p in po_files()) == sorted(KNOWN)


@pytest.mark.parametrize("lang", KNOWN)
def test_the_catalogue_holds_every_message_of_the_sources(source, lang):
    catalogue = _catalogue(lang)
    missing = sorted(str(m.id) for m in source if m.id and m.id not in catalogue)
    assert missing == [], f"{lang}: run `lawreq i18n update` — {len(missing)} new messages, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", [code for code in DEFAULTS["LANGUAGES"] if code != "en"])
def test_every_offered_language_translates_every_message(source, lang):
    catalogue = _catalogue(lang)
    untranslated = [str(m.id) for m in source if m.id and (catalogue.get(m.id) is None
                                                           or not all(_strings(catalogue.get(m.id)))
                                                           or catalogue.get(m.id).fuzzy)]
    assert untranslated == [], f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def _strings(message):
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("lang", KNOWN)
def test_a_translation_keeps_the_placeholders_of_its_message(lang):
    wrong = []
    for message in _catalogue(lang):
        if not message.id:
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_ids(message))))
        for text in _strings(message):
            if text and set(PLACEHOLDER.findall(text)) - wanted:
                wrong.append((message.id, text))
            if text and len(_ids(message)) == 1 and set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((message.id, text))
    assert wrong == []


@pytest.mark.parametrize("po", po_files(), ids=lambda p: p.parts[-3])
def test_the_compiled_catalogue_is_present_and_fresh(po):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} missing: run `lawreq i18n compile` (or reinstall: the build compiles it)"
    assert mo.read_bytes() == compiled(po), f"{mo} is stale: run `lawreq i18n compile`"


@pytest.mark.parametrize("lang", [code for code in KNOWN if code != "en"])
def test_the_non_english_catalogues_say_they_are_machine_assisted(lang):
    text = (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "MACHINE-ASSISTED TRANSLATION" in text.split("msgid")[0]


@pytest.mark.parametrize("lang", [code for code in KNOWN if code != "en"])
def test_legal_terms_are_worded_as_in_the_pdf_labels(lang):
    """One glossary (lawreq/glossary.py): the interface says what the forms print, for every translated term."""
    import json

    from lawreq.glossary import GLOSSARY
    from lawreq.pdf.labels import CATALOGUE_DIR

    labels = json.loads((CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))["labels"]
    catalogue = _catalogue(lang)
    drift = []
    for message, key in GLOSSARY.items():
        entry = catalogue.get(message)
        if entry is not None and entry.string and entry.string.casefold() != labels[key].casefold():
            drift.append((message, entry.string, labels[key]))
    assert drift == []
