"""Fixed labels in the addressee's language, honest about unofficial wording, and free text flagged for translation."""

from __future__ import annotations

import pytest

from lawreq.pdf import UnsupportedLanguageError, render
from lawreq.pdf.labels import Labels, catalogues
from lawreq.pdf.render import example, form_languages
from tests.pdf.conftest import page_texts, pdf_text

REQUIRED = ("en", "de", "fr", "fi", "sv", "es", "it", "nl", "pl")


def test_every_required_language_has_a_catalogue_and_only_english_claims_official_wording():
    known = catalogues()
    assert set(REQUIRED) <= set(known)
    assert [lang for lang, cat in known.items() if cat.official] == ["en"]


@pytest.mark.parametrize("lang", REQUIRED)
def test_the_eu_certificates_and_cover_sheet_exist_in_each_required_language(lang):
    for form_id in ("epoc", "epoc_pr", "annex_iii", "annex_v", "annex_vi", "cover_sheet"):
        assert lang in form_languages(form_id), form_id


@pytest.mark.parametrize("lang", [lang for lang in REQUIRED if lang != "en"])
def test_a_translated_epoc_prints_its_labels_and_the_unofficial_notice(lang, request_data):
    labels = Labels(lang)
    pdf = render("epoc", request_data, lang=lang)
    text = pdf_text(pdf)
    name = catalogues()[lang].name
    assert f"Labels in {name}: unofficial translation — check against the official Annex text" in text
    assert labels.text("epoc_title") in text
    assert labels.text("sec_b_addressee") in text
    pages = len(page_texts(pdf))
    assert labels.text("page_of", x=1, y=pages) in text and labels.text("page_of", x=pages, y=pages) in text
    assert "SECTION B: Addressee" not in text


def test_english_is_printed_without_the_unofficial_notice_but_with_the_reconstruction_caveat(request_data):
    text = pdf_text(render("epoc", request_data))
    assert "unofficial translation" not in text
    assert "must be checked against OJ L 191, 28.7.2023" in text


def test_bilingual_rendering_prints_both_languages_and_both_notices(request_data):
    text = pdf_text(render("epoc", request_data, lang="fi", bilingual="en"))
    assert Labels("fi").text("sec_b_addressee") in text
    assert "SECTION B: Addressee" in text
    assert "Labels in Suomi: unofficial translation" in text
    assert "Labels in English" not in text


def test_free_text_in_another_language_is_flagged_for_translation(request_data):
    assert request_data["language"] == "fi"
    flagged = pdf_text(render("epoc", request_data, lang="de"))
    assert Labels("de").text("translation_needed", lang="fi") in flagged
    same = pdf_text(render("epoc", request_data, lang="fi"))
    assert Labels("fi").text("translation_needed", lang="fi") not in same


def test_us_letters_are_english_only_and_other_languages_are_refused_by_name():
    assert form_languages("us_emergency_disclosure") == ("en",)
    with pytest.raises(UnsupportedLanguageError, match="'de'.*available: en"):
        render("us_emergency_disclosure", example("us_emergency_disclosure"), lang="de")


def test_an_unknown_language_is_refused_before_rendering(request_data):
    with pytest.raises(UnsupportedLanguageError, match="'xx'"):
        render("epoc", request_data, lang="xx")
    with pytest.raises(UnsupportedLanguageError, match="'xx'"):
        render("epoc", request_data, bilingual="xx")


def test_catalogues_use_the_same_placeholders_as_english():
    english = catalogues()["en"].labels
    for lang, catalogue in catalogues().items():
        for key, text in catalogue.labels.items():
            assert key in english, f"{lang}: {key} unknown in en"
            for placeholder in ("{x}", "{y}", "{lang}", "{provider}"):
                assert (placeholder in text) == (placeholder in english[key]), f"{lang}:{key} {placeholder}"
