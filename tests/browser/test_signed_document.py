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

from tests.browser.steps import approve_with_step_up
from tests.browser.test_story import _login, _save

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def _draft_and_submit(page, base_url: str) -> str:
    _login(page, base_url, "investigator@demo.lawreq")
    page.goto(base_url + "/cases/new")
    page.locator("input[name=reference]").fill("E2E-SIGN-0001")
    page.locator("select[name=offence]").select_option("solicitation_of_children")
    page.locator("input[name=max_penalty_years]").fill("4")
    page.locator("textarea[name=summary]").fill("An adult contacted a 12-year-old through Instagram.")
    page.get_by_role("button", name="Create case").click()
    page.get_by_role("button", name="New request in this case").click()
    page.wait_for_url(re.compile(r"/wizard/target$"))
    page.locator("input[name=provider]").fill("Instagram")
    page.locator("select[name='identifiers-0-kind']").select_option("username")
    page.locator("input[name='identifiers-0-value']").fill("@Signed.Story")
    page.locator("input[name=period_start]").fill("2026-10-01")
    page.locator("input[name=period_end]").fill("2026-11-01")
    _save(page)
    page.locator("input[name=data_categories][value=subscriber_data]").check()
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/urgency$"))
    _save(page)
    page.locator("input[name=route][value='eu-epoc']").check()
    page.get_by_role("button", name="Use this route").click()
    page.wait_for_url(re.compile(r"/wizard/details$"))
    page.locator("[name=facts_summary]").fill("An adult contacted a 12-year-old through Instagram.")
    page.locator("[name=legal_provisions]").fill("Criminal Code (39/1889) chapter 20 section 8b")
    page.locator("[name=necessity_proportionality]").fill("Only the subscriber data can identify the suspect.")
    page.locator("[name=time_range_start]").fill("2026-10-01T00:00")
    page.locator("[name=time_range_end]").fill("2026-11-01T00:00")
    if page.locator("select[name=language]").count():
        page.locator("select[name=language]").select_option("en")
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/review$"))
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    return page.url


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
    request_url = _draft_and_submit(page, base_url)
    request_id = request_url.rsplit("/", 1)[1]

    _login(page, base_url, "prosecutor@demo.lawreq")
    shown = approve_with_step_up(page, base_url, request_id)

    _login(page, base_url, "liaison@demo.lawreq")
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
