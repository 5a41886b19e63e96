"""The lean row and line flowables: they break between pages without losing or reordering a word, and the font
subset memo gives the same bytes as building the subset afresh."""

from __future__ import annotations

import io
import re

import pypdf
from reportlab.platypus import SimpleDocTemplate

from lawreq.pdf import render
from lawreq.pdf.blocks import Field, Label, Rows, Section, Tick, Ticks
from lawreq.pdf.fonts import REGULAR, register_fonts
from lawreq.pdf.layout import Layout
from tests.pdf.conftest import page_texts, pdf_text


def build(blocks) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, invariant=1, initialFontName=REGULAR).build(Layout(None).flowables(blocks))
    return buffer.getvalue()


def test_a_field_grid_longer_than_a_page_continues_on_the_next_pages_in_row_order():
    fields = [Field(Label(f"Label {n:03d}"), f"value-{n:03d}" + (" long" * 40 if n % 7 == 0 else "")) for n in range(150)]
    pdf = build([Section(Label("SECTION X: many rows")), *fields])
    pages = page_texts(pdf)
    assert len(pages) >= 3
    text = pdf_text(pdf)
    positions = [text.index(f"value-{n:03d}") for n in range(150)]
    assert positions == sorted(positions), "rows must read in order, wrapped values included"
    assert all(text.count(f"Label {n:03d}") == 1 for n in range(150)), "a split must not repeat or drop a row"
    for n in range(150):
        assert text.index(f"Label {n:03d}") < text.index(f"value-{n:03d}")


def test_a_tick_list_and_a_long_section_title_wrap_and_split_without_losing_words():
    words = " ".join(f"w{n}" for n in range(400))
    ticks = Ticks(tuple(Tick(Label(f"option {n} " + words[: 60 * (n % 5)]), n % 3 == 0) for n in range(120)),
                  Label("Tick the relevant box(es):"))
    pdf = build([Section(Label("SECTION Y: " + words)), ticks])
    text = pdf_text(pdf)
    assert len(page_texts(pdf)) >= 3
    assert re.search(r"SECTION Y: w0 w1 w2 .* w399", text)
    order = [text.index(f"option {n} ") for n in range(120)]
    assert order == sorted(order)
    assert text.count("☒") == 40 and text.count("☐") == 80


def test_bilingual_labels_keep_both_languages_in_the_lean_flowables():
    pdf = build([
        Section(Label("JAKSO A: Antava viranomainen", "SECTION A: Issuing authority")),
        Field(Label("Antava valtio", "Issuing State"), "FI"),
        Ticks((Tick(Label("Nimetty toimipaikka", "Designated establishment"), True),)),
    ])
    text = pdf_text(pdf)
    for phrase in ("JAKSO A: Antava viranomainen", "SECTION A: Issuing authority", "Antava valtio", "Issuing State",
                   "Nimetty toimipaikka", "Designated establishment"):
        assert phrase in text


def test_memoised_font_subsets_give_the_bytes_a_fresh_subset_gives(request_data):
    first = render("epoc", request_data, invariant=True)
    register_fonts()
    from reportlab.pdfbase import pdfmetrics
    face = pdfmetrics.getFont(REGULAR).face
    cached = face.makeSubset.__closure__  # the memo lives in the wrapper's closure
    assert cached is not None
    for cell in cached:
        if hasattr(cell.cell_contents, "cache_clear"):
            cell.cell_contents.cache_clear()
    assert render("epoc", request_data, invariant=True) == first
    reader = pypdf.PdfReader(io.BytesIO(first))
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in name for name in fonts)


def test_a_label_never_ends_a_page_without_the_first_line_of_its_text():
    from lawreq.pdf.flowables import Item, Lines, Run
    from lawreq.pdf.layout import LABEL_FONTS, VALUE_FONT

    lines = Lines([Item((Run("Summary of the facts", LABEL_FONTS[0]),)),
                   Item((Run("first line of the facts " * 30, VALUE_FONT),), indent=6)], keep_first=True)
    lines.wrap(400, 1000)
    assert lines.split(400, LABEL_FONTS[0].leading + 1) == []  # only the label would fit: move it all
    head, tail = lines.split(400, LABEL_FONTS[0].leading + VALUE_FONT.leading + 1)
    assert head.wrap(400, 1000)[1] + tail.wrap(400, 1000)[1] == lines.wrap(400, 1000)[1]


def test_unbreakable_values_fall_back_to_paragraphs_and_keep_every_character(request_data):
    token = "https://example.invalid/" + "a1b2c3d4" * 20
    request_data["facts_summary"] = f"Link seen in the chat: {token} (sent 2 Nov)."
    request_data["data_item_details"]["identification.ip_records"] = token
    text = pdf_text(render("epoc", request_data))
    squeezed = text.replace(" ", "")
    assert squeezed.count(token) >= 2  # wrapped by Paragraph, but nothing dropped


def test_a_rows_table_over_many_pages_repeats_its_header_and_keeps_every_row_once_in_order():
    long = "a long explanation that wraps " * 6
    rows = tuple((f"kind-{n:03d}", f"value-{n:03d}", long if n % 9 == 0 else "-") for n in range(240))
    pdf = build([Section(Label("SECTION Z: rows")), Rows((Label("Kind"), Label("Value"), Label("Note")), rows)])
    pages = page_texts(pdf)
    assert len(pages) >= 4
    assert all(page.count("Kind Value Note") == 1 for page in pages), "the header row starts every page"
    text = pdf_text(pdf)
    positions = [text.index(f"value-{n:03d}") for n in range(240)]
    assert positions == sorted(positions)
    assert all(text.count(f"kind-{n:03d}") == 1 for n in range(240)), "a split must not repeat or drop a row"
    for page in pages:  # a page never ends on a bare header
        assert re.search(r"Kind Value Note kind-\d{3}", page)
