"""The team's day in a real browser, against a real ``lawreq serve --demo`` that mails to an aiosmtpd server: an
investigator submits an emergency; the prosecutor sees it as urgent in-app and gets the e-mail at once, approves;
the liaison officer is told it is ready, marks it sent, puts the provider's answer on file, records the outcome
per identifier, and the statistics count it."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.browser.conftest import ROOT, free_port
from tests.browser.steps import (approve_with_step_up, mark_sent, open_case, submit_for_approval, switch_user,
                                 walk_wizard_to_review)
from tests.deadlines.test_mail import Capture

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(scope="module")
def smtp():
    handler = Capture()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture(scope="module")
def mailing_server(demo_server, smtp):
    """``lawreq serve --demo`` of its own, with SMTP pointing at the test's aiosmtpd server."""
    controller, _ = smtp
    return demo_server(PASSWORD_HASH_PROFILE="cheapest", SMTP_HOST="127.0.0.1", SMTP_PORT=str(controller.port),
                       SMTP_SECURITY="none", SMTP_FROM="lawreq@demo.lawreq")


def _mails_to(captured, rcpt, reference, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in (email.message_from_bytes(raw, policy=policy.default)
                             for _, rcpts, raw in list(captured.messages) if rcpt in rcpts)
                 if reference in m["Subject"]]
        if found:
            return found
        time.sleep(0.2)
    return []


def _meta_row(page, base_url):
    page.goto(base_url + "/board/statistics?days=365")
    # the board names a provider (i18n's stat_key), not its id
    return page.locator("#table-provider tr",
                        has=page.locator("th", has_text=re.compile(r"^Meta Platforms$"))).inner_text()


def test_an_emergency_from_submission_to_the_providers_answer(page, mailing_server, smtp):
    base_url = mailing_server["url"]
    _, captured = smtp

    # the liaison officer's statistics before
    switch_user(page, base_url, "liaison@demo.lawreq")
    before = _meta_row(page, base_url)

    # investigator: an emergency EPOC to Meta, submitted for approval
    switch_user(page, base_url, "investigator@demo.lawreq")
    open_case(page, base_url, "E2E-2026-URGENT", summary="A child announced on Instagram to harm herself tonight.")
    walk_wizard_to_review(page, username="@Urgent.Child", facts="A child announced self-harm on Instagram tonight.",
                          necessity="Only the subscriber data can locate the child in time.",
                          emergency="Announced self-harm tonight; location unknown.")
    request_url = submit_for_approval(page)
    request_id = request_url.rsplit("/", 1)[1]
    reference = page.inner_text("h1").split()[0]

    # prosecutor: the e-mail arrived at once, the home page shows it as urgent
    [mail] = _mails_to(captured, "prosecutor@demo.lawreq", reference)
    assert mail["Subject"].startswith("EMERGENCY:") and "waits for your approval" in mail["Subject"]
    assert f"/requests/{request_id}" in mail.get_body(("plain",)).get_content()
    switch_user(page, base_url, "prosecutor@demo.lawreq")
    urgent = page.locator(".urgent-notifications")
    assert "EMERGENCY" in urgent.inner_text() and reference in urgent.inner_text()
    approve_with_step_up(page, base_url, request_id, comment="Imminent threat described; necessary and proportionate.")

    # liaison officer: told it is ready to send; marks it sent
    switch_user(page, base_url, "liaison@demo.lawreq")
    page.goto(base_url + "/notifications")
    assert re.search(rf"{re.escape(reference)} is approved: send it", page.content())
    mark_sent(page, request_url, channel="Meta LEORS (emergency)")
    assert "Sent" in page.inner_text("h1")

    # the provider's answer on file: a forged file is refused, the PDF is kept
    page.locator("#answer-file").set_input_files({"name": "answer.pdf", "mimeType": "application/pdf",
                                                  "buffer": b"MZ\x90\x00not a pdf at all"})
    page.get_by_role("button", name="Put on file").click()
    assert "its content is a Windows program" in page.locator(".flash").first.inner_text()
    page.locator("#answer-file").set_input_files({"name": "meta-answer.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF})
    page.get_by_role("button", name="Put on file").click()
    assert "meta-answer.pdf is on file" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="meta-answer.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF

    # the outcome for the one identifier: data produced → fulfilled
    page.locator("select[name=outcome-0]").select_option("data_produced")
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_url(re.compile(rf"/requests/{request_id}"))
    assert "Fulfilled" in page.inner_text("h1")

    # the statistics page reads the scheduler's snapshots; this server runs without a scheduler, so refresh them
    # as a cron'd `lawreq scheduler --once` would, then read the page again
    subprocess.run([sys.executable, "-m", "lawreq.cli", "stats", "rebuild"], env=mailing_server["env"], check=True,
                   cwd=ROOT, capture_output=True, timeout=120)
    after = _meta_row(page, base_url)
    assert before != after
    sent_before, answered_before = (int(x) for x in before.split("\t")[1:3])
    sent_after, answered_after = (int(x) for x in after.split("\t")[1:3])
    assert (sent_after, answered_after) == (sent_before + 1, answered_before + 1)
