"""What was approved is what is sent, in a real browser against ``lawreq serve --demo`` (whose units have
throw-away signing keys): an investigator drafts an EPOC, the prosecutor reads it, steps up with a fresh code and
signs, the liaison officer downloads it. The bytes are the stored ones; ``lawreq forms verify`` and the public
``/verify`` page call the file genuine; one changed byte makes both say it is not."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.steps import approve_with_step_up, open_case, submit_for_approval, switch_user, walk_wizard_to_review

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def _cli_verify(live_server, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lawreq.cli", "forms", "verify", str(path)], env=live_server["env"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def _public_check(browser, base_url: str, path: Path) -> str:
    anonymous = browser.new_context()
    try:
        page = anonymous.new_page()
        page.goto(base_url + "/verify")
        page.locator("input[name=document]").set_input_files(str(path))
        page.get_by_role("button", name="Check").click()
        page.wait_for_selector("#verdict")
        return page.inner_text("#verdict")
    finally:
        anonymous.close()


def test_the_signed_document_is_the_stored_one_and_verifies(page, browser, base_url, live_server, tmp_path):
    # investigator: an EPOC drafted and submitted
    switch_user(page, base_url, "investigator@demo.lawreq")
    open_case(page, base_url, "E2E-SIGN-0001")
    walk_wizard_to_review(page, username="@Signed.Story")
    request_url = submit_for_approval(page)
    request_id = request_url.rsplit("/", 1)[1]

    # prosecutor: reads the document, steps up, signs
    switch_user(page, base_url, "prosecutor@demo.lawreq")
    shown = approve_with_step_up(page, base_url, request_id)

    # liaison officer: downloads what was signed
    switch_user(page, base_url, "liaison@demo.lawreq")
    page.goto(request_url)
    assert "Approved" in page.inner_text("h1")
    checksum = page.inner_text("#issued-sha256").strip()
    assert "PAdES B-B" in page.inner_text("#issued-documents")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download PDF")).click()
    received = Path(download.value.path()).read_bytes()

    conn = sqlite3.connect(live_server["instance"] / "lawreq.sqlite")
    try:
        stored, stored_sha = conn.execute("SELECT pdf, sha256 FROM issued_documents WHERE request_id = ? AND "
                                          "status = 'issued'", (int(request_id),)).fetchone()
    finally:
        conn.close()
    assert received == stored and hashlib.sha256(received).hexdigest() == stored_sha == checksum
    assert received.startswith(shown)  # what the prosecutor read, with the signature appended

    good = tmp_path / "received.pdf"
    good.write_bytes(received)
    result = _cli_verify(live_server, good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "GENUINE" in result.stdout and "chain trusted" in result.stdout
    assert "Demo Police Department, Finland" in result.stdout
    verdict = _public_check(browser, base_url, good)
    assert "Genuine" in verdict and "Not genuine" not in verdict and "Demo Police Department, Finland" in verdict

    changed = bytearray(received)
    changed[len(changed) // 2] ^= 0x01
    bad = tmp_path / "changed.pdf"
    bad.write_bytes(bytes(changed))
    result = _cli_verify(live_server, bad)
    assert result.returncode == 1 and "NOT GENUINE" in result.stdout
    assert "Not genuine" in _public_check(browser, base_url, bad)
