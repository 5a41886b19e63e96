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

from lawreq.demo import DEMO_PASSWORD, DEMO_TOTP
from tests.browser.steps import approve_with_step_up, next_code
from tests.browser.conftest import ROOT, free_port
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


def _login(page, base_url, who):
    page.wait_for_load_state("networkidle")  # a response still in flight would set the session cookie again
    page.context.clear_cookies()
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(who)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if who in DEMO_TOTP:
        page.wait_for_url(re.compile(r"/login/totp$"))
        page.locator("input[name=code]").fill(next_code(who))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/home$"))


def approve(page, base_url, request_id):
    """The prosecutor's approval: read the document, a fresh second factor, confirm, sign."""
    approve_with_step_up(page, base_url, request_id,
                         comment="Imminent threat described; necessary and proportionate.")


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


def _save(page):
    page.get_by_role("button", name="Save and continue").click()


def test_an_emergency_from_submission_to_the_providers_answer(page, mailing_server, smtp):
    base_url = mailing_server["url"]
    _, captured = smtp

    # the liaison officer's statistics before
    _login(page, base_url, "liaison@demo.lawreq")
    before = _meta_row(page, base_url)

    # investigator: an emergency EPOC to Meta, submitted for approval
    _login(page, base_url, "investigator@demo.lawreq")
    page.goto(base_url + "/cases/new")
    page.locator("input[name=reference]").fill("E2E-2026-URGENT")
    page.locator("select[name=offence]").select_option("solicitation_of_children")
    page.locator("input[name=max_penalty_years]").fill("4")
    page.locator("textarea[name=summary]").fill("A child announced on Instagram to harm herself tonight.")
    page.get_by_role("button", name="Create case").click()
    page.get_by_role("button", name="New request in this case").click()
    page.wait_for_url(re.compile(r"/wizard/target$"))
    page.locator("input[name=provider]").fill("Instagram")
    page.locator("select[name='identifiers-0-kind']").select_option("username")
    page.locator("input[name='identifiers-0-value']").fill("@Urgent.Child")
    page.locator("input[name=period_start]").fill("2026-10-01")
    page.locator("input[name=period_end]").fill("2026-11-01")
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/data$"))
    page.locator("input[name=data_categories][value=subscriber_data]").check()
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/urgency$"))
    page.locator("input[name=emergency]").check()
    page.locator("textarea[name=emergency_justification]").fill("Announced self-harm tonight; location unknown.")
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/route$"))
    page.locator("input[name=route][value='eu-epoc']").check()
    page.get_by_role("button", name="Use this route").click()
    page.wait_for_url(re.compile(r"/wizard/details$"))
    for name, value in (("facts_summary", "A child announced self-harm on Instagram tonight."),
                        ("legal_provisions", "Criminal Code (39/1889) chapter 20 section 8b"),
                        ("necessity_proportionality", "Only the subscriber data can locate the child in time."),
                        ("time_range_start", "2026-10-01T00:00"), ("time_range_end", "2026-11-01T00:00")):
        if page.locator(f"[name={name}]").count():
            page.locator(f"[name={name}]").fill(value)
    if page.locator("select[name=language]").count():
        page.locator("select[name=language]").select_option("en")
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/review$"))
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    request_url = page.url
    request_id = request_url.rsplit("/", 1)[1]
    reference = page.inner_text("h1").split()[0]

    # prosecutor: the e-mail arrived at once, the home page shows it as urgent
    [mail] = _mails_to(captured, "prosecutor@demo.lawreq", reference)
    assert mail["Subject"].startswith("EMERGENCY:") and "waits for your approval" in mail["Subject"]
    assert f"/requests/{request_id}" in mail.get_body(("plain",)).get_content()
    _login(page, base_url, "prosecutor@demo.lawreq")
    urgent = page.locator(".urgent-notifications")
    assert "EMERGENCY" in urgent.inner_text() and reference in urgent.inner_text()
    approve(page, base_url, request_id)

    # liaison officer: told it is ready to send; marks it sent
    _login(page, base_url, "liaison@demo.lawreq")
    page.goto(base_url + "/notifications")
    assert re.search(rf"{re.escape(reference)} is approved: send it", page.content())
    page.goto(request_url)
    form = page.locator("form.action-form", has=page.get_by_role("button", name="Mark sent"))
    form.locator("input[name=channel]").fill("Meta LEORS (emergency)")
    form.get_by_role("button", name="Mark sent").click()
    page.wait_for_url(request_url)
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
