"""The whole story in a real browser: an investigator builds an EPOC for subscriber data to Meta from Finland and
submits it; a prosecutor approves it; the PDF downloads; the liaison officer marks it sent and sees it on the board
with a 10-day deadline; an investigator of another unit cannot open it."""

import re
from pathlib import Path

import pytest

from lawreq.demo import DEMO_PASSWORD, DEMO_TOTP
from tests.browser.steps import approve_with_step_up, next_code

pytestmark = pytest.mark.browser


def _login(page, base_url, email):
    page.wait_for_load_state("networkidle")  # a late response would set the old session cookie again
    page.context.clear_cookies()
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if email in DEMO_TOTP:
        page.wait_for_url(re.compile(r"/login/totp$"))
        page.locator("input[name=code]").fill(next_code(email))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/home$"))


def _save(page):
    page.get_by_role("button", name="Save and continue").click()


def test_epoc_from_draft_to_sent(page, base_url):
    # investigator: case → request wizard → submit
    _login(page, base_url, "investigator@demo.lawreq")
    page.goto(base_url + "/cases/new")
    page.locator("input[name=reference]").fill("E2E-2026-0001")
    page.locator("select[name=offence]").select_option("solicitation_of_children")
    page.locator("input[name=max_penalty_years]").fill("4")
    page.locator("textarea[name=summary]").fill("An adult contacted a 12-year-old through Instagram.")
    page.get_by_role("button", name="Create case").click()
    page.get_by_role("button", name="New request in this case").click()
    page.wait_for_url(re.compile(r"/wizard/target$"))
    page.locator("input[name=provider]").fill("Instagram")
    page.locator("select[name='identifiers-0-kind']").select_option("username")
    page.locator("input[name='identifiers-0-value']").fill("@Jane.Doe")
    page.locator("input[name=period_start]").fill("2026-10-01")
    page.locator("input[name=period_end]").fill("2026-11-01")
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/data$"))
    page.locator("input[name=data_categories][value=subscriber_data]").check()
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/urgency$"))
    _save(page)
    page.wait_for_url(re.compile(r"/wizard/route$"))
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
    request_url = page.url
    assert "Awaiting approval" in page.inner_text("h1")

    # prosecutor: approval queue → approve and sign
    _login(page, base_url, "prosecutor@demo.lawreq")
    request_id = request_url.rsplit("/", 1)[1]
    approve_with_step_up(page, base_url, request_id)
    page.goto(request_url)
    assert "Approved" in page.inner_text("h1")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"

    # liaison officer: mark sent → the board shows it with a 10-day response deadline
    _login(page, base_url, "liaison@demo.lawreq")
    page.goto(request_url)
    form = page.locator("form.action-form", has=page.get_by_role("button", name="Mark sent"))
    form.locator("input[name=channel]").fill("Meta LEORS")
    form.locator("input[name=provider_reference]").fill("LE-E2E-1")
    form.get_by_role("button", name="Mark sent").click()
    page.wait_for_url(request_url)
    assert "Sent" in page.inner_text("h1"), page.locator(".flash").all_inner_texts()
    deadlines = page.locator("section", has=page.get_by_role("heading", name="Deadlines")).inner_text()
    assert "Response" in deadlines and re.search(r"in (9|10) d", deadlines), deadlines
    page.goto(base_url + "/board?q=jane.doe")
    assert "E2E-2026-0001" in page.content()

    # an investigator of another unit cannot open it
    _login(page, base_url, "ermittler@demo.lawreq")
    response = page.goto(request_url)
    assert response.status == 404
