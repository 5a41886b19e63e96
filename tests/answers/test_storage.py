"""A file is what its bytes are: the name must agree, and a scanner, when configured, has the last word."""

from __future__ import annotations

import pytest

from lawreq.answers import storage
from lawreq.answers.storage import UnacceptableFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 40
EML = (b"From: Lawful Requests <le-response@provider.example>\r\nTo: liaison@police.example\r\n"
       b"Subject: Your request LR-FI-2026-00007\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nPlease find attached.\r\n")
CSV = b"account_id,created_at,email\r\n1234,2019-04-01,jane@example.org\r\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.mark.parametrize(("name", "data", "code"), [("answer.pdf", PDF, "pdf"), ("DATA.ZIP", ZIP, "zip"),
                                                   ("reply.eml", EML, "eml"), ("subscriber.csv", CSV, "csv")])
def test_each_accepted_type_is_recognised_by_its_bytes(name, data, code):
    assert storage.check(name, data, 10_000).code == code


def test_a_program_renamed_to_pdf_is_refused_and_the_reason_says_what_it_is():
    with pytest.raises(UnacceptableFile, match=r"its name says \.pdf but its content is a Windows program"):
        storage.check("answer.pdf", EXE, 10_000)


def test_a_pdf_named_csv_is_refused_because_name_and_content_disagree():
    with pytest.raises(UnacceptableFile, match=r"name says CSV table \(\.csv\) but the content is a PDF document"):
        storage.check("data.csv", PDF, 10_000)


def test_an_accepted_type_under_a_foreign_extension_is_refused_with_the_right_name_to_use():
    with pytest.raises(UnacceptableFile, match=r"ends in \.exe; the content is a PDF document: rename it to \.pdf"):
        storage.check("answer.exe", PDF, 10_000)


def test_plain_prose_is_not_a_csv_and_an_html_page_is_not_an_eml():
    with pytest.raises(UnacceptableFile, match="none of the accepted types"):
        storage.check("notes.csv", b"Dear officer we have no data for you\n", 10_000)
    with pytest.raises(UnacceptableFile, match="an HTML page"):
        storage.check("reply.eml", b"<html><body>From: x</body></html>", 10_000)


def test_empty_and_oversized_files_are_refused_by_size():
    with pytest.raises(UnacceptableFile, match="empty"):
        storage.check("a.pdf", b"", 10)
    with pytest.raises(UnacceptableFile, match="at most 10 bytes"):
        storage.check("a.pdf", PDF, 10)


def test_the_scanner_decides_clean_infected_or_unscanned():
    scanner = "sh -c 'if grep -q EICAR; then echo \"stdin: Eicar-Test-Signature FOUND\"; exit 1; fi'"
    storage.scan(scanner, PDF)
    with pytest.raises(UnacceptableFile, match="found something: stdin: Eicar-Test-Signature FOUND"):
        storage.scan(scanner, PDF + b"EICAR")
    with pytest.raises(UnacceptableFile, match=r"scanner failed \(exit 2\)"):
        storage.scan("sh -c 'exit 2'", PDF)
    with pytest.raises(UnacceptableFile, match="could not check"):
        storage.scan("/nonexistent/clamdscan -", PDF)


def test_files_are_stored_once_by_their_sha256_and_verified_when_read(tmp_path):
    digest = storage.store(tmp_path, PDF)
    assert storage.store(tmp_path, PDF) == digest == storage.sha256(PDF)
    path = tmp_path / digest[:2] / digest
    assert path.read_bytes() == PDF and oct(path.stat().st_mode & 0o777) == "0o600"
    assert storage.load(tmp_path, digest) == PDF
    path.write_bytes(PDF + b"tampered")
    with pytest.raises(OSError, match="does not match"):
        storage.load(tmp_path, digest)
    with pytest.raises(ValueError):
        storage.path_for(tmp_path, "../../etc/passwd")
