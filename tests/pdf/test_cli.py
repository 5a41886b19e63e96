"""`lawreq forms list|render|checksum` as a maintainer previews a form from an example file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lawreq.pdf import document_checksum
from lawreq.pdf.cli import forms_group
from lawreq.pdf.render import EXAMPLES
from tests.pdf.conftest import pdf_text


def test_list_prints_every_form_with_its_languages():
    result = CliRunner().invoke(forms_group, ["list"])
    assert result.exit_code == 0
    forms, legend = result.output.split("\n\n")
    lines = forms.splitlines()
    assert len(lines) == 13
    assert lines[0].startswith("epoc ") and "de" in lines[0]
    # how official each form's wording is travels with it, and the legend says what the statuses mean
    status = {line.split()[0]: line.split()[2] for line in lines}
    assert status["epoc"] == "partly_official" and status["annex_v"] == "reconstructed"
    assert status["us_voluntary_disclosure"] == "template"
    assert "reconstructed: structure from the legal act" in legend


def test_render_writes_the_pdf_in_the_requested_languages(tmp_path):
    out = tmp_path / "epoc.pdf"
    args = ["render", "epoc", "--input", str(EXAMPLES / "epoc.json"), "--out", str(out), "--lang", "de",
            "--bilingual", "en", "--invariant"]
    result = CliRunner().invoke(forms_group, args)
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "ABSCHNITT B: Adressat" in text and "SECTION B: Addressee" in text


def test_render_reports_missing_fields_without_writing_a_file(tmp_path):
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"reference": "X"}), encoding="utf-8")
    out = tmp_path / "bad.pdf"
    result = CliRunner().invoke(forms_group, ["render", "epoc", "--input", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "missing mandatory field(s)" in result.output and "facts_summary" in result.output
    assert not out.exists()


def test_render_rejects_a_non_object_json_file(tmp_path):
    source = tmp_path / "list.json"
    source.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(forms_group, ["render", "epoc", "--input", str(source), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "expected a JSON object" in result.output


def test_checksum_recomputes_the_cover_sheet_value():
    result = CliRunner().invoke(forms_group, ["checksum", "epoc", "--input", str(EXAMPLES / "epoc.json")])
    data = json.loads((EXAMPLES / "epoc.json").read_text(encoding="utf-8"))
    assert result.exit_code == 0 and result.output.strip() == document_checksum("epoc", data)
