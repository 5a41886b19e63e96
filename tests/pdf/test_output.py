"""Properties of the PDF file itself: reproducible bytes, embedded fonts only, metadata, page numbering, checksum."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess

import pypdf
import pytest
from reportlab.pdfbase.ttfonts import TTFont

from lawreq.pdf import document_checksum, render
from lawreq.pdf.document import canonical_json
from lawreq.pdf.fonts import FONT_DIR
from lawreq.pdf.render import example
from tests.pdf.conftest import page_texts, pdf_text

# One sample word per EU official language, including the letters the base-14 fonts lack.
EU_SAMPLES = (
    "Ελληνικά ΆΈΉ ώ", "Български ЖЩЪ", "Lietuvių ąčęėįšųūž", "Latviešu āčēģīķļņšūž", "Eesti õäöü",
    "Polski ąćęłńóśźż", "Čeština ěščřžýáíéůú", "Slovenčina ľĺŕô", "Magyar őű", "Română șțăâî",
    "Malti ċġħż", "Hrvatski đćč", "Dansk æøå", "Suomi äöå", "Français œçëï", "Deutsch ßÄÖÜ", "Gaeilge áéíóú",
    "€ § № ☐ ☒",
)


def test_invariant_mode_gives_byte_identical_documents(request_data):
    first = render("epoc", request_data, invariant=True)
    second = render("epoc", json.loads(json.dumps(request_data)), invariant=True)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    request_data["facts_summary"] += " One more sentence."
    assert render("epoc", request_data, invariant=True) != first


def test_without_invariant_mode_the_creation_date_is_real(request_data):
    reader = pypdf.PdfReader(io.BytesIO(render("epoc", request_data)))
    assert not str(reader.metadata["/CreationDate"]).startswith("D:2000")


def test_only_embedded_dejavu_fonts_are_referenced(request_data):
    reader = pypdf.PdfReader(io.BytesIO(render("epoc", request_data, lang="de", bilingual="en")))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/DescendantFonts" in font or "/FontDescriptor" in font or font["/Subtype"] == "/Type3"
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts
    assert not any("Helvetica" in name for name in fonts)


def test_every_eu_alphabet_is_covered_by_the_vendored_font():
    for face in ("DejaVuSans", "DejaVuSans-Bold"):
        cmap = TTFont(face, str(FONT_DIR / f"{face}.ttf")).face.charToGlyph
        missing = {ch for sample in EU_SAMPLES for ch in sample if ch != " " and ord(ch) not in cmap}
        assert not missing, (face, missing)


def test_eu_letters_round_trip_through_the_pdf(request_data):
    request_data["facts_summary"] = "\n".join(EU_SAMPLES)
    text = pdf_text(render("epoc", request_data))
    for sample in EU_SAMPLES:
        assert sample in text


def test_decomposed_input_is_stored_precomposed(request_data):
    request_data["facts_summary"] = "Ma\u0308kela\u0308 S\u030cimon"
    assert "Mäkelä Šimon" in pdf_text(render("epoc", request_data))


def test_metadata_names_the_form_the_unit_and_the_reference(request_data):
    reader = pypdf.PdfReader(io.BytesIO(render("epoc", request_data)))
    meta = reader.metadata
    assert meta.title.startswith("EUROPEAN PRODUCTION ORDER CERTIFICATE (EPOC)")
    assert request_data["reference"] in meta.title
    assert meta.author == request_data["issuing_authority"]["unit"]
    assert request_data["route"]["title"] in meta.subject


def test_every_page_says_page_x_of_y(request_data):
    pages = page_texts(render("epoc", request_data))
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {total}" in text


def test_cover_sheet_shows_the_content_checksum_in_hex_groups(request_data):
    checksum = document_checksum("epoc", request_data)
    assert checksum == hashlib.sha256(canonical_json("epoc", request_data)).hexdigest()
    grouped = " ".join(checksum[i : i + 4] for i in range(0, 64, 4))
    assert grouped in pdf_text(render("epoc", request_data))


def test_checksum_ignores_key_order_and_normalisation_but_not_content(request_data):
    reordered = dict(reversed(list(request_data.items())))
    assert document_checksum("epoc", reordered) == document_checksum("epoc", request_data)
    decomposed = dict(request_data, facts_summary=request_data["facts_summary"].replace("ä", "a\u0308"))
    assert document_checksum("epoc", decomposed) == document_checksum("epoc", request_data)
    changed = dict(request_data, reference="FI-HEL-2026-000001")
    assert document_checksum("epoc", changed) != document_checksum("epoc", request_data)
    assert document_checksum("epoc_pr", request_data) != document_checksum("epoc", request_data)


def test_a_stand_alone_cover_sheet_carries_the_checksum_of_its_form():
    data = example("cover_sheet")
    assert data["form"] == "epoc"
    content = {key: value for key, value in data.items() if key != "form"}
    grouped = " ".join(document_checksum("epoc", content)[i : i + 4] for i in range(0, 64, 4))
    pages = page_texts(render("cover_sheet", data))
    assert len(pages) == 1 and grouped in pages[0]
    assert document_checksum("cover_sheet", data) == document_checksum("epoc", content)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian poppler-utils) is not installed")
def test_pages_render_to_png_for_visual_review(tmp_path, request_data):
    pdf_path = tmp_path / "epoc.pdf"
    pdf_path.write_bytes(render("epoc", request_data, lang="fi", bilingual="en", invariant=True))
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf_path), str(tmp_path / "page")], check=True, timeout=60)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(page_texts(pdf_path.read_bytes()))
    assert all(png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5000 for png in pngs)
