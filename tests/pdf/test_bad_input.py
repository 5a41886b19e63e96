"""Bad requests fail early and clearly; hostile or huge text renders as text and never breaks the document."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportlab.pdfbase.ttfonts import TTFont

from lawreq.pdf import InvalidFieldError, MissingFieldsError, UnknownFormError, render
from lawreq.pdf.fonts import FONT_DIR
from tests.pdf.conftest import page_texts, pdf_text


def test_missing_mandatory_fields_are_all_named_at_once(request_data):
    del request_data["facts_summary"]
    request_data["identifiers"] = []
    request_data["issuing_authority"]["signatory"] = "   "
    with pytest.raises(MissingFieldsError) as err:
        render("epoc", request_data)
    assert err.value.fields == ("issuing_authority.signatory", "identifiers", "facts_summary")
    assert "facts_summary" in str(err.value) and "identifiers" in str(err.value)


def test_an_empty_request_lists_every_required_field_of_the_form():
    with pytest.raises(MissingFieldsError) as err:
        render("us_emergency_disclosure", {})
    assert "emergency_facts.threat" in err.value.fields and "reference" in err.value.fields


def test_an_unknown_form_names_the_known_ones(request_data):
    with pytest.raises(UnknownFormError, match="unknown form 'epoc2'.*epoc_pr"):
        render("epoc2", request_data)


@pytest.mark.parametrize(
    ("path", "bad", "message"),
    [
        ("identifiers", [{"type": "fax", "value": "1"}], "'fax' is not one of"),
        ("identifiers", ["84.248.17.203"], "expected a list of objects"),
        ("data_categories", ["everything"], "'everything' is not one of"),
        ("data_categories", "subscriber_data", "expected a list of strings"),
    ],
)
def test_malformed_fields_name_the_field_and_the_allowed_values(request_data, path, bad, message):
    request_data[path] = bad
    with pytest.raises(InvalidFieldError, match=message) as err:
        render("epoc", request_data)
    assert err.value.field.startswith(path)


def test_a_cover_sheet_must_name_a_real_form(request_data):
    request_data["form"] = "nonsense"
    with pytest.raises(UnknownFormError):
        render("cover_sheet", request_data)


HOSTILE = [
    '<font size=60>BIG</font>',
    '<a href="https://evil.example">click</a>',
    "Smith & Sons <unknown> </para>",
    "مرحبا بالعالم",
    "a\x00b\x07c\x1bd",
    "\u202eevil\u202c",
    "]]><![CDATA[",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_render_as_plain_text(request_data, hostile):
    request_data["facts_summary"] = f"Facts: {hostile} end."
    request_data["addressee"]["contact_person"] = hostile
    pdf = render("epoc", request_data)
    text = pdf_text(pdf)
    visible = "".join(ch for ch in hostile if ch.isprintable() and ch not in "\u202e\u202c")
    if any(unicodedata.bidirectional(ch) == "AL" for ch in visible):
        # no bidi shaping (not needed for EU languages): the letters are all there, the extractor reorders them
        assert set(visible) - {" "} <= set(text)
    else:
        assert f"Facts: {visible} end." in text
    assert b"/URI" not in pdf and b"evil.example" not in pdf.split(b"stream")[0]


def test_very_long_free_text_flows_over_pages_in_full(request_data):
    words = [f"word{i:05d}" for i in range(9000)]
    request_data["facts_summary"] = " ".join(words[:4500]) + "\n\n" + " ".join(words[4500:])
    request_data["addressee"]["address"] = "Very long address " * 60
    pages = page_texts(render("epoc", request_data))
    assert len(pages) > 8
    text = " ".join(pages)
    assert "word00000" in text and "word08999" in text and "word04500" in text
    assert all("page" in page for page in pages)


def _covered_alphabet() -> list[str]:
    """Latin, Greek and Cyrillic characters the vendored font has glyphs for (the scripts of the EU languages)."""
    cmap = TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")).face.charToGlyph
    return [
        chr(code) for code in range(0x20, 0x500)
        if code in cmap and unicodedata.category(chr(code))[0] in "LNPS" or chr(code) == " "
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(_covered_alphabet()), min_size=1, max_size=60))
def test_any_latin_greek_or_cyrillic_text_survives_into_the_pdf(request_data, value):
    request_data["facts_summary"] = f"«{value}»"
    text = pdf_text(render("epoc", request_data))
    expected = " ".join(f"«{value}»".split())
    assert unicodedata.normalize("NFC", expected) in unicodedata.normalize("NFC", text)
